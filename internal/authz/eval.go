package authz

import (
	"strings"
	"sync"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// PolicyEval is the outcome of one policy against a request.
type PolicyEval struct {
	Traces []StatementTrace
	Allow  bool // some Allow statement matched
	Deny   bool // some Deny statement matched (incl. fail-closed matches)
	// AllowClass is the strongest principal match class among the matching
	// Allow statements (Direct > RoleOfSession/UserOfFederated > Account);
	// ClassDirect for policies without a Principal element.
	AllowClass  MatchClass
	MissingKeys []string
}

// classRank orders match classes (spec 1.4).
func classRank(c MatchClass) int {
	switch c {
	case ClassDirect:
		return 3
	case ClassRoleOfSession, ClassUserOfFederated:
		return 2
	case ClassAccount:
		return 1
	}
	return 0
}

func better(a, b MatchClass) MatchClass {
	if classRank(b) > classRank(a) {
		return b
	}
	return a
}

// EvaluatePolicy evaluates every statement of p (no short-circuit) for req.
// layer and policyIndex label the traces.
func EvaluatePolicy(p *policy.Policy, layer Layer, policyIndex int, req *Request) PolicyEval {
	res := &Result{}
	var e evaluator
	e.req = *req
	e.start(false, res, layer)
	e.plan = singlePlan(p, plResource, policyIndex)
	e.enter(plResource)
	s := e.run(p, plResource)
	e.finish(res, false)
	return PolicyEval{Traces: res.Statements(), Allow: s.Allow, Deny: s.Deny, AllowClass: classOf[s.class], MissingKeys: res.MissingKeys}
}

// polSummary is a policy's own outcome.
type polSummary struct {
	Allow, Deny bool
	class       uint8 // code of the strongest matching Allow's class (classOf)
}

// add folds a statement's trace into the summary (deny: a Deny statement).
func (s *polSummary) add(ct *ctrace, deny bool) {
	if ct.flags&fMatched == 0 {
		return
	}
	if deny {
		s.Deny = true
		return
	}
	s.Allow = true
	if classRankOf[ct.class] > classRankOf[s.class] {
		s.class = ct.class
	}
}

// run evaluates every statement of p (no short-circuit), appending their
// traces, in the policy layer pl (its plan entry places it in the layer).
func (e *evaluator) run(p *policy.Policy, pl uint8) polSummary {
	var s polSummary
	if p == nil {
		return s
	}
	// The plan lists the input's policies in evaluation order; enter set
	// the cursor to the layer's first entry.
	ent := e.entry(p)
	if ent == nil {
		// Impossible unless the input changed during the evaluation:
		// nothing is traced (a trace must never name the wrong policy),
		// and the policy counts as denying if it has a Deny statement.
		s.Deny = hasDeny(p)
		return s
	}
	e.cur++
	if len(p.Statements) == 0 {
		return s
	}
	vars := p.VariablesEnabled() // (not the plan's: Version is read as it is now)
	if e.ref {
		layer := e.layerName(pl)
		for i := range p.Statements {
			st := &p.Statements[i]
			var ct ctrace
			e.evalStatement(&ct, st, refActionMatched(st, e.req.Action), vars, layer)
			e.addTraces([]ctrace{ct})
			s.add(&ct, st.Effect != policy.Allow) // (only Allow and Deny statements match)
		}
		return s
	}
	cp := ent.cp
	if !cp.current(p, vars) {
		cp = compiledFor(p, vars)
	}
	stmts := p.Statements
	css := cp.stmts
	if len(css) != len(stmts) {
		css = css[:len(stmts)] // (compiledFor guarantees equal lengths)
	}
	e.vars, e.pl = vars, pl
	ap := cp.actionPlan(e.actID, &e.ra) // (nil: matched statement by statement)
	e.roomTraces(len(css))
	for i := range css {
		cs := &css[i]
		var am bool
		if ap != nil {
			am = ap.mask>>uint(i)&1 != 0
		} else {
			am = cs.actionMatched(&e.ra)
		}
		ct := &e.tr[e.nt]
		e.nt++
		switch {
		case cs.trivial && am:
			*ct = trivialMatched
		case cs.trivial:
			*ct = trivialUnmatched[cs.actKind]
		case cs.simple:
			*ct = ctrace{}
			e.evalSimple(ct, &stmts[i], cs, am)
		default:
			*ct = ctrace{}
			e.evalCompiled(ct, &stmts[i], cs, am)
		}
		s.add(ct, cs.eff == effDeny)
	}
	return s
}

// actionReason is the reason of a statement whose action does not match,
// by its kind of action element (akNone, akAction, akNotAction).
var actionReason = [...]uint8{akNone: rcNoAction, akAction: rcAction, akNotAction: rcNotAction}

// The traces of trivial statements (cStmt.trivial).
var (
	trivialMatched   = ctrace{flags: fMatched | fAction | fResource | fPrincipal | fCondsMet, class: 1, cond: uint8(CondTrue), reason: rcMatched}
	trivialUnmatched = [...]ctrace{
		akNone:      {flags: fResource | fPrincipal, class: 1, cond: uint8(CondFalse), reason: actionReason[akNone]},
		akAction:    {flags: fResource | fPrincipal, class: 1, cond: uint8(CondFalse), reason: actionReason[akAction]},
		akNotAction: {flags: fResource | fPrincipal, class: 1, cond: uint8(CondFalse), reason: actionReason[akNotAction]},
	}
	// classRankOf is classRank by class code.
	classRankOf = [...]uint8{0, 3, 2, 2, 1}
)

const (
	reasonMatched         = "matched"
	reasonEffect          = "statement has an unknown Effect"
	reasonNoAction        = "statement has no Action or NotAction"
	reasonAction          = "action does not match"
	reasonNotAction       = "action is listed in NotAction"
	reasonNoResource      = "statement has no Resource or NotResource"
	reasonResource        = "resource does not match"
	reasonNotResource     = "resource is listed in NotResource"
	reasonPrincipal       = "principal does not match"
	reasonNotPrincipal    = "principal is listed in NotPrincipal"
	reasonNPBoundary      = "NotPrincipal+Deny always applies to a principal with a permissions boundary"
	reasonFailClosedDeny  = "Deny matched because a condition could not be evaluated (fail closed): "
	reasonResourceUnbound = "resource pattern uses a policy variable with no value: "
)

// evalStatement traces one statement into ct by the reference
// (uncompiled) matchers, kept for the differential tests; am is its
// ActionMatched. The statement's missing keys (de-duplicated
// case-insensitively, in reading order) go to the string table and to the
// request-wide list. evalCompiled and evalSimple are the compiled path.
func (e *evaluator) evalStatement(ct *ctrace, st *policy.Statement, am bool, vars bool, layer Layer) {
	req := &e.req
	var f uint8
	if am {
		f |= fAction
	}
	// Resource.
	var unbound []string
	var rm bool
	switch {
	case st.Resource != nil:
		rm, unbound = matchResourcesRef(st.Resource, req.Resource, vars, req.Context, nil)
	case st.NotResource != nil:
		var m bool
		m, unbound = matchResourcesRef(st.NotResource, req.Resource, vars, req.Context, nil)
		rm = !m
	}
	if rm {
		f |= fResource
	}
	// Principal.
	deny := st.Effect == policy.Deny
	npExempt := false
	pm := false
	class := ClassNone
	switch {
	case st.Principal != nil:
		if c := matchPrincipals(st.Principal, &req.Principal, layer, deny); c != ClassNone {
			class, pm = c, true
		}
	case st.NotPrincipal != nil:
		if deny && req.Principal.HasBoundary {
			pm = true
		} else {
			c := matchPrincipals(st.NotPrincipal, &req.Principal, layer, false)
			if deny {
				// Exempt only when the caller itself is listed (user, session,
				// federated user, service, "*"), or the account for its root
				// user (spec 6.2, 1.7; T118: a role ARN alone does not exempt
				// its sessions).
				npExempt = c == ClassDirect || (c == ClassAccount && req.Principal.Kind == Root)
			} else {
				// NotPrincipal+Allow grants everyone not listed at all,
				// anonymous included (spec 6.2).
				npExempt = c != ClassNone
			}
			pm = !npExempt
		}
		if pm {
			class = ClassDirect
		}
	default:
		pm, class = true, ClassDirect
	}
	if pm {
		f |= fPrincipal
	}
	ct.class = classCode(class)

	keys := e.keysBuf()
	for _, k := range unbound {
		keys = appendUniqueTo(keys, k)
	}

	effectOK := st.Effect == policy.Allow || deny
	if !am || !rm || !pm || !effectOK {
		actKind, resMode := akNone, rmNone
		switch {
		case st.Action != nil:
			actKind = akAction
		case st.NotAction != nil:
			actKind = akNotAction
		}
		switch {
		case st.Resource != nil:
			resMode = rmList
		case st.NotResource != nil:
			resMode = rmNotList
		}
		e.unmatched(ct, f, keys, !effectOK, am, rm, npExempt, actKind, resMode, unbound)
		return
	}
	cr, keys, why := evaluateConds(keys, st.Conditions, req.Context, vars)
	e.setKeys(ct, keys)
	e.condOutcome(ct, f, cr, deny, st.NotPrincipal != nil && deny && req.Principal.HasBoundary, why, -1)
}

// unmatched records a statement whose effect, action, resource or
// principal does not match (flags f, missing keys keys): its reason, in
// that order of precedence.
func (e *evaluator) unmatched(ct *ctrace, f uint8, keys []string, badEffect, am, rm, npExempt bool, actKind, resMode uint8, unbound []string) {
	ct.flags = f
	ct.cond = uint8(CondFalse)
	e.setKeys(ct, keys)
	switch {
	case badEffect:
		ct.reason = rcEffect
	case !am:
		ct.reason = actionReason[actKind]
	case !rm:
		switch {
		case resMode == rmNone:
			ct.reason = rcNoResource
		case resMode >= rmNotAll:
			ct.reason = rcNotResource
		case len(unbound) > 0:
			e.setWhy(ct, rcWhy, reasonResourceUnbound+strings.Join(unbound, ", "), -1)
		default:
			ct.reason = rcResource
		}
	case npExempt:
		ct.reason = rcNotPrincipal
	default:
		ct.reason = rcPrincipal
	}
}

// condOutcome records the outcome cr of the conditions of a statement
// whose other elements match (flags f): matched, not matched, or matched by
// failing closed (a Deny whose condition could not be evaluated).
// npBoundary: a NotPrincipal Deny that applies because of a permissions
// boundary. why is the conditions' reason (ref: its condWhy, or -1).
func (e *evaluator) condOutcome(ct *ctrace, f uint8, cr CondResult, deny, npBoundary bool, why string, ref int64) {
	ct.cond = uint8(cr)
	switch cr {
	case CondTrue:
		f |= fCondsMet | fMatched
		ct.reason = rcMatched
		if npBoundary {
			ct.reason = rcNPBoundary
		}
	case CondError:
		if deny {
			f |= fMatched | fFailClosed
			e.setWhy(ct, rcFailClosed, why, ref)
		} else {
			e.setWhy(ct, rcWhy, why, ref)
		}
	default:
		e.setWhy(ct, rcWhy, why, ref)
	}
	ct.flags = f
}

// matchResourceVars matches one Resource pattern, substituting variables when
// enabled. A pattern with an unresolved variable matches nothing (spec 6.5,
// 6.7); the variable names are returned.
func matchResourceVars(pattern, resource string, vars bool, ctx *Context) (bool, []string) {
	if !vars || !hasVar(pattern) {
		return MatchResource(pattern, resource), nil
	}
	e := expandVars(pattern, ctx)
	if !e.resolved() {
		return false, e.missing
	}
	if e.s == "*" && e.lit == nil {
		return true, nil
	}
	return glob(e.s, resource, false, e.lit), nil
}

// refCache memoises parsed principal entries (policies are parsed once and
// evaluated many times).
var refCache sync.Map // string -> parsedRef

type parsedRef struct {
	ref policy.PrincipalRef
	ok  bool
}

func parseRef(s string) (policy.PrincipalRef, bool) {
	if v, ok := refCache.Load(s); ok {
		// Only parsedRef values are stored; anything else is parsed again.
		if pr, isRef := v.(parsedRef); isRef {
			return pr.ref, pr.ok
		}
	}
	ref, err := policy.ParseAWSPrincipal(s)
	pr := parsedRef{ref: ref, ok: err == nil}
	refCache.Store(s, pr)
	return pr.ref, pr.ok
}

func lastSegment(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func principalPartition(p *Principal) string {
	if p.Partition != "" {
		return p.Partition
	}
	return "aws"
}

// matchPrincipals returns the strongest class by which the Principal element
// matches the caller (spec 1.4, 6.2), ClassNone when no entry matches. forDeny
// resolves uncertainty towards matching (a role given without its session
// name matches a Deny naming one of its sessions).
func matchPrincipals(ps *policy.Principals, p *Principal, layer Layer, forDeny bool) MatchClass {
	return matchPrincipalsRefs(ps, nil, p, layer, forDeny)
}

// matchPrincipalsRefs is matchPrincipals with refs, the pre-parsed form of
// ps.AWS (nil: each entry is parsed, through a cache).
func matchPrincipalsRefs(ps *policy.Principals, refs []cRef, p *Principal, layer Layer, forDeny bool) MatchClass {
	best := ClassNone
	if ps.Wildcard {
		return ClassDirect
	}
	signed := p.Kind != Anonymous && p.Kind != Service
	part := principalPartition(p)
	for i, s := range ps.AWS {
		if s == "*" {
			return ClassDirect
		}
		if !signed {
			continue
		}
		var ref policy.PrincipalRef
		var ok bool
		if i < len(refs) {
			ref, ok = refs[i].ref, refs[i].ok
		} else {
			ref, ok = parseRef(s)
		}
		if !ok {
			continue // invalid entries (partial wildcards, ...) match nobody
		}
		if ref.Partition != "" && ref.Partition != part {
			continue
		}
		switch ref.Kind {
		case policy.RefWildcard:
			return ClassDirect
		case policy.RefAccount:
			if ref.Account != p.Account {
				continue
			}
			// In a VPC endpoint policy the account form grants only the
			// account's root user (spec 1.8); for a Deny we keep the wider
			// reading (fail closed).
			if layer == LayerVPCE && !forDeny && p.Kind != Root {
				continue
			}
			best = better(best, ClassAccount)
		case policy.RefUser:
			if ref.Account != p.Account {
				continue
			}
			switch p.Kind {
			case IAMUser:
				if ref.Name == userName(p) {
					return ClassDirect
				}
			case FederatedUser:
				if p.FederatingUserARN != "" {
					if fr, ok := parseRef(p.FederatingUserARN); ok && fr.Kind == policy.RefUser && fr.Account == ref.Account && fr.Name == ref.Name {
						best = better(best, ClassUserOfFederated)
					}
				}
			}
		case policy.RefRole:
			if ref.Account != p.Account || (p.Kind != RoleSession && p.Kind != Role) {
				continue
			}
			// Role names are unique within an account whatever the path, and
			// a session ARN does not carry the path: compare names.
			if ref.Name == lastSegment(p.RoleARN) {
				best = better(best, ClassRoleOfSession)
			}
		case policy.RefAssumedRole:
			if ref.Account != p.Account || ref.RoleName != lastSegment(p.RoleARN) {
				continue
			}
			switch p.Kind {
			case RoleSession:
				if ref.SessionName == p.SessionName {
					return ClassDirect
				}
			case Role:
				if forDeny {
					return ClassDirect
				}
			}
		case policy.RefFederatedUser:
			if p.Kind == FederatedUser && ref.Account == p.Account && ref.Name == federatedName(p) {
				return ClassDirect
			}
		}
	}
	if p.Kind == Service {
		for _, s := range ps.Service {
			if s == "*" || strings.EqualFold(s, p.ServiceName) || (p.ServiceName == "" && strings.EqualFold(s, p.ARN)) {
				return ClassDirect
			}
		}
	}
	if signed && p.CanonicalID != "" {
		for _, s := range ps.CanonicalUser {
			if strings.EqualFold(s, p.CanonicalID) {
				best = better(best, ClassAccount)
			}
		}
	}
	return best
}

func userName(p *Principal) string {
	if p.UserName != "" {
		return p.UserName
	}
	return lastSegment(p.ARN)
}

func federatedName(p *Principal) string {
	if p.UserName != "" {
		return p.UserName
	}
	return lastSegment(p.ARN)
}

// evalCompiled is evalStatement for a compiled statement cs (the
// differential tests hold the two to the same traces).
func (e *evaluator) evalCompiled(ct *ctrace, st *policy.Statement, cs *cStmt, am bool) {
	req := &e.req
	vars := e.vars
	var f uint8
	if am {
		f = fAction
	}
	// Resource.
	var unbound []string
	rm := false
	switch cs.resMode {
	case rmAll:
		rm = true
	case rmList:
		rm, unbound = matchResources(cs.resource, req.Resource, vars, req.Context, &e.ra)
	case rmNotList:
		var m bool
		m, unbound = matchResources(cs.notResource, req.Resource, vars, req.Context, &e.ra)
		rm = !m
	}
	if rm {
		f |= fResource
	}
	// Principal.
	deny := cs.eff == effDeny
	pm, npExempt := true, false
	var cc uint8 = 1 // ClassDirect
	switch cs.prMode {
	case pmList:
		c := matchPrincipalsRefs(st.Principal, cs.principal, &req.Principal, e.layerName(e.pl), deny)
		cc, pm = classCode(c), c != ClassNone
	case pmNot:
		if !deny || !req.Principal.HasBoundary {
			c := matchPrincipalsRefs(st.NotPrincipal, cs.notPrinc, &req.Principal, e.layerName(e.pl), false)
			if deny {
				npExempt = c == ClassDirect || (c == ClassAccount && req.Principal.Kind == Root)
			} else {
				npExempt = c != ClassNone
			}
			pm = !npExempt
			if !pm {
				cc = 0
			}
		}
	}
	if pm {
		f |= fPrincipal
	}
	ct.class = cc

	var keys []string
	if len(unbound) > 0 {
		keys = e.keysBuf()
		for _, k := range unbound {
			keys = appendUniqueTo(keys, k)
		}
	}
	if !am || !rm || !pm || cs.eff == effOther {
		e.unmatched(ct, f, keys, cs.eff == effOther, am, rm, npExempt, cs.actKind, cs.resMode, unbound)
		return
	}
	cr, why, ref := CondTrue, "", int64(-1)
	if len(cs.conds) > 0 {
		if keys == nil {
			keys = e.keysBuf()
		}
		cr, keys, why, ref = evalCompiledConds(keys, st.Conditions, cs.conds, req.Context, vars)
	}
	e.setKeys(ct, keys)
	npBoundary := cs.prMode == pmNot && deny && req.Principal.HasBoundary
	if cr == CondTrue && !npBoundary { // (condOutcome's common case, inline)
		ct.cond, ct.flags, ct.reason = uint8(CondTrue), f|fCondsMet|fMatched, rcMatched
		return
	}
	e.condOutcome(ct, f, cr, deny, npBoundary, why, ref)
}

// evalSimple is evalCompiled for a simple statement (cStmt.simple): no
// variables, conditions or NotPrincipal, so no missing keys and a constant
// reason.
func (e *evaluator) evalSimple(ct *ctrace, st *policy.Statement, cs *cStmt, am bool) {
	var f uint8
	if am {
		f = fAction
	}
	rm := cs.resMode == rmAll
	if !rm {
		rm, _ = matchResources(cs.resource, e.req.Resource, false, nil, nil)
	}
	if rm {
		f |= fResource
	}
	var cc uint8 = 1 // ClassDirect
	if cs.prMode == pmList {
		cc = classCode(matchPrincipalsRefs(st.Principal, cs.principal, &e.req.Principal, e.layerName(e.pl), cs.eff == effDeny))
	}
	if cc != 0 {
		f |= fPrincipal
	}
	ct.class = cc
	switch {
	case am && rm && cc != 0:
		ct.flags, ct.cond, ct.reason = f|fCondsMet|fMatched, uint8(CondTrue), rcMatched
		return
	case !am:
		ct.reason = actionReason[cs.actKind]
	case !rm:
		ct.reason = rcResource
	default:
		ct.reason = rcPrincipal
	}
	ct.flags, ct.cond = f, uint8(CondFalse)
}

// hasDeny reports whether p has a statement other than an Allow.
func hasDeny(p *policy.Policy) bool {
	for i := range p.Statements {
		if p.Statements[i].Effect != policy.Allow {
			return true
		}
	}
	return false
}
