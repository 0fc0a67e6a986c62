package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Tests with the real engine (s3authz.Evaluate) behind the data sources.
// Every decision kind and layer is also covered by the spec 7 corpus
// (TestCorpusThroughDataSourceAndCLI); these are the cases the issue names.

const alice = "arn:aws:iam::111111111111:user/alice"

// Issue 5: invalid input is an attribute error naming the argument, statement
// and element; never a panic, never an evaluation around it.
func TestCheckDataSourceInvalidInput(t *testing.T) {
	cases := []struct {
		name, args, want string
	}{
		{"bad JSON (spec 6.1)",
			`key = "k"
  identity_policies = ["{\"Version\": \"2012-10-17\", \"Statement\": ["]`,
			`Invalid identity_policies(.|\n)*identity_policies\[0\]: policy: invalid JSON`},
		{"unknown condition operator (spec 6.6)",
			`key = "k"
  identity_policies = [
    jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] }),
    jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "Net", Effect = "Allow", Action = "s3:*", Resource = "*",
      Condition = { StringEqualz = { "aws:SourceIp" = "1" } } }] }),
  ]`,
			`Invalid identity_policies(.|\n)*identity_policies\[1\]: statement 0 \(Sid "Net"\),(.|\n)*Condition.StringEqualz:(.|\n)*unknown(.|\n)*condition operator`},
		{"invalid context key (spec 6.8)",
			`key = "k"
  context = { "aws:NoSuchKey" = ["x"] }`,
			`Invalid context(.|\n)*unknown condition key "aws:NoSuchKey"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: `data "s3access_check" "t" {
  principal = "` + alice + `"
  action    = "s3:GetObject"
  bucket    = "bkt"
  ` + tc.args + `
}`,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
	for _, tc := range []struct {
		name, principal, action, key, want string
	}{
		{"key on a bucket action (spec 2.1)", alice, "s3:ListBucket", `"k"`,
			`Invalid key(.|\n)*object key was given for a bucket-level action(.|\n)*remove key`},
		{"missing key on an object action (spec 2.1)", alice, "s3:GetObject", `null`,
			`Invalid key(.|\n)*an object action needs an object key`},
		{"unknown principal form (spec 6.2): a group is not a principal", "arn:aws:iam::111111111111:group/devs", "s3:GetObject", `"k"`,
			`Invalid principal(.|\n)*group/devs`},
		{"unknown principal form (spec 6.2): a bare name", "bob", "s3:GetObject", `"k"`,
			`Invalid principal(.|\n)*bob`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: `data "s3access_check" "t" {
  principal = "` + tc.principal + `"
  action    = "` + tc.action + `"
  bucket    = "bkt"
  key       = ` + tc.key + `
}`,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// Decision "unknown": an SSE-KMS object without its key policy cannot be
// decided offline, and unknown is never allowed. (Not in the spec 7 corpus.)
func TestCheckDataSourceUnknownDecision(t *testing.T) {
	addr := "data.s3access_check.t"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "s3access_check" "t" {
  principal         = "` + alice + `"
  action            = "s3:GetObject"
  bucket            = "bkt"
  key               = "k"
  identity_policies = [jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "kms:Decrypt"], Resource = "*" }] })]
  encryption        = { sse = "aws:kms", kms_key_arn = "arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111" }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("decision"), knownvalue.StringExact("unknown")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("allowed"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("deciding_layer"), knownvalue.StringExact("kms")),
			},
		}},
	})
}

// The architecture's example (ARCHITECTURE.md section 1): the postcondition
// fails the plan with the explanation of the bucket-vs-object ARN mix-up.
func TestCheckDataSourcePostconditionExplains(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "s3access_check" "app_reads_config" {
  principal         = "arn:aws:iam::111111111111:role/app"
  action            = "s3:GetObject"
  bucket            = "config"
  key               = "app/settings.json"
  identity_policies = [jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::config" }] })]
  lifecycle {
    postcondition {
      condition     = self.allowed
      error_message = self.explanation
    }
  }
}`,
			ExpectError: regexp.MustCompile(`(?s)implicit deny.*arn:aws:s3:::config \(the bucket\).*object actions need.*arn:aws:s3:::config/\*`),
		}},
	})
}

// s3access_checks with the engine: negative assertions are first-class, and
// results equal what s3access_check decides for the same request.
func TestChecksDataSourceWithEngine(t *testing.T) {
	config := `
locals {
  bp = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "PublicRead", Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::site/*" }] })
  id = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "Write", Effect = "Allow", Action = "s3:PutObject", Resource = "arn:aws:s3:::site/*" }] })
  no_bpa = { block_public_acls = false, ignore_public_acls = false, block_public_policy = false, restrict_public_buckets = false }
}
data "s3access_checks" "t" {
  bucket              = "site"
  bucket_account_id   = "111111111111"
  bucket_policy       = local.bp
  block_public_access = local.no_bpa
  principals = { "` + alice + `" = { identity_policies = [local.id] } }
  requests = [
    { principal = "anonymous", action = "s3:GetObject", key = "index.html", expect = "allowed" },
    { principal = "anonymous", action = "s3:PutObject", key = "index.html", expect = "denied" },
    { principal = "` + alice + `", action = "s3:PutObject", key = "index.html", expect = "allowed" },
    { principal = "` + alice + `", action = "s3:DeleteObject", key = "index.html", expect = "denied" },
  ]
}
data "s3access_check" "same_as_request_1" {
  principal           = "anonymous"
  action              = "s3:PutObject"
  bucket              = "site"
  key                 = "index.html"
  bucket_account_id   = "111111111111"
  bucket_policy       = local.bp
  block_public_access = local.no_bpa
}`
	addr := "data.s3access_checks.t"
	res := func(i int, attr string) tfjsonpath.Path {
		return tfjsonpath.New("results").AtSliceIndex(i).AtMapKey(attr)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("all_as_expected"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("all_allowed"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("failures"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue(addr, res(0, "deciding_layer"), knownvalue.StringExact("bucket_policy")),
				statecheck.ExpectKnownValue(addr, res(1, "decision"), knownvalue.StringExact("implicit_deny")),
				statecheck.ExpectKnownValue(addr, res(2, "deciding_layer"), knownvalue.StringExact("identity")),
				statecheck.ExpectKnownValue(addr, res(3, "allowed"), knownvalue.Bool(false)),
				statecheck.CompareValuePairs(addr, res(1, "explanation"), "data.s3access_check.same_as_request_1", tfjsonpath.New("explanation"), compare.ValuesSame()),
				statecheck.CompareValuePairs(addr, res(1, "layers"), "data.s3access_check.same_as_request_1", tfjsonpath.New("layers"), compare.ValuesSame()),
			},
		}},
	})
}

// Issue 5: an input unknown at plan time defers the read to apply, as
// Terraform does for every data source; the check is then decided at apply.
func TestCheckDataSourceDeferredWhenUnknown(t *testing.T) {
	addr := "data.s3access_check.t"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `resource "terraform_data" "policy" {
  input = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::bkt/*" }] })
}
data "s3access_check" "t" {
  principal         = "` + alice + `"
  action            = "s3:GetObject"
  bucket            = "bkt"
  key               = "k"
  identity_policies = [terraform_data.policy.output]
}`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(addr, tfjsonpath.New("allowed")),
				plancheck.ExpectUnknownValue(addr, tfjsonpath.New("explanation")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("decision"), knownvalue.StringExact("allowed")),
			},
		}},
	})
}
