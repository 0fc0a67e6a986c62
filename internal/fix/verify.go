package fix

import (
	"fmt"

	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

// BucketState is what was read back from a bucket after a fix was applied:
// the inputs the engine needs to re-check the result.
type BucketState struct {
	Bucket     string
	AccountID  string  // bucket owner account (12 digits)
	Policy     *string // nil: no bucket policy
	BucketBPA  *s3model.BPASettings
	AccountBPA *s3model.BPASettings
	Ownership  string // "" -> none (ObjectWriter behaviour)
	// ACL is the bucket ACL (nil: not read; the engine's default applies).
	ACL *s3authz.ACL
}

// VerifyPublicRead re-checks a public read with the engine (s3authz.Evaluate):
// an anonymous s3:GetObject on every prefix (or the bucket) must be allowed,
// and anonymous s3:PutObject, s3:DeleteObject and s3:ListBucket must be
// denied. The error carries the engine's explanation.
func VerifyPublicRead(s BucketState, prefixes []string) error {
	keys := []string{"s3access-verify"}
	if len(prefixes) > 0 {
		keys = keys[:0]
		for _, p := range prefixes {
			keys = append(keys, p+"s3access-verify")
		}
	}
	ownership := s.Ownership
	if ownership == "" {
		ownership = string(s3model.ObjectWriter)
	}
	base := func(action string, key *string) *s3authz.Request {
		r := &s3authz.Request{
			Principal:                "anonymous",
			Action:                   action,
			Bucket:                   s.Bucket,
			Key:                      key,
			BucketAccountID:          s.AccountID,
			BucketPolicy:             s.Policy,
			ObjectOwnership:          ownership,
			BucketACL:                s.ACL,
			BlockPublicAccess:        toBPA(s.BucketBPA),
			AccountBlockPublicAccess: toBPA(s.AccountBPA),
		}
		return r
	}
	for _, k := range keys {
		key := k
		res, err := s3authz.Evaluate(base("s3:GetObject", &key))
		if err != nil {
			return fmt.Errorf("re-check of anonymous s3:GetObject on %s/%s failed: %w", s.Bucket, key, err)
		}
		if !res.Allowed {
			return fmt.Errorf("after the change an anonymous s3:GetObject on %s/%s is still not allowed (%s, decided by %s):\n%s", s.Bucket, key, res.Decision, res.DecidingLayer, res.Explanation)
		}
		for _, a := range []string{"s3:PutObject", "s3:DeleteObject"} {
			res, err := s3authz.Evaluate(base(a, &key))
			if err != nil {
				return fmt.Errorf("re-check of anonymous %s on %s/%s failed: %w", a, s.Bucket, key, err)
			}
			if res.Allowed {
				return fmt.Errorf("after the change an anonymous %s on %s/%s is allowed (decided by %s); a public read must never grant writes:\n%s", a, s.Bucket, key, res.DecidingLayer, res.Explanation)
			}
		}
	}
	res, err := s3authz.Evaluate(base("s3:ListBucket", nil))
	if err != nil {
		return fmt.Errorf("re-check of anonymous s3:ListBucket on %s failed: %w", s.Bucket, err)
	}
	if res.Allowed {
		return fmt.Errorf("after the change an anonymous s3:ListBucket on %s is allowed (decided by %s); a public read must never grant listing:\n%s", s.Bucket, res.DecidingLayer, res.Explanation)
	}
	return nil
}

func toBPA(b *s3model.BPASettings) *s3authz.BPA {
	if b == nil {
		return &s3authz.BPA{} // no configuration: all off
	}
	c := *b
	return &c
}

// PolicyPublicity classifies a whole bucket policy (nil: not public) and
// returns the reasons, one per public statement.
func PolicyPublicity(doc *string) (bool, []string, error) {
	sts, err := statementsOf(doc, "bucket")
	if err != nil {
		return false, nil, err
	}
	var why []string
	for _, st := range sts {
		if st.Effect != "Allow" {
			continue
		}
		if r := StatementPublic(st); r != "" {
			why = append(why, fmt.Sprintf("statement %d%s: %s", st.Index, sidNote(st.Sid), r))
		}
	}
	return len(why) > 0, why, nil
}
