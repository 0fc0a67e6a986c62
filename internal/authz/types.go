// Package authz evaluates parsed IAM policies against a request, the way AWS
// does, and combines the layers (identity, resource policy, permissions
// boundary, session policy, SCPs, RCPs, VPC endpoint policy) into a decision
// with a full trace. It is service-generic: S3 specifics (ACLs, Block Public
// Access, object ownership, KMS) live in internal/s3authz, which feeds this
// package. It imports no Terraform package.
package authz

import "github.com/s3access/terraform-provider-s3access/internal/policy"

// Decision is the outcome of an evaluation.
type Decision string

const (
	Allowed      Decision = "allowed"
	ImplicitDeny Decision = "implicit_deny"
	ExplicitDeny Decision = "explicit_deny"
	Rejected     Decision = "rejected" // refused before policy evaluation (S3 400/405)
	Unknown      Decision = "unknown"  // an input needed to decide is missing
)

// Layer names; these strings are the provider's deciding_layer vocabulary.
type Layer string

const (
	LayerIdentity    Layer = "identity"
	LayerResource    Layer = "bucket_policy" // bucket policy (or access point policy)
	LayerACL         Layer = "acl"
	LayerBoundary    Layer = "permissions_boundary"
	LayerSession     Layer = "session_policy"
	LayerSCP         Layer = "scp"
	LayerRCP         Layer = "rcp"
	LayerVPCE        Layer = "vpc_endpoint"
	LayerBPA         Layer = "block_public_access"
	LayerOwnership   Layer = "object_ownership"
	LayerKMS         Layer = "kms"
	LayerRoot        Layer = "root"
	LayerNone        Layer = "none"
	LayerAccessPoint Layer = "access_point_policy" // internal; reported as bucket_policy by the provider
	LayerKeyPolicy   Layer = "key_policy"          // internal; reported as kms by the provider
	LayerPreAuthz    Layer = "pre_authz"           // internal; S3 refusals before evaluation
)

// LayerVerdict is one layer's own result.
type LayerVerdict string

const (
	VerdictAllow         LayerVerdict = "allow"
	VerdictDeny          LayerVerdict = "deny"
	VerdictNoMatch       LayerVerdict = "no_match"
	VerdictNotApplicable LayerVerdict = "not_applicable"
	VerdictUnknown       LayerVerdict = "unknown"
)

// PrincipalKind classifies the caller (spec 1.1).
type PrincipalKind string

const (
	Anonymous     PrincipalKind = "anonymous"
	Root          PrincipalKind = "root"
	IAMUser       PrincipalKind = "iam-user"
	RoleSession   PrincipalKind = "role-session"
	FederatedUser PrincipalKind = "federated-user"
	Service       PrincipalKind = "service"
	// Role is an IAM role ARN given where a session was meant; evaluated as a
	// session of that role with an unknown session name.
	Role PrincipalKind = "role"
)

// Principal is the caller of a request.
type Principal struct {
	Kind PrincipalKind
	// ARN is the request principal: user ARN, assumed-role session ARN,
	// federated-user ARN, arn:aws:iam::A:root, "" for anonymous, the service
	// name for a service principal.
	ARN       string
	Partition string // "aws" by default
	Account   string // 12-digit account id ("" for anonymous and services)
	// RoleARN is the role of a session (arn:aws:iam::A:role/path/name).
	RoleARN     string
	SessionName string
	UserName    string // IAM user name, or the federated user's name
	// FederatingUserARN is the IAM user (or root) that called GetFederationToken.
	FederatingUserARN string
	ServiceName       string // e.g. cloudtrail.amazonaws.com
	ServiceLinkedRole bool   // role path /aws-service-role/
	// ManagementAccount: the principal's account is its organization's management account.
	ManagementAccount bool
	HasBoundary       bool // set by the caller when a permissions boundary is attached
	// CanonicalID is the S3 canonical user id of the principal's account, when
	// known; a CanonicalUser principal entry matches (ClassAccount) only then.
	CanonicalID string
}

// MatchClass is how a resource-policy Principal entry matched the caller (spec 1.4).
type MatchClass string

const (
	ClassNone            MatchClass = ""
	ClassDirect          MatchClass = "direct"            // user ARN, session ARN, federated ARN, "*", service
	ClassRoleOfSession   MatchClass = "role_of_session"   // role ARN for one of its sessions
	ClassUserOfFederated MatchClass = "user_of_federated" // the IAM user that federated
	ClassAccount         MatchClass = "account"           // account id / root ARN / canonical user
)

// Request is one authorization request as the generic engine sees it.
type Request struct {
	Principal Principal
	Action    string // "service:Action" as the caller wrote it; matched case-insensitively
	Resource  string // ARN ("*" for resource-less actions is represented by the caller's choice)
	// ResourceAccount owns the resource (bucket owner, key owner).
	ResourceAccount string
	Context         *Context
}

// Value is one context key's value; Multi marks multivalued keys (ArrayOf... types, e.g. aws:TagKeys).
type Value struct {
	Values []string
	Multi  bool
}

// Context holds the request context keys. Keys are case-insensitive.
type Context struct {
	m map[string]Value // lower-cased key -> value
	// names keeps the first spelling of each key for explanations.
	names map[string]string
	// parent, for an overlay (NewOverlay), holds the keys this context does
	// not set itself. Nil for an ordinary context.
	parent *Context
}

// ResourceGrant is a grant that is not a policy statement, such as an S3 ACL
// grant: it can only allow, never deny.
type ResourceGrant struct {
	Layer       Layer      // LayerACL
	Class       MatchClass // ClassDirect (group grant covering the caller) or ClassAccount
	Description string     // e.g. "object ACL grants READ to AllUsers"
}

// Input is everything one evaluation needs. A nil policy means "not present";
// an empty SCPs/RCPs slice means "no organization policies apply".
type Input struct {
	Request Request

	Identity []*policy.Policy // user + groups, or role
	Boundary *policy.Policy
	Session  *policy.Policy
	SCPs     [][]*policy.Policy // principal's chain: one inner slice per level (root, OUs..., account)
	RCPs     [][]*policy.Policy // resource owner's chain
	VPCE     *policy.Policy     // set only when the request traverses a VPC endpoint

	// Resource is the resource-based policy (bucket policy, key policy); ResourceLayer names it
	// (LayerResource by default).
	Resource      *policy.Policy
	ResourceLayer Layer
	// ResourceGrants are extra allow-only grants on the resource side (ACLs).
	ResourceGrants []ResourceGrant

	// ResourcePolicyRequired: the resource policy must allow, directly or by
	// delegating to the account (KMS key policies); an identity Allow alone is not enough.
	ResourcePolicyRequired bool

	// SCPExempt / RCPExempt switch the organization layers off (management account,
	// service-linked role, AWS managed key, ...); the reason goes to the trace.
	SCPExempt       bool
	SCPExemptReason string
	RCPExempt       bool
	RCPExemptReason string

	// ResourceDenyExempt ignores Deny statements of the resource policy (the
	// bucket owner's root user calling Get/Put/DeleteBucketPolicy, spec 1.9);
	// the traces are kept.
	ResourceDenyExempt bool
}

// StatementTrace records how one statement fared against the request.
type StatementTrace struct {
	Layer          Layer
	PolicyIndex    int // index within the layer (identity_policies[i], SCP level i, ...)
	SubIndex       int // for SCP/RCP: index of the policy within the level
	StatementIndex int
	Sid            string
	Effect         policy.Effect

	Matched          bool // every element matched
	ActionMatched    bool
	ResourceMatched  bool
	PrincipalMatched bool // true for policies without a Principal element
	ConditionsMet    bool
	// FailClosed: the statement is a Deny that matched only because a
	// condition could not be evaluated. (The bools are kept together so
	// that the trace packs into fewer words.)
	FailClosed     bool
	PrincipalClass MatchClass
	// Reason says why the statement did not match (or how it matched), for humans.
	Reason      string
	MissingKeys []string // condition keys read but absent from the context

	// Stmt is the evaluated statement (its Action/Resource patterns let
	// callers phrase hints such as bucket-vs-object mismatches). Not copied.
	Stmt *policy.Statement
	// Conditions is the three-valued condition result; CondError means an
	// unknown operator or unparseable value (fail closed: a Deny matches).
	Conditions CondResult
}

// LayerResult is one layer's own verdict.
type LayerResult struct {
	Layer  Layer
	Result LayerVerdict
	Detail string
}

// Result is the outcome with its explanation material. Layers,
// Statements, Matched, EachMatched and NearMisses spell out its compact
// records; the statement traces read the evaluated policies, which must not
// be modified afterwards (package policy: a Policy is immutable once
// evaluated). A Result is not safe for concurrent use while EvaluateInto
// writes into it.
type Result struct {
	Decision Decision
	Layer    Layer // deciding layer
	Reason   string
	// MissingKeys: context keys read by conditions and absent from the request, sorted, de-duplicated.
	MissingKeys []string

	// The compact records (trace.go) in inline arrays, each with its
	// count; more holds larger buffers for a request that outgrows them.
	// Layers, Statements, Matched and NearMisses spell them out.
	tr             [resultTraces]ctrace
	xs             [resultExts]cext
	ly             [resultLayers]clayer
	ss             [resultStrs]string
	plan           *plan  // the policies evaluated: those of the layers in lmask
	lmask          uint16 // bit L: layer L (plRCP...plSession) was evaluated
	nt, nx, ns, nl uint32
	resLay         uint32 // the resource policy's layer name (resourceLayer)
	more           *resultMore
}
