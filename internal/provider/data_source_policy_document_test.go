package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The generated identity policy, fed to s3access_check in the same plan,
// allows the declared read and denies a write (internal/lint proves the
// full neighbour list).
func TestPolicyDocumentDataSource(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "s3access_policy_document" "t" {
  bucket        = "reports"
  prefixes      = ["2024/"]
  access        = "read"
  kms_key_arn   = "arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111"
  principal_arn = "arn:aws:iam::222222222222:role/reader"
}

data "s3access_checks" "t" {
  bucket              = "reports"
  bucket_account_id   = "111111111111"
  block_public_access = { block_public_acls = true, ignore_public_acls = true, block_public_policy = true, restrict_public_buckets = true }
  bucket_policy       = jsonencode({ Version = "2012-10-17", Statement = jsondecode(data.s3access_policy_document.t.bucket_policy_statement_json) })
  principals = {
    "arn:aws:sts::222222222222:assumed-role/reader/s1" = { identity_policies = [data.s3access_policy_document.t.identity_policy_json] }
  }
  requests = [
    { principal = "arn:aws:sts::222222222222:assumed-role/reader/s1", action = "s3:GetObject", key = "2024/q1.csv", expect = "allowed" },
    { principal = "arn:aws:sts::222222222222:assumed-role/reader/s1", action = "s3:GetObject", key = "2023/q1.csv", expect = "denied" },
    { principal = "arn:aws:sts::222222222222:assumed-role/reader/s1", action = "s3:PutObject", key = "2024/q1.csv", expect = "denied" },
  ]
  lifecycle {
    postcondition {
      condition     = self.all_as_expected
      error_message = join("\n", self.failures)
    }
  }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.s3access_policy_document.t", tfjsonpath.New("identity_policy_json"), knownvalue.StringRegexp(regexp.MustCompile(`"Resource":"arn:aws:s3:::reports/2024/\*"`))),
				statecheck.ExpectKnownValue("data.s3access_policy_document.t", tfjsonpath.New("key_policy_statement_json"), knownvalue.StringRegexp(regexp.MustCompile(`kms:Decrypt`))),
			},
		}},
	})
}

func TestPolicyDocumentDataSourceErrors(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `data "s3access_policy_document" "t" {
  bucket = "bkt"
  access = "read"
  prefixes = ["ok/", "a/*"]
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid prefixes\[1\].*literal`),
			},
			{
				Config: `data "s3access_policy_document" "t" {
  bucket = "bkt"
  access = "admin"
}`,
				ExpectError: regexp.MustCompile(`(?s)access.*read_write`),
			},
			{
				Config: `
data "s3access_policy_document" "t" {
  bucket = "bkt"
  access = "list"
}
output "none" { value = data.s3access_policy_document.t.bucket_policy_statement_json == null }`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("none", knownvalue.Bool(true)),
				},
			},
		},
	})
}
