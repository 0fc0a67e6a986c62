package provider

// Provider tests with live = true (ARCHITECTURE.md section 4) against a real
// S3 + IAM server on 127.0.0.1 (Versity Gateway, started and stopped here)
// plus FAKES for what it lacks (testserver.LiveEnv: Block Public Access,
// default encryption and object ACLs from an httptest S3 fake in front of
// Versity; account Block Public Access from an S3 Control fake; attachments,
// groups and boundaries from an IAM fake that passes inline-user-policy calls
// through to Versity; a KMS fake). No real AWS is contacted: every endpoint
// is set, the credentials are the test server's, given through the
// environment (the provider has no key attributes).

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/s3access/terraform-provider-s3access/internal/testserver"
)

// noAWSCredentials makes sure the SDK's default chain finds no credentials
// (nor any file of the machine's).
func noAWSCredentials(t *testing.T) {
	liveKeys(t, "", "")
}

// liveKeys makes the SDK's default chain resolve exactly these keys.
func liveKeys(t *testing.T, access, secret string) {
	t.Setenv("AWS_ACCESS_KEY_ID", access)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_DEFAULT_PROFILE", "")
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", dir+"/no-config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/no-credentials")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_REGION", "us-east-1")
}

func liveProviderBlock(env *testserver.LiveEnv) string {
	var b strings.Builder
	b.WriteString("provider \"s3access\" {\n  region            = \"us-east-1\"\n  s3_use_path_style = true\n  endpoints {\n")
	for _, svc := range EndpointServices {
		if u, ok := env.Endpoints()[svc]; ok {
			fmt.Fprintf(&b, "    %s = %q\n", svc, u)
		}
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// TestLiveCheckAgainstVersity: allowed, explicitly denied and implicitly
// denied checks whose layers are all read live; each prediction is compared
// with the real request made with the user's own keys.
func TestLiveCheckAgainstVersity(t *testing.T) {
	env := testserver.StartLiveEnv(t)
	v := env.Versity
	liveKeys(t, v.RootAccess, v.RootSecret)

	const bucket = "live-bkt"
	v.CreateBucket(bucket)
	v.PutObject(bucket, "k", "data")
	aliceKey, aliceSecret := v.CreateUser("live-alice")
	v.PutUserPolicy("live-alice", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::live-bkt/*"}]}`)
	bobKey, bobSecret := v.CreateUser("live-bob")
	v.PutUserPolicy("live-bob", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
	carolKey, carolSecret := v.CreateUser("live-carol") // no policy at all
	v.PutBucketPolicy(bucket, `{"Version":"2012-10-17","Statement":[{"Sid":"NoBob","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:user/live-bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::live-bkt/*"}]}`)

	// What the real server does with each user's own keys.
	actual := map[string]int{
		"alice": v.Probe(aliceKey, aliceSecret, testserver.OpGetObject, bucket, "k"),
		"bob":   v.Probe(bobKey, bobSecret, testserver.OpGetObject, bucket, "k"),
		"carol": v.Probe(carolKey, carolSecret, testserver.OpGetObject, bucket, "k"),
	}
	if actual["alice"] != 200 || actual["bob"] != 403 || actual["carol"] != 403 {
		t.Fatalf("server outcomes changed: %v", actual)
	}

	check := func(name, user string) string {
		return fmt.Sprintf(`data "s3access_check" %q {
  principal = %q
  action    = "s3:GetObject"
  bucket    = %q
  key       = "k"
  live      = true
}
`, name, testserver.UserARN(user), bucket)
	}
	config := liveProviderBlock(env) + check("alice", "live-alice") + check("bob", "live-bob") + check("carol", "live-carol") + fmt.Sprintf(`
data "s3access_checks" "all" {
  bucket = %q
  live   = true
  requests = [
    { principal = %q, action = "s3:GetObject", key = "k", expect = "allowed" },
    { principal = %q, action = "s3:GetObject", key = "k", expect = "denied" },
    { principal = %q, action = "s3:ListBucket", expect = "denied" },
  ]
}
`, bucket, testserver.UserARN("live-alice"), testserver.UserARN("live-bob"), testserver.UserARN("live-carol"))

	ds := func(n string) string { return "data.s3access_check." + n }
	liveSource := regexp.MustCompile(`source: bucket_policy: live: s3:GetBucketPolicy; bucket_account_id: live: sts:GetCallerIdentity`)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				// alice: allowed by her inline policy read live (Versity: 200)
				statecheck.ExpectKnownValue(ds("alice"), tfjsonpath.New("decision"), knownvalue.StringExact("allowed")),
				statecheck.ExpectKnownValue(ds("alice"), tfjsonpath.New("allowed"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(ds("alice"), tfjsonpath.New("deciding_layer"), knownvalue.StringExact("identity")),
				statecheck.ExpectKnownValue(ds("alice"), tfjsonpath.New("layers").AtSliceIndex(0).AtMapKey("detail"),
					knownvalue.StringRegexp(regexp.MustCompile(`source: identity_policies: live: iam:GetUser.*user inline live-alice/inline`))),
				statecheck.ExpectKnownValue(ds("alice"), tfjsonpath.New("layers").AtSliceIndex(1).AtMapKey("detail"), knownvalue.StringRegexp(liveSource)),
				statecheck.ExpectKnownValue(ds("alice"), tfjsonpath.New("explanation"), knownvalue.StringRegexp(regexp.MustCompile(`SCPs and RCPs were not evaluated`))),
				// bob: the live bucket policy's Deny (Versity: 403)
				statecheck.ExpectKnownValue(ds("bob"), tfjsonpath.New("decision"), knownvalue.StringExact("explicit_deny")),
				statecheck.ExpectKnownValue(ds("bob"), tfjsonpath.New("deciding_layer"), knownvalue.StringExact("bucket_policy")),
				statecheck.ExpectKnownValue(ds("bob"), tfjsonpath.New("matched_statements").AtSliceIndex(0).AtMapKey("sid"), knownvalue.StringExact("NoBob")),
				// carol: nothing allows (Versity: 403)
				statecheck.ExpectKnownValue(ds("carol"), tfjsonpath.New("decision"), knownvalue.StringExact("implicit_deny")),
				statecheck.ExpectKnownValue(ds("carol"), tfjsonpath.New("deciding_layer"), knownvalue.StringExact("identity")),
				// the same through s3access_checks
				statecheck.ExpectKnownValue("data.s3access_checks.all", tfjsonpath.New("all_as_expected"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.s3access_checks.all", tfjsonpath.New("results").AtSliceIndex(1).AtMapKey("deciding_layer"), knownvalue.StringExact("bucket_policy")),
			},
		}},
	})
}

// TestLiveCheckUnknownWhenReadDenied: the provider's credentials may not read
// the bucket policy (a REAL AccessDenied from Versity): the decision is
// unknown with deciding_layer bucket_policy and the reason, not allowed and
// not an error, although the configured identity policy allows.
func TestLiveCheckUnknownWhenReadDenied(t *testing.T) {
	env := testserver.StartLiveEnv(t)
	v := env.Versity
	const bucket = "unk-live-bkt"
	v.CreateBucket(bucket)
	readerKey, readerSecret := v.CreateUser("unk-live-reader")
	v.PutUserPolicy("unk-live-reader", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},`+
		`{"Effect":"Deny","Action":"s3:GetBucketPolicy","Resource":"*"}]}`)
	liveKeys(t, readerKey, readerSecret)

	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	config := liveProviderBlock(env) + fmt.Sprintf(`
data "s3access_check" "t" {
  principal            = "arn:aws:iam::000000000000:user/someone"
  action               = "s3:GetObject"
  bucket               = %q
  key                  = "k"
  identity_policies    = [%q]
  permissions_boundary = %q
  bucket_account_id    = "000000000000"
  live                 = true
}
`, bucket, allow, allow)
	addr := "data.s3access_check.t"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("decision"), knownvalue.StringExact("unknown")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("allowed"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("deciding_layer"), knownvalue.StringExact("bucket_policy")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("explanation"),
					knownvalue.StringRegexp(regexp.MustCompile(`(?s)bucket_policy.*s3:GetBucketPolicy failed with AccessDenied`))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("layers").AtSliceIndex(1).AtMapKey("result"), knownvalue.StringExact("unknown")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("layers").AtSliceIndex(0).AtMapKey("detail"),
					knownvalue.StringRegexp(regexp.MustCompile(`source: identity_policies: config`))),
			},
		}},
	})
}

// TestLiveCheckUnknownSettings: provider settings unknown at plan time make
// live = true an error on live naming them (never a read with defaults).
func TestLiveCheckUnknownSettings(t *testing.T) {
	noAWSCredentials(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactoriesWith(WithConfigureHook(func(_ context.Context, d *ProviderData) error {
			d.UnknownAttributes = []string{"endpoints.s3"}
			return nil
		})),
		Steps: []resource.TestStep{{
			Config: `data "s3access_check" "t" {
  principal = "anonymous"
  action    = "s3:GetObject"
  bucket    = "bkt"
  key       = "k"
  bucket_account_id = "111111111111"
  live      = true
}`,
			ExpectError: regexp.MustCompile(`(?s)Live mode cannot read AWS.*endpoints\.s3.*not known yet`),
		}},
	})
}
