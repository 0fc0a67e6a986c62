package awsread

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

// Source says where a layer's input came from: "config" (set in the
// configuration), "default" (the documented default), or "live: <operation>"
// (read from AWS by that operation, e.g. "live: s3:GetBucketPolicy").
type Source string

// Fixed sources.
const (
	SourceConfig  Source = "config"
	SourceDefault Source = "default"
)

// Live is the source of a value read by the named operations.
func Live(ops ...string) Source { return Source("live: " + strings.Join(ops, ", ")) }

// IsLive reports whether the value was read from AWS.
func (s Source) IsLive() bool { return strings.HasPrefix(string(s), "live:") }

// Grant is one ACL grant. Grantee: a 12-digit account id, a canonical user id,
// an email address (as S3 returns it), "AllUsers", "AuthenticatedUsers" or
// "LogDelivery". Permission: READ, WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL.
type Grant = s3model.Grant

// ACL is a bucket or object ACL as read: the owner's canonical id and the grants.
type ACL struct {
	Owner  string
	Grants []Grant
}

// BPA is one level of Block Public Access settings.
type BPA = s3model.BPASettings

// Encryption is a bucket's default encryption (first rule).
type Encryption struct {
	SSE              string // AES256, aws:kms, aws:kms:dsse
	KMSKeyID         string // as configured: key ARN, key id or alias; "" = aws/s3 managed key
	BucketKeyEnabled bool
}

// ObjectInfo is what HeadObject and GetObjectAcl say about one object.
type ObjectInfo struct {
	SSE              string // "" when S3 reports none (then AES256 in practice)
	KMSKeyID         string
	BucketKeyEnabled bool
	// ACL is nil when GetObjectAcl could not be read; ACLError says why (a
	// *ReadError). The object's SSE fields remain valid in that case.
	ACL      *ACL
	ACLError error
}

// NamedPolicy is one policy document with where it came from.
type NamedPolicy struct {
	// Origin: "user inline <user>/<name>", "user managed <arn>",
	// "group inline <group>/<name>", "group managed <group> <arn>",
	// "role inline <role>/<name>", "role managed <arn>", "boundary <arn>",
	// "scp <id>", "rcp <id>".
	Origin   string
	Document string // JSON, URL-decoded
}

// Principal kinds returned in PrincipalPolicies.Kind.
const (
	KindUser        = "user"
	KindRole        = "role"
	KindAssumedRole = "assumed-role"
	KindRoot        = "root"
)

// PrincipalPolicies are the identity policies and permissions boundary of one principal.
type PrincipalPolicies struct {
	Kind     string
	Account  string
	Name     string // user or role name
	Policies []NamedPolicy
	Boundary *NamedPolicy // nil: no boundary
}

// OrgLevel is the policies attached at one level of the organization tree,
// ordered root, OUs from the top, account.
type OrgLevel struct {
	Target   string // r-..., ou-..., or the account id
	Policies []NamedPolicy
}

// Reader reads the layers of one decision. Absent configuration (no bucket
// policy, no public access block, no ownership controls, no default
// encryption) is a real answer: a nil/empty value and no error. Every failure
// is a *ReadError; implementations never guess.
type Reader interface {
	BucketPolicy(ctx context.Context, bucket string) (*string, Source, error)
	// BucketPublicAccessBlock: nil when the bucket has none (all false).
	BucketPublicAccessBlock(ctx context.Context, bucket string) (*BPA, Source, error)
	// AccountPublicAccessBlock: nil when the account has none (all false).
	AccountPublicAccessBlock(ctx context.Context, accountID string) (*BPA, Source, error)
	// OwnershipControls: "" when the bucket has none (S3 then behaves as ObjectWriter).
	OwnershipControls(ctx context.Context, bucket string) (string, Source, error)
	BucketACL(ctx context.Context, bucket string) (*ACL, Source, error)
	// BucketOwner: the owner's canonical id (from GetBucketAcl).
	BucketOwner(ctx context.Context, bucket string) (string, Source, error)
	// BucketLocation: the bucket's region ("us-east-1" for the empty constraint).
	BucketLocation(ctx context.Context, bucket string) (string, Source, error)
	// BucketEncryption: nil when the bucket has no default encryption configuration.
	BucketEncryption(ctx context.Context, bucket string) (*Encryption, Source, error)
	ObjectInfo(ctx context.Context, bucket, key string) (*ObjectInfo, Source, error)
	KeyPolicy(ctx context.Context, keyARN string) (*string, Source, error)
	PrincipalPolicies(ctx context.Context, principalARN string) (*PrincipalPolicies, Source, error)
	CallerAccount(ctx context.Context) (string, Source, error)
	// SCPs of the account, one level per entry; empty when the account is not
	// in an organization. ErrOrganizationPoliciesDisabled unless enabled.
	SCPs(ctx context.Context, accountID string) ([]OrgLevel, Source, error)
	// RCPs, same shape as SCPs.
	RCPs(ctx context.Context, accountID string) ([]OrgLevel, Source, error)
}

// ErrOrganizationPoliciesDisabled: SCPs/RCPs are read only with read_organization_policies = true.
var ErrOrganizationPoliciesDisabled = errors.New("organization policies are not read (read_organization_policies = false); SCPs and RCPs were not evaluated")

// Layer names used in ReadError.Layer (the engine's deciding_layer names where one exists).
const (
	LayerBucketPolicy     = "bucket_policy"
	LayerBPA              = "block_public_access"
	LayerAccountBPA       = "account_block_public_access"
	LayerObjectOwnership  = "object_ownership"
	LayerBucketACL        = "bucket_acl"
	LayerBucketOwner      = "bucket_owner"
	LayerBucketLocation   = "bucket_location"
	LayerEncryption       = "encryption"
	LayerObject           = "object"
	LayerObjectACL        = "object_acl"
	LayerKMS              = "kms"
	LayerIdentity         = "identity"
	LayerBoundary         = "permissions_boundary"
	LayerCaller           = "caller_identity"
	LayerSCP              = "scp"
	LayerRCP              = "rcp"
	LayerPrincipalUnknown = "principal"
)

// ReadError is a live read that failed: the decision that needs the layer is
// "unknown", with this error as the reason.
type ReadError struct {
	Layer     string // e.g. "bucket_policy"
	Operation string // e.g. "s3:GetBucketPolicy"
	Code      string // AWS error code, e.g. "AccessDenied"; "" for transport errors
	Err       error
	// NotImplemented: the service does not implement the operation (NotImplemented, InvalidAction, 501).
	NotImplemented bool
	// AccessDenied: the caller's credentials may not read the layer.
	AccessDenied bool
	// NotFound: the bucket, object, key or principal does not exist.
	NotFound bool
}

func (e *ReadError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cannot read %s live (%s)", e.Layer, e.Operation)
	switch {
	case e.AccessDenied:
		b.WriteString(": access denied")
	case e.NotImplemented:
		b.WriteString(": not implemented by the endpoint")
	case e.NotFound:
		b.WriteString(": not found")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *ReadError) Unwrap() error { return e.Err }

// AsReadError returns the *ReadError inside err, if any.
func AsReadError(err error) (*ReadError, bool) {
	var re *ReadError
	ok := errors.As(err, &re)
	return re, ok
}
