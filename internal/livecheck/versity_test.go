package livecheck_test

// Predicted versus actual: every scenario is set up on a real S3 + IAM server
// (Versity Gateway on 127.0.0.1), the layers are read live through awsread
// (identity policies through the IAM fake that passes inline-policy calls to
// Versity, the bucket policy and ownership controls from Versity, Block Public
// Access and encryption from FAKES, see testserver.LiveEnv), the engine
// predicts, and the real request is made with the user's own keys.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/s3access/terraform-provider-s3access/internal/awsread"
	"github.com/s3access/terraform-provider-s3access/internal/livecheck"
	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
	"github.com/s3access/terraform-provider-s3access/internal/testserver"
)

// useKeys makes the AWS SDK's default chain resolve these keys (and nothing
// from the machine's files).
func useKeys(t *testing.T, access, secret string) {
	t.Setenv("AWS_ACCESS_KEY_ID", access)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func liveReader(env *testserver.LiveEnv, endpoints map[string]string) *awsread.Cached {
	if endpoints == nil {
		endpoints = env.Endpoints()
	}
	c := awsread.NewClients(awsread.Settings{Region: "us-east-1", Endpoints: endpoints, S3UsePathStyle: true,
		MaxAttempts: 1, HTTPTimeout: 20 * time.Second})
	return awsread.NewCached(awsread.NewLive(c), 4)
}

// setUp creates the scenario's user, policies, bucket and object on Versity
// and returns the keys the probe is made with.
func setUp(v *testserver.Versity, sc testserver.Scenario) (access, secret string) {
	access, secret = v.RootAccess, v.RootSecret
	if sc.User != "" {
		access, secret = v.CreateUser(sc.User)
		for i, p := range sc.UserPolicies {
			v.PutUserPolicyNamed(sc.User, fmt.Sprintf("inline%d", i), p)
		}
	}
	v.CreateBucket(sc.Bucket)
	if sc.BucketPolicy != "" {
		v.PutBucketPolicy(sc.Bucket, sc.BucketPolicy)
	}
	if sc.Key != "" {
		v.PutObject(sc.Bucket, sc.Key, "data")
	}
	return access, secret
}

func request(sc testserver.Scenario) *s3authz.Request {
	r := &s3authz.Request{Principal: sc.Principal(), Action: sc.Op, Bucket: sc.Bucket, Context: sc.Context}
	if sc.Key != "" {
		k := sc.Key
		r.Key = &k
	}
	return r
}

func outcome(allowed bool) string {
	if allowed {
		return "allowed"
	}
	return "denied"
}

// TestPredictedVersusActual: for every recorded scenario (testserver.Scenarios,
// spec section 7 case ids), the prediction from live reads equals the real
// outcome of the request on Versity (2xx = allowed, 403 = denied), except
// where Versity is documented to differ from AWS (VersityDiffers; then the
// prediction must equal the AWS expectation of the spec).
func TestPredictedVersusActual(t *testing.T) {
	env := testserver.StartLiveEnv(t)
	v := env.Versity
	useKeys(t, v.RootAccess, v.RootSecret)
	reader := liveReader(env, nil)

	var table strings.Builder
	fmt.Fprintf(&table, "\n%-6s %-9s %-9s %-8s %-22s %s\n", "case", "predicted", "actual", "aws", "deciding layer", "description")
	compared, excluded := 0, 0
	for _, sc := range testserver.Scenarios {
		name := sc.ID + "/" + sc.Bucket
		t.Run(name, func(t *testing.T) {
			vt := v.With(t)
			access, secret := setUp(vt, sc)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			rep, err := livecheck.Check(ctx, reader, request(sc), livecheck.Options{})
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			res := rep.Result
			if res.Decision == "unknown" {
				t.Fatalf("decision unknown: %s", res.Explanation)
			}
			// Every layer read live says so.
			if s := rep.Sources[livecheck.InBucketPolicy]; s != "live: s3:GetBucketPolicy" {
				t.Errorf("bucket_policy source = %q", s)
			}
			if sc.User != "" && !rep.Sources[livecheck.InIdentityPolicies].IsLive() {
				t.Errorf("identity_policies source = %q, want live", rep.Sources[livecheck.InIdentityPolicies])
			}
			status := vt.Probe(access, secret, sc.Op, sc.Bucket, sc.Key)
			if status != 200 && status != 204 && status != 403 {
				t.Fatalf("probe returned %d (neither allowed nor denied)", status)
			}
			actual := status == 200 || status == 204
			mark := ""
			if sc.VersityDiffers {
				excluded++
				mark = " [excluded: Versity differs from AWS, compared with the spec]"
				if res.Allowed != sc.AWSAllowed {
					t.Errorf("predicted %s, the spec expects %s from AWS: %s", outcome(res.Allowed), outcome(sc.AWSAllowed), res.Explanation)
				}
			} else {
				compared++
				if res.Allowed != actual {
					t.Errorf("DISAGREEMENT: predicted %s, Versity answered %d: %s", outcome(res.Allowed), status, res.Explanation)
				}
				if res.Allowed != sc.AWSAllowed {
					t.Errorf("predicted %s, the spec expects %s", outcome(res.Allowed), outcome(sc.AWSAllowed))
				}
			}
			fmt.Fprintf(&table, "%-6s %-9s %-9s %-8s %-22s %s%s\n", sc.ID, outcome(res.Allowed), fmt.Sprint(status),
				outcome(sc.AWSAllowed), res.DecidingLayer, sc.Description, mark)
		})
	}
	t.Logf("predicted vs actual (%d compared, %d excluded):%s", compared, excluded, table.String())
	if compared == 0 {
		t.Fatal("no scenario compared")
	}
}
