package livecheck_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/s3access/terraform-provider-s3access/internal/livecheck"
	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
	"github.com/s3access/terraform-provider-s3access/internal/testserver"
)

// TestUnknownWhenReadFails (ARCHITECTURE.md section 4: "A layer that cannot
// be read (403, not implemented) makes the decision unknown with the reason,
// never a guess"). Each case reads with credentials or endpoints that make
// one read fail and checks decision, deciding layer, and that the explanation
// names the API and the AWS error code.
func TestUnknownWhenReadFails(t *testing.T) {
	env := testserver.StartLiveEnv(t)
	v := env.Versity
	v.CreateBucket("unk-bkt")
	v.PutObject("unk-bkt", "k", "data")
	// The principal checked: allowed by its (configured) identity policy, so
	// only the failing read stands between the check and "allowed".
	v.CreateUser("unk-alice")
	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	// A reader that may do everything on S3 except read bucket policies (REAL
	// AccessDenied from Versity).
	nbAccess, nbSecret := v.CreateUser("unk-reader")
	v.PutUserPolicy("unk-reader", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},`+
		`{"Effect":"Deny","Action":"s3:GetBucketPolicy","Resource":"*"}]}`)

	direct := env.Endpoints()
	direct["s3"] = v.Endpoint // Versity itself: GetPublicAccessBlock is NotImplemented there (REAL 501)

	cases := []struct {
		name            string
		access, secret  string
		endpoints       map[string]string
		prepare         func()
		req             func() *s3authz.Request
		layer, op, code string
	}{
		{
			name: "reader denied s3:GetBucketPolicy (Versity AccessDenied)", access: nbAccess, secret: nbSecret,
			layer: "bucket_policy", op: "s3:GetBucketPolicy", code: "AccessDenied",
		},
		{
			name: "GetPublicAccessBlock not implemented (Versity 501)", access: v.RootAccess, secret: v.RootSecret, endpoints: direct,
			layer: "block_public_access", op: "s3:GetPublicAccessBlock", code: "NotImplemented",
		},
		{
			name: "account BPA throttled (S3 Control fake)", access: v.RootAccess, secret: v.RootSecret,
			prepare: func() { env.S3Control.Fail("GetPublicAccessBlock", testserver.ErrThrottling) },
			layer:   "block_public_access", op: "s3control:GetPublicAccessBlock", code: "Throttling",
		},
		{
			name: "bucket default encryption not implemented (S3 fake), for a write", access: v.RootAccess, secret: v.RootSecret,
			prepare: func() { env.S3.Fake.Fail("GetBucketEncryption", testserver.ErrNotImplemented) },
			req: func() *s3authz.Request {
				k := "new"
				return &s3authz.Request{Principal: testserver.UserARN("unk-alice"), Action: "s3:PutObject", Bucket: "unk-bkt", Key: &k,
					IdentityPolicies: []string{allow}, BucketAccountID: testserver.VersityAccount, AccountBlockPublicAccess: &s3authz.BPA{}}
			},
			layer: "kms", op: "s3:GetBucketEncryption", code: "NotImplemented",
		},
		// Last: the IAM fake keeps failing for the rest of the test.
		{
			name: "identity policies denied (IAM fake)", access: v.RootAccess, secret: v.RootSecret,
			prepare: func() { env.IAM.Fail("ListAttachedUserPolicies", testserver.ErrAccessDenied) },
			req: func() *s3authz.Request {
				k := "k"
				return &s3authz.Request{Principal: testserver.UserARN("unk-alice"), Action: "s3:GetObject", Bucket: "unk-bkt", Key: &k,
					BucketAccountID: testserver.VersityAccount, AccountBlockPublicAccess: &s3authz.BPA{}}
			},
			layer: "identity", op: "iam:ListAttachedUserPolicies", code: "AccessDenied",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			useKeys(t, tc.access, tc.secret)
			if tc.prepare != nil {
				tc.prepare()
			}
			reader := liveReader(env, tc.endpoints) // a new reader per case: failures are cached per reader
			var req *s3authz.Request
			if tc.req != nil {
				req = tc.req()
			} else {
				k := "k"
				req = &s3authz.Request{Principal: testserver.UserARN("unk-alice"), Action: "s3:GetObject", Bucket: "unk-bkt", Key: &k,
					IdentityPolicies: []string{allow}, BucketAccountID: testserver.VersityAccount}
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			rep, err := livecheck.Check(ctx, reader, req, livecheck.Options{})
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			res := rep.Result
			t.Logf("explanation:\n%s\nsuggestions: %q", res.Explanation, res.Suggestions)
			if res.Decision != "unknown" || res.Allowed {
				t.Fatalf("decision %q allowed=%v, want unknown: %s", res.Decision, res.Allowed, res.Explanation)
			}
			if res.DecidingLayer != tc.layer {
				t.Errorf("deciding_layer %q, want %q: %s", res.DecidingLayer, tc.layer, res.Explanation)
			}
			for _, want := range []string{tc.layer, tc.op, tc.code} {
				if !strings.Contains(res.Explanation, want) {
					t.Errorf("explanation does not name %q:\n%s", want, res.Explanation)
				}
			}
			if len(rep.Failures) == 0 || rep.Failures[0].Err.Code != tc.code {
				t.Errorf("failures %+v, want first with code %s", rep.Failures, tc.code)
			}
			found := false
			for _, l := range res.Layers {
				if l.Layer == tc.layer && l.Result == "unknown" {
					found = true
				}
			}
			if !found {
				t.Errorf("layers do not mark %s unknown: %+v", tc.layer, res.Layers)
			}
			if len(res.Suggestions) == 0 {
				t.Error("no suggestion")
			}
		})
	}
}
