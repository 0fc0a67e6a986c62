// Package lint finds policy mistakes before they ship (policy lint), reports
// how a bucket is exposed (bucket exposure) and writes least-privilege policy
// documents for a declared access (policy document). Every finding names the
// statement and element it is about and carries a concrete fix.
// It imports no Terraform package.
package lint

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// Severity of a finding.
type Severity string

const (
	SeverityError   Severity = "error"   // the policy does not do what it says, or does something dangerous
	SeverityWarning Severity = "warning" // probably a mistake, or broader than it needs to be
	SeverityInfo    Severity = "info"    // worth knowing (cross-account access, legacy syntax)
)

// Kinds accepted by Lint (the provider's `kind` argument).
var Kinds = []string{"identity", "bucket", "key", "scp", "rcp", "endpoint"}

// Finding is one lint result.
type Finding struct {
	Code     string
	Severity Severity
	// StatementIndex is the statement's position in the Statement array; -1
	// for document-level findings.
	StatementIndex int
	Sid            string
	// Element is the element the finding is about, e.g. "Action[1]",
	// "Condition.IpAddress.s3:prefix" ("" when the whole statement).
	Element string
	Message string
	Fix     string
}

func (f Finding) String() string {
	where := "policy"
	if f.StatementIndex >= 0 {
		where = fmt.Sprintf("statement %d", f.StatementIndex)
		if f.Sid != "" {
			where += fmt.Sprintf(" (Sid %q)", f.Sid)
		}
	}
	if f.Element != "" {
		where += ", " + f.Element
	}
	return fmt.Sprintf("%s [%s] %s: %s Fix: %s", f.Severity, f.Code, where, f.Message, f.Fix)
}

// Options tune the lint.
type Options struct {
	// BucketAccountID is the account that owns the bucket (or key) the policy
	// is attached to; it lets the lint tell cross-account grants apart. Empty:
	// unknown (every account principal is reported as possibly cross-account
	// only when it differs from the others).
	BucketAccountID string
}

// Result is the lint outcome. Findings are sorted by statement, then code.
type Result struct {
	Findings     []Finding
	ErrorCount   int
	WarningCount int
	InfoCount    int
	// Policy is the parsed policy (nil when the document could not be read at
	// all); statements the parser rejected are missing from it.
	Policy *policy.Policy
}

// ErrInvalidKind is returned for a kind outside Kinds.
var ErrInvalidKind = errors.New("invalid policy kind")

// policyKind maps a lint kind to the parser's kind. Identity policies are
// parsed with the inline limit (10,240); the managed-policy limit is a
// separate finding.
func policyKind(kind string) (policy.Kind, error) {
	switch strings.ToLower(strings.TrimSpace(kind)) {
	case "identity":
		return policy.KindInline, nil
	case "bucket":
		return policy.KindBucket, nil
	case "key":
		return policy.KindKey, nil
	case "scp":
		return policy.KindSCP, nil
	case "rcp":
		return policy.KindRCP, nil
	case "endpoint":
		return policy.KindEndpoint, nil
	}
	return "", fmt.Errorf("%w %q: expected one of %s", ErrInvalidKind, kind, strings.Join(Kinds, ", "))
}

// Lint checks one policy document of the given kind. It never fails on a bad
// document: what the parser rejects becomes error findings naming the
// statement and element. The only error is an invalid kind or option.
func Lint(doc, kind string, opt Options) (*Result, error) {
	pk, err := policyKind(kind)
	if err != nil {
		return nil, err
	}
	if opt.BucketAccountID != "" && !policy.IsAccountID(opt.BucketAccountID) {
		return nil, fmt.Errorf("bucket_account_id %q: expected a 12-digit account id", opt.BucketAccountID)
	}
	l := &linter{kind: pk, opt: opt}
	p, perr := policy.Parse(doc, pk)
	if perr != nil {
		p = l.lenientParse(doc, perr)
	}
	if p != nil {
		l.document(doc, p)
		for i := range p.Statements {
			l.statement(p, &p.Statements[i])
		}
		l.crossStatement(p)
	}
	return l.result(p), nil
}

// DetectKind guesses the kind of a policy for callers that do not say it
// (the lint_policy function): "bucket" when a statement has Principal or
// NotPrincipal, "identity" otherwise.
func DetectKind(doc string) string {
	var top struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &top) != nil {
		return "identity"
	}
	var list []map[string]json.RawMessage
	if json.Unmarshal(top.Statement, &list) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(top.Statement, &one) != nil {
			return "identity"
		}
		list = []map[string]json.RawMessage{one}
	}
	for _, st := range list {
		if st["Principal"] != nil || st["NotPrincipal"] != nil {
			return "bucket"
		}
	}
	return "identity"
}

type linter struct {
	kind     policy.Kind
	opt      Options
	findings []Finding
}

func (l *linter) add(st *policy.Statement, code string, sev Severity, elem, msg, fix string) {
	f := Finding{Code: code, Severity: sev, StatementIndex: -1, Element: elem, Message: msg, Fix: fix}
	if st != nil {
		f.StatementIndex = st.Index
		f.Sid = st.Sid
	}
	l.findings = append(l.findings, f)
}

// errorAt adds an error finding for statement idx (which may not have parsed).
func (l *linter) errorAt(idx int, sid, code, elem, msg, fix string) {
	l.findings = append(l.findings, Finding{Code: code, Severity: SeverityError, StatementIndex: idx, Sid: sid, Element: elem, Message: msg, Fix: fix})
}

func (l *linter) result(p *policy.Policy) *Result {
	// De-duplicate identical findings (one mistake reported through two paths).
	seen := map[string]bool{}
	out := l.findings[:0]
	for _, f := range l.findings {
		k := fmt.Sprintf("%d|%s|%s|%s", f.StatementIndex, f.Code, f.Element, f.Message)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].StatementIndex != out[j].StatementIndex {
			return out[i].StatementIndex < out[j].StatementIndex
		}
		return sevRank(out[i].Severity) < sevRank(out[j].Severity)
	})
	r := &Result{Findings: out, Policy: p}
	for _, f := range out {
		switch f.Severity {
		case SeverityError:
			r.ErrorCount++
		case SeverityWarning:
			r.WarningCount++
		default:
			r.InfoCount++
		}
	}
	return r
}

func sevRank(s Severity) int {
	switch s {
	case SeverityError:
		return 0
	case SeverityWarning:
		return 1
	}
	return 2
}

// Codes returns every finding code with its default severity and a one-line
// description, sorted by code (for documentation and tests).
func Codes() []CodeInfo {
	out := make([]CodeInfo, 0, len(codeInfo))
	for _, c := range codeInfo {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// CodeInfo documents one finding code.
type CodeInfo struct {
	Code        string
	Severity    Severity // the usual severity; a few codes vary with the statement's effect
	Description string
}
