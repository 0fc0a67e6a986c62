package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/s3access/terraform-provider-s3access/internal/fix"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/testserver"
)

const partnerID = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"

func (e *fixEnv) ownership(bucket string) string {
	out, err := e.root.GetBucketOwnershipControls(context.Background(), &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(bucket)})
	if err != nil {
		if strings.Contains(err.Error(), "OwnershipControlsNotFoundError") {
			return ""
		}
		e.t.Fatal(err)
	}
	return string(out.OwnershipControls.Rules[0].ObjectOwnership)
}

func (e *fixEnv) setOwnership(bucket string, o s3types.ObjectOwnership) {
	if _, err := e.root.PutBucketOwnershipControls(context.Background(), &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(bucket),
		OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: o}}}}); err != nil {
		e.t.Fatal(err)
	}
}

func ownershipConfig(e *fixEnv, bucket, extra string) string {
	return e.providerHCL() + fmt.Sprintf(`
resource "s3access_ownership_controls" "o" {
  bucket = %q
%s
}
`, bucket, extra)
}

// Issue 8: Object Ownership without foreign grants: create, update, drift,
// import, destroy restoring the previous setting (Versity stores the setting).
func TestAccOwnershipControls(t *testing.T) {
	e := startFixEnv(t)
	const bucket = "own-bkt"
	e.v.CreateBucket(bucket)
	e.setOwnership(bucket, s3types.ObjectOwnershipObjectWriter)
	e.ov.SetBucketACL(bucket, testserver.OverlayACL{Owner: e.v.RootAccess, Grants: [][2]string{{e.v.RootAccess, "FULL_CONTROL"}}})
	want := func(o string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if got := e.ownership(bucket); got != o {
				return fmt.Errorf("ownership %q, want %q", got, o)
			}
			return nil
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             func(s *terraform.State) error { return want("ObjectWriter")(s) },
		Steps: []resource.TestStep{
			{
				Config:      ownershipConfig(e, bucket, `  object_ownership = "ObjectWriter"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`value must be one of`),
			},
			{
				Config: ownershipConfig(e, bucket, ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					want("BucketOwnerEnforced"),
					resource.TestCheckResourceAttr("s3access_ownership_controls.o", "object_ownership", "BucketOwnerEnforced"),
					resource.TestCheckResourceAttr("s3access_ownership_controls.o", "previous_object_ownership", "ObjectWriter"),
					resource.TestCheckResourceAttr("s3access_ownership_controls.o", "migrated_sids.#", "0"),
				),
			},
			{
				Config: ownershipConfig(e, bucket, `  object_ownership = "BucketOwnerPreferred"`),
				Check: resource.ComposeAggregateTestCheckFunc(want("BucketOwnerPreferred"),
					resource.TestCheckResourceAttr("s3access_ownership_controls.o", "previous_object_ownership", "ObjectWriter")),
			},
			{ // drift: changed outside Terraform, put back
				PreConfig: func() { e.setOwnership(bucket, s3types.ObjectOwnershipObjectWriter) },
				Config:    ownershipConfig(e, bucket, `  object_ownership = "BucketOwnerPreferred"`),
				Check:     want("BucketOwnerPreferred"),
			},
			{
				ResourceName:            "s3access_ownership_controls.o",
				ImportState:             true,
				ImportStateId:           bucket,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"previous_object_ownership"}, // import records the current setting
			},
		},
	})
}

// Foreign bucket ACL grants: the plan fails with the list and what would be
// lost; with migrate_acl_grants the equivalent statements are written first
// (kept by the overlay: Versity refuses principals of other accounts), the
// ACL reset, the setting applied; destroy restores all three.
func TestAccOwnershipControlsMigration(t *testing.T) {
	e := startFixEnv(t)
	const bucket = "acl-own-bkt"
	e.v.CreateBucket(bucket)
	e.setOwnership(bucket, s3types.ObjectOwnershipObjectWriter)
	e.ov.KeepPolicy(bucket)
	origACL := testserver.OverlayACL{Owner: e.v.RootAccess, Grants: [][2]string{{e.v.RootAccess, "FULL_CONTROL"}, {partnerID, "READ"}, {"LogDelivery", "WRITE"}}}
	e.ov.SetBucketACL(bucket, origACL)
	foreign := `{"Version":"2012-10-17","Statement":[{"Sid":"Keep","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	seed := e.overlayClient()
	if _, err := seed.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(foreign)}); err != nil {
		t.Fatal(err)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if got := e.ownership(bucket); got != "ObjectWriter" {
				return fmt.Errorf("ownership after destroy %q", got)
			}
			a, _ := policy.Parse(foreign, policy.KindBucket)
			b, err := policy.Parse(e.ov.StoredPolicy(bucket), policy.KindBucket)
			if err != nil || !policy.Equivalent(a, b) {
				return fmt.Errorf("policy after destroy %s (%v)", e.ov.StoredPolicy(bucket), err)
			}
			if got := e.overlayACL(bucket); !sameSet(got, []string{e.v.RootAccess + ":FULL_CONTROL", partnerID + ":READ", "LogDelivery:WRITE"}) {
				return fmt.Errorf("ACL after destroy %v", got)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      ownershipConfig(e, bucket, ""),
				ExpectError: regexp.MustCompile(`(?s)grants\s+would\s+stop\s+working:.*` + partnerID + `\s+READ\s+\(s3:ListBucket,.*LogDelivery\s+WRITE\s+\(s3:PutObject\).*migrate_acl_grants\s+=\s+true`),
			},
			{
				Config: ownershipConfig(e, bucket, `  migrate_acl_grants = true`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("s3access_ownership_controls.o", "migrated_sids.#", "2"),
					resource.TestCheckResourceAttr("s3access_ownership_controls.o", "migrated_sids.0", "S3AccessMigratedAcl1"),
					resource.TestCheckResourceAttr("s3access_ownership_controls.o", "previous_acl_grants.#", "2"),
					resource.TestCheckResourceAttr("s3access_ownership_controls.o", "previous_object_ownership", "ObjectWriter"),
					func(*terraform.State) error {
						if got := e.ownership(bucket); got != "BucketOwnerEnforced" {
							return fmt.Errorf("ownership %q", got)
						}
						doc := e.ov.StoredPolicy(bucket)
						if ok, err := fix.OthersKept(&foreign, &doc, policy.KindBucket); !ok || err != nil {
							return fmt.Errorf("foreign statement lost: %s", doc)
						}
						for sid, want := range map[string]string{
							"S3AccessMigratedAcl2": `{"Effect":"Allow","Principal":{"CanonicalUser":"` + partnerID + `"},"Action":["s3:ListBucket","s3:ListBucketMultipartUploads","s3:ListBucketVersions"],"Resource":"arn:aws:s3:::` + bucket + `"}`,
							"S3AccessMigratedAcl1": `{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::` + bucket + `/*"}`,
						} {
							got, _ := statementIn(&doc, sid)
							if got == nil || !fix.SameStatement(*got, mustParseStatement(t, want, sid)) {
								return fmt.Errorf("statement %s: %+v", sid, got)
							}
						}
						if pub, why, _ := fix.PolicyPublicity(&doc); pub {
							return fmt.Errorf("migrated policy is public: %v", why)
						}
						if got := e.overlayACL(bucket); !sameSet(got, []string{e.v.RootAccess + ":FULL_CONTROL"}) {
							return fmt.Errorf("ACL not reset: %v", got)
						}
						return nil
					},
				),
			},
		},
	})
}

func (e *fixEnv) overlayClient() *s3.Client {
	c := e.v.S3Client(e.v.RootAccess, e.v.RootSecret)
	return s3.New(c.Options(), func(o *s3.Options) { o.BaseEndpoint = aws.String(e.ov.URL) })
}

func (e *fixEnv) overlayACL(bucket string) []string {
	out, err := e.overlayClient().GetBucketAcl(context.Background(), &s3.GetBucketAclInput{Bucket: aws.String(bucket)})
	if err != nil {
		e.t.Fatal(err)
	}
	var l []string
	for _, g := range out.Grants {
		who := aws.ToString(g.Grantee.ID)
		if g.Grantee.URI != nil {
			who = map[string]string{"http://acs.amazonaws.com/groups/s3/LogDelivery": "LogDelivery", "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers"}[aws.ToString(g.Grantee.URI)]
		}
		l = append(l, who+":"+string(g.Permission))
	}
	return l
}
