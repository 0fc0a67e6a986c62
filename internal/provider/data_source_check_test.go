package provider

import (
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

// engineRecorder stands in for the engine in tests of the data sources' own
// work (argument translation, result mapping, diagnostics, expectations): it
// records each request and answers with the result configured for its action.
// Tests of real decisions use the engine itself (data_source_check_engine_test.go).
type engineRecorder struct {
	mu      sync.Mutex
	got     []s3authz.Request
	results map[string]*s3authz.Result
	err     error
}

func (r *engineRecorder) evaluate(req *s3authz.Request) (*s3authz.Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, *req)
	if r.err != nil {
		return nil, r.err
	}
	if res, ok := r.results[req.Action]; ok {
		return res, nil
	}
	return nil, errors.New("recorder: no result for " + req.Action)
}

func (r *engineRecorder) last() s3authz.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[len(r.got)-1]
}

func (r *engineRecorder) calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

func useEngineRecorder(t *testing.T, r *engineRecorder) {
	t.Helper()
	old := evaluate
	evaluate = r.evaluate
	t.Cleanup(func() { evaluate = old })
}

var (
	recAllowed = &s3authz.Result{Allowed: true, Decision: "allowed", DecidingLayer: "identity",
		Explanation: "allowed: identity_policies[0] statement 0 (Sid \"Read\") allows s3:GetObject", ResourceARN: "arn:aws:s3:::bkt/k",
		Layers: []s3authz.LayerResult{{Layer: "identity", Result: "allow", Detail: "statement 0 allows"},
			{Layer: "bucket_policy", Result: "not_applicable", Detail: "no bucket policy"}},
		MatchedStatements: []s3authz.MatchedStatement{{Layer: "identity", PolicyIndex: 1, StatementIndex: 2, Sid: "Read", Effect: "Allow"}}}
	recDenied = &s3authz.Result{Decision: "explicit_deny", DecidingLayer: "bucket_policy",
		Explanation: "explicit deny: bucket policy statement 0 denies requests from outside 198.51.100.0/24\nsecond line",
		ResourceARN: "arn:aws:s3:::bkt/k", Suggestions: []string{"send the request from 198.51.100.0/24"},
		MissingContextKeys: []string{"aws:SourceIp"}, Layers: []s3authz.LayerResult{}}
	recUnknown = &s3authz.Result{Allowed: true, Decision: "unknown", DecidingLayer: "kms", Explanation: "unknown: no key policy"}
)

func newEngineRecorder() *engineRecorder {
	return &engineRecorder{results: map[string]*s3authz.Result{
		"s3:GetObject": recAllowed, "s3:PutObject": recDenied, "s3:DeleteObject": recUnknown, "s3:ListBucket": recDenied,
	}}
}

const testPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}]}`

// Every argument of ARCHITECTURE.md section 2 reaches the engine unchanged.
func TestCheckDataSourceTranslatesEveryArgument(t *testing.T) {
	rec := newEngineRecorder()
	useEngineRecorder(t, rec)
	pol := testPolicy
	key := "a/b.txt"
	want := s3authz.Request{
		Principal: "arn:aws:sts::111111111111:assumed-role/app/s1", Action: "s3:GetObject", Bucket: "bkt", Key: &key,
		IdentityPolicies: []string{pol, pol}, PermissionsBoundary: &pol, SessionPolicy: &pol,
		ServiceControlPolicies: [][]string{{pol}, {pol, pol}}, ResourceControlPolicies: [][]string{{pol}},
		VPCEndpointPolicy: &pol, BucketAccountID: "222222222222", BucketPolicy: &pol,
		BlockPublicAccess:        &s3authz.BPA{BlockPublicAcls: true, RestrictPublicBuckets: true},
		AccountBlockPublicAccess: &s3authz.BPA{IgnorePublicAcls: true, BlockPublicPolicy: true},
		ObjectOwnership:          "ObjectWriter",
		BucketACL:                &s3authz.ACL{Canned: "private"},
		ObjectACL:                &s3authz.ACL{Grants: []s3authz.Grant{{Grantee: "AllUsers", Permission: "READ"}, {Grantee: "222222222222", Permission: "FULL_CONTROL"}}},
		ObjectOwnerAccountID:     "333333333333",
		Encryption:               &s3authz.Encryption{SSE: "aws:kms", KMSKeyARN: "arn:aws:kms:us-east-1:111111111111:key/k1", KeyPolicy: &pol, BucketKeyEnabled: true},
		Context:                  map[string][]string{"aws:SourceIp": {"203.0.113.7"}, "aws:TagKeys": {"a", "b"}},
	}
	config := `
locals { p = ` + hclString(pol) + ` }
data "s3access_check" "t" {
  principal = "arn:aws:sts::111111111111:assumed-role/app/s1"
  action    = "s3:GetObject"
  bucket    = "bkt"
  key       = "a/b.txt"
  identity_policies         = [local.p, local.p]
  permissions_boundary      = local.p
  session_policy            = local.p
  service_control_policies  = [[local.p], [local.p, local.p]]
  resource_control_policies = [[local.p]]
  vpc_endpoint_policy       = local.p
  bucket_account_id         = "222222222222"
  bucket_policy             = local.p
  block_public_access         = { block_public_acls = true, restrict_public_buckets = true }
  account_block_public_access = { ignore_public_acls = true, block_public_policy = true }
  object_ownership = "ObjectWriter"
  bucket_acl = { canned = "private" }
  object_acl = { grants = [{ grantee = "AllUsers", permission = "READ" }, { grantee = "222222222222", permission = "FULL_CONTROL" }] }
  object_owner_account_id = "333333333333"
  encryption = { sse = "aws:kms", kms_key_arn = "arn:aws:kms:us-east-1:111111111111:key/k1", key_policy = local.p, bucket_key_enabled = true }
  context = { "aws:SourceIp" = ["203.0.113.7"], "aws:TagKeys" = ["a", "b"] }
}`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: func(*terraform.State) error {
				got := rec.last()
				if !reflect.DeepEqual(got, want) {
					g, _ := json.MarshalIndent(got, "", " ")
					w, _ := json.MarshalIndent(want, "", " ")
					return errors.New("engine got\n" + string(g) + "\nwant\n" + string(w))
				}
				return nil
			},
		}},
	})
}

// Unset arguments reach the engine as unset, so its documented defaults apply
// (block_public_access all true, object ownership BucketOwnerEnforced, ...).
func TestCheckDataSourceLeavesDefaultsToEngine(t *testing.T) {
	rec := newEngineRecorder()
	useEngineRecorder(t, rec)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "s3access_check" "t" {
  principal = "anonymous"
  action    = "s3:ListBucket"
  bucket    = "bkt"
}`,
			Check: func(*terraform.State) error {
				got := rec.last()
				want := s3authz.Request{Principal: "anonymous", Action: "s3:ListBucket", Bucket: "bkt"}
				if !reflect.DeepEqual(got, want) {
					return errors.New("unset arguments were filled in by the provider")
				}
				return nil
			},
		}},
	})
}

// Computed attributes mirror the engine's result; allowed is true only with decision "allowed".
func TestCheckDataSourceResultAttributes(t *testing.T) {
	useEngineRecorder(t, newEngineRecorder())
	addr := func(n string) string { return "data.s3access_check." + n }
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "s3access_check" "get" {
  principal = "arn:aws:iam::111111111111:user/alice"
  action    = "s3:GetObject"
  bucket    = "bkt"
  key       = "k"
}
data "s3access_check" "put" {
  principal = "arn:aws:iam::111111111111:user/alice"
  action    = "s3:PutObject"
  bucket    = "bkt"
  key       = "k"
}
data "s3access_check" "del" {
  principal = "arn:aws:iam::111111111111:user/alice"
  action    = "s3:DeleteObject"
  bucket    = "bkt"
  key       = "k"
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr("get"), tfjsonpath.New("allowed"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(addr("get"), tfjsonpath.New("decision"), knownvalue.StringExact("allowed")),
				statecheck.ExpectKnownValue(addr("get"), tfjsonpath.New("deciding_layer"), knownvalue.StringExact("identity")),
				statecheck.ExpectKnownValue(addr("get"), tfjsonpath.New("explanation"), knownvalue.StringExact(recAllowed.Explanation)),
				statecheck.ExpectKnownValue(addr("get"), tfjsonpath.New("resource_arn"), knownvalue.StringExact("arn:aws:s3:::bkt/k")),
				statecheck.ExpectKnownValue(addr("get"), tfjsonpath.New("layers"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{"layer": knownvalue.StringExact("identity"), "result": knownvalue.StringExact("allow"), "detail": knownvalue.StringExact("statement 0 allows")}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{"layer": knownvalue.StringExact("bucket_policy"), "result": knownvalue.StringExact("not_applicable"), "detail": knownvalue.StringExact("no bucket policy")}),
				})),
				statecheck.ExpectKnownValue(addr("get"), tfjsonpath.New("matched_statements"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"layer": knownvalue.StringExact("identity"), "policy_index": knownvalue.Int64Exact(1), "statement_index": knownvalue.Int64Exact(2),
						"sid": knownvalue.StringExact("Read"), "effect": knownvalue.StringExact("Allow"),
					}),
				})),
				statecheck.ExpectKnownValue(addr("get"), tfjsonpath.New("suggestions"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue(addr("put"), tfjsonpath.New("allowed"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(addr("put"), tfjsonpath.New("decision"), knownvalue.StringExact("explicit_deny")),
				statecheck.ExpectKnownValue(addr("put"), tfjsonpath.New("deciding_layer"), knownvalue.StringExact("bucket_policy")),
				statecheck.ExpectKnownValue(addr("put"), tfjsonpath.New("missing_context_keys"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("aws:SourceIp")})),
				statecheck.ExpectKnownValue(addr("put"), tfjsonpath.New("suggestions"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("send the request from 198.51.100.0/24")})),
				statecheck.ExpectKnownValue(addr("put"), tfjsonpath.New("matched_statements"), knownvalue.ListSizeExact(0)),
				// The engine's Allowed flag alone never makes a check allowed (fail closed).
				statecheck.ExpectKnownValue(addr("del"), tfjsonpath.New("allowed"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(addr("del"), tfjsonpath.New("decision"), knownvalue.StringExact("unknown")),
			},
		}},
	})
}

// Design note: live = true without usable AWS credentials is an error on
// live; the check never falls back to offline and the engine is never asked.
func TestCheckDataSourceLiveModeFailsClosed(t *testing.T) {
	noAWSCredentials(t)
	rec := newEngineRecorder()
	useEngineRecorder(t, rec)
	for _, ds := range []string{
		`data "s3access_check" "t" {
  principal = "anonymous"
  action    = "s3:GetObject"
  bucket    = "bkt"
  key       = "k"
  live      = true
}`,
		`data "s3access_checks" "t" {
  bucket   = "bkt"
  live     = true
  requests = [{ principal = "anonymous", action = "s3:GetObject", key = "k", expect = "denied" }]
}`,
	} {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps:                    []resource.TestStep{{Config: ds, ExpectError: regexp.MustCompile(`(?s)Live mode cannot read AWS.*no usable AWS credentials`)}},
		})
	}
	if n := rec.calls(); n != 0 {
		t.Errorf("engine called %d times with live = true", n)
	}
}

// Engine input errors become attribute errors: summary "Invalid <argument>",
// detail naming the index, statement and element.
func TestCheckDataSourceInputErrorDiagnostic(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"identity policy", &s3authz.InputError{Field: "identity_policies", Index: 1,
			Err: &policy.Error{Statement: 2, Sid: "Read", Element: "Condition.StringEqualz", Message: "unknown condition operator"}},
			`Invalid identity_policies(.|\n)*identity_policies\[1\]: statement 2 \(Sid "Read"\), Condition.StringEqualz:(.|\n)*unknown condition operator`},
		{"scp nested", &s3authz.InputError{Field: "service_control_policies", Index: 1000, Err: errors.New("policy: not JSON")},
			`Invalid service_control_policies(.|\n)*service_control_policies\[1\]\[0\]: policy: not JSON`},
		{"key", &s3authz.InputError{Field: "key", Index: -1, Err: errors.New("s3:ListBucket is a bucket action and takes no key")},
			`Invalid key(.|\n)*s3:ListBucket is a bucket action and takes no key`},
		{"other error", errors.New("boom"), `Cannot evaluate the S3 request(.|\n)*boom`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := newEngineRecorder()
			rec.err = tc.err
			useEngineRecorder(t, rec)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: `data "s3access_check" "t" {
  principal                = "anonymous"
  action                   = "s3:GetObject"
  bucket                   = "bkt"
  key                      = "k"
  identity_policies        = ["{}", "{}"]
  service_control_policies = [["{}"], ["{}"]]
}`,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// The attribute path of an input error (what Terraform underlines).
func TestInputErrorPath(t *testing.T) {
	cases := []struct {
		ie   s3authz.InputError
		root fieldRoot
		want path.Path
	}{
		{s3authz.InputError{Field: "identity_policies", Index: 1}, rootField, path.Root("identity_policies").AtListIndex(1)},
		{s3authz.InputError{Field: "bucket_policy", Index: -1}, rootField, path.Root("bucket_policy")},
		{s3authz.InputError{Field: "service_control_policies", Index: 2003}, rootField, path.Root("service_control_policies").AtListIndex(2).AtListIndex(3)},
		{s3authz.InputError{Field: "resource_control_policies", Index: 5}, rootField, path.Root("resource_control_policies").AtListIndex(0).AtListIndex(5)},
		{s3authz.InputError{Field: "encryption.key_policy", Index: -1}, rootField, path.Root("encryption").AtName("key_policy")},
		{s3authz.InputError{Field: "identity_policies", Index: 0}, checksRoot("arn:aws:iam::111111111111:user/a", 3),
			path.Root("principals").AtMapKey("arn:aws:iam::111111111111:user/a").AtName("identity_policies").AtListIndex(0)},
		{s3authz.InputError{Field: "key", Index: -1}, checksRoot("anonymous", 3), path.Root("requests").AtListIndex(3).AtName("key")},
		{s3authz.InputError{Field: "context", Index: -1}, checksRoot("anonymous", 0), path.Root("requests").AtListIndex(0).AtName("context")},
		{s3authz.InputError{Field: "bucket_policy", Index: -1}, checksRoot("anonymous", 0), path.Root("bucket_policy")},
	}
	for _, tc := range cases {
		if got := inputErrorPath(&tc.ie, tc.root); !got.Equal(tc.want) {
			t.Errorf("%s[%d]: path %s, want %s", tc.ie.Field, tc.ie.Index, got, tc.want)
		}
	}
}

// hclString renders s as an HCL quoted string (JSON escapes are valid HCL;
// template sequences are escaped).
func hclString(s string) string {
	b, _ := json.Marshal(s)
	return escapeTemplate(string(b))
}
