package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3access/terraform-provider-s3access/internal/fix"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/testserver"
)

// fixEnv is the local AWS of the fix-resource tests: the Versity Gateway
// (real S3 + IAM + STS: bucket policies, ownership controls, bucket-policy
// evaluation of anonymous requests) behind the S3Overlay fake (bucket Block
// Public Access, bucket ACLs with grants, BlockPublicPolicy and
// RestrictPublicBuckets imitation), a fake S3 Control (account BPA) and a
// writable fake KMS. Nothing contacts AWS.
type fixEnv struct {
	t    *testing.T
	v    *testserver.Versity
	ov   *testserver.S3Overlay
	ctl  *testserver.FakeS3Control
	kms  *testserver.FakeKMS
	dir  string
	root *s3.Client
}

func startFixEnv(t *testing.T) *fixEnv {
	t.Helper()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(k, "") // restores the variable after the test
		if err := os.Unsetenv(k); err != nil {
			t.Fatalf("unset %s: %v", k, err)
		}
	}
	v := testserver.StartVersity(t)
	e := &fixEnv{t: t, v: v, ov: testserver.NewS3Overlay(t, v.Endpoint), ctl: testserver.NewFakeS3Control(t), kms: testserver.NewFakeKMSWrite(t), dir: t.TempDir()}
	e.root = v.S3Client(v.RootAccess, v.RootSecret)
	creds := "[fixtest]\naws_access_key_id = " + v.RootAccess + "\naws_secret_access_key = " + v.RootSecret + "\n"
	if err := os.WriteFile(filepath.Join(e.dir, "credentials"), []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.dir, "config"), []byte("[profile fixtest]\nregion = us-east-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

// providerHCL configures the provider for the local servers.
func (e *fixEnv) providerHCL() string {
	return fmt.Sprintf(`
provider "s3access" {
  region                   = "us-east-1"
  profile                  = "fixtest"
  shared_config_files      = [%q]
  shared_credentials_files = [%q]
  s3_use_path_style        = true
  endpoints {
    s3        = %q
    s3control = %q
    sts       = %q
    iam       = %q
    kms       = %q
  }
}
`, filepath.Join(e.dir, "config"), filepath.Join(e.dir, "credentials"), e.ov.URL, e.ctl.URL, e.v.IAMEndpoint, e.v.IAMEndpoint, e.kms.URL)
}

func (e *fixEnv) policy(bucket string) *string {
	out, err := e.root.GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if err != nil {
		if strings.Contains(err.Error(), "NoSuchBucketPolicy") {
			return nil
		}
		e.t.Fatalf("GetBucketPolicy %s: %v", bucket, err)
	}
	return out.Policy
}

// checkNotPublic fails when the bucket's policy is public by the engine's
// classifier: no test leaves a public policy unless it asked for one.
func (e *fixEnv) checkNotPublic(bucket string) error {
	pub, why, err := fix.PolicyPublicity(e.policy(bucket))
	if err != nil {
		return err
	}
	if pub {
		return fmt.Errorf("bucket %s policy is public: %v", bucket, why)
	}
	return nil
}

func statementIn(doc *string, sid string) (*policy.Statement, error) {
	return fix.FindStatement(doc, policy.KindBucket, sid)
}

func mustParseStatement(t *testing.T, js, sid string) policy.Statement {
	t.Helper()
	st, err := fix.ParseOwnStatement(js, sid, policy.KindBucket)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
