package policy

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// PrincipalRefKind classifies one entry of a Principal/NotPrincipal "AWS" list
// (spec 6.2).
type PrincipalRefKind string

const (
	// RefAccount is "123456789012" or arn:PART:iam::A:root: the whole account
	// (delegation to the account, not only its root user).
	RefAccount PrincipalRefKind = "account"
	// RefUser is arn:PART:iam::A:user/PATH/NAME.
	RefUser PrincipalRefKind = "user"
	// RefRole is arn:PART:iam::A:role/PATH/NAME (matches the role's sessions).
	RefRole PrincipalRefKind = "role"
	// RefAssumedRole is arn:PART:sts::A:assumed-role/ROLE/SESSION: one session.
	RefAssumedRole PrincipalRefKind = "assumed-role"
	// RefFederatedUser is arn:PART:sts::A:federated-user/NAME.
	RefFederatedUser PrincipalRefKind = "federated-user"
	// RefUniqueID is an IAM unique id (AIDA..., AROA..., AIPA...). AWS writes
	// such ids into a stored policy when the named user/role was deleted; it
	// matches no current principal, so the evaluator must treat it as matching
	// nothing.
	RefUniqueID PrincipalRefKind = "unique-id"
	// RefWildcard is "*": everyone, anonymous included.
	RefWildcard PrincipalRefKind = "wildcard"
)

// PrincipalRef is one parsed AWS principal.
type PrincipalRef struct {
	Kind      PrincipalRefKind
	Raw       string // as written
	Partition string // "aws", "aws-cn", ...; "" for a bare account id, a unique id and "*"
	Account   string // 12-digit account id ("" for unique ids and "*")
	// Path is the IAM path of a user or role, "/" when none was written,
	// e.g. "/division/" for arn:aws:iam::A:user/division/alice.
	Path string
	// Name is the user or role name (RefUser, RefRole) or the federated
	// user name (RefFederatedUser).
	Name string
	// RoleName and SessionName are set for RefAssumedRole.
	RoleName    string
	SessionName string
}

// RoleARN returns the IAM role ARN behind an assumed-role session ARN
// (arn:PART:iam::A:role/ROLE) and, for RefRole, the role ARN itself.
//
// A session ARN does not carry the role's path: arn:aws:sts::A:assumed-role/R/S
// is the session of arn:aws:iam::A:role/R and of arn:aws:iam::A:role/some/path/R
// alike. The path cannot be recovered from the session ARN, so the returned ARN
// has no path; callers that know the role's real ARN must compare role names
// (within the account), not whole ARNs.
// It returns "" for other kinds.
func (r PrincipalRef) RoleARN() string {
	switch r.Kind {
	case RefAssumedRole:
		return "arn:" + r.Partition + ":iam::" + r.Account + ":role/" + r.RoleName
	case RefRole:
		return "arn:" + r.Partition + ":iam::" + r.Account + ":role" + r.Path + r.Name
	}
	return ""
}

// AccountRootARN returns arn:PART:iam::A:root for every kind that names an
// account; a bare account id gets partition "aws". It returns "" for unique
// ids and "*".
func (r PrincipalRef) AccountRootARN() string {
	if r.Account == "" {
		return ""
	}
	part := r.Partition
	if part == "" {
		part = "aws"
	}
	return "arn:" + part + ":iam::" + r.Account + ":root"
}

// ParseAWSPrincipal parses one value of a Principal "AWS" entry. It fails
// closed: partial wildcards, malformed ARNs, services other than iam/sts,
// a region, non-12-digit accounts and unknown resource types are errors.
func ParseAWSPrincipal(s string) (PrincipalRef, error) {
	ref := PrincipalRef{Raw: s}
	switch {
	case s == "*":
		ref.Kind = RefWildcard
		return ref, nil
	case s == "":
		return ref, fmt.Errorf("empty principal")
	case strings.ContainsAny(s, "*?"):
		return ref, fmt.Errorf("principal %q: partial wildcards are not allowed in Principal, only \"*\" alone", s)
	case IsAccountID(s):
		ref.Kind = RefAccount
		ref.Account = s
		return ref, nil
	case isUniqueID(s):
		ref.Kind = RefUniqueID
		return ref, nil
	case !strings.HasPrefix(s, "arn:"):
		if isDigits(s) {
			return ref, fmt.Errorf("principal %q: an account id has exactly 12 digits, got %d", s, len(s))
		}
		return ref, fmt.Errorf("principal %q: not an account id, an ARN or \"*\"", s)
	}
	a, err := arn.Parse(s)
	if err != nil {
		return ref, fmt.Errorf("principal %q: malformed ARN: %v", s, err)
	}
	if !isPartition(a.Partition) {
		return ref, fmt.Errorf("principal %q: unknown partition %q", s, a.Partition)
	}
	if a.Region != "" {
		return ref, fmt.Errorf("principal %q: IAM/STS principal ARNs have no region, got %q", s, a.Region)
	}
	if !IsAccountID(a.AccountID) {
		return ref, fmt.Errorf("principal %q: account id must be 12 digits, got %q", s, a.AccountID)
	}
	ref.Partition = a.Partition
	ref.Account = a.AccountID
	res := a.Resource
	switch a.Service {
	case "iam":
		switch {
		case res == "root":
			ref.Kind = RefAccount
			return ref, nil
		case strings.HasPrefix(res, "user/"):
			ref.Kind = RefUser
			p, n, err := splitPathName(res[len("user/"):])
			if err != nil {
				return ref, fmt.Errorf("principal %q: %v", s, err)
			}
			if !isIAMName(n) {
				return ref, fmt.Errorf("principal %q: invalid user name %q", s, n)
			}
			ref.Path, ref.Name = p, n
			return ref, nil
		case strings.HasPrefix(res, "role/"):
			ref.Kind = RefRole
			p, n, err := splitPathName(res[len("role/"):])
			if err != nil {
				return ref, fmt.Errorf("principal %q: %v", s, err)
			}
			if !isIAMName(n) {
				return ref, fmt.Errorf("principal %q: invalid role name %q", s, n)
			}
			ref.Path, ref.Name = p, n
			return ref, nil
		}
		return ref, fmt.Errorf("principal %q: IAM principal must be root, user/... or role/..., got %q", s, res)
	case "sts":
		switch {
		case strings.HasPrefix(res, "assumed-role/"):
			parts := strings.Split(res[len("assumed-role/"):], "/")
			if len(parts) != 2 {
				return ref, fmt.Errorf("principal %q: assumed-role ARN must be assumed-role/ROLE/SESSION", s)
			}
			if !isIAMName(parts[0]) {
				return ref, fmt.Errorf("principal %q: invalid role name %q", s, parts[0])
			}
			if !isIAMName(parts[1]) || len(parts[1]) < 2 {
				return ref, fmt.Errorf("principal %q: invalid session name %q", s, parts[1])
			}
			ref.Kind = RefAssumedRole
			ref.RoleName, ref.SessionName = parts[0], parts[1]
			return ref, nil
		case strings.HasPrefix(res, "federated-user/"):
			n := res[len("federated-user/"):]
			if !isIAMName(n) || len(n) < 2 {
				return ref, fmt.Errorf("principal %q: invalid federated user name %q", s, n)
			}
			ref.Kind = RefFederatedUser
			ref.Name = n
			return ref, nil
		}
		return ref, fmt.Errorf("principal %q: STS principal must be assumed-role/ROLE/SESSION or federated-user/NAME, got %q", s, res)
	}
	return ref, fmt.Errorf("principal %q: service must be iam or sts in an AWS principal, got %q", s, a.Service)
}

// splitPathName splits "division/sub/alice" into ("/division/sub/", "alice")
// and "alice" into ("/", "alice").
func splitPathName(rest string) (path, name string, err error) {
	i := strings.LastIndexByte(rest, '/')
	if i < 0 {
		return "/", rest, nil
	}
	path = "/" + rest[:i+1]
	name = rest[i+1:]
	if strings.Contains(path, "//") {
		return "", "", fmt.Errorf("empty path segment in %q", rest)
	}
	for i := 0; i < len(path); i++ {
		if path[i] < 0x21 || path[i] > 0x7e {
			return "", "", fmt.Errorf("invalid character in path %q", path)
		}
	}
	if len(path) > 512 {
		return "", "", fmt.Errorf("path longer than 512 characters")
	}
	return path, name, nil
}

// maxIAMNameLen is the longest IAM user, role or session name.
const maxIAMNameLen = 64

// isIAMName reports whether n is 1..maxIAMNameLen characters of [A-Za-z0-9+=,.@_-].
func isIAMName(n string) bool {
	if len(n) == 0 || len(n) > maxIAMNameLen {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("+=,.@_-", c) >= 0:
		default:
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// IsAccountID reports whether s is a 12-digit AWS account id.
func IsAccountID(s string) bool { return len(s) == 12 && isDigits(s) }

// uniqueIDPrefixes are the IAM unique-id prefixes that can appear in a stored
// Principal (users, roles, instance profiles... of deleted principals).
var uniqueIDPrefixes = []string{"AIDA", "AROA", "AIPA", "ANPA", "ANVA", "AGPA"}

// isUniqueID reports whether s looks like an IAM unique id: a known 4-letter
// prefix followed by 12..124 upper-case letters or digits.
func isUniqueID(s string) bool {
	if len(s) < 16 || len(s) > 128 {
		return false
	}
	ok := false
	for _, p := range uniqueIDPrefixes {
		if strings.HasPrefix(s, p) {
			ok = true
			break
		}
	}
	if !ok {
		return false
	}
	for i := 4; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && !isDigit(c) {
			return false
		}
	}
	return true
}

// isPartition accepts aws and aws-<lower-case words> (aws-cn, aws-us-gov,
// aws-iso, aws-iso-b, ...).
func isPartition(p string) bool {
	if p == "aws" {
		return true
	}
	if !strings.HasPrefix(p, "aws-") || len(p) > 32 {
		return false
	}
	for _, seg := range strings.Split(p[4:], "-") {
		if seg == "" {
			return false
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			if (c < 'a' || c > 'z') && !isDigit(c) {
				return false
			}
		}
	}
	return true
}
