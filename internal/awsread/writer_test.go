package awsread_test

import (
	"context"
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/awsread"
	"github.com/s3access/terraform-provider-s3access/internal/testserver"
)

// Writes against Versity (bucket policy, ownership controls) through the
// S3Overlay fake (public access block, BPA refusal of public policies) and
// the writable KMS fake.
func TestLiveWriter(t *testing.T) {
	isolate(t)
	v := testserver.StartVersity(t)
	ov := testserver.NewS3Overlay(t, v.Endpoint)
	kf := testserver.NewFakeKMSWrite(t)
	ctx := context.Background()
	c := awsread.NewClients(settingsFor(t, v.RootAccess, v.RootSecret, map[string]string{"s3": ov.URL, "kms": kf.URL, "sts": v.IAMEndpoint}))
	w := awsread.NewLiveWriter(c)
	r := awsread.NewLive(c)
	if c.Loaded() {
		t.Fatal("clients built before the first write")
	}
	v.CreateBucket("w-bkt")

	t.Run("bucket policy put, read back, delete, delete again", func(t *testing.T) {
		doc := `{"Version":"2012-10-17","Statement":[{"Sid":"R","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::w-bkt/*"}]}`
		if err := w.PutBucketPolicy(ctx, "w-bkt", doc); err != nil {
			t.Fatal(err)
		}
		p, _, err := r.BucketPolicy(ctx, "w-bkt")
		if err != nil || p == nil || !sameJSON(t, *p, doc) {
			t.Fatalf("read back %v %v", p, err)
		}
		if err := w.DeleteBucketPolicy(ctx, "w-bkt"); err != nil {
			t.Fatal(err)
		}
		if p, _, err := r.BucketPolicy(ctx, "w-bkt"); err != nil || p != nil {
			t.Fatalf("after delete %v %v", p, err)
		}
		if err := w.DeleteBucketPolicy(ctx, "w-bkt"); err != nil {
			t.Fatalf("deleting an absent policy: %v", err)
		}
	})
	t.Run("malformed policy is a WriteError with the code", func(t *testing.T) {
		err := w.PutBucketPolicy(ctx, "w-bkt", `{"Version":"2012-10-17","Statement":[]}`)
		we, ok := awsread.AsWriteError(err)
		if !ok || we.Operation != "s3:PutBucketPolicy" || we.Code == "" || we.Retryable() {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("public access block and BlockPublicPolicy refusal", func(t *testing.T) {
		if err := w.PutBucketPublicAccessBlock(ctx, "w-bkt", awsread.BPA{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}); err != nil {
			t.Fatal(err)
		}
		b, _, err := r.BucketPublicAccessBlock(ctx, "w-bkt")
		if err != nil || b == nil || !b.BlockPublicPolicy || !b.RestrictPublicBuckets || !b.BlockPublicAcls {
			t.Fatalf("read back %+v %v", b, err)
		}
		public := `{"Version":"2012-10-17","Statement":[{"Sid":"P","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::w-bkt/*"}]}`
		err = w.PutBucketPolicy(ctx, "w-bkt", public)
		if we, ok := awsread.AsWriteError(err); !ok || we.Code != "AccessDenied" || !strings.Contains(err.Error(), "BlockPublicPolicy") {
			t.Fatalf("public policy under BlockPublicPolicy: %v", err)
		}
	})
	t.Run("OperationAborted is a retryable WriteError", func(t *testing.T) {
		ov.FailTimes("PutBucketPolicy", testserver.FakeError{Code: "OperationAborted", Status: 409}, 10)
		defer ov.FailTimes("PutBucketPolicy", testserver.FakeError{}, 0)
		err := w.PutBucketPolicy(ctx, "w-bkt", `{"Version":"2012-10-17","Statement":[{"Sid":"R","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::w-bkt/*"}]}`)
		we, ok := awsread.AsWriteError(err)
		if !ok || we.Code != "OperationAborted" || !we.Retryable() {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("ownership controls put and delete", func(t *testing.T) {
		if err := w.PutOwnershipControls(ctx, "w-bkt", "BucketOwnerPreferred"); err != nil {
			t.Fatal(err)
		}
		if o, _, err := r.OwnershipControls(ctx, "w-bkt"); err != nil || o != "BucketOwnerPreferred" {
			t.Fatalf("read back %q %v", o, err)
		}
		if err := w.DeleteOwnershipControls(ctx, "w-bkt"); err != nil {
			t.Fatal(err)
		}
		if o, _, err := r.OwnershipControls(ctx, "w-bkt"); err != nil || o != "" {
			t.Fatalf("after delete %q %v", o, err)
		}
		if err := w.PutOwnershipControls(ctx, "w-bkt", "Everyone"); err == nil {
			t.Fatal("unknown setting written")
		}
	})
	t.Run("key policy", func(t *testing.T) {
		key := "arn:aws:kms:us-east-1:000000000000:key/k1"
		kf.SeedPolicy(key, `{"Version":"2012-10-17","Statement":[]}`)
		doc := `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"kms:*","Resource":"*"}]}`
		if err := w.PutKeyPolicy(ctx, key, doc); err != nil {
			t.Fatal(err)
		}
		if p, _, err := r.KeyPolicy(ctx, key); err != nil || p == nil || *p != doc {
			t.Fatalf("read back %v %v", p, err)
		}
		if err := w.PutKeyPolicy(ctx, "arn:aws:kms:us-east-1:000000000000:key/absent", doc); err == nil {
			t.Fatal("absent key written")
		}
		if err := w.PutKeyPolicy(ctx, "alias/x", doc); err == nil {
			t.Fatal("non-ARN accepted")
		}
	})
}
