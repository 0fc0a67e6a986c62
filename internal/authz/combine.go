package authz

import (
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// evaluator accumulates the traces of every layer into the result's
// buffers. The buffers are full-length slices with separate counts, so that
// adding a record writes no slice header (a pointer store through e would
// run the garbage collector's write barrier while it marks).
type evaluator struct {
	req      Request // a copy: keeping a pointer to evaluateInto's copy would move it to the heap
	ra       reqAction
	ref      bool  // reference (uncompiled) matchers
	actID    int32 // actionID of the request action (-1: none)
	resLayer Layer
	resLay   uint32 // resLayer's code (resourceLayer)
	// The policy being evaluated: its variables switch and layer code.
	vars bool
	pl   uint8

	tr []ctrace // traces: tr[:nt]
	xs []cext   // extensions: xs[:nx]
	ly []clayer // layer verdicts: ly[:nl]
	// plan lists the policies; cur is the entry of the next policy run
	// evaluates, lmask the layers evaluated.
	plan  *plan
	cur   int32
	lmask uint16
	// ss holds every statement's missing keys and the rare reasons that
	// are neither constants nor a compiled condition's: ss[:ns].
	ss             []string
	nt, nx, nl, ns int
	// glob: the request-wide missing keys, de-duplicated
	// case-insensitively, in reading order (beyond 8 in over).
	glob [8]string
	ng   int
	over []string
}

// start prepares e, whose req is set, for an evaluation into res (whose
// counts are zero): resLayer names the resource policy's layer.
func (e *evaluator) start(ref bool, res *Result, resLayer Layer) {
	e.ref = ref
	e.ra.init(e.req.Action)
	e.actID = -1
	if !ref {
		e.actID = actionID(e.ra.full())
	}
	e.tr, e.xs, e.ly, e.ss = res.tr[:], res.xs[:], res.ly[:], res.ss[:]
	e.resLayer = resLayer
	if res.more != nil {
		e.useMore(res.more)
	}
	if c := resourceLayerCode(resLayer); c >= 0 {
		e.resLay = uint32(c)
	} else {
		e.resLay = uint32(len(resLayers)) + e.addStr(string(resLayer))
	}
}

// useMore takes the larger buffers of an earlier request (EvaluateInto).
func (e *evaluator) useMore(m *resultMore) {
	{
		// Larger buffers of an earlier request (EvaluateInto).
		if m.tr != nil {
			e.tr = m.tr
		}
		if m.xs != nil {
			e.xs = m.xs
		}
		if m.ly != nil {
			e.ly = m.ly
		}
		if m.ss != nil {
			e.ss = m.ss
		}
	}
}

func (e *evaluator) layerName(pl uint8) Layer { return layerNameOf(pl, e.resLayer) }

// roomTraces makes room for n more traces.
func (e *evaluator) roomTraces(n int) {
	if e.nt+n > len(e.tr) {
		t := make([]ctrace, max(2*len(e.tr), e.nt+n))
		copy(t, e.tr[:e.nt])
		e.tr = t
	}
}

// addTraces appends cts to the traces.
func (e *evaluator) addTraces(cts []ctrace) {
	e.roomTraces(len(cts))
	copy(e.tr[e.nt:], cts)
	e.nt += len(cts)
}

// enter starts the evaluation of layer pl (its plan entries).
func (e *evaluator) enter(pl uint8) {
	e.cur = e.plan.first[pl]
	e.lmask |= 1 << pl
}

// addLayer appends a layer verdict.
func (e *evaluator) addLayer(cl clayer) {
	if e.nl == len(e.ly) {
		t := make([]clayer, 2*len(e.ly))
		copy(t, e.ly[:e.nl])
		e.ly = t
	}
	e.ly[e.nl] = cl
	e.nl++
}

// roomStrs makes room for n more strings.
func (e *evaluator) roomStrs(n int) {
	if e.ns+n > len(e.ss) {
		t := make([]string, max(2*len(e.ss), e.ns+n))
		copy(t, e.ss[:e.ns])
		e.ss = t
	}
}

// keysBuf returns an empty slice at the end of the string table, for the
// missing keys of a statement (setKeys records them).
func (e *evaluator) keysBuf() []string {
	return e.ss[e.ns:e.ns]
}

// setKeys records keys, built by appending to keysBuf(), as the missing
// keys of ct, and adds them to the request-wide list.
func (e *evaluator) setKeys(ct *ctrace, keys []string) {
	if len(keys) == 0 {
		return
	}
	start := e.ns
	if start >= len(e.ss) || &e.ss[start] != &keys[0] {
		// The keys outgrew the table: copy them in.
		e.roomStrs(len(keys))
		copy(e.ss[start:], keys)
	}
	e.ns += len(keys)
	x := e.ext(ct)
	x.ka, x.kb = uint32(start), uint32(e.ns)
	for _, k := range keys {
		e.addGlobal(k)
	}
}

// addStr appends s to the string table and returns its index.
func (e *evaluator) addStr(s string) uint32 {
	e.roomStrs(1)
	e.ss[e.ns] = s
	e.ns++
	return uint32(e.ns - 1)
}

// setWhy gives ct the reason code rc with the text s, or with the reason
// pre-built by its compiled condition (ref >= 0: condWhy).
func (e *evaluator) setWhy(ct *ctrace, rc uint8, s string, ref int64) {
	ct.reason = rc
	var w uint32
	if ref >= 0 {
		w = uint32(ref)
	} else {
		w = e.addStr(s)
	}
	e.ext(ct).why = w
}

// ext returns ct's extension record, adding one if it has none.
func (e *evaluator) ext(ct *ctrace) *cext {
	if ct.ext == 0 {
		if e.nx == len(e.xs) {
			t := make([]cext, 2*len(e.xs))
			copy(t, e.xs[:e.nx])
			e.xs = t
		}
		e.xs[e.nx] = cext{}
		e.nx++
		ct.ext = uint32(e.nx)
	}
	return &e.xs[ct.ext-1]
}

// whyText is Result.whyText during the evaluation.
func (e *evaluator) whyText(why uint32, tp *tracePol, s int) string {
	return whyTextIn(e.ss, why, tp, s)
}

// addGlobal adds k to the request-wide list unless present (case-insensitively).
func (e *evaluator) addGlobal(k string) {
	for _, x := range e.glob[:e.ng] {
		if strings.EqualFold(x, k) {
			return
		}
	}
	for _, x := range e.over {
		if strings.EqualFold(x, k) {
			return
		}
	}
	if e.ng < len(e.glob) {
		e.glob[e.ng] = k
		e.ng++
		return
	}
	e.over = append(e.over, k)
}

// finish moves the records into res; the request-wide missing keys follow
// the string table (sorted when sorted is set).
func (e *evaluator) finish(res *Result, sorted bool) {
	n := e.ns
	g := e.ng + len(e.over)
	if g > 0 {
		e.roomStrs(g)
		copy(e.ss[n:], e.glob[:e.ng])
		copy(e.ss[n+e.ng:], e.over)
	}
	res.nt, res.nx, res.nl, res.ns = uint32(e.nt), uint32(e.nx), uint32(e.nl), uint32(n+g)
	res.resLay, res.plan, res.lmask = e.resLay, e.plan, e.lmask
	// Buffers that outgrew the inline arrays go to res.more.
	grown := func(inline, buf int) bool { return buf > inline }
	if grown(len(res.tr), len(e.tr)) || grown(len(res.xs), len(e.xs)) || grown(len(res.ly), len(e.ly)) || grown(len(res.ss), len(e.ss)) {
		m := res.more
		if m == nil {
			m = new(resultMore)
			res.more = m
		}
		if grown(len(res.tr), len(e.tr)) {
			m.tr = e.tr
		}
		if grown(len(res.xs), len(e.xs)) {
			m.xs = e.xs
		}
		if grown(len(res.ly), len(e.ly)) {
			m.ly = e.ly
		}
		if grown(len(res.ss), len(e.ss)) {
			m.ss = e.ss
		}
	}
	if g > 0 {
		res.MissingKeys = e.ss[n : n+g : n+g]
		if sorted {
			sortStrings(res.MissingKeys)
		}
	}
}

// sortStrings sorts a short list in place (insertion sort; sort.Strings
// beyond 8 entries).
func sortStrings(l []string) {
	if len(l) > 8 {
		sort.Strings(l)
		return
	}
	for i := 1; i < len(l); i++ {
		for j := i; j > 0 && l[j] < l[j-1]; j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
}

// layerSums are the layers' own outcomes: s by layer code (the SCP and RCP
// chains: a Deny anywhere, an Allow at every level), and the first level
// without an Allow of the RCP (missing[0]) and SCP (missing[1]) chains, -1
// when every level allows.
type layerSums struct {
	s       [plSession + 1]polSummary
	missing [2]int
}

// evalEach evaluates the policies of the layers in mask one by one (the
// reference path, and requests without a request plan).
func (e *evaluator) evalEach(in *Input, mask uint16, ls *layerSums) {
	ls.missing = [2]int{-1, -1}
	for l := plRCP; l <= plSession; l++ {
		if mask&(1<<l) == 0 {
			continue
		}
		switch l {
		case plRCP:
			ls.s[l].Deny, ls.missing[0] = e.chain(in.RCPs, l)
		case plSCP:
			ls.s[l].Deny, ls.missing[1] = e.chain(in.SCPs, l)
		case plIdentity:
			e.enter(l)
			for _, pol := range in.Identity {
				pe := e.run(pol, l)
				ls.s[l].Allow = ls.s[l].Allow || pe.Allow
				ls.s[l].Deny = ls.s[l].Deny || pe.Deny
			}
		default:
			e.enter(l)
			ls.s[l] = e.run(in.single(l), l)
		}
	}
}

// single returns the policy of a one-policy layer (VPC endpoint, resource,
// boundary, session).
func (in *Input) single(l uint8) *policy.Policy {
	switch l {
	case plVPCE:
		return in.VPCE
	case plResource:
		return in.Resource
	case plBoundary:
		return in.Boundary
	case plSession:
		return in.Session
	}
	return nil
}

// layerEval is the summary of one layer (possibly several policies).
type layerEval struct {
	applies bool
	allow   bool
	deny    bool
	class   MatchClass
	// detail says why the layer does not apply: a detail code, or dcStr
	// with the text in dstr.
	detail uint8
	dstr   string
}

// verdict returns the compact verdict of layer pl (with its detail).
func (e *evaluator) verdict(pl uint8, le *layerEval) clayer {
	cl := clayer{pl: pl, detail: le.detail}
	switch {
	case !le.applies:
		cl.verdict = lvNotApplicable
		if le.detail == dcStr {
			cl.arg = e.addStr(le.dstr)
		}
	case le.deny:
		cl.verdict, cl.detail = lvDeny, dcDeny
	case le.allow:
		cl.verdict, cl.detail = lvAllow, dcAllow
	default:
		cl.verdict, cl.detail = lvNoMatch, dcNoMatch
	}
	return cl
}

// chain evaluates an SCP or RCP chain: a Deny anywhere denies; every level
// needs a matching Allow (spec 1.6). missingLevel is the first level without
// an Allow, -1 when every level allows.
func (e *evaluator) chain(levels [][]*policy.Policy, pl uint8) (deny bool, missingLevel int) {
	missingLevel = -1
	e.enter(pl)
	for li, level := range levels {
		levelAllow := false
		for _, p := range level {
			pe := e.run(p, pl)
			deny = deny || pe.Deny
			levelAllow = levelAllow || pe.Allow
		}
		if !levelAllow && missingLevel < 0 {
			missingLevel = li
		}
	}
	return deny, missingLevel
}

// entry returns the plan entry at the cursor when it is p's, nil otherwise.
func (e *evaluator) entry(p *policy.Policy) *planEnt {
	if int(e.cur) < len(e.plan.ents) && e.plan.ents[e.cur].p == p {
		return &e.plan.ents[e.cur]
	}
	return nil
}

func isIAMPrincipal(k PrincipalKind) bool {
	return k == IAMUser || k == RoleSession || k == Role || k == FederatedUser
}

// Evaluate runs the layer combination of spec 1.3 steps 1-3: the
// explicit-deny pass over every applicable layer, the guardrail Allow checks
// (each SCP and RCP level, the VPC endpoint policy) and grant determination
// (anonymous, service, root, same-account union with match classes,
// cross-account intersection). Every statement of every layer is evaluated
// and traced.
func Evaluate(in *Input) *Result {
	return EvaluateInto(in, nil)
}

// EvaluateInto is Evaluate writing into res (allocated when nil) and reusing
// its storage (and any larger buffers it grew), for callers that evaluate
// many requests and consume each result before the next one (the previous
// content of res, including the MissingKeys of its traces, is overwritten).
func EvaluateInto(in *Input, res *Result) *Result {
	return evaluateInto(in, res, false)
}

// evaluateInto is EvaluateInto; ref selects the reference (uncompiled)
// matchers, kept for differential tests.
func evaluateInto(in *Input, res *Result, ref bool) *Result {
	if res == nil {
		res = new(Result)
	} else {
		// Reuse: the records are overwritten (their counts start at zero),
		// the buffers of res.more are reused.
		res.Decision, res.Layer, res.Reason, res.MissingKeys = "", "", "", nil
		res.nt, res.nx, res.nl, res.ns, res.resLay, res.plan, res.lmask = 0, 0, 0, 0, 0, nil, 0
	}
	var e evaluator
	e.req = in.Request // a copy: HasBoundary may be set below
	p := &e.req.Principal
	if p.Partition == "" {
		p.Partition = "aws"
	}
	if e.req.ResourceAccount == "" {
		e.req.ResourceAccount = p.Account
	}
	kind := p.Kind
	iam := isIAMPrincipal(kind)
	boundaryApplies := iam && in.Boundary != nil
	if boundaryApplies {
		p.HasBoundary = true
	}
	// A GetFederationToken session without a session policy has no
	// permissions except grants that name it directly (spec 1.3, E5): its
	// session layer applies and allows nothing.
	fedNoPolicy := kind == FederatedUser && in.Session == nil
	sessionApplies := (in.Session != nil && (kind == RoleSession || kind == Role)) || kind == FederatedUser
	resLayer := in.ResourceLayer
	if resLayer == "" {
		resLayer = LayerResource
	}

	e.start(ref, res, resLayer)
	e.plan = planFor(in)

	// ---- applicability -------------------------------------------------
	rcp := layerEval{applies: len(in.RCPs) > 0 && !in.RCPExempt && !p.ServiceLinkedRole}
	switch {
	case len(in.RCPs) == 0:
		rcp.detail = dcNoRCP
	case in.RCPExempt:
		rcp.detail, rcp.dstr = dcStr, "RCPs do not apply: "+in.RCPExemptReason
	case p.ServiceLinkedRole:
		rcp.detail = dcRCPSLR
	}
	scp := layerEval{applies: len(in.SCPs) > 0 && !in.SCPExempt && kind != Anonymous && kind != Service && !p.ManagementAccount && !p.ServiceLinkedRole}
	switch {
	case len(in.SCPs) == 0:
		scp.detail = dcNoSCP
	case in.SCPExempt:
		scp.detail, scp.dstr = dcStr, "SCPs do not apply: "+in.SCPExemptReason
	case kind == Anonymous || kind == Service:
		scp.detail, scp.dstr = dcStr, "SCPs do not apply to "+string(kind)+" callers"
	case p.ManagementAccount:
		scp.detail = dcSCPMgmt
	case p.ServiceLinkedRole:
		scp.detail = dcSCPSLR
	}

	vpce := layerEval{applies: in.VPCE != nil, detail: dcNoVPCE}
	rp := layerEval{applies: in.Resource != nil, detail: dcNoRP}
	id := layerEval{applies: iam}
	if !iam {
		id.detail, id.dstr = dcStr, "identity policies do not apply to "+string(kind)+" callers"
	}
	pb := layerEval{applies: boundaryApplies, detail: dcNoPB}
	sp := layerEval{applies: sessionApplies, detail: dcNoSP}
	if fedNoPolicy {
		sp.detail = dcFedNoPolicy
	}

	// ---- evaluate every layer (no short-circuit) ---------------------------
	var mask uint16 // the layers whose policies are evaluated
	for _, l := range [...]struct {
		on bool
		pl uint8
	}{{rcp.applies, plRCP}, {scp.applies, plSCP}, {vpce.applies, plVPCE}, {rp.applies, plResource}, {iam, plIdentity}, {pb.applies, plBoundary}, {sp.applies && in.Session != nil, plSession}} {
		if l.on {
			mask |= 1 << l.pl
		}
	}
	var ls layerSums
	if !e.evalPlanned(in, mask, &ls) {
		e.evalEach(in, mask, &ls)
	}
	rcpMissing, scpMissing := ls.missing[0], ls.missing[1]
	if rcp.applies {
		rcp.deny, rcp.allow = ls.s[plRCP].Deny, rcpMissing < 0
	}
	if scp.applies {
		scp.deny, scp.allow = ls.s[plSCP].Deny, scpMissing < 0
	}
	vpce.allow, vpce.deny = ls.s[plVPCE].Allow, ls.s[plVPCE].Deny
	rp.allow, rp.deny, rp.class = ls.s[plResource].Allow, ls.s[plResource].Deny, classOf[ls.s[plResource].class]
	resDenyIgnored := rp.deny && in.ResourceDenyExempt
	if resDenyIgnored {
		rp.deny = false
	}
	id.allow, id.deny = ls.s[plIdentity].Allow, ls.s[plIdentity].Deny
	pb.allow, pb.deny = ls.s[plBoundary].Allow, ls.s[plBoundary].Deny
	sp.allow, sp.deny = ls.s[plSession].Allow, ls.s[plSession].Deny

	// Resource-side grants: best class over the resource policy and ACLs.
	best, bestLayer := ClassNone, resLayer
	if rp.allow {
		best = rp.class
	}
	var grantOrder []Layer
	for _, g := range in.ResourceGrants {
		gl := g.Layer
		if gl == "" {
			gl = LayerACL
		}
		known := false
		for _, x := range grantOrder {
			known = known || x == gl
		}
		if !known {
			grantOrder = append(grantOrder, gl)
		}
		if kind == Anonymous && g.Class != ClassDirect {
			continue
		}
		if classRank(g.Class) > classRank(best) {
			best, bestLayer = g.Class, gl
		}
	}

	// ---- layer verdicts ------------------------------------------------
	rcpLV := e.verdict(plRCP, &rcp)
	if rcp.applies && !rcp.deny && rcpMissing >= 0 {
		rcpLV.detail, rcpLV.arg = dcLevel, uint32(rcpMissing)
	}
	scpLV := e.verdict(plSCP, &scp)
	if scp.applies && !scp.deny && scpMissing >= 0 {
		scpLV.detail, scpLV.arg = dcLevel, uint32(scpMissing)
	}
	rpLV := e.verdict(plResource, &rp)
	if resDenyIgnored {
		rpLV.detail = dcRootExempt
	} else if rp.allow && !rp.deny {
		rpLV.detail, rpLV.arg = dcAllowClass, uint32(classCode(rp.class))
	}
	e.addLayer(rcpLV)
	e.addLayer(scpLV)
	e.addLayer(e.verdict(plVPCE, &vpce))
	e.addLayer(rpLV)
	for _, gl := range grantOrder {
		d := ""
		for _, g := range in.ResourceGrants {
			if g.Layer == gl || (g.Layer == "" && gl == LayerACL) {
				if d != "" {
					d += "; "
				}
				d += g.Description
			}
		}
		e.addStr(string(gl))
		e.addLayer(clayer{pl: plGrant, verdict: lvAllow, detail: dcStr, arg: e.addStr(d)})
	}
	spLV := e.verdict(plSession, &sp)
	if fedNoPolicy {
		spLV.detail = dcFedNoPolicy
	}
	e.addLayer(e.verdict(plIdentity, &id))
	e.addLayer(e.verdict(plBoundary, &pb))
	e.addLayer(spLV)

	finish := func(d Decision, l Layer, reason string) *Result {
		res.Decision, res.Layer, res.Reason = d, l, reason
		e.finish(res, true)
		return res
	}

	// ---- step 1: explicit deny, in the order RCP, SCP, VPCE, resource, identity, boundary, session.
	for _, c := range [...]struct {
		l    Layer
		deny bool
	}{{LayerRCP, rcp.applies && rcp.deny}, {LayerSCP, scp.applies && scp.deny}, {LayerVPCE, vpce.applies && vpce.deny}, {resLayer, rp.applies && rp.deny},
		{LayerIdentity, id.applies && id.deny}, {LayerBoundary, pb.applies && pb.deny}, {LayerSession, sp.applies && sp.deny}} {
		if c.deny {
			return finish(ExplicitDeny, c.l, e.firstDeny(c.l))
		}
	}

	// ---- step 2: guardrails.
	if rcp.applies && rcpMissing >= 0 {
		return finish(ImplicitDeny, LayerRCP, "implicit deny: resource control policies at level "+strconv.Itoa(rcpMissing)+" have no matching Allow")
	}
	if scp.applies && scpMissing >= 0 {
		return finish(ImplicitDeny, LayerSCP, "implicit deny: service control policies at level "+strconv.Itoa(scpMissing)+" have no matching Allow")
	}
	if vpce.applies && !vpce.allow {
		return finish(ImplicitDeny, LayerVPCE, "implicit deny: the VPC endpoint policy has no matching Allow")
	}

	// ---- step 3: grant.
	sameAcct := p.Account != "" && p.Account == e.req.ResourceAccount
	noGrant := "implicit deny: no resource-policy statement or grant allows this caller"
	switch kind {
	case Anonymous, Service:
		if best != ClassNone {
			return finish(Allowed, bestLayer, "allowed: "+string(bestLayer)+" grants the "+string(kind)+" caller")
		}
		return finish(ImplicitDeny, resLayer, noGrant)
	case Root:
		if sameAcct && !in.ResourcePolicyRequired {
			return finish(Allowed, LayerRoot, "allowed: the root user of the resource owner account needs no policy")
		}
		if best != ClassNone {
			return finish(Allowed, bestLayer, "allowed: "+string(bestLayer)+" grants the account")
		}
		if in.ResourcePolicyRequired {
			return finish(ImplicitDeny, resLayer, "implicit deny: the resource policy does not allow this caller (it must, for this resource)")
		}
		return finish(ImplicitDeny, resLayer, noGrant)
	}
	if !iam {
		return finish(ImplicitDeny, LayerNone, "implicit deny: unknown principal kind "+strconv.Quote(string(kind)))
	}
	ceilings := func(okLayer Layer, okReason string) *Result {
		if pb.applies && !pb.allow {
			return finish(ImplicitDeny, LayerBoundary, "implicit deny: the permissions boundary has no matching Allow")
		}
		if sp.applies && !sp.allow {
			if fedNoPolicy {
				return finish(ImplicitDeny, LayerSession, "implicit deny: the federated user session has no session policy, so it has no permissions except grants that name the federated-user ARN directly (GetFederationToken without a policy)")
			}
			return finish(ImplicitDeny, LayerSession, "implicit deny: the session policy has no matching Allow")
		}
		return finish(Allowed, okLayer, okReason)
	}
	if sameAcct {
		if in.ResourcePolicyRequired && best == ClassNone {
			return finish(ImplicitDeny, resLayer, "implicit deny: the resource policy does not allow this caller (it must, for this resource; identity Allows alone are not enough)")
		}
		if best == ClassDirect {
			return finish(Allowed, bestLayer, "allowed: "+string(bestLayer)+" names the caller directly (not limited by boundary or session policy)")
		}
		roleOnly := best == ClassRoleOfSession || best == ClassUserOfFederated
		if !id.allow && !roleOnly {
			if best == ClassAccount {
				return finish(ImplicitDeny, LayerIdentity, "implicit deny: "+string(bestLayer)+" grants the account, which still needs an identity-policy Allow, and none matches")
			}
			return finish(ImplicitDeny, LayerIdentity, "implicit deny: no identity-policy or resource-policy statement allows this request")
		}
		if id.allow {
			return ceilings(LayerIdentity, "allowed: an identity-policy statement allows the request")
		}
		return ceilings(bestLayer, "allowed: "+string(bestLayer)+" grants the caller's "+roleWord(best))
	}
	if best == ClassNone {
		return finish(ImplicitDeny, resLayer, "implicit deny: cross-account request and "+string(resLayer)+" has no statement or grant allowing this caller")
	}
	if !id.allow {
		return finish(ImplicitDeny, LayerIdentity, "implicit deny: cross-account request needs an identity-policy Allow in the caller's account, and none matches")
	}
	return ceilings(bestLayer, "allowed: cross-account request allowed by both the identity policy and "+string(bestLayer))
}

func roleWord(c MatchClass) string {
	if c == ClassUserOfFederated {
		return "federating IAM user"
	}
	return "role"
}

// firstDeny describes the first matching Deny statement of a layer, as
// "explicit deny: " + the statement's place (built in one buffer: one
// allocation for the whole reason).
func (e *evaluator) firstDeny(l Layer) string {
	const head = "explicit deny: "
	i := 0
	out := ""
	eachPol(e.plan, e.lmask, func(tp tracePol) bool {
		skip := e.layerName(tp.layer) != l
		for s := 0; s < int(tp.n) && i < e.nt; s, i = s+1, i+1 {
			ct := &e.tr[i]
			if skip || ct.flags&fMatched == 0 || tp.p.Statements[s].Effect != policy.Deny {
				continue
			}
			out = e.describeDeny(l, &tp, s, ct)
			return false
		}
		return true
	})
	if out != "" {
		return out
	}
	return head + string(l)
}

// describeDeny is firstDeny's text for the Deny statement st of tp.
func (e *evaluator) describeDeny(l Layer, tp *tracePol, s int, ct *ctrace) string {
	// The text depends on the plan entry and the statement only, except
	// for a fail-closed match (its condition's reason): it is cached.
	var cache *atomic.Pointer[denyText]
	if ct.flags&fFailClosed == 0 && tp.ent != nil && s < len(tp.ent.deny) {
		cache = &tp.ent.deny[s]
		if r := cache.Load(); r != nil && r.layer == l {
			return r.text
		}
	}
	st := &tp.p.Statements[s]
	const head = "explicit deny: "
	var stack [160]byte
	b := append(stack[:0], head...)
	b = append(b, l...)
	if l == LayerSCP || l == LayerRCP {
		b = append(b, " level "...)
		b = strconv.AppendInt(b, int64(tp.idx), 10)
		b = append(b, " policy "...)
		b = strconv.AppendInt(b, int64(tp.sub), 10)
	} else {
		b = append(b, " policy "...)
		b = strconv.AppendInt(b, int64(tp.idx), 10)
	}
	b = append(b, " statement "...)
	b = strconv.AppendInt(b, int64(st.Index), 10)
	if st.Sid != "" {
		b = append(b, " (Sid "...)
		b = strconv.AppendQuote(b, st.Sid)
		b = append(b, ')')
	}
	if ct.flags&fFailClosed != 0 {
		b = append(b, ": "...)
		b = append(b, reasonFailClosedDeny...)
		b = append(b, e.whyText(e.xs[ct.ext-1].why, tp, s)...)
	}
	r := string(b)
	if cache != nil {
		cache.Store(&denyText{layer: l, text: r})
	}
	return r
}

// NearMisses returns the statements that almost matched: the action matched
// and exactly one of resource, principal or conditions did not (a wrong
// resource type, a condition that was false or read a missing key, a
// principal not named). Explanations and suggestions start from these.
func (r *Result) NearMisses() []StatementTrace {
	var out []StatementTrace
	for _, s := range r.Statements() {
		if s.Matched || !s.ActionMatched {
			continue
		}
		fails := 0
		if !s.ResourceMatched {
			fails++
		}
		if !s.PrincipalMatched {
			fails++
		}
		if s.ResourceMatched && s.PrincipalMatched && s.Conditions != CondTrue {
			fails++
		}
		if fails == 1 {
			out = append(out, s)
		}
	}
	return out
}
