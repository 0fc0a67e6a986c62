package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/s3access/terraform-provider-s3access/internal/testserver"
)

// anon makes an unsigned request through the overlay (which passes it to
// Versity, which evaluates it against the bucket policy) and returns the status.
func (e *fixEnv) anon(method, bucket, key string) int {
	req, err := http.NewRequest(method, e.ov.URL+"/"+bucket+"/"+key, strings.NewReader("anonymous"))
	if err != nil {
		e.t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	_ = res.Body.Close() // only the status is asked for
	return res.StatusCode
}

// siteBucket is the bucket TestPublicRead makes public.
const siteBucket = "site-bkt"

// expectAnon checks the HTTP status of an anonymous request to siteBucket.
func (e *fixEnv) expectAnon(method, key string, want int) resource.TestCheckFunc {
	const bucket = siteBucket
	return func(*terraform.State) error {
		if got := e.anon(method, bucket, key); got != want {
			return fmt.Errorf("anonymous %s %s/%s: HTTP %d, want %d", method, bucket, key, got, want)
		}
		return nil
	}
}

func (e *fixEnv) expectBPA(bucket string, want [4]bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := e.ov.BPA(bucket)
		if got == nil || *got != want {
			return fmt.Errorf("bucket %s BPA %v, want %v", bucket, got, want)
		}
		return nil
	}
}

func publicReadConfig(e *fixEnv, bucket, extra string) string {
	return e.providerHCL() + fmt.Sprintf(`
resource "s3access_public_read" "site" {
  bucket = %q
%s
}
`, bucket, extra)
}

// Issue 8 end to end: before apply an anonymous GET is 403, after apply 200,
// anonymous PUT (and listing) still 403; Block Public Access lifted only as
// needed and restored on destroy; update, import, destroy.
func TestAccPublicRead(t *testing.T) {
	e := startFixEnv(t)
	const bucket = siteBucket
	e.v.CreateBucket(bucket)
	e.v.PutObject(bucket, "index.html", "hello")
	e.v.PutObject(bucket, "public/a.txt", "a")
	e.v.PutObject(bucket, "private/b.txt", "b")
	allOn := [4]bool{true, true, true, true}
	e.ov.SetBPA(bucket, &allOn)
	if got := e.anon("GET", bucket, "index.html"); got != 403 {
		t.Fatalf("before apply: anonymous GET %d, want 403", got)
	}
	// S3 may refuse the policy right after the BPA change: two transient refusals are retried.
	e.ov.FailTimes("PutBucketPolicy", testserver.FakeError{Code: "OperationAborted", Status: 409}, 2)
	old := writeBackoff
	writeBackoff = 10 * 1e6
	defer func() { writeBackoff = old }()

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if got := e.ov.BPA(bucket); got == nil || *got != allOn {
				return fmt.Errorf("BPA after destroy %v, want all on", got)
			}
			if p := e.policy(bucket); p != nil {
				return fmt.Errorf("policy left: %s", *p)
			}
			if got := e.anon("GET", bucket, "index.html"); got != 403 {
				return fmt.Errorf("after destroy: anonymous GET %d, want 403", got)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: publicReadConfig(e, bucket, ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("s3access_public_read.site", "id", bucket),
					resource.TestCheckResourceAttr("s3access_public_read.site", "sid", "S3AccessPublicRead"),
					resource.TestCheckResourceAttr("s3access_public_read.site", "changed_block_public_policy", "true"),
					resource.TestCheckResourceAttr("s3access_public_read.site", "changed_restrict_public_buckets", "true"),
					resource.TestCheckNoResourceAttr("s3access_public_read.site", "prefixes"),
					e.expectBPA(bucket, [4]bool{true, true, false, false}),
					e.expectAnon("GET", "index.html", 200),
					e.expectAnon("PUT", "new.txt", 403),
					e.expectAnon("DELETE", "index.html", 403),
					e.expectAnon("GET", "", 403), // listing
					func(*terraform.State) error {
						if n := e.ov.Calls("PutBucketPolicy"); n != 3 {
							return fmt.Errorf("%d PutBucketPolicy calls, want 3 (two refused, one accepted)", n)
						}
						return nil
					},
				),
			},
			{
				Config: publicReadConfig(e, bucket, `  prefixes = ["public/"]`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("s3access_public_read.site", "prefixes.#", "1"),
					resource.TestCheckResourceAttr("s3access_public_read.site", "changed_block_public_policy", "true"),
					e.expectAnon("GET", "public/a.txt", 200),
					e.expectAnon("GET", "private/b.txt", 403),
					e.expectAnon("GET", "index.html", 403),
					e.expectAnon("PUT", "public/new.txt", 403),
				),
			},
			{ // drift: Block Public Access turned back on outside Terraform is lifted again, the record kept
				PreConfig: func() { e.ov.SetBPA(bucket, &allOn) },
				Config:    publicReadConfig(e, bucket, `  prefixes = ["public/"]`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("s3access_public_read.site", "changed_restrict_public_buckets", "true"),
					e.expectBPA(bucket, [4]bool{true, true, false, false}),
					e.expectAnon("GET", "public/a.txt", 200)),
			},
			{ // drift: the statement removed outside Terraform is put back
				PreConfig: func() {
					if _, err := e.root.DeleteBucketPolicy(context.Background(), &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)}); err != nil {
						t.Fatal(err)
					}
				},
				Config: publicReadConfig(e, bucket, `  prefixes = ["public/"]`),
				Check:  e.expectAnon("GET", "public/a.txt", 200),
			},
			{
				ResourceName:      "s3access_public_read.site",
				ImportState:       true,
				ImportStateId:     bucket,
				ImportStateVerify: true,
				// Imported state records no change of its own (nothing to restore).
				ImportStateVerifyIgnore: []string{"changed_block_public_policy", "changed_restrict_public_buckets"},
			},
		},
	})
}

// A clear plan-time error when account-level BPA forbids public policies,
// naming the setting; nothing is written.
func TestAccPublicReadAccountBlocked(t *testing.T) {
	e := startFixEnv(t)
	e.v.CreateBucket("blocked-bkt")
	e.ctl.BPA[testserver.VersityAccount] = [4]bool{false, false, true, false}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      publicReadConfig(e, "blocked-bkt", ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)account-level\s+Block\s+Public\s+Access\s+of\s+account\s+000000000000\s+has\s+BlockPublicPolicy`),
		}},
	})
	if e.ov.Calls("PutPublicAccessBlock")+e.ov.Calls("PutBucketPolicy") != 0 {
		t.Fatal("something was written")
	}
}

// The engine re-check fails the apply when the bucket would also accept
// anonymous writes (here: ACLs enabled and a bucket ACL granting AllUsers
// WRITE, served by the overlay), with the explanation.
func TestAccPublicReadVerifyFails(t *testing.T) {
	e := startFixEnv(t)
	const bucket = "acl-bkt"
	e.v.CreateBucket(bucket)
	if _, err := e.root.PutBucketOwnershipControls(context.Background(), &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(bucket),
		OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipObjectWriter}}}}); err != nil {
		t.Fatal(err)
	}
	e.ov.SetBucketACL(bucket, testserver.OverlayACL{Owner: e.v.RootAccess, Grants: [][2]string{{e.v.RootAccess, "FULL_CONTROL"}, {"AllUsers", "WRITE"}}})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if p := e.policy(bucket); p != nil {
				return fmt.Errorf("policy left after destroy: %s", *p)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config:      publicReadConfig(e, bucket, ""),
			ExpectError: regexp.MustCompile(`(?s)anonymous\s+s3:PutObject.*is\s+allowed.*never\s+grant\s+writes`),
		}},
	})
}
