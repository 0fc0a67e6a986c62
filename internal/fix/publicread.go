package fix

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

// DefaultPublicReadSid is the Sid of the s3access_public_read statement when none is configured.
const DefaultPublicReadSid = "S3AccessPublicRead"

// PublicReadInput is the configuration of one s3access_public_read and the
// Block Public Access state read before planning.
type PublicReadInput struct {
	Bucket    string
	Partition string
	Sid       string
	// Prefixes limit the read to keys starting with one of them; empty: the whole bucket.
	Prefixes []string
	// BucketBPA is the bucket's public access block; nil: the bucket has none.
	BucketBPA *s3model.BPASettings
	// AccountBPA is the bucket owner account's public access block; nil: none.
	AccountBPA *s3model.BPASettings
	// AccountID names the account in messages.
	AccountID string
}

// PublicReadPlan is what s3access_public_read writes, in this order: the
// bucket public access block (only when a setting must be lifted), then the
// statement.
type PublicReadPlan struct {
	Statement policy.Statement
	// NewBucketBPA is the bucket public access block to write first; nil when
	// nothing needs lifting.
	NewBucketBPA *s3model.BPASettings
	// Lifted settings (what destroy restores).
	LiftBlockPublicPolicy     bool
	LiftRestrictPublicBuckets bool
}

// ValidatePrefixes checks the prefixes of a public read: no wildcard or
// policy variable (they would widen the grant), no duplicates.
func ValidatePrefixes(prefixes []string) error {
	seen := map[string]bool{}
	for i, p := range prefixes {
		if p == "" {
			return errf("prefixes", "prefixes[%d] is empty; omit prefixes to publish the whole bucket", i)
		}
		if hasWildcard(p) {
			return errf("prefixes", "prefixes[%d] %q contains *, ? or ${: prefixes are literal key prefixes", i, p)
		}
		if err := s3model.ValidateObjectKey(p); err != nil {
			return &Error{Field: "prefixes", Msg: fmt.Sprintf("prefixes[%d] %q is not a valid key prefix", i, p), Err: err}
		}
		if seen[p] {
			return errf("prefixes", "prefixes[%d] %q is listed twice", i, p)
		}
		seen[p] = true
	}
	return nil
}

// PublicReadStatement is the statement s3access_public_read owns: anonymous
// s3:GetObject on the bucket's objects (or the prefixes), nothing else.
func PublicReadStatement(bucket, partition, sid string, prefixes []string) (policy.Statement, error) {
	if err := s3model.ValidateBucketName(bucket); err != nil {
		return policy.Statement{}, &Error{Field: "bucket", Msg: "invalid bucket name", Err: err}
	}
	if err := ValidatePrefixes(prefixes); err != nil {
		return policy.Statement{}, err
	}
	if sid == "" {
		sid = DefaultPublicReadSid
	}
	var res []string
	if len(prefixes) == 0 {
		res = []string{s3model.ObjectARN(partitionOr(partition), bucket, "*")}
	} else {
		for _, p := range prefixes {
			res = append(res, s3model.ObjectARN(partitionOr(partition), bucket, p+"*"))
		}
		sort.Strings(res)
	}
	js := fmt.Sprintf(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":%s}`, jsonList(res))
	return ParseOwnStatement(js, sid, policy.KindBucket)
}

// PlanPublicRead decides what to write for a public read, or refuses with
// the account-level setting that forbids it.
func PlanPublicRead(in PublicReadInput) (PublicReadPlan, error) {
	st, err := PublicReadStatement(in.Bucket, in.Partition, in.Sid, in.Prefixes)
	if err != nil {
		return PublicReadPlan{}, err
	}
	if a := in.AccountBPA; a != nil {
		acct := in.AccountID
		if acct == "" {
			acct = "the bucket owner's account"
		} else {
			acct = "account " + acct
		}
		var blocking []string
		if a.BlockPublicPolicy {
			blocking = append(blocking, "BlockPublicPolicy (S3 refuses to store a public bucket policy)")
		}
		if a.RestrictPublicBuckets {
			blocking = append(blocking, "RestrictPublicBuckets (S3 refuses anonymous requests to buckets with a public policy)")
		}
		if len(blocking) > 0 {
			return PublicReadPlan{}, errf("bucket", "the account-level Block Public Access of %s has %s on; a public read of bucket %s cannot work. This resource changes only bucket-level settings: turn the account-level setting off (s3control PutPublicAccessBlock) if the bucket really must be public", acct, strings.Join(blocking, " and "), in.Bucket)
		}
	}
	plan := PublicReadPlan{Statement: st}
	if b := in.BucketBPA; b != nil && (b.BlockPublicPolicy || b.RestrictPublicBuckets) {
		nb := *b // BlockPublicAcls and IgnorePublicAcls stay as they are
		plan.LiftBlockPublicPolicy = b.BlockPublicPolicy
		plan.LiftRestrictPublicBuckets = b.RestrictPublicBuckets
		nb.BlockPublicPolicy = false
		nb.RestrictPublicBuckets = false
		plan.NewBucketBPA = &nb
	}
	return plan, nil
}

// RestoreBPA returns the bucket public access block that undoes what a public
// read lifted, starting from the current one (nil: none, all off), or nil
// when nothing is to be restored.
func RestoreBPA(current *s3model.BPASettings, liftedBPP, liftedRPB bool) *s3model.BPASettings {
	if !liftedBPP && !liftedRPB {
		return nil
	}
	var nb s3model.BPASettings
	if current != nil {
		nb = *current
	}
	if liftedBPP {
		nb.BlockPublicPolicy = true
	}
	if liftedRPB {
		nb.RestrictPublicBuckets = true
	}
	if current != nil && nb == *current {
		return nil
	}
	return &nb
}

// PublicReadPrefixes reads the prefixes back from a statement that has the
// exact shape PublicReadStatement builds; ok is false when the statement was
// changed into something else (drift that only recreating repairs).
func PublicReadPrefixes(st policy.Statement, bucket, partition string) (prefixes []string, ok bool) {
	if st.Effect != policy.Allow || st.Principal == nil || !st.Principal.Wildcard || len(st.Principal.AWS)+len(st.Principal.Service)+len(st.Principal.Federated)+len(st.Principal.CanonicalUser) > 0 ||
		len(st.Conditions) > 0 || st.NotAction != nil || st.NotResource != nil || len(st.Action) != 1 || !strings.EqualFold(st.Action[0], "s3:GetObject") {
		return nil, false
	}
	base := s3model.BucketARN(partitionOr(partition), bucket) + "/"
	for _, r := range st.Resource {
		rest, found := strings.CutPrefix(r, base)
		if !found || !strings.HasSuffix(rest, "*") {
			return nil, false
		}
		p := strings.TrimSuffix(rest, "*")
		if hasWildcard(p) {
			return nil, false
		}
		if p == "" {
			if len(st.Resource) != 1 {
				return nil, false
			}
			return nil, true
		}
		prefixes = append(prefixes, p)
	}
	sort.Strings(prefixes)
	return prefixes, len(prefixes) > 0
}

func jsonList(l []string) string {
	b, _ := json.Marshal(l) // a []string always marshals
	return string(b)
}
