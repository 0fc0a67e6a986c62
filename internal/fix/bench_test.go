package fix

import (
	"math/rand"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// Planning cost of one resource write on a policy with ten foreign statements.
func BenchmarkPlanPutRemove(b *testing.B) {
	doc := genPolicy(rand.New(rand.NewSource(3)), 10)
	mine, err := ParseOwnStatement(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/app/*"}`, "Mine", policy.KindBucket)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		put, err := PlanPut(&doc, policy.KindBucket, mine)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := PlanRemove(&put.Doc, policy.KindBucket, "Mine"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyPublicRead(b *testing.B) {
	plan, _ := PlanPublicRead(PublicReadInput{Bucket: "site"})
	put, _ := PlanPut(nil, policy.KindBucket, plan.Statement)
	s := BucketState{Bucket: "site", AccountID: "123456789012", Policy: &put.Doc, Ownership: "BucketOwnerEnforced"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := VerifyPublicRead(s, nil); err != nil {
			b.Fatal(err)
		}
	}
}
