package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

func fnCase(t *testing.T, steps ...resource.TestStep) {
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

func TestFunctionBucketARN(t *testing.T) {
	fnCase(t,
		resource.TestStep{
			Config:            `output "a" { value = provider::s3access::bucket_arn("build-artifacts") }`,
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("a", knownvalue.StringExact("arn:aws:s3:::build-artifacts"))},
		},
		resource.TestStep{
			Config:      `output "a" { value = provider::s3access::bucket_arn("arn:aws:s3:::bkt") }`,
			ExpectError: regexp.MustCompile(`(?s)Invalid function argument.*not allowed`),
		},
	)
}

func TestFunctionObjectARN(t *testing.T) {
	fnCase(t,
		resource.TestStep{
			Config:            `output "a" { value = provider::s3access::object_arn("bkt", "reports/*") }`,
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("a", knownvalue.StringExact("arn:aws:s3:::bkt/reports/*"))},
		},
		resource.TestStep{
			Config:      `output "a" { value = provider::s3access::object_arn("bkt", "") }`,
			ExpectError: regexp.MustCompile(`(?s)Invalid function argument.*must not be\s+empty`),
		},
		resource.TestStep{
			Config:      `output "a" { value = provider::s3access::object_arn("bkt", "/abs") }`,
			ExpectError: regexp.MustCompile(`(?s)Invalid function argument.*do not\s+start\s+with`),
		},
	)
}

func TestFunctionIsPublicPolicy(t *testing.T) {
	pol := func(cond string) string {
		return `jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::bkt/*"` + cond + ` }] })`
	}
	fnCase(t,
		resource.TestStep{
			Config: `output "public" { value = provider::s3access::is_public_policy(` + pol("") + `) }
output "pinned" { value = provider::s3access::is_public_policy(` + pol(`, Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abc" } }`) + `) }`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("public", knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValue("pinned", knownvalue.Bool(false)),
			},
		},
		resource.TestStep{
			Config:      `output "a" { value = provider::s3access::is_public_policy("{}") }`,
			ExpectError: regexp.MustCompile(`(?s)Invalid function argument.*invalid\s+bucket\s+policy`),
		},
	)
}

func TestFunctionLintPolicy(t *testing.T) {
	fnCase(t,
		resource.TestStep{
			Config: `
locals {
  findings = provider::s3access::lint_policy(jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::bkt/*" }]
  }))
}
output "codes" { value = sort([for f in local.findings : f.code]) }
output "clean" { value = length(provider::s3access::lint_policy(jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::bkt/*" }] }))) }`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("codes", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("public-grant"), knownvalue.StringExact("public-write")})),
				statecheck.ExpectKnownOutputValue("clean", knownvalue.Int64Exact(0)),
			},
		},
	)
}
