package s3authz

import (
	"testing"
)

// Validate accepts and rejects exactly what Evaluate does, and names the same
// resource ARN, without deciding the request.
func TestValidateAgreesWithEvaluate(t *testing.T) {
	k := "k"
	for _, r := range []Request{
		{Principal: "arn:aws:iam::111111111111:user/alice", Action: "s3:GetObject", Bucket: "bkt", Key: &k},
		{Principal: "arn:aws:iam::111111111111:user/alice", Action: "s3:ListBucket", Bucket: "bkt"},
		{Principal: "arn:aws:iam::111111111111:user/alice", Action: "s3:GetObject", Bucket: "bkt"},           // missing key
		{Principal: "arn:aws:iam::111111111111:user/alice", Action: "s3:ListBucket", Bucket: "bkt", Key: &k}, // key on a bucket action
		{Principal: "not a principal", Action: "s3:GetObject", Bucket: "bkt", Key: &k},
		{Principal: "arn:aws:iam::111111111111:user/alice", Action: "s3:GetObject", Bucket: "bkt", Key: &k, IdentityPolicies: []string{"{"}},
	} {
		arn, verr := Validate(&r)
		res, eerr := Evaluate(&r)
		if (verr == nil) != (eerr == nil) || (verr != nil && verr.Error() != eerr.Error()) {
			t.Errorf("%s %s: Validate error %v, Evaluate error %v", r.Action, r.Bucket, verr, eerr)
			continue
		}
		if eerr == nil && arn != res.ResourceARN {
			t.Errorf("%s: Validate ARN %q, Evaluate ARN %q", r.Action, arn, res.ResourceARN)
		}
	}
	if _, err := Validate(nil); err == nil {
		t.Error("Validate(nil) accepted")
	}
}
