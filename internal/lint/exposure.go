package lint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

// ExposureInput is what decides how a bucket is exposed. Nil pointers take the
// AWS defaults: bucket BPA all on, account BPA all off.
type ExposureInput struct {
	Bucket          string
	BucketAccountID string // "" -> unknown: every account principal is listed as cross-account
	BucketPolicy    string // "" -> no bucket policy
	BPA             *s3model.BPASettings
	AccountBPA      *s3model.BPASettings
	ObjectOwnership string // "" -> BucketOwnerEnforced
	BucketACL       *ACL
}

// ACL is a bucket ACL: a canned ACL and/or grants.
type ACL struct {
	Canned string
	Grants []s3model.Grant
}

// ExposureStatement is a public bucket-policy statement.
type ExposureStatement struct {
	Index   int
	Sid     string
	Reason  string
	Actions []string
}

// Block is one Block Public Access setting that neutralises (or rejects) a
// public policy or ACL.
type Block struct {
	Setting string // block_public_acls, ignore_public_acls, block_public_policy, restrict_public_buckets
	Level   string // bucket or account
	// Effect: "neutralises" (the public access is not served) or
	// "rejects_write" (S3 refuses to store the public policy/ACL; one already
	// stored stays effective).
	Effect string
	Detail string
}

// Exposure is how a bucket is exposed.
type Exposure struct {
	// IsPublic: the public access is effective — a public policy not
	// neutralised by RestrictPublicBuckets, or a public ACL grant with ACLs
	// enabled and IgnorePublicAcls off.
	IsPublic         bool
	PolicyPublic     bool // the policy is public by the BPA definition, BPA aside
	ACLPublic        bool // the ACL has public grants, BPA and ownership aside
	PublicStatements []ExposureStatement
	PublicACLGrants  []s3model.Grant
	BlockedBy        []Block
	// CrossAccountPrincipals: principals of other accounts granted by Allow
	// statements, and accounts/canonical users granted by the ACL (when ACLs
	// are enabled), sorted.
	CrossAccountPrincipals []string
	// PublicActions: the actions the public can perform once BPA is taken into
	// account (policy statements as written, ACL permissions expanded), sorted.
	PublicActions []string
}

// ExposureError is invalid input tied to an argument.
type ExposureError struct {
	Field string
	Err   error
}

func (e *ExposureError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *ExposureError) Unwrap() error { return e.Err }

// BucketExposure classifies a bucket's exposure offline (spec 3.1-3.4, 4.1).
// Bad input is an *ExposureError naming the argument; nothing is guessed.
func BucketExposure(in ExposureInput) (*Exposure, error) {
	if in.Bucket != "" {
		if err := s3model.ValidateBucketName(in.Bucket); err != nil {
			return nil, &ExposureError{Field: "bucket", Err: err}
		}
	}
	if in.BucketAccountID != "" && !policy.IsAccountID(in.BucketAccountID) {
		return nil, &ExposureError{Field: "bucket_account_id", Err: fmt.Errorf("%q is not a 12-digit account id", in.BucketAccountID)}
	}
	own, err := s3model.ParseOwnership(in.ObjectOwnership)
	if err != nil {
		return nil, &ExposureError{Field: "object_ownership", Err: err}
	}
	bucketBPA := s3model.AllBlocked()
	if in.BPA != nil {
		bucketBPA = *in.BPA
	}
	var accountBPA s3model.BPASettings
	if in.AccountBPA != nil {
		accountBPA = *in.AccountBPA
	}
	eff := s3model.Effective(bucketBPA, accountBPA)
	ex := &Exposure{}
	cross := map[string]bool{}    // from the bucket policy
	crossACL := map[string]bool{} // from the ACL
	var publicActions []string

	if strings.TrimSpace(in.BucketPolicy) != "" {
		p, err := policy.Parse(in.BucketPolicy, policy.KindBucket)
		if err != nil {
			return nil, &ExposureError{Field: "bucket_policy", Err: err}
		}
		pub := s3model.PolicyPublicity(p, s3model.PublicityOptions{})
		ex.PolicyPublic = pub.Public
		for _, ps := range pub.PublicStatements {
			acts := append([]string(nil), ps.Actions...)
			if ps.NotAction != nil {
				acts = []string{"NotAction: " + strings.Join(ps.NotAction, ", ")}
			}
			ex.PublicStatements = append(ex.PublicStatements, ExposureStatement{Index: ps.Index, Sid: ps.Sid, Reason: ps.Reason, Actions: acts})
			publicActions = append(publicActions, acts...)
		}
		for _, st := range p.Statements {
			if st.Effect != policy.Allow || st.Principal == nil {
				continue
			}
			for _, a := range st.Principal.AWS {
				ref, err := policy.ParseAWSPrincipal(a)
				if err != nil || ref.Account == "" || ref.Account == in.BucketAccountID {
					continue
				}
				cross[a] = true
			}
			for _, c := range st.Principal.CanonicalUser {
				cross["canonical:"+strings.ToLower(c)] = true
			}
		}
		if pub.Public {
			for _, lv := range levels(bucketBPA, accountBPA, func(b s3model.BPASettings) bool { return b.RestrictPublicBuckets }) {
				ex.BlockedBy = append(ex.BlockedBy, Block{Setting: "restrict_public_buckets", Level: lv, Effect: "neutralises",
					Detail: "the public policy serves only AWS service principals and principals of the bucket owner's account; anonymous and cross-account requests are refused, including cross-account grants of non-public statements"})
			}
			for _, lv := range levels(bucketBPA, accountBPA, func(b s3model.BPASettings) bool { return b.BlockPublicPolicy }) {
				ex.BlockedBy = append(ex.BlockedBy, Block{Setting: "block_public_policy", Level: lv, Effect: "rejects_write",
					Detail: "PutBucketPolicy with this public policy is refused; a public policy already stored stays in force"})
			}
		}
	}

	aclsEnabled := s3model.ACLsEnabled(own)
	if in.BucketACL != nil {
		var grants []s3model.Grant
		if in.BucketACL.Canned != "" {
			owner := in.BucketAccountID
			if owner == "" {
				owner = "000000000000" // the owner's own grant is not reported
			}
			g, err := s3model.CannedGrants(in.BucketACL.Canned, owner, owner, true)
			if err != nil {
				return nil, &ExposureError{Field: "bucket_acl.canned", Err: err}
			}
			grants = append(grants, g[1:]...)
		}
		for i, g := range in.BucketACL.Grants {
			n, err := s3model.NormalizeGrant(g)
			if err != nil {
				return nil, &ExposureError{Field: fmt.Sprintf("bucket_acl.grants[%d]", i), Err: err}
			}
			grants = append(grants, n)
		}
		public, pg := s3model.ACLPublicity(grants)
		ex.ACLPublic = public
		ex.PublicACLGrants = pg
		if aclsEnabled {
			for _, g := range grants {
				n, kind, _ := s3model.NormalizeGrantee(g.Grantee)
				switch {
				case kind == s3model.GranteeAccount && n != in.BucketAccountID:
					crossACL[n] = true
				case kind == s3model.GranteeCanonical:
					crossACL["canonical:"+n] = true
				}
			}
		}
		if public {
			if !aclsEnabled {
				ex.BlockedBy = append(ex.BlockedBy, Block{Setting: "object_ownership", Level: "bucket", Effect: "neutralises",
					Detail: "Object Ownership BucketOwnerEnforced disables ACLs: the public grants are not evaluated"})
			}
			for _, lv := range levels(bucketBPA, accountBPA, func(b s3model.BPASettings) bool { return b.IgnorePublicAcls }) {
				ex.BlockedBy = append(ex.BlockedBy, Block{Setting: "ignore_public_acls", Level: lv, Effect: "neutralises",
					Detail: "public ACL grants are ignored when requests are authorized"})
			}
			for _, lv := range levels(bucketBPA, accountBPA, func(b s3model.BPASettings) bool { return b.BlockPublicAcls }) {
				ex.BlockedBy = append(ex.BlockedBy, Block{Setting: "block_public_acls", Level: lv, Effect: "rejects_write",
					Detail: "PutBucketAcl with this public ACL is refused; a public ACL already stored stays in force unless ignore_public_acls is on"})
			}
		}
	}

	policyEffective := ex.PolicyPublic && !eff.RestrictPublicBuckets
	aclEffective := ex.ACLPublic && aclsEnabled && !eff.IgnorePublicAcls
	ex.IsPublic = policyEffective || aclEffective
	if !policyEffective {
		publicActions = nil
	}
	if aclEffective {
		for _, g := range ex.PublicACLGrants {
			publicActions = append(publicActions, s3model.ACLPermissionActions(g.Permission, true)...)
		}
	}
	ex.PublicActions = uniq(publicActions)
	if eff.RestrictPublicBuckets && ex.PolicyPublic {
		// RestrictPublicBuckets also refuses the cross-account grants of the policy.
		cross = map[string]bool{}
	}
	for k := range crossACL {
		cross[k] = true
	}
	for k := range cross {
		ex.CrossAccountPrincipals = append(ex.CrossAccountPrincipals, k)
	}
	sort.Strings(ex.CrossAccountPrincipals)
	return ex, nil
}

func levels(bucket, account s3model.BPASettings, f func(s3model.BPASettings) bool) []string {
	var out []string
	if f(bucket) {
		out = append(out, "bucket")
	}
	if f(account) {
		out = append(out, "account")
	}
	return out
}

// IsPublicPolicy reports whether a bucket policy is public by the Block
// Public Access definition (spec 3.3). A policy that does not parse is an error.
func IsPublicPolicy(doc string) (bool, error) {
	p, err := policy.Parse(doc, policy.KindBucket)
	if err != nil {
		return false, err
	}
	return s3model.PolicyPublicity(p, s3model.PublicityOptions{}).Public, nil
}
