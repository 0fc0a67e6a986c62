package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const exposurePolicy = `jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "PublicRead", Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::www.example.com/*" },
      { Sid = "Partner", Effect = "Allow", Principal = { AWS = "arn:aws:iam::222222222222:role/app" }, Action = "s3:ListBucket", Resource = "arn:aws:s3:::www.example.com" },
    ]
  })`

// Spec 3.3/3.4 (T55, T56): the quickstart website policy is public; with the
// default Block Public Access RestrictPublicBuckets neutralises it.
func TestBucketExposureDataSource(t *testing.T) {
	ds := "data.s3access_bucket_exposure.t"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "s3access_bucket_exposure" "t" {
  bucket            = "www.example.com"
  bucket_account_id = "111111111111"
  bucket_policy     = ` + exposurePolicy + `
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("is_public"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("policy_is_public"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("public_statements").AtSliceIndex(0).AtMapKey("sid"), knownvalue.StringExact("PublicRead")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("blocked_by").AtSliceIndex(0).AtMapKey("setting"), knownvalue.StringExact("restrict_public_buckets")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("blocked_by").AtSliceIndex(0).AtMapKey("level"), knownvalue.StringExact("bucket")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("public_actions"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("cross_account_principals"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config: `
data "s3access_bucket_exposure" "t" {
  bucket            = "www.example.com"
  bucket_account_id = "111111111111"
  bucket_policy     = ` + exposurePolicy + `
  block_public_access = { block_public_acls = true, ignore_public_acls = true, block_public_policy = false, restrict_public_buckets = false }
  object_ownership  = "ObjectWriter"
  bucket_acl        = { grants = [{ grantee = "AuthenticatedUsers", permission = "READ" }] }
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("is_public"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("acl_is_public"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("public_acl_grants").AtSliceIndex(0).AtMapKey("grantee"), knownvalue.StringExact("AuthenticatedUsers")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("blocked_by").AtSliceIndex(0).AtMapKey("setting"), knownvalue.StringExact("ignore_public_acls")),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("public_actions"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("s3:GetObject")})),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("cross_account_principals"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("arn:aws:iam::222222222222:role/app")})),
				},
			},
		},
	})
}

func TestBucketExposureDataSourceErrors(t *testing.T) {
	noAWSCredentials(t) // live = true without credentials is an error on live
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `data "s3access_bucket_exposure" "t" {
  bucket = "bkt"
  live = true
}`,
				ExpectError: regexp.MustCompile(`(?s)Live mode cannot read AWS.*no usable AWS credentials`),
			},
			{
				Config: `data "s3access_bucket_exposure" "t" {
  bucket = "bkt"
  bucket_policy = "{\"Statement\":[]}"
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid bucket_policy.*at\s+least\s+one\s+statement`),
			},
			{
				Config: `data "s3access_bucket_exposure" "t" {
  bucket = "bkt"
  bucket_acl = { grants = [{ grantee = "everyone", permission = "READ" }] }
}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid bucket_acl.grants\[0\].*everyone`),
			},
		},
	})
}
