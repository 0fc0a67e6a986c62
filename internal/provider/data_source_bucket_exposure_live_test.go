package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/s3access/terraform-provider-s3access/internal/testserver"
)

// TestLiveBucketExposureAgainstVersity: s3access_bucket_exposure with
// live = true reads the bucket policy from Versity (REAL) and Block Public
// Access from the S3 fake in front of it (FAKE; Versity has none): a public
// policy with no BPA is public; the same policy with bucket BPA all on is
// blocked; a failed read is an error, never a guess. The real anonymous
// request is not probed: Versity has no BPA to compare with.
func TestLiveBucketExposureAgainstVersity(t *testing.T) {
	env := testserver.StartLiveEnv(t)
	v := env.Versity
	liveKeys(t, v.RootAccess, v.RootSecret)
	public := `{"Version":"2012-10-17","Statement":[{"Sid":"Pub","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}`
	for _, b := range []string{"exp-open", "exp-blocked"} {
		v.CreateBucket(b)
		v.PutBucketPolicy(b, regexp.MustCompile(`%s`).ReplaceAllString(public, b))
	}
	env.S3.Fake.Buckets["exp-blocked"] = &testserver.FakeBucket{BPA: &[4]bool{true, true, true, true}}

	config := liveProviderBlock(env) + `
data "s3access_bucket_exposure" "open" {
  bucket = "exp-open"
  live   = true
}
data "s3access_bucket_exposure" "blocked" {
  bucket = "exp-blocked"
  live   = true
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.s3access_bucket_exposure.open", tfjsonpath.New("is_public"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.s3access_bucket_exposure.open", tfjsonpath.New("public_statements").AtSliceIndex(0).AtMapKey("sid"), knownvalue.StringExact("Pub")),
					statecheck.ExpectKnownValue("data.s3access_bucket_exposure.blocked", tfjsonpath.New("policy_is_public"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.s3access_bucket_exposure.blocked", tfjsonpath.New("is_public"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.s3access_bucket_exposure.blocked", tfjsonpath.New("blocked_by"), knownvalue.ListPartial(map[int]knownvalue.Check{
						0: knownvalue.ObjectPartial(map[string]knownvalue.Check{"level": knownvalue.StringExact("bucket")}),
					})),
				},
			},
			{
				// BPA not given and GetPublicAccessBlock denied (FAKE): an error naming the layer.
				PreConfig: func() {
					env.S3.Fake.Fail("GetPublicAccessBlock", testserver.FakeError{Code: "AccessDenied", Status: 403})
				},
				Config: liveProviderBlock(env) + `
data "s3access_bucket_exposure" "denied" {
  bucket = "exp-open"
  live   = true
}
`,
				ExpectError: regexp.MustCompile(`(?s)Live read failed: block_public_access.*s3:GetPublicAccessBlock.*AccessDenied`),
			},
		},
	})
}
