package authz

import (
	"encoding/base64"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// CondResult is the three-valued outcome of a condition block.
type CondResult int

const (
	// CondFalse: at least one condition is definitely not satisfied.
	CondFalse CondResult = iota
	// CondTrue: every condition is satisfied.
	CondTrue
	// CondError: no condition is definitely false, but one could not be
	// evaluated (unknown operator, unparseable policy or request value). The
	// evaluator fails closed: an Allow statement with CondError does not
	// match, a Deny statement with CondError DOES match, so an input the
	// engine does not understand can never let a request through.
	CondError
)

func (r CondResult) String() string {
	switch r {
	case CondTrue:
		return "true"
	case CondError:
		return "error"
	}
	return "false"
}

// opFamily groups operators by how they compare values.
type opFamily int

const (
	famUnknown opFamily = iota
	famString
	famStringIC
	famStringLike
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

// cmpKind is the comparison inside numeric and date families.
type cmpKind int

const (
	cmpEq cmpKind = iota
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

type opInfo struct {
	fam     opFamily
	negated bool
	cmp     cmpKind
	vars    bool // variables allowed in values (String and ARN families, spec 6.7)
}

var operators = map[string]opInfo{
	"StringEquals":              {fam: famString, vars: true},
	"StringNotEquals":           {fam: famString, negated: true, vars: true},
	"StringEqualsIgnoreCase":    {fam: famStringIC, vars: true},
	"StringNotEqualsIgnoreCase": {fam: famStringIC, negated: true, vars: true},
	"StringLike":                {fam: famStringLike, vars: true},
	"StringNotLike":             {fam: famStringLike, negated: true, vars: true},
	"NumericEquals":             {fam: famNumeric, cmp: cmpEq},
	"NumericNotEquals":          {fam: famNumeric, cmp: cmpEq, negated: true},
	"NumericLessThan":           {fam: famNumeric, cmp: cmpLt},
	"NumericLessThanEquals":     {fam: famNumeric, cmp: cmpLe},
	"NumericGreaterThan":        {fam: famNumeric, cmp: cmpGt},
	"NumericGreaterThanEquals":  {fam: famNumeric, cmp: cmpGe},
	"DateEquals":                {fam: famDate, cmp: cmpEq},
	"DateNotEquals":             {fam: famDate, cmp: cmpEq, negated: true},
	"DateLessThan":              {fam: famDate, cmp: cmpLt},
	"DateLessThanEquals":        {fam: famDate, cmp: cmpLe},
	"DateGreaterThan":           {fam: famDate, cmp: cmpGt},
	"DateGreaterThanEquals":     {fam: famDate, cmp: cmpGe},
	"Bool":                      {fam: famBool},
	"BinaryEquals":              {fam: famBinary},
	"IpAddress":                 {fam: famIP},
	"NotIpAddress":              {fam: famIP, negated: true},
	"ArnEquals":                 {fam: famARN, vars: true},
	"ArnLike":                   {fam: famARN, vars: true},
	"ArnNotEquals":              {fam: famARN, negated: true, vars: true},
	"ArnNotLike":                {fam: famARN, negated: true, vars: true},
	"Null":                      {fam: famNull},
}

// splitOperator returns the parsed operator; when the parser did not fill
// Base (conditions built by hand) the raw text is parsed here, and an
// unparseable operator yields an empty Base (=> CondError).
func splitOperator(op policy.Operator) policy.Operator {
	if op.Base != "" {
		return op
	}
	parsed, err := policy.ParseOperator(op.Raw)
	if err != nil {
		return policy.Operator{Raw: op.Raw}
	}
	return parsed
}

// EvalConditions evaluates a statement's Condition element against the
// request context (spec 6.6). vars enables ${...} substitution (policy
// Version 2012-10-17). ok is true only when every condition holds; a
// condition that cannot be evaluated (unknown operator, unparseable value)
// makes ok false — use EvaluateConditions to tell "false" from "error".
// missing lists the context keys read but absent, and unresolved variables,
// in reading order, de-duplicated case-insensitively; reason describes the
// first failing condition.
func EvalConditions(conds []policy.Condition, ctx *Context, vars bool) (ok bool, missing []string, reason string) {
	r, missing, reason := EvaluateConditions(conds, ctx, vars)
	return r == CondTrue, missing, reason
}

// EvaluateConditions is EvalConditions with the three-valued result. Every
// condition is evaluated (no short-circuit) so that all missing keys are
// reported. The conjunction is three-valued: false if any condition is
// false, else error if any is an error, else true.
func EvaluateConditions(conds []policy.Condition, ctx *Context, vars bool) (CondResult, []string, string) {
	return evaluateConds(nil, conds, ctx, vars)
}

// evaluateConds is EvaluateConditions by the reference (uncompiled)
// evaluator; evalCompiledConds is its compiled counterpart. The missing
// keys are appended to missing unless already there (case-insensitively);
// with a nil missing the list is exactly EvaluateConditions'.
func evaluateConds(missing []string, conds []policy.Condition, ctx *Context, vars bool) (CondResult, []string, string) {
	res := CondTrue
	reason := ""
	for i := range conds {
		r, key, miss, why := evalCondition(&conds[i], ctx, vars)
		if key != "" {
			missing = appendUniqueOrMake(missing, key)
		}
		for _, m := range miss {
			missing = appendUniqueOrMake(missing, m)
		}
		switch r {
		case CondFalse:
			if res != CondFalse {
				reason = why
			}
			res = CondFalse
		case CondError:
			if res == CondTrue {
				res = CondError
				reason = why
			}
		}
	}
	return res, missing, reason
}

// evalCompiledConds is evaluateConds for compiled conditions (ccs parallel
// to conds), with the single-value fast path inline.
func evalCompiledConds(missing []string, conds []policy.Condition, ccs []cCond, ctx *Context, vars bool) (CondResult, []string, string, int64) {
	res := CondTrue
	reason, ref := "", int64(-1)
	if len(ccs) != len(conds) {
		ccs = ccs[:len(conds)] // (compiled from conds: equal lengths)
	}
	for i := range ccs {
		cc, c := &ccs[i], &conds[i]
		v, found := ctx.getLower(cc.lkey)
		var r CondResult
		var why string
		if found && len(v.Values) == 1 && cc.fast && (cc.noVars || !vars || !cc.info.vars) {
			r, why = cc.evalFast(c, v.Values[0])
		} else {
			present := found && len(v.Values) > 0
			if !present {
				missing = appendUniqueOrMake(missing, c.Key)
			}
			var miss []string
			r, miss, why = evalCondition1(c, cc, ctx, vars, v, present)
			for _, m := range miss {
				missing = appendUniqueOrMake(missing, m)
			}
		}
		switch r {
		case CondFalse:
			if res != CondFalse {
				reason, ref = why, cc.reasonRef(i, why)
			}
			res = CondFalse
		case CondError:
			if res == CondTrue {
				res = CondError
				reason, ref = why, cc.reasonRef(i, why)
			}
		}
	}
	return res, missing, reason, ref
}

// reasonRef returns condWhy(ci, k) when why is the compiled condition's
// pre-built reason k (the same string), -1 otherwise.
func (cc *cCond) reasonRef(ci int, why string) int64 {
	if why == "" {
		return -1
	}
	for k := range cc.reasons {
		if sameString(cc.reasons[k], why) {
			return int64(condWhy(ci, uint8(k)))
		}
	}
	if sameString(cc.unknown, why) {
		return int64(condWhy(ci, rkUnknown))
	}
	return -1
}

// sameString reports whether a and b are the same string (same bytes in
// memory), not merely equal.
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// appendUniqueTo appends s to list unless an entry equals it ASCII/Unicode
// case-insensitively (the de-duplication of appendUnique, without the
// initial allocation: list may be a slice of the evaluator's string table).
func appendUniqueTo(list []string, s string) []string {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return list
		}
	}
	return append(list, s)
}

// appendUniqueOrMake is appendUnique for a list that may be a slice of a
// scratch buffer: it allocates (like appendUnique) only when list is nil.
func appendUniqueOrMake(list []string, s string) []string {
	if list == nil {
		return appendUnique(nil, s)
	}
	return appendUniqueTo(list, s)
}

func appendUnique(list []string, s string) []string {
	if list == nil {
		list = make([]string, 0, 4)
	}
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return list
		}
	}
	return append(list, s)
}

// Reasons for the common outcomes depend only on the condition, so they are
// built once per condition and cached (bounded) to keep the hot path free of
// string concatenation.
type reasonKey struct {
	c *policy.Condition
	k uint8
}

const (
	rkMissing uint8 = iota
	rkAnyMissing
	rkMulti
	rkNotMet
	rkAllNotMet
	rkAnyNotMet
	rkNullPresent
	rkNullAbsent
)

var (
	reasonCache     sync.Map // reasonKey -> string
	reasonCacheSize atomic.Int64
)

const maxReasonCache = 1 << 16

func cachedReason(c *policy.Condition, k uint8) string {
	key := reasonKey{c, k}
	if v, ok := reasonCache.Load(key); ok {
		// Only strings are stored; anything else is rebuilt below.
		if r, isStr := v.(string); isStr {
			return r
		}
	}
	n := condName(c)
	var r string
	switch k {
	case rkMissing:
		r = "condition " + n + " not met: key " + c.Key + " is missing from the request"
	case rkAnyMissing:
		r = "condition " + n + " not met: key " + c.Key + " is missing (ForAnyValue is false on a missing or empty set)"
	case rkMulti:
		r = reasonMulti(n, c.Key)
	case rkNotMet:
		r = "condition " + n + " not met by the request value"
	case rkAllNotMet:
		r = "condition " + n + " not met: a request value is not allowed"
	case rkAnyNotMet:
		r = "condition " + n + " not met: no request value satisfies it"
	case rkNullPresent:
		r = "condition " + n + " not met: key is present"
	case rkNullAbsent:
		r = "condition " + n + " not met: key is absent"
	}
	if reasonCacheSize.Load() < maxReasonCache {
		if _, loaded := reasonCache.LoadOrStore(key, r); !loaded {
			reasonCacheSize.Add(1)
		}
	}
	return r
}

func reasonMulti(name, key string) string {
	return "condition " + name + ": key " + key + " is multivalued and a plain operator cannot be evaluated against a set (use ForAnyValue/ForAllValues); fail closed: an Allow does not match, a Deny matches"
}

func condName(c *policy.Condition) string {
	raw := c.Operator.Raw
	if raw == "" {
		raw = c.Operator.Base
	}
	return raw + " " + c.Key
}

// evalCondition evaluates one (operator, key, values) triple. missingKey is
// the condition key when absent from the context; missing lists unresolved
// variables of the values.
func evalCondition(c *policy.Condition, ctx *Context, vars bool) (res CondResult, missingKey string, missing []string, reason string) {
	v, found := ctx.Get(c.Key)
	present := found && len(v.Values) > 0
	if !present {
		missingKey = c.Key
	}
	res, missing, reason = evalCondition1(c, nil, ctx, vars, v, present)
	return res, missingKey, missing, reason
}

// reason returns the reason of kind k: pre-built when the condition is
// compiled, else from the bounded reason cache.
func (cc *cCond) reason(c *policy.Condition, k uint8) string {
	if cc != nil {
		return cc.reasons[k]
	}
	return cachedReason(c, k)
}

// evalCondition1 evaluates one condition; cc is its compiled form (nil: the
// reference path, parsing the operator and values here).
func evalCondition1(c *policy.Condition, cc *cCond, ctx *Context, vars bool, v Value, present bool) (CondResult, []string, string) {
	var op policy.Operator
	var info opInfo
	var known bool
	if cc != nil {
		op, info, known = cc.op, cc.info, cc.known
	} else {
		op = splitOperator(c.Operator)
		info, known = operators[op.Base]
		known = known && (op.Qualifier == "" || op.Qualifier == "ForAllValues" || op.Qualifier == "ForAnyValue")
	}
	if !known {
		if cc != nil {
			return CondError, nil, cc.unknown
		}
		return CondError, nil, "condition " + condName(c) + ": unsupported operator " + strconvQuote(c.Operator.Raw) + " (fail closed: an Allow does not match, a Deny matches)"
	}
	var missing []string

	if info.fam == famNull {
		if op.IfExists && !present {
			return CondTrue, missing, ""
		}
		res := CondFalse
		for _, pv := range c.Values {
			switch strings.ToLower(pv) {
			case "true":
				if !present {
					res = CondTrue
				}
			case "false":
				if present {
					res = CondTrue
				}
			default:
				return CondError, missing, "condition " + condName(c) + ": Null takes \"true\" or \"false\", got " + strconvQuote(pv)
			}
		}
		if res == CondFalse {
			if present {
				return res, missing, cc.reason(c, rkNullPresent)
			}
			return res, missing, cc.reason(c, rkNullAbsent)
		}
		return res, missing, ""
	}

	if !present {
		switch {
		case op.IfExists:
			return CondTrue, missing, ""
		case op.Qualifier == "ForAllValues":
			return CondTrue, missing, ""
		case op.Qualifier == "ForAnyValue":
			return CondFalse, missing, cc.reason(c, rkAnyMissing)
		case info.negated:
			return CondTrue, missing, ""
		}
		return CondFalse, missing, cc.reason(c, rkMissing)
	}

	// Expand variables in the policy values once.
	pvals := c.Values
	var exps []expansion
	if vars && info.vars {
		for i, pv := range c.Values {
			if hasVar(pv) {
				if exps == nil {
					exps = make([]expansion, len(c.Values))
					for j := range c.Values {
						exps[j] = expansion{s: c.Values[j]}
					}
				}
				exps[i] = expandVars(pv, ctx)
				for _, m := range exps[i].missing {
					missing = appendUnique(missing, m)
				}
			}
		}
	}

	// valueSat reports whether one request value satisfies the (possibly
	// negated) operator against the policy list: positive = matches any,
	// negated = matches none.
	valueSat := func(rv string) (bool, error) {
		any := false
		for i, pv := range pvals {
			var lit []bool
			if exps != nil {
				if !exps[i].resolved() {
					continue // an unresolved variable matches nothing
				}
				pv, lit = exps[i].s, exps[i].lit
			}
			var m bool
			var err error
			if cc != nil && cc.vals != nil {
				m, err = matchParsed(info, pv, &cc.vals[i], rv)
			} else {
				m, err = matchValue(info, pv, lit, rv)
			}
			if err != nil {
				return false, err
			}
			if m {
				any = true
				break
			}
		}
		if info.negated {
			return !any, nil
		}
		return any, nil
	}

	switch op.Qualifier {
	case "":
		if len(v.Values) > 1 {
			// Unsettled in AWS (spec 8.2 item 10): fail closed, so that
			// neither an Allow nor the absence of a Deny rests on it.
			return CondError, missing, cc.reason(c, rkMulti)
		}
		ok, err := valueSat(v.Values[0])
		if err != nil {
			return CondError, missing, "condition " + condName(c) + ": " + err.Error()
		}
		if !ok {
			return CondFalse, missing, cc.reason(c, rkNotMet)
		}
		return CondTrue, missing, ""
	case "ForAllValues":
		for _, rv := range v.Values {
			ok, err := valueSat(rv)
			if err != nil {
				return CondError, missing, "condition " + condName(c) + ": " + err.Error()
			}
			if !ok {
				return CondFalse, missing, cc.reason(c, rkAllNotMet)
			}
		}
		return CondTrue, missing, ""
	default: // ForAnyValue
		var firstErr error
		for _, rv := range v.Values {
			ok, err := valueSat(rv)
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
			if ok {
				return CondTrue, missing, ""
			}
		}
		if firstErr != nil {
			return CondError, missing, "condition " + condName(c) + ": " + firstErr.Error()
		}
		return CondFalse, missing, cc.reason(c, rkAnyNotMet)
	}
}

type condErr string

func (e condErr) Error() string { return string(e) }

func strconvQuote(s string) string { return strconv.Quote(s) }

// matchValue compares one policy value with one request value using the
// positive form of the operator.
func matchValue(info opInfo, pv string, lit []bool, rv string) (bool, error) {
	switch info.fam {
	case famString:
		return pv == rv, nil
	case famStringIC:
		return strings.EqualFold(pv, rv), nil
	case famStringLike:
		return glob(pv, rv, false, lit), nil
	case famARN:
		return matchARN(pv, lit, rv), nil
	case famBool:
		lp := strings.ToLower(pv)
		if lp != "true" && lp != "false" {
			return false, condErr("Bool policy value must be \"true\" or \"false\", got " + strconvQuote(pv))
		}
		return strings.EqualFold(lp, rv), nil
	case famNumeric:
		a, err := parseNumber(pv)
		if err != nil {
			return false, condErr("policy value " + strconvQuote(pv) + " is not a number")
		}
		b, err := parseNumber(rv)
		if err != nil {
			return false, condErr("request value " + strconvQuote(rv) + " is not a number")
		}
		return compare(info.cmp, cmp3(b, a)), nil
	case famDate:
		a, err := parseDate(pv)
		if err != nil {
			return false, condErr("policy value " + strconvQuote(pv) + " is not an ISO 8601 date or epoch seconds")
		}
		b, err := parseDate(rv)
		if err != nil {
			return false, condErr("request value " + strconvQuote(rv) + " is not an ISO 8601 date or epoch seconds")
		}
		return compare(info.cmp, b.Compare(a)), nil
	case famBinary:
		pb, err := base64.StdEncoding.DecodeString(pv)
		if err != nil {
			return false, condErr("BinaryEquals policy value " + strconvQuote(pv) + " is not base64")
		}
		if rv == pv {
			return true, nil
		}
		if rb, err := base64.StdEncoding.DecodeString(rv); err == nil {
			return string(rb) == string(pb), nil
		}
		return rv == string(pb), nil
	case famIP:
		pfx, err := parseCIDR(pv)
		if err != nil {
			return false, condErr("policy value " + strconvQuote(pv) + " is not an IP address or CIDR")
		}
		addr, err := parseRequestIP(rv)
		if err != nil {
			return false, err
		}
		return pfx.Contains(addr), nil
	}
	return false, condErr("unsupported operator family")
}

func cmp3(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compare applies a comparison to the sign of request-vs-policy.
func compare(k cmpKind, c int) bool {
	switch k {
	case cmpLt:
		return c < 0
	case cmpLe:
		return c <= 0
	case cmpGt:
		return c > 0
	case cmpGe:
		return c >= 0
	}
	return c == 0
}

// parseNumber parses a Numeric operator value: a decimal number as
// policy.IsNumericValue accepts it (no NaN, Inf, hex or underscores, which
// strconv.ParseFloat would take) that fits a float64. Anything else is an
// error, so that the condition fails closed (spec 6.6).
func parseNumber(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if !policy.IsNumericValue(s) {
		return 0, condErr("not a decimal number")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, condErr("number out of range")
	}
	return f, nil
}

// parseRequestIP parses a request IP address (aws:SourceIp and the like).
// An IPv4-mapped IPv6 address is the IPv4 address it carries (a policy
// range 198.51.100.0/24 covers ::ffff:198.51.100.7); an address with a zone
// cannot be compared with a policy range and is an error (fail closed).
func parseRequestIP(rv string) (netip.Addr, error) {
	if a, ok := parseIPv4Fast(rv); ok {
		return a, nil
	}
	addr, err := netip.ParseAddr(strings.TrimSpace(rv))
	if err != nil || addr.Zone() != "" {
		return netip.Addr{}, condErr("request value " + strconvQuote(rv) + " is not an IP address")
	}
	return addr.Unmap(), nil
}

// parseCIDR parses an IPv4/IPv6 CIDR; a bare address is /32 or /128.
func parseCIDR(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.IndexByte(s, '/') >= 0 {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, err
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
	"20060102T150405Z",
}

// parseDate accepts W3C ISO 8601 forms and epoch seconds (spec 6.6).
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, condErr("empty date")
	}
	if isEpoch(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return time.Time{}, err
		}
		sec := int64(f)
		nsec := int64((f - float64(sec)) * 1e9)
		return time.Unix(sec, nsec).UTC(), nil
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, condErr("bad date")
}

func isEpoch(s string) bool {
	dot := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case c == '-' && i == 0 && len(s) > 1:
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return true
}

// parseIPv4Fast parses the usual form of a request address, a dotted quad
// ("198.51.100.7": four decimal fields 0-255 without leading zeros), which
// netip.ParseAddr reads as the same address; ok is false for anything else
// (IPv6, spaces, zones, leading zeros, ...), which netip.ParseAddr then
// decides. FuzzParseIPv4Fast holds the two to the same answers.
func parseIPv4Fast(s string) (netip.Addr, bool) {
	if len(s) < 7 || len(s) > 15 {
		return netip.Addr{}, false
	}
	var b [4]byte
	f, n, d := 0, uint(0), 0 // field, its value, its digits
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if d == 0 || f == 3 || n > 255 {
				return netip.Addr{}, false
			}
			b[f&3] = byte(n)
			f, n, d = f+1, 0, 0
			continue
		}
		c -= '0'
		if c > 9 || (d > 0 && n == 0) || d == 3 {
			return netip.Addr{}, false
		}
		n = n*10 + uint(c)
		d++
	}
	if f != 3 || d == 0 || n > 255 {
		return netip.Addr{}, false
	}
	b[3] = byte(n)
	return netip.AddrFrom4(b), true
}
