package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Quickstart cause 2 (spec T112): the lint finds the object action on the
// bucket ARN at plan time, and a postcondition on error_count stops the plan.
func TestPolicyLintDataSource(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "s3access_policy_lint" "t" {
  kind   = "identity"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "ReadArtifacts", Effect = "Allow", Action = ["s3:ListBucket", "s3:GetObject"], Resource = "arn:aws:s3:::build-artifacts" }]
  })
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.s3access_policy_lint.t", tfjsonpath.New("error_count"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("data.s3access_policy_lint.t", tfjsonpath.New("warning_count"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue("data.s3access_policy_lint.t", tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("code"), knownvalue.StringExact("object-action-on-bucket-arn")),
					statecheck.ExpectKnownValue("data.s3access_policy_lint.t", tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("statement_index"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue("data.s3access_policy_lint.t", tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("sid"), knownvalue.StringExact("ReadArtifacts")),
					statecheck.ExpectKnownValue("data.s3access_policy_lint.t", tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("fix"), knownvalue.StringRegexp(regexp.MustCompile(`arn:aws:s3:::build-artifacts/\*`))),
				},
			},
			{
				Config: `
data "s3access_policy_lint" "t" {
  kind   = "identity"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::build-artifacts" }]
  })
  lifecycle {
    postcondition {
      condition     = self.error_count == 0
      error_message = join("\n", [for f in self.findings : "${f.code}: ${f.message} Fix: ${f.fix}"])
    }
  }
}`,
				ExpectError: regexp.MustCompile(`object-action-on-bucket-arn`),
			},
			{
				// A policy the parser rejects is a finding, not a data source error.
				Config: `
data "s3access_policy_lint" "t" {
  kind              = "bucket"
  bucket_account_id = "111111111111"
  policy            = "{\"Statement\": \"nope\"}"
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.s3access_policy_lint.t", tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("code"), knownvalue.StringExact("invalid-policy")),
					statecheck.ExpectKnownValue("data.s3access_policy_lint.t", tfjsonpath.New("findings").AtSliceIndex(0).AtMapKey("statement_index"), knownvalue.Int64Exact(-1)),
				},
			},
		},
	})
}

func TestPolicyLintDataSourceBadArguments(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `data "s3access_policy_lint" "t" {
  kind = "user"
  policy = "{}"
}`,
				ExpectError: regexp.MustCompile(`(?s)kind.*identity`),
			},
			{
				Config: `data "s3access_policy_lint" "t" {
  kind = "bucket"
  policy = "{}"
  bucket_account_id = "12"
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid bucket_account_id.*12-digit`),
			},
		},
	})
}
