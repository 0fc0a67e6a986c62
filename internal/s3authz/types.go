// Package s3authz decides one S3 request through every layer (pre-authorization
// refusals, organization policies, VPC endpoint, bucket policy, identity,
// boundary, session, Block Public Access, ACLs and Object Ownership, SSE-KMS)
// and returns the decision with its trace, explanation and suggestions.
// Its input mirrors the arguments of the s3access_check data source; its
// result mirrors the computed attributes. It imports no Terraform package.
package s3authz

import "github.com/s3access/terraform-provider-s3access/internal/s3model"

// BPA is one level of Block Public Access settings.
type BPA = s3model.BPASettings

// Grant is one ACL grant. Grantee: 12-digit account id, 64-hex canonical user
// id, "AllUsers", "AuthenticatedUsers" or "LogDelivery". Permission: READ,
// WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL.
type Grant = s3model.Grant

// ACL is a bucket or object ACL: a canned ACL name and/or explicit grants.
type ACL struct {
	Canned string
	Grants []Grant
}

// Encryption describes how the object (or the bucket default, for writes) is encrypted.
type Encryption struct {
	SSE              string // "AES256" (default), "aws:kms", "aws:kms:dsse"
	KMSKeyARN        string
	KeyPolicy        *string // nil: not given
	BucketKeyEnabled bool
}

// Request is one S3 request with every layer the caller supplied. Policies are
// JSON documents; a nil pointer means "not given" and takes the documented default.
type Request struct {
	Principal string // ARN, 12-digit account id, service principal or "anonymous"
	Action    string // e.g. "s3:GetObject" (case-insensitive)
	Bucket    string
	Key       *string // object key; nil for bucket actions

	IdentityPolicies         []string
	PermissionsBoundary      *string
	SessionPolicy            *string
	ServiceControlPolicies   [][]string // empty: not in an organization
	ResourceControlPolicies  [][]string
	VPCEndpointPolicy        *string
	BucketAccountID          string // "" -> the principal's account
	BucketPolicy             *string
	BlockPublicAccess        *BPA   // nil -> all true (AWS default for new buckets)
	AccountBlockPublicAccess *BPA   // nil -> all false
	ObjectOwnership          string // "" -> BucketOwnerEnforced
	BucketACL                *ACL
	ObjectACL                *ACL
	ObjectOwnerAccountID     string // "" -> BucketAccountID
	Encryption               *Encryption
	Context                  map[string][]string
}

// InputError is invalid input tied to an argument: Field is the argument name
// (e.g. "identity_policies"), Index the list index or -1, Err the cause (often
// a *policy.Error naming the statement and element).
type InputError struct {
	Field string
	Index int
	Err   error
}

func (e *InputError) Error() string {
	if e.Index >= 0 {
		return e.Field + "[" + itoa(e.Index) + "]: " + e.Err.Error()
	}
	return e.Field + ": " + e.Err.Error()
}

func (e *InputError) Unwrap() error { return e.Err }

func itoa(i int) string {
	if i < 10 && i >= 0 {
		return string(rune('0' + i))
	}
	s := ""
	neg := i < 0
	if neg {
		i = -i
	}
	for i > 0 {
		s = string(rune('0'+i%10)) + s
		i /= 10
	}
	if neg {
		s = "-" + s
	}
	return s
}

// LayerResult is one layer's verdict: Result is allow, deny, no_match, not_applicable or unknown.
type LayerResult struct {
	Layer  string
	Result string
	Detail string
}

// MatchedStatement is a statement that matched the request.
type MatchedStatement struct {
	Layer          string
	PolicyIndex    int
	StatementIndex int
	Sid            string
	Effect         string
}

// Result mirrors the computed attributes of s3access_check.
type Result struct {
	Allowed            bool
	Decision           string // allowed, implicit_deny, explicit_deny, rejected, unknown
	DecidingLayer      string // identity, bucket_policy, acl, permissions_boundary, session_policy, scp, rcp, vpc_endpoint, block_public_access, object_ownership, kms, root, none
	Explanation        string
	Layers             []LayerResult
	MatchedStatements  []MatchedStatement
	MissingContextKeys []string
	Suggestions        []string
	ResourceARN        string
	// Fixes are the Suggestions in machine-applicable form (same order).
	Fixes []Fix
}
