package policy

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// Decisions taken where AWS documentation is silent or inconsistent
// (spec 6.1-6.6); each one fails closed (an error, never a silent allow):
//
//   - Element names (Version, Statement, Effect, ...) are case-sensitive; an
//     unknown or mis-cased key is an error.
//   - Every statement needs exactly one of Action/NotAction and exactly one of
//     Resource/NotResource, whatever the kind (SCPs, RCPs and key policies
//     included); AWS's grammar requires Resource for all kinds modelled here.
//   - Empty arrays (Action, Resource, principal lists, condition values,
//     Statement) and empty condition blocks are errors.
//   - Condition operator names are matched case-insensitively and stored in
//     their canonical spelling in Operator.Base/Qualifier (Raw keeps the text).
//     Evaluation uses only the canonical form, so a mis-cased operator is
//     evaluated exactly like the canonical one. Two operators of one Condition
//     that canonicalise to the same name, and two keys of one operator that
//     differ only in case, are errors (they would collide in canonical JSON).
//   - "ForAllValues:"/"ForAnyValue:" cannot be combined with Null; Null cannot
//     take IfExists.
//   - NotPrincipal with Allow is accepted (stored legacy policies exist, spec
//     6.2, T121) and reported in Policy.Warnings.
//   - Id is accepted in every kind.
//   - Sid: identity-style kinds (identity, inline, boundary, session, scp, rcp)
//     accept only A-Z, a-z, 0-9; resource kinds (bucket, accesspoint, key,
//     endpoint) accept any printable characters including spaces. A Sid may
//     appear once per document (comparison is exact).

// sizeLimits are the maximum packed sizes (characters, whitespace outside
// strings excluded).
var sizeLimits = map[Kind]int{
	KindIdentity:    6144,
	KindBoundary:    6144,
	KindInline:      10240,
	KindSession:     10240,
	KindBucket:      20480,
	KindAccessPoint: 20480,
	KindKey:         32768,
	KindSCP:         5120,
	KindRCP:         5120,
	KindEndpoint:    20480,
}

// SizeLimit returns the size limit of a kind (0 for an unknown kind).
func SizeLimit(k Kind) int { return sizeLimits[k] }

// PackedLength returns the size AWS counts for a policy document: characters,
// whitespace outside strings excluded.
func PackedLength(doc string) int { return packedLength(doc) }

// ResourceBased reports whether statements of this kind carry Principal or
// NotPrincipal (bucket, access point, key, endpoint and RCP policies).
func (k Kind) ResourceBased() bool {
	switch k {
	case KindBucket, KindAccessPoint, KindKey, KindEndpoint, KindRCP:
		return true
	}
	return false
}

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool { _, ok := sizeLimits[k]; return ok }

func (k Kind) spaceSid() bool {
	switch k {
	case KindBucket, KindAccessPoint, KindKey, KindEndpoint:
		return true
	}
	return false
}

var statementKeys = map[string]bool{
	"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true,
	"Action": true, "NotAction": true, "Resource": true, "NotResource": true, "Condition": true,
}

// Parse parses and strictly validates a policy document of the given kind.
// Any problem is returned as a *Error naming the statement, Sid and element.
func Parse(doc string, kind Kind) (*Policy, error) {
	if !kind.Valid() {
		return nil, &Error{Statement: -1, Message: fmt.Sprintf("unknown policy kind %q", kind)}
	}
	if n, lim := packedLength(doc), sizeLimits[kind]; n > lim {
		return nil, &Error{Statement: -1, Message: fmt.Sprintf("policy size %d characters (whitespace excluded) exceeds the %s policy limit of %d", n, kind, lim)}
	}
	root, err := parseJSON(doc)
	if err != nil {
		return nil, &Error{Statement: -1, Message: "invalid JSON: " + err.Error()}
	}
	if root.kind != nodeObject {
		return nil, &Error{Statement: -1, Message: "policy must be a JSON object, got " + root.kind.String()}
	}
	p := &Policy{Kind: kind}
	var stmts *node
	seen := map[string]bool{}
	for i := range root.fields {
		f := &root.fields[i]
		if seen[f.key] {
			return nil, &Error{Statement: -1, Element: f.key, Message: "duplicate key " + quote(f.key)}
		}
		seen[f.key] = true
		switch f.key {
		case "Version":
			if f.val.kind != nodeString {
				return nil, &Error{Statement: -1, Element: "Version", Message: "must be a string, got " + f.val.kind.String()}
			}
			if f.val.str != Version2012 && f.val.str != Version2008 {
				return nil, &Error{Statement: -1, Element: "Version", Message: fmt.Sprintf("must be %q or %q, got %q", Version2012, Version2008, f.val.str)}
			}
			p.Version = f.val.str
		case "Id":
			if f.val.kind != nodeString {
				return nil, &Error{Statement: -1, Element: "Id", Message: "must be a string, got " + f.val.kind.String()}
			}
			p.ID = f.val.str
		case "Statement":
			stmts = &f.val
		default:
			return nil, &Error{Statement: -1, Element: f.key, Message: "unknown top-level key " + quote(f.key) + " (allowed: Version, Id, Statement)"}
		}
	}
	if stmts == nil {
		return nil, &Error{Statement: -1, Element: "Statement", Message: "missing"}
	}
	var list []node
	switch stmts.kind {
	case nodeObject:
		p.SingleStatement = true
		list = []node{*stmts}
	case nodeArray:
		if len(stmts.arr) == 0 {
			return nil, &Error{Statement: -1, Element: "Statement", Message: "must contain at least one statement"}
		}
		list = stmts.arr
	default:
		return nil, &Error{Statement: -1, Element: "Statement", Message: "must be an object or an array of objects, got " + stmts.kind.String()}
	}
	sids := map[string]int{}
	p.Statements = make([]Statement, 0, len(list))
	for i := range list {
		st, warn, err := parseStatement(&list[i], i, kind)
		if err != nil {
			return nil, err
		}
		if st.Sid != "" {
			if j, dup := sids[st.Sid]; dup {
				return nil, &Error{Statement: i, Sid: st.Sid, Element: "Sid", Message: fmt.Sprintf("duplicate Sid (also statement %d)", j)}
			}
			sids[st.Sid] = i
		}
		p.Warnings = append(p.Warnings, warn...)
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// parseStatement validates one statement object at index idx.
func parseStatement(n *node, idx int, kind Kind) (Statement, []*Error, error) {
	st := Statement{Index: idx}
	fail := func(elem, format string, a ...any) (Statement, []*Error, error) {
		return Statement{}, nil, &Error{Statement: idx, Sid: st.Sid, Element: elem, Message: fmt.Sprintf(format, a...)}
	}
	if n.kind != nodeObject {
		return fail("", "statement must be an object, got %s", n.kind)
	}
	vals := map[string]*node{}
	// Sid first, so that every later error can name it.
	for i := range n.fields {
		f := &n.fields[i]
		if f.key == "Sid" && f.val.kind == nodeString && st.Sid == "" {
			st.Sid = f.val.str
		}
	}
	for i := range n.fields {
		f := &n.fields[i]
		if !statementKeys[f.key] {
			return fail(f.key, "unknown statement key %q (allowed: Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition)", f.key)
		}
		if vals[f.key] != nil {
			return fail(f.key, "duplicate key %q", f.key)
		}
		vals[f.key] = &f.val
	}
	if v := vals["Sid"]; v != nil {
		if v.kind != nodeString {
			return fail("Sid", "must be a string, got %s", v.kind)
		}
		if msg := checkSid(v.str, kind); msg != "" {
			return fail("Sid", "%s", msg)
		}
	}
	// Effect.
	v := vals["Effect"]
	if v == nil {
		return fail("Effect", "missing (must be \"Allow\" or \"Deny\")")
	}
	if v.kind != nodeString || (v.str != string(Allow) && v.str != string(Deny)) {
		return fail("Effect", "must be \"Allow\" or \"Deny\" (case-sensitive), got %s", show(v))
	}
	st.Effect = Effect(v.str)

	// Principal / NotPrincipal.
	pr, npr := vals["Principal"], vals["NotPrincipal"]
	var warns []*Error
	switch {
	case pr != nil && npr != nil:
		return fail("NotPrincipal", "a statement cannot have both Principal and NotPrincipal")
	case !kind.ResourceBased() && pr != nil:
		return fail("Principal", "not allowed in a %s policy", kind)
	case !kind.ResourceBased() && npr != nil:
		return fail("NotPrincipal", "not allowed in a %s policy", kind)
	case kind.ResourceBased() && pr == nil && npr == nil:
		return fail("Principal", "missing: a %s policy statement needs Principal or NotPrincipal", kind)
	case kind == KindRCP && npr != nil:
		return fail("NotPrincipal", "not supported in resource control policies (Principal must be \"*\")")
	}
	if pr != nil {
		ps, err := parsePrincipals(pr, "Principal")
		if err != nil {
			return fail(err.elem, "%s", err.msg)
		}
		if kind == KindRCP && (!ps.Wildcard || len(ps.AWS)+len(ps.Service)+len(ps.Federated)+len(ps.CanonicalUser) > 0) {
			return fail("Principal", "must be \"*\" in a resource control policy")
		}
		st.Principal = ps
	}
	if npr != nil {
		ps, err := parsePrincipals(npr, "NotPrincipal")
		if err != nil {
			return fail(err.elem, "%s", err.msg)
		}
		st.NotPrincipal = ps
		if st.Effect == Allow {
			warns = append(warns, &Error{Statement: idx, Sid: st.Sid, Element: "NotPrincipal",
				Message: "NotPrincipal with Allow grants to everyone not listed, anonymous included; current AWS documentation supports NotPrincipal only with Deny"})
		}
	}

	// Action / NotAction, Resource / NotResource.
	var err *elemErr
	if st.Action, st.NotAction, err = parseEither(vals, "Action", parseActions); err != nil {
		return fail(err.elem, "%s", err.msg)
	}
	if st.Resource, st.NotResource, err = parseEither(vals, "Resource", parseResources); err != nil {
		return fail(err.elem, "%s", err.msg)
	}

	if c := vals["Condition"]; c != nil {
		conds, err := parseConditions(c)
		if err != nil {
			return fail(err.elem, "%s", err.msg)
		}
		st.Conditions = conds
	}
	return st, warns, nil
}

func checkSid(s string, kind Kind) string {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case kind.spaceSid() && r >= 0x20 && r != 0x7f:
		default:
			if kind.spaceSid() {
				return fmt.Sprintf("invalid character %q in Sid %q (control characters are not allowed)", r, s)
			}
			return fmt.Sprintf("invalid character %q in Sid %q: a %s policy Sid accepts only A-Z, a-z and 0-9", r, s, kind)
		}
	}
	return ""
}

// elemErr is an error inside one statement element.
// parseEither parses the element name or its negation Not<name>, exactly one
// of which a statement must have, with parse; the other result is nil.
func parseEither(vals map[string]*node, name string, parse func(*node, string) ([]string, *elemErr)) (pos, neg []string, err *elemErr) {
	notName := "Not" + name
	v, nv := vals[name], vals[notName]
	switch {
	case v != nil && nv != nil:
		return nil, nil, eErr(notName, "a statement cannot have both %s and %s", name, notName)
	case v == nil && nv == nil:
		return nil, nil, eErr(name, "missing: a statement needs %s or %s", name, notName)
	case v != nil:
		pos, err = parse(v, name)
	default:
		neg, err = parse(nv, notName)
	}
	if err != nil {
		return nil, nil, err
	}
	return pos, neg, nil
}

type elemErr struct{ elem, msg string }

func eErr(elem, format string, a ...any) *elemErr {
	return &elemErr{elem: elem, msg: fmt.Sprintf(format, a...)}
}

func show(n *node) string {
	switch n.kind {
	case nodeString:
		return quote(n.str)
	case nodeNumber:
		return n.str
	case nodeBool:
		if n.b {
			return "true"
		}
		return "false"
	}
	return n.kind.String()
}

// stringList reads a string or a non-empty array of strings; elem names the
// element for errors. Items are reported as elem[i] when an array was given.
func stringList(n *node, elem string) ([]string, []string, *elemErr) {
	switch n.kind {
	case nodeString:
		return []string{n.str}, []string{elem}, nil
	case nodeArray:
		if len(n.arr) == 0 {
			return nil, nil, eErr(elem, "must not be an empty array")
		}
		out := make([]string, len(n.arr))
		names := make([]string, len(n.arr))
		for i := range n.arr {
			names[i] = fmt.Sprintf("%s[%d]", elem, i)
			if n.arr[i].kind != nodeString {
				return nil, nil, eErr(names[i], "must be a string, got %s", n.arr[i].kind)
			}
			out[i] = n.arr[i].str
		}
		return out, names, nil
	}
	return nil, nil, eErr(elem, "must be a string or an array of strings, got %s", n.kind)
}

func parsePrincipals(n *node, elem string) (*Principals, *elemErr) {
	ps := &Principals{}
	if n.kind == nodeString {
		if n.str != "*" {
			return nil, eErr(elem, "a string principal must be \"*\"; use {\"AWS\": %q} for an account or ARN", n.str)
		}
		ps.Wildcard = true
		return ps, nil
	}
	if n.kind != nodeObject {
		return nil, eErr(elem, "must be \"*\" or an object with AWS, Service, Federated or CanonicalUser, got %s", n.kind)
	}
	if len(n.fields) == 0 {
		return nil, eErr(elem, "must not be an empty object")
	}
	seen := map[string]bool{}
	for i := range n.fields {
		f := &n.fields[i]
		fe := elem + "." + f.key
		if seen[f.key] {
			return nil, eErr(fe, "duplicate key %q", f.key)
		}
		seen[f.key] = true
		vals, names, err := stringList(&f.val, fe)
		if err != nil {
			return nil, err
		}
		switch f.key {
		case "AWS":
			for j, s := range vals {
				ref, err := ParseAWSPrincipal(s)
				if err != nil {
					return nil, eErr(names[j], "%v", err)
				}
				if ref.Kind == RefWildcard {
					ps.Wildcard = true
					continue
				}
				ps.AWS = append(ps.AWS, s)
			}
			if ps.AWS == nil {
				ps.AWS = []string{}
			}
		case "Service":
			for j, s := range vals {
				if msg := checkServicePrincipal(s); msg != "" {
					return nil, eErr(names[j], "%s", msg)
				}
			}
			ps.Service = vals
		case "Federated":
			for j, s := range vals {
				if msg := checkFederated(s); msg != "" {
					return nil, eErr(names[j], "%s", msg)
				}
			}
			ps.Federated = vals
		case "CanonicalUser":
			for j, s := range vals {
				if !isCanonicalUser(s) {
					return nil, eErr(names[j], "canonical user id must be 64 hexadecimal characters, got %q", s)
				}
			}
			ps.CanonicalUser = vals
		default:
			return nil, eErr(fe, "unknown principal type %q (allowed: AWS, Service, Federated, CanonicalUser)", f.key)
		}
	}
	if len(ps.AWS) == 0 {
		ps.AWS = nil
	}
	return ps, nil
}

// isDNSName reports whether s is dot-separated labels of a-z, 0-9 and '-'.
func isDNSName(s string, minDots int) bool {
	if len(s) == 0 || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < minDots+1 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
				return false
			}
		}
	}
	return true
}

func checkServicePrincipal(s string) string {
	if s == "*" {
		return ""
	}
	if strings.ContainsAny(s, "*?") {
		return fmt.Sprintf("partial wildcards are not allowed in a service principal: %q", s)
	}
	if !isDNSName(s, 1) {
		return fmt.Sprintf("service principal must look like \"service.amazonaws.com\", got %q", s)
	}
	return ""
}

func checkFederated(s string) string {
	if s == "*" {
		return ""
	}
	if strings.ContainsAny(s, "*?") {
		return fmt.Sprintf("partial wildcards are not allowed in a federated principal: %q", s)
	}
	if strings.HasPrefix(s, "arn:") {
		a, err := arn.Parse(s)
		if err != nil {
			return fmt.Sprintf("malformed federated provider ARN %q: %v", s, err)
		}
		if !isPartition(a.Partition) || a.Service != "iam" || a.Region != "" || !IsAccountID(a.AccountID) ||
			!hasNamedPrefix(a.Resource, "saml-provider/") && !hasNamedPrefix(a.Resource, "oidc-provider/") {
			return fmt.Sprintf("federated provider ARN must be arn:PARTITION:iam::ACCOUNT:saml-provider/NAME or oidc-provider/URL, got %q", s)
		}
		return ""
	}
	if !isDNSName(strings.ToLower(s), 1) {
		return fmt.Sprintf("federated principal must be an identity provider domain or a SAML/OIDC provider ARN, got %q", s)
	}
	return ""
}

func isCanonicalUser(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}

// parseActions: "*" or "prefix:name" where prefix is letters, digits and '-'
// and name is letters, digits, '-', '_', '*' and '?'.
func parseActions(n *node, elem string) ([]string, *elemErr) {
	vals, names, err := stringList(n, elem)
	if err != nil {
		return nil, err
	}
	for i, s := range vals {
		if s == "*" {
			continue
		}
		c := strings.IndexByte(s, ':')
		if c <= 0 || c == len(s)-1 {
			return nil, eErr(names[i], "action must be \"*\" or \"service:ActionName\", got %q", s)
		}
		for j := 0; j < c; j++ {
			ch := s[j]
			if !isAlnum(ch) && ch != '-' {
				return nil, eErr(names[i], "invalid service prefix in action %q (wildcards are not allowed in the service prefix)", s)
			}
		}
		for j := c + 1; j < len(s); j++ {
			ch := s[j]
			if !isAlnum(ch) && strings.IndexByte("-_*?", ch) < 0 {
				return nil, eErr(names[i], "invalid character %q in action %q", ch, s)
			}
		}
	}
	return vals, nil
}

// parseResources: "*" alone or an ARN pattern with at least six ':'-separated
// parts (arn:partition:service:region:account:resource).
func parseResources(n *node, elem string) ([]string, *elemErr) {
	vals, names, err := stringList(n, elem)
	if err != nil {
		return nil, err
	}
	for i, s := range vals {
		if s == "*" {
			continue
		}
		if !strings.HasPrefix(s, "arn:") || strings.Count(s, ":") < 5 {
			return nil, eErr(names[i], "resource must be \"*\" or an ARN (arn:partition:service:region:account:resource), got %q", s)
		}
		if parts := strings.SplitN(s, ":", 6); parts[2] == "" || strings.ContainsAny(parts[2], "*?") {
			return nil, eErr(names[i], "the service segment of resource %q must be written out (no wildcard)", s)
		}
	}
	return vals, nil
}

// Condition operator families (spec 6.6).
var conditionBases = func() map[string]string {
	m := map[string]string{}
	for _, b := range []string{
		"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
		"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
		"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
		"Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
	} {
		m[strings.ToLower(b)] = b
	}
	return m
}()

// ParseOperator parses a condition operator name such as
// "ForAnyValue:StringNotEqualsIfExists" (case-insensitively) into its
// canonical parts.
func ParseOperator(raw string) (Operator, error) {
	op := Operator{Raw: raw}
	rest := raw
	lower := strings.ToLower(rest)
	switch {
	case strings.HasPrefix(lower, "forallvalues:"):
		op.Qualifier = "ForAllValues"
		rest = rest[len("forallvalues:"):]
	case strings.HasPrefix(lower, "foranyvalue:"):
		op.Qualifier = "ForAnyValue"
		rest = rest[len("foranyvalue:"):]
	}
	lower = strings.ToLower(rest)
	if b, ok := conditionBases[lower]; ok {
		op.Base = b
	} else if strings.HasSuffix(lower, "ifexists") {
		if b, ok := conditionBases[strings.TrimSuffix(lower, "ifexists")]; ok {
			op.Base = b
			op.IfExists = true
		}
	}
	if op.Base == "" {
		return op, fmt.Errorf("unknown condition operator %q", raw)
	}
	if op.Base == "Null" && op.IfExists {
		return op, fmt.Errorf("condition operator %q: Null cannot take IfExists", raw)
	}
	if op.Base == "Null" && op.Qualifier != "" {
		return op, fmt.Errorf("condition operator %q: Null cannot take %s", raw, op.Qualifier)
	}
	return op, nil
}

// Canonical returns the canonical spelling, e.g. "ForAnyValue:StringLikeIfExists".
func (o Operator) Canonical() string {
	s := o.Base
	if o.IfExists {
		s += "IfExists"
	}
	if o.Qualifier != "" {
		s = o.Qualifier + ":" + s
	}
	return s
}

// Negated reports whether the base operator is a negated one (spec 6.6:
// true on a missing key).
func (o Operator) Negated() bool {
	switch o.Base {
	case "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals",
		"DateNotEquals", "ArnNotEquals", "ArnNotLike", "NotIpAddress":
		return true
	}
	return false
}

func parseConditions(n *node) ([]Condition, *elemErr) {
	if n.kind != nodeObject {
		return nil, eErr("Condition", "must be an object, got %s", n.kind)
	}
	var out []Condition
	seenOp := map[string]string{}
	for i := range n.fields {
		f := &n.fields[i]
		oe := "Condition." + f.key
		op, err := ParseOperator(f.key)
		if err != nil {
			return nil, eErr(oe, "%v", err)
		}
		if prev, dup := seenOp[op.Canonical()]; dup {
			return nil, eErr(oe, "operator %q appears twice in Condition (also as %q)", op.Canonical(), prev)
		}
		seenOp[op.Canonical()] = f.key
		if f.val.kind != nodeObject {
			return nil, eErr(oe, "must be an object of condition keys, got %s", f.val.kind)
		}
		if len(f.val.fields) == 0 {
			return nil, eErr(oe, "must contain at least one condition key")
		}
		seenKey := map[string]string{}
		var conds []Condition
		for j := range f.val.fields {
			kf := &f.val.fields[j]
			ke := oe + "." + kf.key
			if kf.key == "" {
				return nil, eErr(ke, "empty condition key")
			}
			lk := strings.ToLower(kf.key)
			if prev, dup := seenKey[lk]; dup {
				if prev == kf.key {
					return nil, eErr(ke, "duplicate key %q", kf.key)
				}
				return nil, eErr(ke, "condition key %q repeats %q (keys are case-insensitive)", kf.key, prev)
			}
			seenKey[lk] = kf.key
			vals, err := conditionValues(&kf.val, ke, op)
			if err != nil {
				return nil, err
			}
			conds = append(conds, Condition{Operator: op, Key: kf.key, Values: vals})
		}
		sort.SliceStable(conds, func(a, b int) bool { return strings.ToLower(conds[a].Key) < strings.ToLower(conds[b].Key) })
		out = append(out, conds...)
	}
	return out, nil
}

func scalarString(n *node) (string, bool) {
	switch n.kind {
	case nodeString, nodeNumber:
		return n.str, true
	case nodeBool:
		if n.b {
			return "true", true
		}
		return "false", true
	}
	return "", false
}

func conditionValues(n *node, elem string, op Operator) ([]string, *elemErr) {
	var items []*node
	var names []string
	switch n.kind {
	case nodeArray:
		if len(n.arr) == 0 {
			return nil, eErr(elem, "must not be an empty array")
		}
		for i := range n.arr {
			items = append(items, &n.arr[i])
			names = append(names, fmt.Sprintf("%s[%d]", elem, i))
		}
	default:
		items = []*node{n}
		names = []string{elem}
	}
	out := make([]string, len(items))
	for i, it := range items {
		s, ok := scalarString(it)
		if !ok {
			return nil, eErr(names[i], "condition value must be a string, number or boolean, got %s", it.kind)
		}
		if msg := checkConditionValue(op.Base, s); msg != "" {
			return nil, eErr(names[i], "%s", msg)
		}
		out[i] = s
	}
	return out, nil
}

func checkConditionValue(base, s string) string {
	switch {
	case strings.HasPrefix(base, "Numeric"):
		if !IsNumericValue(s) {
			return fmt.Sprintf("%s needs a number, got %q", base, s)
		}
	case strings.HasPrefix(base, "Date"):
		if _, err := ParseDateValue(s); err != nil {
			return fmt.Sprintf("%s needs an ISO 8601 date or epoch seconds, got %q", base, s)
		}
	case base == "Bool", base == "Null":
		if s != "true" && s != "false" {
			return fmt.Sprintf("%s needs \"true\" or \"false\", got %q", base, s)
		}
	case base == "IpAddress", base == "NotIpAddress":
		if _, err := ParseIPValue(s); err != nil {
			return fmt.Sprintf("%s needs an IPv4/IPv6 address or CIDR, got %q", base, s)
		}
	case base == "BinaryEquals":
		if _, err := base64.StdEncoding.DecodeString(s); err != nil || s == "" {
			return fmt.Sprintf("BinaryEquals needs a base64 value, got %q", s)
		}
	}
	return ""
}

// IsNumericValue reports whether s is a decimal number as Numeric operators
// accept it: optional '-', digits with an optional fraction, optional exponent.
func IsNumericValue(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		ed := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			ed++
		}
		if ed == 0 {
			return false
		}
	}
	return i == len(s)
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02",
	"2006-01",
	"2006",
}

// ParseDateValue parses a Date operator value: W3C ISO 8601 (YYYY,
// YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mmTZD, YYYY-MM-DDThh:mm:ss[.s]TZD;
// no zone means UTC) or epoch seconds (any run of up to 12 digits except
// exactly four, which is read as a year).
func ParseDateValue(s string) (time.Time, error) {
	if len(s) != 4 && isDigits(s) && len(s) <= 12 {
		var sec int64
		for i := 0; i < len(s); i++ {
			sec = sec*10 + int64(s[i]-'0')
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid date %q", s)
}

// ParseIPValue parses an IpAddress value: a CIDR, or a bare address taken as
// /32 (IPv4) or /128 (IPv6). IPv4-mapped IPv6 and zones are rejected.
func ParseIPValue(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		if p.Addr().Is4In6() {
			return netip.Prefix{}, fmt.Errorf("IPv4-mapped IPv6 prefix %q", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if a.Zone() != "" || a.Is4In6() {
		return netip.Prefix{}, fmt.Errorf("unsupported address %q", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// hasNamedPrefix reports whether s is prefix followed by at least one character.
func hasNamedPrefix(s, prefix string) bool {
	return len(s) > len(prefix) && strings.HasPrefix(s, prefix)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isAlnum reports whether c is an ASCII letter or digit.
func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) }
