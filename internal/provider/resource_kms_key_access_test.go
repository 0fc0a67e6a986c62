package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/s3access/terraform-provider-s3access/internal/fix"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

const (
	testKeyARN = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	// Two foreign statements: the default administrator statement and another grant.
	testKeyPolicy = `{"Version":"2012-10-17","Id":"key-default-1","Statement":[` +
		`{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"kms:*","Resource":"*"},` +
		`{"Sid":"Other","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:role/other"},"Action":"kms:Encrypt","Resource":"*"}]}`
	testReader = "arn:aws:iam::000000000000:role/reader"
)

func kmsConfig(e *fixEnv, extra string) string {
	return e.providerHCL() + fmt.Sprintf(`
resource "s3access_kms_key_access" "k" {
  key_arn   = %q
  principal = %q
  bucket    = "enc-bkt"
%s
}
`, testKeyARN, testReader, extra)
}

// The statement in the key policy works in the engine: the reader can (or cannot) use the key through S3.
func engineAllows(t *testing.T, keyPolicy, action string, bucketKey bool) bool {
	t.Helper()
	key := "doc.txt"
	identity := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::enc-bkt/*"}]}`
	// The engine's key-policy evaluation does not know the default statement delegates to this role's
	// (empty) IAM KMS permissions; only the resource's statement can allow.
	res, err := s3authz.Evaluate(&s3authz.Request{Principal: testReader, Action: action, Bucket: "enc-bkt", Key: &key, IdentityPolicies: []string{identity},
		Encryption: &s3authz.Encryption{SSE: "aws:kms", KMSKeyARN: testKeyARN, KeyPolicy: &keyPolicy, BucketKeyEnabled: bucketKey}})
	if err != nil {
		t.Fatal(err)
	}
	return res.Allowed
}

// Issue 8: create, update, drift, import, destroy of s3access_kms_key_access
// (writable fake KMS: KMS is not in Versity); other statements kept; lockout refused.
func TestAccKMSKeyAccess(t *testing.T) {
	e := startFixEnv(t)
	e.kms.SeedPolicy(testKeyARN, testKeyPolicy)
	sid := "S3AccessKeyAccess enc-bkt read"
	stmt := func() (*policy.Statement, error) {
		p := e.kms.WrittenPolicy(testKeyARN)
		return fix.FindStatement(&p, policy.KindKey, sid)
	}
	kept := func(*terraform.State) error {
		p := e.kms.WrittenPolicy(testKeyARN)
		before := testKeyPolicy
		if ok, err := fix.OthersKept(&before, &p, policy.KindKey, sid); !ok || err != nil {
			return fmt.Errorf("foreign key-policy statements not kept: %s", p)
		}
		return nil
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			a, _ := policy.Parse(testKeyPolicy, policy.KindKey)
			b, err := policy.Parse(e.kms.WrittenPolicy(testKeyARN), policy.KindKey)
			if err != nil || !policy.Equivalent(a, b) {
				return fmt.Errorf("key policy after destroy %s", e.kms.WrittenPolicy(testKeyARN))
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      kmsConfig(e, `  access = "admin"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`value must be one of`),
			},
			{
				Config:      kmsConfig(e, "  access = \"read\"\n  region = \"eu-west-1\""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)differs\s+from\s+the\s+key's\s+region`),
			},
			{ // reusing the administrator statement's Sid (which would also lock the key, fix.TestKeyLockout) is refused
				Config:      kmsConfig(e, "  access = \"read\"\n  sid = \"Enable IAM User Permissions\""),
				ExpectError: regexp.MustCompile(`(?s)already\s+has\s+a\s+different\s+statement\s+with\s+Sid`),
			},
			{
				Config: kmsConfig(e, `  access = "read"`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("s3access_kms_key_access.k", "sid", sid),
					resource.TestCheckResourceAttr("s3access_kms_key_access.k", "region", "us-east-1"),
					resource.TestCheckResourceAttr("s3access_kms_key_access.k", "id", testKeyARN+"/"+sid),
					kept,
					func(*terraform.State) error {
						st, err := stmt()
						if err != nil || st == nil || len(st.Action) != 1 || st.Action[0] != "kms:Decrypt" {
							return fmt.Errorf("statement %+v %v", st, err)
						}
						p := e.kms.WrittenPolicy(testKeyARN)
						if !engineAllows(t, p, "s3:GetObject", false) || engineAllows(t, p, "s3:PutObject", false) {
							return fmt.Errorf("engine: read access not exactly granted by %s", p)
						}
						return nil
					},
				),
			},
			{
				Config: kmsConfig(e, "  access = \"write\"\n  sid = \"S3AccessKeyAccess enc-bkt read\"\n  bucket_key_enabled = true"),
				Check: resource.ComposeAggregateTestCheckFunc(kept, func(*terraform.State) error {
					p := e.kms.WrittenPolicy(testKeyARN)
					if !engineAllows(t, p, "s3:PutObject", true) || !engineAllows(t, p, "s3:GetObject", true) {
						return fmt.Errorf("engine: write access with bucket keys not granted by %s", p)
					}
					return nil
				}),
			},
			{ // drift: statement weakened outside Terraform is rewritten
				PreConfig: func() {
					p := e.kms.WrittenPolicy(testKeyARN)
					st := mustKeyStatement(t, `{"Effect":"Allow","Principal":{"AWS":"`+testReader+`"},"Action":"kms:*","Resource":"*"}`, sid)
					out, err := policy.MergeStatement(p, policy.KindKey, st)
					if err != nil {
						t.Fatal(err)
					}
					e.kms.SeedPolicy(testKeyARN, out)
				},
				Config: kmsConfig(e, "  access = \"write\"\n  sid = \"S3AccessKeyAccess enc-bkt read\"\n  bucket_key_enabled = true"),
				Check: func(*terraform.State) error {
					st, _ := stmt()
					if st == nil || len(st.Action) != 2 {
						return fmt.Errorf("drift not repaired: %+v", st)
					}
					return nil
				},
			},
			{
				ResourceName:      "s3access_kms_key_access.k",
				ImportState:       true,
				ImportStateId:     testKeyARN + "/" + sid,
				ImportStateVerify: true,
			},
		},
	})
}

func mustKeyStatement(t *testing.T, js, sid string) policy.Statement {
	t.Helper()
	st, err := fix.ParseOwnStatement(js, sid, policy.KindKey)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
