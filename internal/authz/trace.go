package authz

import (
	"strconv"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// The trace of an evaluation is recorded in a compact, pointer-free form
// (issue 3, performance): one 8-byte ctrace per statement, an extension
// record for the statements with missing keys or a condition's reason, a
// policy table and a string table per result (missing keys and the rare
// reasons that are neither constants nor a compiled condition's). Every fact of a StatementTrace is
// computed during the evaluation (nothing is short-circuited); Statements
// only spells the records out as StatementTrace values. A result therefore
// costs one small allocation with few pointers, instead of a 152-byte,
// seven-pointer record per statement that the garbage collector had to
// scan and write-barrier.

// Statement outcome flags (ctrace.flags).
const (
	fMatched uint8 = 1 << iota
	fAction
	fResource
	fPrincipal
	fCondsMet
	fFailClosed
)

// Reason codes (ctrace.reason). rcWhy and rcFailClosed take their text from
// the result's string table (ctrace.why).
const (
	rcNone uint8 = iota
	rcMatched
	rcEffect
	rcNoAction
	rcAction
	rcNotAction
	rcNoResource
	rcResource
	rcNotResource
	rcPrincipal
	rcNotPrincipal
	rcNPBoundary
	rcWhy        // strs[why]
	rcFailClosed // reasonFailClosedDeny + strs[why]
)

var reasonText = [...]string{
	rcNone:         "",
	rcMatched:      reasonMatched,
	rcEffect:       reasonEffect,
	rcNoAction:     reasonNoAction,
	rcAction:       reasonAction,
	rcNotAction:    reasonNotAction,
	rcNoResource:   reasonNoResource,
	rcResource:     reasonResource,
	rcNotResource:  reasonNotResource,
	rcPrincipal:    reasonPrincipal,
	rcNotPrincipal: reasonNotPrincipal,
	rcNPBoundary:   reasonNPBoundary,
}

// Match class codes (ctrace.class).
var classOf = [...]MatchClass{ClassNone, ClassDirect, ClassRoleOfSession, ClassUserOfFederated, ClassAccount}

func classCode(c MatchClass) uint8 {
	switch c {
	case ClassDirect:
		return 1
	case ClassRoleOfSession:
		return 2
	case ClassUserOfFederated:
		return 3
	case ClassAccount:
		return 4
	}
	return 0
}

// ctrace is one statement's outcome. Traces follow the policy table: the
// first pols[0].n traces are pols[0]'s statements in order, and so on.
type ctrace struct {
	flags  uint8
	class  uint8
	cond   uint8 // CondResult
	reason uint8
	ext    uint32 // 0, or 1 + index into Result.exts (missing keys, reason text)
}

// cext is the rarer part of a statement's outcome.
type cext struct {
	ka, kb uint32 // the statement's missing keys: strs[ka:kb]
	// why (rcWhy, rcFailClosed) is an index into strs, or whyCond | the
	// condition's index << 4 | a reason kind (rk*, or rkUnknown): the
	// reason pre-built by the compiled condition.
	why uint32
}

const (
	whyCond   = 1 << 31
	rkUnknown = 15 // cCond.unknown
)

// condWhy is the cext.why of reason kind rk of condition ci.
func condWhy(ci int, rk uint8) uint32 { return whyCond | uint32(ci)<<4 | uint32(rk) }

// whyText returns the reason recorded as why for statement s of tp.
func (r *Result) whyText(why uint32, tp *tracePol, s int) string {
	return whyTextIn(r.sss(), why, tp, s)
}

// whyTextIn is the reason recorded as why (string table strs) for
// statement s of tp.
func whyTextIn(strs []string, why uint32, tp *tracePol, s int) string {
	if why&whyCond == 0 {
		return strs[why]
	}
	return condReason(tp.p, s, int(why&^whyCond>>4), uint8(why&15))
}

// condReason is the pre-built reason of kind rk of condition ci of
// statement s of p (from its compiled form).
func condReason(p *policy.Policy, s, ci int, rk uint8) string {
	if s >= len(p.Statements) {
		return ""
	}
	cp := compiledFor(p, p.VariablesEnabled())
	if s >= len(cp.stmts) || ci >= len(cp.stmts[s].conds) {
		return ""
	}
	cc := &cp.stmts[s].conds[ci]
	if rk == rkUnknown {
		return cc.unknown
	}
	return cc.reasons[rk]
}

// Policy layer codes (tracePol.layer); plResource stands for the result's
// resource-policy layer name (Input.ResourceLayer).
const (
	plRCP uint8 = iota
	plSCP
	plVPCE
	plResource
	plIdentity
	plBoundary
	plSession
)

// plGrant is a resource-grant layer (clayer.name names it).
const plGrant uint8 = 7

// tracePol is one evaluated policy, its layer and its place in the layer
// (from the evaluation plan: eachPol). Policies are immutable
// once evaluated (compiled.go), so the traces read their statements, and
// their number, from it.
type tracePol struct {
	p        *policy.Policy
	idx, sub int32
	n        uint32 // number of statements (traces) evaluated
	layer    uint8
	ent      *planEnt
}

func (r *Result) polLayer(tp *tracePol) Layer {
	if tp.layer == plResource {
		return r.resourceLayer()
	}
	return layerNameOf(tp.layer, "")
}

// layerNameOf is the name of policy layer pl; res names the resource
// policy's layer (Input.ResourceLayer).
func layerNameOf(pl uint8, res Layer) Layer {
	switch pl {
	case plRCP:
		return LayerRCP
	case plSCP:
		return LayerSCP
	case plVPCE:
		return LayerVPCE
	case plIdentity:
		return LayerIdentity
	case plBoundary:
		return LayerBoundary
	case plSession:
		return LayerSession
	}
	return res
}

// Resource-policy layer names (Result.resLay; larger values are 1 + an
// index into strs).
var resLayers = [...]Layer{LayerResource, LayerAccessPoint, LayerKeyPolicy}

func (r *Result) resourceLayer() Layer {
	if int(r.resLay) < len(resLayers) {
		return resLayers[r.resLay]
	}
	return Layer(r.sss()[int(r.resLay)-len(resLayers)])
}

// NumStatements is the number of statements evaluated (len(r.Statements())
// without building the traces).
func (r *Result) NumStatements() int { return int(r.nt) }

// Statements returns the trace of every statement evaluated, matched or
// not, in evaluation order (the evaluator does not short-circuit). The
// slice is new on every call and belongs to the caller; the MissingKeys of
// each trace share the result's storage and must not be modified.
func (r *Result) Statements() []StatementTrace {
	return r.spellAll(false)
}

// Matched returns the statements that matched the request.
func (r *Result) Matched() []StatementTrace {
	return r.spellAll(true)
}

// EachMatched calls fn with each statement that matched, in evaluation
// order, without building a slice.
func (r *Result) EachMatched(fn func(t StatementTrace)) {
	traces := r.trs()
	i := 0
	eachPol(r.plan, r.lmask, func(tp tracePol) bool {
		for s := 0; s < int(tp.n) && i < len(traces); s, i = s+1, i+1 {
			if ct := &traces[i]; ct.flags&fMatched != 0 {
				var t StatementTrace
				r.spell(ct, &tp, s, &t)
				fn(t)
			}
		}
		return true
	})
}

// spellAll spells out every trace, or the matched ones.
func (r *Result) spellAll(matchedOnly bool) []StatementTrace {
	n := int(r.nt)
	if matchedOnly {
		n = r.NumMatched()
	}
	if n == 0 {
		return nil
	}
	out := make([]StatementTrace, 0, n)
	traces := r.trs()
	i := 0
	eachPol(r.plan, r.lmask, func(tp tracePol) bool {
		for s := 0; s < int(tp.n) && i < len(traces); s, i = s+1, i+1 {
			ct := &traces[i]
			if matchedOnly && ct.flags&fMatched == 0 {
				continue
			}
			out = append(out, StatementTrace{})
			r.spell(ct, &tp, s, &out[len(out)-1])
		}
		return true
	})
	return out
}

// spell writes into t the StatementTrace of ct, statement s of tp.
func (r *Result) spell(ct *ctrace, tp *tracePol, s int, t *StatementTrace) {
	t.Layer = r.polLayer(tp)
	t.PolicyIndex = int(tp.idx)
	t.SubIndex = int(tp.sub)
	if s < len(tp.p.Statements) {
		st := &tp.p.Statements[s]
		t.Stmt = st
		t.StatementIndex = st.Index
		t.Sid = st.Sid
		t.Effect = st.Effect
	}
	f := ct.flags
	t.Matched = f&fMatched != 0
	t.ActionMatched = f&fAction != 0
	t.ResourceMatched = f&fResource != 0
	t.PrincipalMatched = f&fPrincipal != 0
	t.ConditionsMet = f&fCondsMet != 0
	t.FailClosed = f&fFailClosed != 0
	t.PrincipalClass = classOf[ct.class]
	t.Conditions = CondResult(ct.cond)
	t.Reason = r.reasonOf(ct, tp, s)
	if ct.ext != 0 {
		if x := &r.xss()[ct.ext-1]; x.kb > x.ka {
			t.MissingKeys = r.sss()[x.ka:x.kb:x.kb]
		}
	}
}

func (r *Result) reasonOf(ct *ctrace, tp *tracePol, s int) string {
	switch ct.reason {
	case rcWhy:
		return r.whyText(r.xss()[ct.ext-1].why, tp, s)
	case rcFailClosed:
		return reasonFailClosedDeny + r.whyText(r.xss()[ct.ext-1].why, tp, s)
	}
	return reasonText[ct.reason]
}

// NumMatched is the number of statements that matched (len(r.Matched())
// without building the traces).
func (r *Result) NumMatched() int {
	n := 0
	for _, ct := range r.trs() {
		if ct.flags&fMatched != 0 {
			n++
		}
	}
	return n
}

// Layer verdict codes (clayer.verdict).
const (
	lvNotApplicable uint8 = iota
	lvDeny
	lvAllow
	lvNoMatch
)

var verdictOf = [...]LayerVerdict{lvNotApplicable: VerdictNotApplicable, lvDeny: VerdictDeny, lvAllow: VerdictAllow, lvNoMatch: VerdictNoMatch}

// Layer detail codes (clayer.detail).
const (
	dcNone       uint8 = iota
	dcStr              // strs[arg]
	dcLevel            // level arg has no matching Allow
	dcAllowClass       // an Allow matches, principal class classOf[arg]
	dcNoRCP
	dcRCPSLR
	dcNoSCP
	dcSCPMgmt
	dcSCPSLR
	dcNoVPCE
	dcNoRP
	dcNoPB
	dcNoSP
	dcFedNoPolicy
	dcDeny
	dcAllow
	dcNoMatch
	dcRootExempt
)

var detailText = [...]string{
	dcNoRCP:       "no resource control policies given",
	dcRCPSLR:      "RCPs do not apply to service-linked roles",
	dcNoSCP:       "no service control policies given",
	dcSCPMgmt:     "SCPs do not apply to principals of the management account",
	dcSCPSLR:      "SCPs do not apply to service-linked roles",
	dcNoVPCE:      "request does not traverse a VPC endpoint",
	dcNoRP:        "no resource policy given",
	dcNoPB:        "no permissions boundary",
	dcNoSP:        "no session policy",
	dcFedNoPolicy: "no session policy: a GetFederationToken session without one has no permissions, except grants naming the federated user directly",
	dcDeny:        "a Deny statement matches",
	dcAllow:       "an Allow statement matches",
	dcNoMatch:     "no statement matches",
	dcRootExempt:  "Deny statements ignored for the resource owner's root user (spec 1.9)",
	dcAllowClass:  "",
	dcLevel:       "",
	dcStr:         "",
	dcNone:        "",
}

// clayer is one layer's verdict.
type clayer struct {
	// dcLevel: the level; dcAllowClass: the class code; dcStr: index into
	// strs of the detail (for plGrant, strs[arg-1] is the layer's name)
	arg     uint32
	pl      uint8
	verdict uint8
	detail  uint8
}

// allowClassDetail is the dcAllowClass detail by class code.
var allowClassDetail = [...]string{
	"an Allow statement matches (principal class )",
	"an Allow statement matches (principal class " + string(ClassDirect) + ")",
	"an Allow statement matches (principal class " + string(ClassRoleOfSession) + ")",
	"an Allow statement matches (principal class " + string(ClassUserOfFederated) + ")",
	"an Allow statement matches (principal class " + string(ClassAccount) + ")",
}

// NumLayers is the number of layer verdicts (len(r.Layers())).
func (r *Result) NumLayers() int { return int(r.nl) }

// Layers returns every layer's own verdict, in the order RCP, SCP, VPC
// endpoint, resource policy, resource grants (ACL), identity, permissions
// boundary, session policy. The slice is new on every call.
func (r *Result) Layers() []LayerResult {
	if r.nl == 0 {
		return nil
	}
	out := make([]LayerResult, r.nl)
	for i := range out {
		out[i] = r.LayerAt(i)
	}
	return out
}

// LayerAt returns the i-th layer verdict of Layers.
func (r *Result) LayerAt(i int) LayerResult {
	cl := &r.lys()[i]
	lr := LayerResult{Layer: r.verdictLayer(cl), Result: verdictOf[cl.verdict]}
	switch cl.detail {
	case dcStr:
		lr.Detail = r.sss()[cl.arg]
	case dcLevel:
		lr.Detail = "level " + strconv.Itoa(int(cl.arg)) + " has no matching Allow"
	case dcAllowClass:
		lr.Detail = allowClassDetail[cl.arg]
	default:
		lr.Detail = detailText[cl.detail]
	}
	return lr
}

// Verdict returns the verdict of layer l (the first entry naming it), and
// false when no entry names it.
func (r *Result) Verdict(l Layer) (LayerVerdict, bool) {
	lys := r.lys()
	for i := range lys {
		if r.verdictLayer(&lys[i]) == l {
			return verdictOf[lys[i].verdict], true
		}
	}
	return "", false
}

// verdictLayer is the name of the layer of verdict cl.
func (r *Result) verdictLayer(cl *clayer) Layer {
	switch cl.pl {
	case plGrant:
		return Layer(r.sss()[cl.arg-1])
	case plResource:
		return r.resourceLayer()
	}
	return layerNameOf(cl.pl, "")
}

// resourceLayerCode returns the Result.resLay code of layer l, -1 when it
// is not one of resLayers (its name then goes to the string table).
func resourceLayerCode(l Layer) int {
	for i, x := range resLayers {
		if x == l {
			return i
		}
	}
	return -1
}
