package authz

import (
	"encoding/base64"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/s3access/terraform-provider-s3access/internal/memo"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// Compiled policies (issue 3, performance). A parsed *policy.Policy is
// compiled once into a form that is cheap to match: actions lower-cased and
// classified (exact, prefix, glob), resource patterns classified, principal
// entries pre-parsed, condition operators resolved and non-string condition
// values (CIDRs, numbers, dates, booleans, base64) pre-parsed, condition
// reasons pre-built.
//
// Policies are immutable once evaluated: policy.ParseCached shares one
// *policy.Policy between every caller, and the compiled form is cached by
// the policy's address. A policy whose Statements slice was replaced or
// resized (appended to, filtered) or whose Version changed is recompiled; a
// caller that wants to change a policy builds a new one (as
// policy.MergeStatement does) instead of editing statements in place.

type cPolicy struct {
	vars  bool
	stmts []cStmt
	// base is &Statements[0] of the compiled policy (with len(stmts), it
	// tells a replaced or resized Statements slice).
	base *policy.Statement
	// plans holds the actPlan of each request action seen, by action id
	// (actionID); only for policies of at most 63 statements.
	plans atomic.Pointer[[]*actPlan]
}

// Action element kinds (cStmt.actKind).
const (
	akNone uint8 = iota
	akAction
	akNotAction
)

// Effect, resource and principal element kinds of a compiled statement.
const (
	effOther uint8 = iota // neither Allow nor Deny
	effAllow
	effDeny

	rmNone    uint8 = iota - 3 // no Resource or NotResource
	rmAll                      // Resource starting with "*"
	rmList                     // Resource
	rmNotAll                   // NotResource starting with "*"
	rmNotList                  // NotResource

	pmNone uint8 = iota - 8 // no Principal or NotPrincipal: matches, class direct
	pmWild                  // Principal "*"
	pmList                  // Principal
	pmNot                   // NotPrincipal
)

type cStmt struct {
	actKind              uint8
	eff, resMode, prMode uint8
	// trivial: Allow or Deny on Resource "*" with no Principal, NotPrincipal
	// or Condition: the trace follows from ActionMatched alone.
	trivial bool
	// simple: Allow or Deny with a Resource list without policy variables,
	// no NotPrincipal and no Condition (evalSimple).
	simple                bool
	action, notAction     []cAction
	resource, notResource []cResource
	principal, notPrinc   []cRef
	conds                 []cCond
}

// ---- actions -------------------------------------------------------------

type partKind uint8

const (
	partExact  partKind = iota // no wildcard: equal, ASCII case-insensitive
	partPrefix                 // one trailing '*' and no other wildcard
	partGlob                   // anything else: glob with folding
)

type cPart struct {
	p    string // lower-cased (ASCII)
	kind partKind
}

func compilePart(s string) cPart {
	p := toLowerASCII(s)
	n := strings.Count(p, "*")
	switch {
	case n == 0 && strings.IndexByte(p, '?') < 0:
		return cPart{p: p, kind: partExact}
	case n == 1 && p[len(p)-1] == '*' && strings.IndexByte(p, '?') < 0:
		return cPart{p: p[:len(p)-1], kind: partPrefix}
	}
	return cPart{p: p, kind: partGlob}
}

// match matches s, whose ASCII-lower-cased form is ls.
func (c *cPart) match(s, ls string) bool {
	switch c.kind {
	case partExact:
		return ls == c.p
	case partPrefix:
		return strings.HasPrefix(ls, c.p)
	}
	return glob(c.p, s, true, nil)
}

type actKind uint8

const (
	actAll    actKind = iota // "*"
	actNone                  // no ':' (matches nothing)
	actParts                 // service and name matched separately
	actExact                 // no wildcard: full equals the lower-cased action
	actPrefix                // literal service, name "<literal>*": the lower-cased action starts with full
)

type cAction struct {
	raw       string
	kind      actKind
	svc, name cPart
	// full is the lower-cased pattern for actExact, the pattern without its
	// '*' for actPrefix. The service part contains no ':', so comparing
	// whole strings compares service and name separately (spec 6.3).
	full string
}

func compileAction(a string) cAction {
	c := cAction{raw: a}
	if a == "*" {
		return c
	}
	pc := strings.IndexByte(a, ':')
	if pc < 0 {
		c.kind = actNone
		return c
	}
	c.kind = actParts
	c.svc, c.name = compilePart(a[:pc]), compilePart(a[pc+1:])
	if c.svc.kind == partExact {
		switch c.name.kind {
		case partExact:
			c.kind, c.full = actExact, c.svc.p+":"+c.name.p
		case partPrefix:
			c.kind, c.full = actPrefix, c.svc.p+":"+c.name.p
		}
	}
	return c
}

// reqAction is the request action split once per evaluation, with a scratch
// buffer for variable expansion.
type reqAction struct {
	svc, name string
	ok        bool // the action contains ':'
	// The ASCII-lower-cased action is in lower[:n] (or long, when it does
	// not fit); it is not kept as a string into ra itself so that a
	// reqAction on the stack stays there.
	n     int
	long  string
	lower [64]byte
	buf   [256]byte
}

// full returns the lower-cased action ("" when it has no ':').
func (ra *reqAction) full() string {
	if ra.n > 0 {
		// Safe: lower[:n] is written once by init, before any call of full,
		// and never again while ra is in use; the string is only compared
		// (never stored) during the evaluation that owns ra, so it neither
		// outlives the array nor observes a mutation.
		return unsafe.String(&ra.lower[0], ra.n)
	}
	return ra.long
}

// initReqAction splits the request action; it is a method on a pointer
// because the lower-cased form lives in ra.lower.
func (ra *reqAction) init(a string) {
	i := strings.IndexByte(a, ':')
	if i < 0 {
		return
	}
	ra.svc, ra.name, ra.ok = a[:i], a[i+1:], true
	if len(a) > len(ra.lower) {
		ra.long = toLowerASCII(a)
		return
	}
	for k := 0; k < len(a); k++ {
		c := a[k]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		ra.lower[k] = c
	}
	ra.n = len(a) // >= 1: a contains ':'
}

// varSeg is one piece of a resource pattern with policy variables, split at
// compile time (issue 3): literal text (its '*' and '?' keep their wildcard
// meaning) followed by one variable.
type varSeg struct {
	lit    string
	lkey   string // the variable's key, lower-cased (ASCII)
	def    string
	hasDef bool
}

// hasWild reports whether s contains '*' or '?'.
func hasWild(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '*' || s[i] == '?' {
			return true
		}
	}
	return false
}

// compileVars splits a pattern with variables into segments and a literal
// tail. ok is false when the pattern needs the reference expansion every
// time: ${*} or ${?} (a literal wildcard needs a mask), an unparseable
// variable body, a default containing '*' or '?', or an unclosed "${"
// followed by text with '*' or '?'.
func compileVars(s string) (segs []varSeg, tail string, ok bool) {
	lit := ""
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "${")
		if j < 0 {
			return segs, lit + s[i:], true
		}
		lit += s[i : i+j]
		i += j
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			if hasWild(s[i:]) {
				return nil, "", false
			}
			return segs, lit + s[i:], true
		}
		body := s[i+2 : i+2+end]
		i += 2 + end + 1
		switch body {
		case "*", "?":
			return nil, "", false
		case "$":
			lit += body
			continue
		}
		key, def, hasDef, okBody := parseVarBody(body)
		if !okBody || (hasDef && hasWild(def)) {
			return nil, "", false
		}
		segs = append(segs, varSeg{lit: lit, lkey: toLowerASCII(key), def: def, hasDef: hasDef})
		lit = ""
	}
	return segs, lit, true
}

// expandCompiled is expandVars for a pattern split by compileVars, writing
// into dst: it reports ok=false when the expansion is unresolved or would
// need a literal mask (a substituted value containing '*' or '?'), or does
// not fit dst; the caller then takes the reference path (expandVars).
func expandCompiled(dst []byte, segs []varSeg, tail string, ctx *Context) ([]byte, bool) {
	for k := range segs {
		sg := &segs[k]
		if len(dst)+len(sg.lit) > cap(dst) {
			return dst, false
		}
		dst = append(dst, sg.lit...)
		t := sg.def
		if v, found := ctx.getLower(sg.lkey); found && !v.Multi && len(v.Values) == 1 {
			t = v.Values[0]
			if hasWild(t) {
				return dst, false
			}
		} else if !sg.hasDef {
			return dst, false
		}
		if len(dst)+len(t) > cap(dst) {
			return dst, false
		}
		dst = append(dst, t...)
	}
	if len(dst)+len(tail) > cap(dst) {
		return dst, false
	}
	return append(dst, tail...), true
}

// match matches the request action; la is its lower-cased form (ra.full()).
func (c *cAction) match(ra *reqAction, la string) bool {
	switch c.kind {
	case actExact:
		return la == c.full
	case actPrefix:
		return strings.HasPrefix(la, c.full)
	case actAll:
		return true
	case actNone:
		return false
	}
	if !ra.ok {
		return false
	}
	i := len(ra.svc)
	return c.svc.match(ra.svc, la[:i]) && c.name.match(ra.name, la[i+1:])
}

// anyAction reports whether a compiled pattern matches the request action
// (la is ra.full()).
func anyAction(cs []cAction, ra *reqAction, la string) bool {
	for i := range cs {
		if cs[i].match(ra, la) {
			return true
		}
	}
	return false
}

// actionMatched is the statement's ActionMatched: an Action pattern
// matches, or no NotAction pattern does.
func (cs *cStmt) actionMatched(ra *reqAction) bool {
	switch cs.actKind {
	case akAction:
		return anyAction(cs.action, ra, ra.full())
	case akNotAction:
		return !anyAction(cs.notAction, ra, ra.full())
	}
	return false
}

// refActionMatched is actionMatched by the reference matcher.
func refActionMatched(st *policy.Statement, action string) bool {
	switch {
	case st.Action != nil:
		for _, a := range st.Action {
			if MatchAction(a, action) {
				return true
			}
		}
		return false
	case st.NotAction != nil:
		for _, a := range st.NotAction {
			if MatchAction(a, action) {
				return false
			}
		}
		return true
	}
	return false
}

// Action ids: every lower-cased request action seen gets a small number,
// so that a compiled policy can remember which of its statements an action
// matches (cPolicy.plans). The table is copied on write (reads take no lock)
// and bounded; beyond maxActionIDs actions are matched without a plan.
var (
	actionIDsMu sync.Mutex
	actionIDs   atomic.Pointer[map[string]int32]
)

const maxActionIDs = 2048

// actionID returns the id of the lower-cased action la, -1 when the table is full.
func actionID(la string) int32 {
	if m := actionIDs.Load(); m != nil {
		if id, ok := (*m)[la]; ok {
			return id
		}
	}
	actionIDsMu.Lock()
	defer actionIDsMu.Unlock()
	old := actionIDs.Load()
	n := 0
	if old != nil {
		if id, ok := (*old)[la]; ok {
			return id
		}
		n = len(*old)
	}
	if n >= maxActionIDs {
		return -1
	}
	m := make(map[string]int32, n+1)
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	m[strings.Clone(la)] = int32(n)
	actionIDs.Store(&m)
	return int32(n)
}

// actPlan is what a compiled policy knows once the request action is known
// (cPolicy.plans): which statements the action matches, the final traces
// of the trivial statements, and the statements left to evaluate.
type actPlan struct {
	mask uint64   // ActionMatched, bit i for statement i
	base []ctrace // the trivial statements' traces (zero for the others)
	work []uint8  // the other statements, in order
	// The trivial statements' contribution to the policy's outcome.
	allow, deny bool
	best        uint8 // class code of their strongest matching Allow
}

// actionPlan returns the actPlan of cp for the request action (id from
// actionID), building and remembering it on first use; nil when the
// policy has more than 63 statements or the action has no id.
func (cp *cPolicy) actionPlan(id int32, ra *reqAction) *actPlan {
	if id < 0 || len(cp.stmts) > 63 {
		return nil
	}
	if m := cp.plans.Load(); m != nil && int(id) < len(*m) {
		if ap := (*m)[id]; ap != nil {
			return ap
		}
	}
	ap := &actPlan{base: make([]ctrace, len(cp.stmts))}
	for i := range cp.stmts {
		cs := &cp.stmts[i]
		am := cs.actionMatched(ra)
		if am {
			ap.mask |= 1 << i
		}
		if !cs.trivial {
			ap.work = append(ap.work, uint8(i))
			continue
		}
		if !am {
			ap.base[i] = trivialUnmatched[cs.actKind]
			continue
		}
		ap.base[i] = trivialMatched
		if cs.eff == effDeny {
			ap.deny = true
		} else {
			ap.allow = true
			ap.best = 1 // ClassDirect
		}
	}
	for {
		old := cp.plans.Load()
		var cur []*actPlan
		if old != nil {
			cur = *old
		}
		n := len(cur)
		if int(id) >= n {
			n = int(id) + 1
		}
		next := make([]*actPlan, n)
		copy(next, cur)
		next[id] = ap
		if cp.plans.CompareAndSwap(old, &next) {
			return ap
		}
	}
}

// ---- resources -----------------------------------------------------------

type resKind uint8

const (
	resAll    resKind = iota // "*"
	resExact                 // no wildcard
	resPrefix                // one '*', at the end: prefix + "*"
	resStar                  // '*' wildcards only
	resGlob                  // '?' present
	resVar                   // policy variables (expanded per request)
)

type cResource struct {
	raw  string
	kind resKind
	// resStar: raw is prefix + "*" + mids[0] + "*" + ... + "*" + suffix.
	prefix, suffix string
	mids           []string
	// resVar: the pattern split at its variables (varsOK false: always
	// expanded by the reference path).
	segs   []varSeg
	varsOK bool
	// prefixVar: varsOK, and the only wildcard of the literal text is a
	// '*' ending the pattern, so that a match is a prefix comparison with
	// the expansion (suffix without its '*').
	prefixVar bool
}

// matchStar is starGlob(raw, s) with the pattern pre-split.
func (c *cResource) matchStar(s string) bool {
	if len(s) < len(c.prefix)+len(c.suffix) || !strings.HasPrefix(s, c.prefix) || !strings.HasSuffix(s, c.suffix) {
		return false
	}
	s = s[len(c.prefix) : len(s)-len(c.suffix)]
	for _, m := range c.mids {
		at := strings.Index(s, m)
		if at < 0 {
			return false
		}
		s = s[at+len(m):]
	}
	return true
}

func compileResource(r string, vars bool) cResource {
	c := cResource{raw: r}
	switch {
	case vars && hasVar(r):
		c.kind = resVar
		c.segs, c.suffix, c.varsOK = compileVars(r)
		if c.varsOK && strings.HasSuffix(c.suffix, "*") && !hasWild(c.suffix[:len(c.suffix)-1]) {
			c.prefixVar = true
			for _, sg := range c.segs {
				if hasWild(sg.lit) {
					c.prefixVar = false
				}
			}
		}
	case r == "*":
		c.kind = resAll
	case strings.IndexByte(r, '?') >= 0:
		c.kind = resGlob
	case strings.IndexByte(r, '*') >= 0:
		c.kind = resStar
		i, j := strings.IndexByte(r, '*'), strings.LastIndexByte(r, '*')
		c.prefix, c.suffix = r[:i], r[j+1:]
		for _, m := range strings.Split(r[i+1:j+1], "*") {
			if m != "" {
				c.mids = append(c.mids, m)
			}
		}
		if c.suffix == "" && len(c.mids) == 0 {
			c.kind = resPrefix
		}
	default:
		c.kind = resExact
	}
	return c
}

// matchResources returns whether any compiled pattern matches and appends
// the unresolved variables met on the way, exactly as matchResourcesRef does.
func matchResources(cs []cResource, resource string, vars bool, ctx *Context, ra *reqAction) (ok bool, unbound []string) {
	for i := range cs {
		c := &cs[i]
		switch c.kind {
		case resAll:
			ok = true
		case resExact:
			ok = c.raw == resource
		case resPrefix:
			ok = len(resource) >= len(c.prefix) && resource[:len(c.prefix)] == c.prefix
		case resStar:
			ok = c.matchStar(resource)
		case resGlob:
			ok = glob(c.raw, resource, false, nil)
		default:
			if c.prefixVar {
				// expandCompiled rejects values with '*' or '?', so the
				// expansion's only wildcard is the final '*'.
				if b, simple := expandCompiled(ra.buf[:0], c.segs, c.suffix[:len(c.suffix)-1], ctx); simple {
					ok = len(resource) >= len(b) && resource[:len(b)] == unsafe.String(unsafe.SliceData(b), len(b))
					break
				}
			} else if c.varsOK {
				if b, simple := expandCompiled(ra.buf[:0], c.segs, c.suffix, ctx); simple {
					// Safe: glob only reads the pattern and does not keep it;
					// b is not modified until glob has returned.
					ok = glob(unsafe.String(unsafe.SliceData(b), len(b)), resource, false, nil)
					break
				}
			}
			var miss []string
			ok, miss = matchResourceVars(c.raw, resource, vars, ctx)
			unbound = append(unbound, miss...)
		}
		if ok {
			return true, unbound
		}
	}
	return false, unbound
}

// matchResourcesRef is matchResources by the reference matcher.
func matchResourcesRef(pats []string, resource string, vars bool, ctx *Context, unbound []string) (bool, []string) {
	for _, r := range pats {
		ok, miss := matchResourceVars(r, resource, vars, ctx)
		unbound = append(unbound, miss...)
		if ok {
			return true, unbound
		}
	}
	return false, unbound
}

// ---- principals ----------------------------------------------------------

type cRef struct {
	raw string
	ref policy.PrincipalRef
	ok  bool
}

func compileRefs(ps *policy.Principals) []cRef {
	if ps == nil {
		return nil
	}
	out := make([]cRef, len(ps.AWS))
	for i, s := range ps.AWS {
		out[i].raw = s
		if s == "*" {
			continue
		}
		ref, err := policy.ParseAWSPrincipal(s)
		out[i].ref, out[i].ok = ref, err == nil
	}
	return out
}

// ---- conditions ----------------------------------------------------------

// cVal is one pre-parsed policy value of a non-string operator family.
type cVal struct {
	err   error // the error matchValue reports for this policy value
	pfx   netip.Prefix
	f     float64
	t     time.Time
	lower string // Bool: lower-cased value
	bin   string // BinaryEquals: decoded bytes
}

type cCond struct {
	// source fields, compared before use
	raw, base, qual, key string
	ifExists             bool
	values               []string

	lkey    string
	op      policy.Operator
	info    opInfo
	known   bool
	reasons [rkNullAbsent + 1]string
	unknown string // reason for an unsupported operator
	vals    []cVal // nil for the string and ARN families
	// fast: a single request value is compared here (evalFast) when no
	// policy variable needs expanding (noVars, or variables disabled).
	fast   bool
	noVars bool
}

func compileCond(c *policy.Condition) cCond {
	cc := cCond{
		raw: c.Operator.Raw, base: c.Operator.Base, qual: c.Operator.Qualifier, key: c.Key,
		ifExists: c.Operator.IfExists, values: append([]string(nil), c.Values...),
		lkey: toLowerASCII(c.Key),
	}
	cc.op = splitOperator(c.Operator)
	info, known := operators[cc.op.Base]
	cc.info = info
	cc.known = known && (cc.op.Qualifier == "" || cc.op.Qualifier == "ForAllValues" || cc.op.Qualifier == "ForAnyValue")
	n := condName(c)
	cc.unknown = "condition " + n + ": unsupported operator " + strconvQuote(c.Operator.Raw) + " (fail closed: an Allow does not match, a Deny matches)"
	cc.reasons[rkMissing] = "condition " + n + " not met: key " + c.Key + " is missing from the request"
	cc.reasons[rkAnyMissing] = "condition " + n + " not met: key " + c.Key + " is missing (ForAnyValue is false on a missing or empty set)"
	cc.reasons[rkMulti] = reasonMulti(n, c.Key)
	cc.reasons[rkNotMet] = "condition " + n + " not met by the request value"
	cc.reasons[rkAllNotMet] = "condition " + n + " not met: a request value is not allowed"
	cc.reasons[rkAnyNotMet] = "condition " + n + " not met: no request value satisfies it"
	cc.reasons[rkNullPresent] = "condition " + n + " not met: key is present"
	cc.reasons[rkNullAbsent] = "condition " + n + " not met: key is absent"
	if !cc.known {
		return cc
	}
	cc.noVars = true
	for _, pv := range c.Values {
		if hasVar(pv) {
			cc.noVars = false
		}
	}
	switch info.fam {
	case famString, famStringIC, famNumeric, famDate, famBool, famBinary, famIP:
		cc.fast = cc.op.Qualifier == ""
	}
	switch info.fam {
	case famNumeric, famDate, famBool, famBinary, famIP:
	default:
		return cc
	}
	cc.vals = make([]cVal, len(c.Values))
	for i, pv := range c.Values {
		v := &cc.vals[i]
		switch info.fam {
		case famNumeric:
			a, err := parseNumber(pv)
			if err != nil {
				v.err = condErr("policy value " + strconvQuote(pv) + " is not a number")
			}
			v.f = a
		case famDate:
			a, err := parseDate(pv)
			if err != nil {
				v.err = condErr("policy value " + strconvQuote(pv) + " is not an ISO 8601 date or epoch seconds")
			}
			v.t = a
		case famBool:
			v.lower = strings.ToLower(pv)
			if v.lower != "true" && v.lower != "false" {
				v.err = condErr("Bool policy value must be \"true\" or \"false\", got " + strconvQuote(pv))
			}
		case famBinary:
			pb, err := base64.StdEncoding.DecodeString(pv)
			if err != nil {
				v.err = condErr("BinaryEquals policy value " + strconvQuote(pv) + " is not base64")
			}
			v.bin = string(pb)
		case famIP:
			pfx, err := parseCIDR(pv)
			if err != nil {
				v.err = condErr("policy value " + strconvQuote(pv) + " is not an IP address or CIDR")
			}
			v.pfx = pfx
		}
	}
	return cc
}

// matchParsed is matchValue with the policy value pre-parsed; rv is the
// request value. The errors and their order are those of matchValue.
func matchParsed(info opInfo, pv string, v *cVal, rv string) (bool, error) {
	if v.err != nil {
		return false, v.err
	}
	switch info.fam {
	case famBool:
		return rv == v.lower || strings.EqualFold(v.lower, rv), nil
	case famNumeric:
		b, err := parseNumber(rv)
		if err != nil {
			return false, condErr("request value " + strconvQuote(rv) + " is not a number")
		}
		return compare(info.cmp, cmp3(b, v.f)), nil
	case famDate:
		b, err := parseDate(rv)
		if err != nil {
			return false, condErr("request value " + strconvQuote(rv) + " is not an ISO 8601 date or epoch seconds")
		}
		return compare(info.cmp, b.Compare(v.t)), nil
	case famBinary:
		if rv == pv {
			return true, nil
		}
		if rb, err := base64.StdEncoding.DecodeString(rv); err == nil {
			return string(rb) == v.bin, nil
		}
		return rv == v.bin, nil
	case famIP:
		addr, err := parseRequestIP(rv)
		if err != nil {
			return false, err
		}
		return v.pfx.Contains(addr), nil
	}
	return matchValue(info, pv, nil, rv)
}

// ---- cache ---------------------------------------------------------------

func compileStatement(st *policy.Statement, vars bool) cStmt {
	var cs cStmt
	switch {
	case st.Action != nil:
		cs.actKind = akAction
	case st.NotAction != nil:
		cs.actKind = akNotAction
	}
	switch st.Effect {
	case policy.Allow:
		cs.eff = effAllow
	case policy.Deny:
		cs.eff = effDeny
	}
	switch {
	case len(st.Resource) > 0 && st.Resource[0] == "*":
		cs.resMode = rmAll
	case st.Resource != nil:
		cs.resMode = rmList
	case len(st.NotResource) > 0 && st.NotResource[0] == "*":
		cs.resMode = rmNotAll
	case st.NotResource != nil:
		cs.resMode = rmNotList
	}
	switch {
	case st.Principal != nil && st.Principal.Wildcard:
		cs.prMode = pmWild
	case st.Principal != nil:
		cs.prMode = pmList
	case st.NotPrincipal != nil:
		cs.prMode = pmNot
	}
	for _, a := range st.Action {
		cs.action = append(cs.action, compileAction(a))
	}
	for _, a := range st.NotAction {
		cs.notAction = append(cs.notAction, compileAction(a))
	}
	for _, r := range st.Resource {
		cs.resource = append(cs.resource, compileResource(r, vars))
	}
	for _, r := range st.NotResource {
		cs.notResource = append(cs.notResource, compileResource(r, vars))
	}
	cs.trivial = cs.eff != effOther && cs.resMode == rmAll && cs.prMode == pmNone && len(st.Conditions) == 0
	cs.simple = cs.eff != effOther && (cs.resMode == rmAll || cs.resMode == rmList) && cs.prMode != pmNot && len(st.Conditions) == 0
	for _, r := range cs.resource {
		if r.kind == resVar {
			cs.simple = false
		}
	}
	cs.principal = compileRefs(st.Principal)
	cs.notPrinc = compileRefs(st.NotPrincipal)
	for i := range st.Conditions {
		cs.conds = append(cs.conds, compileCond(&st.Conditions[i]))
	}
	return cs
}

func compilePolicy(p *policy.Policy) *cPolicy {
	cp := &cPolicy{vars: p.VariablesEnabled(), stmts: make([]cStmt, len(p.Statements))}
	if len(p.Statements) > 0 {
		cp.base = &p.Statements[0]
	}
	for i := range p.Statements {
		cp.stmts[i] = compileStatement(&p.Statements[i], cp.vars)
	}
	return cp
}

// compiledCache maps *policy.Policy to *cPolicy. Parsed policies are shared
// and immutable (policy.ParseCached); the memo is bounded.
var compiledCache = memo.New[*policy.Policy, *cPolicy](1 << 13)

// compiledFor returns the compiled form of p; vars is p.VariablesEnabled()
// (computed once by the caller). Evaluations take it from their plan
// (plan.go); this is the lookup when a plan is made.
func compiledFor(p *policy.Policy, vars bool) *cPolicy {
	if cp, ok := compiledCache.Load(p); ok && cp.current(p, vars) {
		return cp
	}
	cp := compilePolicy(p)
	compiledCache.Store(p, cp)
	return cp
}

// current reports whether cp was compiled from p's present Statements
// slice and Version.
func (cp *cPolicy) current(p *policy.Policy, vars bool) bool {
	if len(cp.stmts) != len(p.Statements) || cp.vars != vars {
		return false
	}
	return len(p.Statements) == 0 || cp.base == &p.Statements[0]
}

// evalFast is evalCondition1 for a fast condition (no qualifier) and a
// present, single request value rv, without variable expansion: ok is
// false when the condition is not of that shape (the caller takes
// evalCondition1). The results, reasons and errors are evalCondition1's.
func (cc *cCond) evalFast(c *policy.Condition, rv string) (CondResult, string) {
	match := false
	switch cc.info.fam {
	case famString:
		for _, pv := range c.Values {
			if pv == rv {
				match = true
				break
			}
		}
	case famStringIC:
		for _, pv := range c.Values {
			if strings.EqualFold(pv, rv) {
				match = true
				break
			}
		}
	default:
		for i := range cc.vals {
			m, err := matchParsed(cc.info, c.Values[i], &cc.vals[i], rv)
			if err != nil {
				return CondError, "condition " + condName(c) + ": " + err.Error()
			}
			if m {
				match = true
				break
			}
		}
	}
	if match == cc.info.negated {
		return CondFalse, cc.reasons[rkNotMet]
	}
	return CondTrue, ""
}
