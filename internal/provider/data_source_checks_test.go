package provider

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

// Issue 5 / ARCHITECTURE.md 2 (s3access_checks): expectation semantics. A
// negative assertion is met only by a definite refusal; unknown meets nothing.
func TestMeetsExpectation(t *testing.T) {
	cases := []struct {
		expect, decision string
		allowed, want    bool
	}{
		{"allowed", "allowed", true, true},
		{"allowed", "implicit_deny", false, false},
		{"allowed", "unknown", false, false},
		{"denied", "implicit_deny", false, true},
		{"denied", "explicit_deny", false, true},
		{"denied", "rejected", false, true},
		{"denied", "unknown", false, false},
		{"denied", "allowed", true, false},
		{"maybe", "allowed", true, false},
	}
	for _, tc := range cases {
		if got := meetsExpectation(tc.expect, tc.decision, tc.allowed); got != tc.want {
			t.Errorf("expect %s, decision %s: %v, want %v", tc.expect, tc.decision, got, tc.want)
		}
	}
}

const checksConfig = `
data "s3access_checks" "t" {
  bucket        = "bkt"
  bucket_policy = ` + "`POLICY`" + `
  context       = { "aws:SourceIp" = ["203.0.113.10"], "aws:SecureTransport" = ["true"] }
  principals = {
    "arn:aws:iam::111111111111:user/alice" = {
      identity_policies    = ["ALICE0", "ALICE1"]
      permissions_boundary = "ALICEPB"
    }
    "arn:aws:sts::111111111111:assumed-role/app/s1" = {
      identity_policies = ["APP"]
      session_policy    = "APPSP"
    }
  }
  requests = [
    { principal = "arn:aws:iam::111111111111:user/alice", action = "s3:GetObject", key = "k", expect = "allowed" },
    { principal = "arn:aws:sts::111111111111:assumed-role/app/s1", action = "s3:PutObject", key = "k", expect = "denied",
      context = { "aws:SourceIp" = ["198.51.100.7"] } },
    { principal = "anonymous", action = "s3:GetObject", key = "k", expect = "denied" },
    { principal = "arn:aws:iam::111111111111:user/alice", action = "s3:DeleteObject", key = "k", expect = "denied" },
    { principal = "arn:aws:iam::111111111111:user/alice", action = "s3:PutObject", key = "k" },
  ]
}`

func TestChecksDataSource(t *testing.T) {
	rec := newEngineRecorder()
	useEngineRecorder(t, rec)
	pol := func(s string) *string { return &s }
	k := "k"
	shared := map[string][]string{"aws:SourceIp": {"203.0.113.10"}, "aws:SecureTransport": {"true"}}
	want := []s3authz.Request{
		{Principal: "arn:aws:iam::111111111111:user/alice", Action: "s3:GetObject", Bucket: "bkt", Key: &k,
			IdentityPolicies: []string{"ALICE0", "ALICE1"}, PermissionsBoundary: pol("ALICEPB"), BucketPolicy: pol("POLICY"), Context: shared},
		{Principal: "arn:aws:sts::111111111111:assumed-role/app/s1", Action: "s3:PutObject", Bucket: "bkt", Key: &k,
			IdentityPolicies: []string{"APP"}, SessionPolicy: pol("APPSP"), BucketPolicy: pol("POLICY"),
			Context: map[string][]string{"aws:SourceIp": {"198.51.100.7"}, "aws:SecureTransport": {"true"}}},
		{Principal: "anonymous", Action: "s3:GetObject", Bucket: "bkt", Key: &k, BucketPolicy: pol("POLICY"), Context: shared},
		{Principal: "arn:aws:iam::111111111111:user/alice", Action: "s3:DeleteObject", Bucket: "bkt", Key: &k,
			IdentityPolicies: []string{"ALICE0", "ALICE1"}, PermissionsBoundary: pol("ALICEPB"), BucketPolicy: pol("POLICY"), Context: shared},
		{Principal: "arn:aws:iam::111111111111:user/alice", Action: "s3:PutObject", Bucket: "bkt", Key: &k,
			IdentityPolicies: []string{"ALICE0", "ALICE1"}, PermissionsBoundary: pol("ALICEPB"), BucketPolicy: pol("POLICY"), Context: shared},
	}
	addr := "data.s3access_checks.t"
	res := func(i int) tfjsonpath.Path { return tfjsonpath.New("results").AtSliceIndex(i) }
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: regexp.MustCompile("`POLICY`").ReplaceAllString(checksConfig, `"POLICY"`),
			Check: func(*terraform.State) error {
				rec.mu.Lock()
				defer rec.mu.Unlock()
				if len(rec.got) < len(want) {
					return fmt.Errorf("%d engine calls", len(rec.got))
				}
				got := rec.got[len(rec.got)-len(want):]
				for i := range want {
					if !reflect.DeepEqual(got[i], want[i]) {
						return fmt.Errorf("request %d: engine got %+v, want %+v", i, got[i], want[i])
					}
				}
				return nil
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("results"), knownvalue.ListSizeExact(5)),
				statecheck.ExpectKnownValue(addr, res(0).AtMapKey("decision"), knownvalue.StringExact("allowed")),
				statecheck.ExpectKnownValue(addr, res(0).AtMapKey("as_expected"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(addr, res(0).AtMapKey("principal"), knownvalue.StringExact("arn:aws:iam::111111111111:user/alice")),
				statecheck.ExpectKnownValue(addr, res(0).AtMapKey("matched_statements").AtSliceIndex(0).AtMapKey("sid"), knownvalue.StringExact("Read")),
				statecheck.ExpectKnownValue(addr, res(1).AtMapKey("decision"), knownvalue.StringExact("explicit_deny")),
				statecheck.ExpectKnownValue(addr, res(1).AtMapKey("as_expected"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(addr, res(1).AtMapKey("suggestions"), knownvalue.ListSizeExact(1)),
				// anonymous GetObject: the recorder allows it, so the negative assertion fails.
				statecheck.ExpectKnownValue(addr, res(2).AtMapKey("as_expected"), knownvalue.Bool(false)),
				// unknown never satisfies "denied".
				statecheck.ExpectKnownValue(addr, res(3).AtMapKey("decision"), knownvalue.StringExact("unknown")),
				statecheck.ExpectKnownValue(addr, res(3).AtMapKey("allowed"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(addr, res(3).AtMapKey("as_expected"), knownvalue.Bool(false)),
				// no expect: reported, asserts nothing.
				statecheck.ExpectKnownValue(addr, res(4).AtMapKey("as_expected"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, res(4).AtMapKey("expect"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, res(4).AtMapKey("key"), knownvalue.StringExact("k")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("all_allowed"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("all_as_expected"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("failures"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact(`requests[2]: anonymous s3:GetObject on key k: expected denied, got allowed (deciding layer identity): ` + recAllowed.Explanation),
					knownvalue.StringExact(`requests[3]: arn:aws:iam::111111111111:user/alice s3:DeleteObject on key k: expected denied, got unknown (deciding layer kms): unknown: no key policy`),
				})),
			},
		}},
	})
}

func TestChecksDataSourceAllAsExpected(t *testing.T) {
	useEngineRecorder(t, newEngineRecorder())
	addr := "data.s3access_checks.t"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "s3access_checks" "t" {
  bucket = "bkt"
  requests = [
    { principal = "123456789012", action = "s3:GetObject", key = "k", expect = "allowed" },
    { principal = "123456789012", action = "s3:GetObject", key = "k2", expect = "allowed" },
  ]
  lifecycle {
    postcondition {
      condition     = self.all_as_expected && self.all_allowed && length(self.failures) == 0
      error_message = join("\n", self.failures)
    }
  }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("all_allowed"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("all_as_expected"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("failures"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

// A failing expectation in a postcondition stops the plan with the failure lines.
func TestChecksDataSourcePostconditionFails(t *testing.T) {
	useEngineRecorder(t, newEngineRecorder())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "s3access_checks" "t" {
  bucket   = "bkt"
  requests = [{ principal = "anonymous", action = "s3:GetObject", key = "k", expect = "denied" }]
  lifecycle {
    postcondition {
      condition     = self.all_as_expected
      error_message = join("\n", self.failures)
    }
  }
}`,
			ExpectError: regexp.MustCompile(`requests\[0\]: anonymous s3:GetObject on key k: expected denied, got allowed`),
		}},
	})
}

func TestChecksDataSourceErrors(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		config string
		want   string
	}{
		{"bad expect value", nil, `requests = [{ principal = "anonymous", action = "s3:GetObject", key = "k", expect = "maybe" }]`,
			`expect value must be one of`},
		{"engine input error names the request", &s3authz.InputError{Field: "context", Index: -1, Err: errors.New(`unknown condition key "aws:Nope"`)},
			`requests = [{ principal = "anonymous", action = "s3:GetObject", key = "k", context = { "aws:Nope" = ["x"] } }]`,
			`Invalid context(.|\n)*requests\[0\] \(anonymous s3:GetObject\): unknown condition key "aws:Nope"`},
		{"identity policy error", &s3authz.InputError{Field: "identity_policies", Index: 0, Err: errors.New("policy: not JSON")},
			`principals = { "arn:aws:iam::111111111111:user/a" = { identity_policies = ["nope"] } }
  requests = [{ principal = "arn:aws:iam::111111111111:user/a", action = "s3:GetObject", key = "k" }]`,
			`Invalid identity_policies(.|\n)*identity_policies\[0\]: policy: not JSON`},
		{"requests required", nil, ``, `The argument "requests" is required`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := newEngineRecorder()
			rec.err = tc.err
			useEngineRecorder(t, rec)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      "data \"s3access_checks\" \"t\" {\n  bucket = \"bkt\"\n  " + tc.config + "\n}",
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

func TestNeedsPrincipalEntry(t *testing.T) {
	for p, want := range map[string]bool{
		"anonymous":                                     false,
		"111111111111":                                  false,
		"cloudtrail.amazonaws.com":                      false,
		"arn:aws:iam::111111111111:root":                false,
		"arn:aws:iam::111111111111:user/alice":          true,
		"arn:aws:sts::111111111111:assumed-role/app/s1": true,
	} {
		if got := needsPrincipalEntry(p); got != want {
			t.Errorf("%s: %v, want %v", p, got, want)
		}
	}
}
