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
	var pe PolicyEval
	var ra reqAction
	var ks keyScratch
	ra.init(req.Action)
	evalPolicyInto(p, layer, policyIndex, 0, req, &ra, false, false, &pe, &ks)
	if _, global := ks.placeKeys(pe.Traces, nil); global != nil {
		pe.MissingKeys = global
	}
	return pe
}

// evalPolicyInto appends the traces of p to pe. ref selects the reference
// (uncompiled) matchers; otherwise the compiled form of p is used. zeroed
// says that pe.Traces is zero beyond its length (no need to clear again).
// The missing keys of the traces and of the request go to ks (placeKeys
// puts them into pe.Traces afterwards); pe.MissingKeys is not used.
func evalPolicyInto(p *policy.Policy, layer Layer, policyIndex, sub int, req *Request, ra *reqAction, ref, zeroed bool, pe *PolicyEval, ks *keyScratch) {
	if p == nil {
		return
	}
	vars := p.VariablesEnabled()
	var cp *cPolicy
	if !ref {
		cp = compiledFor(p, vars)
	}
	stale := false
	for i := range p.Statements {
		st := &p.Statements[i]
		if n := len(pe.Traces); zeroed && n < cap(pe.Traces) {
			pe.Traces = pe.Traces[:n+1]
		} else {
			pe.Traces = append(pe.Traces, StatementTrace{})
		}
		tr := &pe.Traces[len(pe.Traces)-1]
		var cs *cStmt
		if cp != nil && i < len(cp.stmts) {
			cs = &cp.stmts[i]
		}
		keys := evalStatementInto(tr, st, cs, vars, layer, req, ra, ks.begin(), &stale)
		// The trace is zero before evalStatementInto; empty pointer-bearing
		// fields are not stored (a pointer store runs a write barrier while
		// the GC marks).
		if mk := ks.commit(len(pe.Traces)-1, keys); mk != nil {
			tr.MissingKeys = mk
		}
		tr.PolicyIndex = policyIndex
		tr.SubIndex = sub
		if tr.Matched {
			switch st.Effect {
			case policy.Deny:
				pe.Deny = true
			case policy.Allow:
				pe.Allow = true
				pe.AllowClass = better(pe.AllowClass, tr.PrincipalClass)
			}
		}
		for _, k := range keys {
			ks.addGlobal(k)
		}
	}
	if stale && cp != nil {
		dropCompiled(p)
	}
}

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

// noStmt stands for "no compiled form": every element takes the reference path.
var noStmt cStmt

// evalStatementInto traces one statement into tr, which must be zero (fields
// that stay empty are not written). cs is its compiled form, nil for
// the reference path; every compiled element is checked against the
// statement's current text and stale is set when one differs (that element is
// then matched by the reference path). The statement's missing keys are
// appended to keys (de-duplicated case-insensitively, in reading order) and
// returned; tr.MissingKeys is left to the caller.
func evalStatementInto(tr *StatementTrace, st *policy.Statement, cs *cStmt, vars bool, layer Layer, req *Request, ra *reqAction, keys []string, stale *bool) []string {
	if cs == nil {
		cs = &noStmt
	}
	tr.Layer = layer
	tr.StatementIndex = st.Index
	if st.Sid != "" {
		tr.Sid = st.Sid
	}
	tr.Effect = st.Effect
	tr.Stmt = st
	// Action.
	switch {
	case st.Action != nil:
		tr.ActionMatched = matchActionList(st.Action, cs.action, req.Action, ra, stale)
	case st.NotAction != nil:
		tr.ActionMatched = !matchActionList(st.NotAction, cs.notAction, req.Action, ra, stale)
	}
	// Resource.
	var unbound []string
	switch {
	case st.Resource != nil:
		tr.ResourceMatched, unbound = matchResourceList(st.Resource, cs.resource, req.Resource, vars, req.Context, ra, unbound, stale)
	case st.NotResource != nil:
		var m bool
		m, unbound = matchResourceList(st.NotResource, cs.notResource, req.Resource, vars, req.Context, ra, unbound, stale)
		tr.ResourceMatched = !m
	}
	// Principal.
	deny := st.Effect == policy.Deny
	npExempt := false
	switch {
	case st.Principal != nil:
		if c := matchPrincipalsRefs(st.Principal, cs.principal, &req.Principal, layer, deny, stale); c != ClassNone {
			tr.PrincipalClass = c
			tr.PrincipalMatched = true
		}
	case st.NotPrincipal != nil:
		if deny && req.Principal.HasBoundary {
			tr.PrincipalMatched = true
		} else {
			c := matchPrincipalsRefs(st.NotPrincipal, cs.notPrinc, &req.Principal, layer, false, stale)
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
			tr.PrincipalMatched = !npExempt
		}
		if tr.PrincipalMatched {
			tr.PrincipalClass = ClassDirect
		}
	default:
		tr.PrincipalMatched = true
		tr.PrincipalClass = ClassDirect
	}
	for _, k := range unbound {
		keys = appendUniqueTo(keys, k)
	}

	effectOK := st.Effect == policy.Allow || st.Effect == policy.Deny
	if !tr.ActionMatched || !tr.ResourceMatched || !tr.PrincipalMatched || !effectOK {
		tr.Conditions = CondFalse
		switch {
		case !effectOK:
			tr.Reason = reasonEffect
		case !tr.ActionMatched:
			switch {
			case st.Action == nil && st.NotAction == nil:
				tr.Reason = reasonNoAction
			case st.NotAction != nil:
				tr.Reason = reasonNotAction
			default:
				tr.Reason = reasonAction
			}
		case !tr.ResourceMatched:
			switch {
			case st.Resource == nil && st.NotResource == nil:
				tr.Reason = reasonNoResource
			case st.NotResource != nil:
				tr.Reason = reasonNotResource
			case len(unbound) > 0:
				tr.Reason = reasonResourceUnbound + strings.Join(unbound, ", ")
			default:
				tr.Reason = reasonResource
			}
		case npExempt:
			tr.Reason = reasonNotPrincipal
		default:
			tr.Reason = reasonPrincipal
		}
		return keys
	}
	cr, keys, why := evaluateConds(keys, st.Conditions, cs.conds, req.Context, vars, stale)
	tr.Conditions = cr
	switch cr {
	case CondTrue:
		tr.ConditionsMet = true
		tr.Matched = true
		tr.Reason = reasonMatched
		if st.NotPrincipal != nil && deny && req.Principal.HasBoundary {
			tr.Reason = reasonNPBoundary
		}
	case CondError:
		if deny {
			tr.Matched = true
			tr.FailClosed = true
			tr.Reason = reasonFailClosedDeny + why
		} else {
			tr.Reason = why
		}
	default:
		tr.Reason = why
	}
	return keys
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
	var stale bool
	return matchPrincipalsRefs(ps, nil, p, layer, forDeny, &stale)
}

// matchPrincipalsRefs is matchPrincipals with refs, the pre-parsed form of
// ps.AWS (entries are checked against the current text; stale is set on a
// difference and the entry is parsed here).
func matchPrincipalsRefs(ps *policy.Principals, refs []cRef, p *Principal, layer Layer, forDeny bool, stale *bool) MatchClass {
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
		if i < len(refs) && sameStr(refs[i].raw, s) {
			ref, ok = refs[i].ref, refs[i].ok
		} else {
			*stale = true
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
