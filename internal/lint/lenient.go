package lint

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// lenientParse reads a document that policy.Parse rejected, statement by
// statement, so that one bad statement does not hide the findings of the
// others. Every rejected element becomes an error finding; the statements
// that parse are returned for the other checks.
func (l *linter) lenientParse(doc string, perr error) *policy.Policy {
	var pe *policy.Error
	if !errors.As(perr, &pe) {
		pe = &policy.Error{Statement: -1, Message: perr.Error()}
	}
	before := len(l.findings)
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &top); err != nil || top == nil {
		l.parseError(pe)
		return nil
	}
	p := &policy.Policy{Kind: l.kind}
	if raw, ok := top["Version"]; ok {
		var v string
		if json.Unmarshal(raw, &v) == nil && (v == policy.Version2012 || v == policy.Version2008) {
			p.Version = v
		}
	}
	if pe.Statement < 0 {
		// Document-level problem (size, Version, unknown top-level key, ...).
		l.parseError(pe)
	}
	raw, ok := top["Statement"]
	if !ok {
		return nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(raw, &one) != nil {
			return nil
		}
		list = []json.RawMessage{raw}
		p.SingleStatement = true
	}
	sids := map[string]int{}
	for i, r := range list {
		sid := rawSid(r)
		if sid != "" {
			if j, dup := sids[sid]; dup {
				l.errorAt(i, sid, CodeDuplicateSid, "Sid",
					fmt.Sprintf("Sid %q is also used by statement %d; AWS rejects a policy with duplicate Sids.", sid, j),
					fmt.Sprintf("Rename one of them, e.g. %q.", sid+itoa(i)))
			} else {
				sids[sid] = i
			}
		}
		st, ok := l.parseStatementLenient(r, i, sid)
		if ok {
			p.Statements = append(p.Statements, st)
		}
	}
	if len(l.findings) == before {
		// Fail closed: the parser said no; say so even if no check above could locate it.
		l.parseError(pe)
	}
	return p
}

func rawSid(r json.RawMessage) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(r, &m) != nil {
		return ""
	}
	var s string
	if json.Unmarshal(m["Sid"], &s) != nil {
		return ""
	}
	return s
}

// parseStatementLenient parses statement i on its own. A principal element
// the kind does not accept is reported and dropped so the rest is checked.
func (l *linter) parseStatementLenient(r json.RawMessage, i int, sid string) (policy.Statement, bool) {
	st, err := policy.ParseStatement(string(r), l.kind)
	if err == nil {
		st.Index = i
		return st, true
	}
	var pe *policy.Error
	if !errors.As(err, &pe) {
		pe = &policy.Error{Message: err.Error()}
	}
	pe = &policy.Error{Statement: i, Sid: sid, Element: pe.Element, Message: pe.Message}
	elem := pe.Element
	switch {
	case (elem == "Principal" || elem == "NotPrincipal") && strings.Contains(pe.Message, "not allowed in a"):
		l.errorAt(i, sid, CodePrincipalNotAllowed, elem,
			fmt.Sprintf("A %s policy has no %s element: it applies to the principal it is attached to.", kindName(l.kind), elem),
			fmt.Sprintf("Remove %s; to grant another principal, use a resource-based policy (bucket policy, key policy) instead.", elem))
		return l.retryWithout(r, i, sid, nil)
	case l.kind == policy.KindRCP && (elem == "Principal" || elem == "NotPrincipal"):
		l.errorAt(i, sid, CodePrincipalNotAllowed, elem,
			"A resource control policy statement must use Principal \"*\" (limit principals with conditions such as aws:PrincipalOrgID).",
			"Write \"Principal\": \"*\" and move the principal restriction into a Condition.")
		return l.retryWithout(r, i, sid, "*")
	case elem == "Principal" && strings.HasPrefix(pe.Message, "missing"):
		l.errorAt(i, sid, CodeMissingPrincipal, elem, pe.Message+".",
			"Add a Principal naming who is granted or denied, e.g. {\"AWS\": \"arn:aws:iam::111122223333:role/app\"}.")
	case strings.HasPrefix(elem, "Resource") || strings.HasPrefix(elem, "NotResource"):
		l.errorAt(i, sid, CodeInvalidARN, elem, pe.Message+".",
			"Use \"*\" or a full ARN; for S3: arn:aws:s3:::BUCKET for the bucket, arn:aws:s3:::BUCKET/* for its objects.")
	case strings.HasPrefix(elem, "Principal") || strings.HasPrefix(elem, "NotPrincipal"):
		l.errorAt(i, sid, CodeInvalidPrincipal, elem, pe.Message+".",
			"Use \"*\", a 12-digit account id, an IAM user/role ARN, an assumed-role session ARN or a service name; partial wildcards are not allowed (restrict with a Condition such as aws:PrincipalArn instead).")
	case strings.HasPrefix(elem, "Condition"):
		l.errorAt(i, sid, CodeInvalidCondition, elem, pe.Message+".",
			"Use a documented operator (StringEquals, StringLike, IpAddress, DateGreaterThan, Bool, Null, ...) and a value of its type.")
	default:
		l.parseError(pe)
	}
	return policy.Statement{}, false
}

// retryWithout re-parses a statement with a principal element removed
// (replacement nil) or replaced.
func (l *linter) retryWithout(r json.RawMessage, i int, sid string, replacement any) (policy.Statement, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(r, &m) != nil {
		return policy.Statement{}, false
	}
	delete(m, "Principal")
	delete(m, "NotPrincipal")
	if replacement != nil {
		b, _ := json.Marshal(replacement)
		m["Principal"] = b
	}
	b, err := json.Marshal(m)
	if err != nil {
		return policy.Statement{}, false
	}
	st, err := policy.ParseStatement(string(b), l.kind)
	if err != nil {
		var pe *policy.Error
		if errors.As(err, &pe) {
			l.parseError(&policy.Error{Statement: i, Sid: sid, Element: pe.Element, Message: pe.Message})
		}
		return policy.Statement{}, false
	}
	st.Index = i
	return st, true
}

// parseError reports a statement AWS would reject as an invalid_policy error.
func (l *linter) parseError(pe *policy.Error) {
	l.errorAt(pe.Statement, pe.Sid, CodeInvalidPolicy, pe.Element, pe.Message+".",
		"Correct the element named in the message; the policy is rejected by AWS as written.")
}

func kindName(k policy.Kind) string {
	switch k {
	case policy.KindInline, policy.KindIdentity:
		return "identity"
	case policy.KindSCP:
		return "service control"
	}
	return string(k)
}

func itoa(i int) string { return fmt.Sprint(i) }
