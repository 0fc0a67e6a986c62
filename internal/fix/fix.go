// Package fix plans the safe fixes behind the s3access resources
// (ARCHITECTURE.md section 2, "Resources: safe fixes"): merging one Sid-keyed
// statement into a bucket or key policy and removing it again, lifting only
// the bucket-level Block Public Access settings a public read needs,
// translating bucket ACL grants into equivalent bucket-policy statements
// before ACLs are disabled, and building KMS key-policy statements with a
// lockout check. It only computes documents and decisions; it never calls AWS
// and imports no Terraform package. Every refusal is an *Error naming the
// argument it is about.
package fix

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Error is a refusal tied to a resource argument (Field, e.g. "statement",
// "prefixes", "migrate_acl_grants"; "" when it is about the resource as a
// whole).
type Error struct {
	Field string
	Msg   string
	Err   error // optional cause (often a *policy.Error)
}

func (e *Error) Error() string {
	s := e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Field != "" {
		return e.Field + ": " + s
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

func errf(field, format string, a ...any) *Error {
	return &Error{Field: field, Msg: fmt.Sprintf(format, a...)}
}

func partitionOr(p string) string {
	if p == "" {
		return "aws"
	}
	return p
}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") || strings.Contains(s, "${") }

func jsonString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}
