package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/s3access/terraform-provider-s3access/internal/awsread"
	"github.com/s3access/terraform-provider-s3access/internal/fix"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/testserver"
)

const acct = testserver.VersityAccount

// tenForeign is an existing policy with ten statements this provider does
// not manage, in varied spellings (Versity accepts only principals it
// knows: its users and "*").
func tenForeign(bucket string) string {
	b := "arn:aws:s3:::" + bucket
	sts := []string{
		`{"Sid":"F0","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/fu0"},"Action":"s3:GetObject","Resource":"` + b + `/*"}`,
		`{"Sid":"F1","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::` + acct + `:user/fu1"]},"Action":["s3:GetObject","s3:PutObject"],"Resource":["` + b + `/in/*"]}`,
		`{"Sid":"F2","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["` + b + `","` + b + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`,
		`{"Sid":"F3","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/fu2"},"Action":"s3:ListBucket","Resource":"` + b + `","Condition":{"StringLike":{"s3:prefix":["home/*"]}}}`,
		`{"Sid":"F4","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/fu3"},"Action":"s3:DeleteObject","Resource":"` + b + `/*"}`,
		`{"Sid":"F5","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/fu3"},"Action":["s3:GetObject"],"Resource":"` + b + `/shared/*"}`,
		`{"Sid":"F6","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/fu4"},"Action":"s3:PutObject","Resource":"` + b + `/uploads/*"}`,
		`{"Sid":"F7","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"` + b + `/locked/*"}`,
		`{"Sid":"F8","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/fu0"},"Action":"s3:GetBucketPolicy","Resource":"` + b + `"}`,
		`{"Sid":"F9","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/fu1"},"Action":"s3:ListBucket","Resource":"` + b + `"}`,
	}
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(sts, ",") + `]}`
}

func stmtConfig(e *fixEnv, bucket string, a, b string) string {
	cfg := e.providerHCL()
	if a != "" {
		cfg += fmt.Sprintf(`
resource "s3access_bucket_policy_statement" "a" {
  bucket    = %q
  sid       = "AppRead"
  statement = %s
}
`, bucket, a)
	}
	if b != "" {
		cfg += fmt.Sprintf(`
resource "s3access_bucket_policy_statement" "b" {
  bucket    = %q
  sid       = "AppList"
  statement = %s
}
`, bucket, b)
	}
	return cfg
}

// Issue 8 tests: create, update, drift, import, destroy; two statement
// resources on one bucket in one apply; ten foreign statements kept
// semantically through create and destroy.
func TestAccBucketPolicyStatement(t *testing.T) {
	e := startFixEnv(t)
	const bucket = "stmt-bkt"
	e.v.CreateBucket(bucket)
	for i := 0; i < 5; i++ {
		e.v.CreateUser(fmt.Sprintf("fu%d", i))
	}
	e.v.CreateUser("app")
	foreign := tenForeign(bucket)
	e.v.PutBucketPolicy(bucket, foreign)

	appARN := "arn:aws:iam::" + acct + ":user/app"
	readV1 := fmt.Sprintf(`jsonencode({Effect = "Allow", Principal = {AWS = %q}, Action = "s3:GetObject", Resource = "arn:aws:s3:::%s/app/*"})`, appARN, bucket)
	// Same statement, other spelling: lists, action case, key order.
	readV1Alt := fmt.Sprintf(`jsonencode({Resource = ["arn:aws:s3:::%s/app/*"], Action = ["S3:GETOBJECT"], Principal = {AWS = [%q]}, Effect = "Allow", Sid = "AppRead"})`, bucket, appARN)
	readV2 := fmt.Sprintf(`jsonencode({Effect = "Allow", Principal = {AWS = %q}, Action = ["s3:GetObject", "s3:GetObjectVersion"], Resource = "arn:aws:s3:::%s/app/*"})`, appARN, bucket)
	list := fmt.Sprintf(`jsonencode({Effect = "Allow", Principal = {AWS = %q}, Action = "s3:ListBucket", Resource = "arn:aws:s3:::%s"})`, appARN, bucket)

	wantStmt := func(sid, js string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			got, err := statementIn(e.policy(bucket), sid)
			if err != nil {
				return err
			}
			want := mustParseStatement(t, js, sid)
			if got == nil || !fix.SameStatement(*got, want) {
				return fmt.Errorf("statement %s in the bucket policy is %+v, want %s", sid, got, js)
			}
			return nil
		}
	}
	foreignKept := func(*terraform.State) error {
		ok, err := fix.OthersKept(&foreign, e.policy(bucket), policy.KindBucket)
		if err != nil || !ok {
			return fmt.Errorf("foreign statements not all kept (%v): %s", err, aws.ToString(e.policy(bucket)))
		}
		return nil
	}
	notPublic := func(*terraform.State) error { return e.checkNotPublic(bucket) }
	putsBefore := 0

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			a, _ := policy.Parse(foreign, policy.KindBucket)
			got := e.policy(bucket)
			if got == nil {
				return errors.New("the foreign policy was deleted")
			}
			b, err := policy.Parse(*got, policy.KindBucket)
			if err != nil || !policy.Equivalent(a, b) {
				return fmt.Errorf("after destroy the policy is %s, want the ten foreign statements (%v)", *got, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{ // two statements, one bucket, one apply
				Config: stmtConfig(e, bucket, `jsonencode({Effect = "Allow", Principal = {AWS = "`+appARN+`"}, Action = "s3:GetObject", Resource = "arn:aws:s3:::`+bucket+`/app/*"})`, list),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("s3access_bucket_policy_statement.a", "id", bucket+"/AppRead"),
					resource.TestCheckResourceAttr("s3access_bucket_policy_statement.a", "allow_public", "false"),
					wantStmt("AppRead", mustJSON(t, readV1)),
					wantStmt("AppList", mustJSON(t, list)),
					foreignKept, notPublic,
					func(*terraform.State) error {
						p, _ := policy.Parse(aws.ToString(e.policy(bucket)), policy.KindBucket)
						if p == nil || len(p.Statements) != 12 {
							return fmt.Errorf("policy has %v statements, want 12", p)
						}
						return nil
					},
				),
			},
			{ // other spelling of the same statement: one in-place update that writes nothing, then no diff
				PreConfig: func() { putsBefore = e.ov.Calls("PutBucketPolicy") },
				Config:    stmtConfig(e, bucket, readV1Alt, list),
				Check: resource.ComposeAggregateTestCheckFunc(wantStmt("AppRead", mustJSON(t, readV1)), foreignKept,
					func(*terraform.State) error {
						if n := e.ov.Calls("PutBucketPolicy") - putsBefore; n != 0 {
							return fmt.Errorf("%d policy writes for an equivalent statement", n)
						}
						return nil
					}),
			},
			{ // update
				Config: stmtConfig(e, bucket, readV2, list),
				Check:  resource.ComposeAggregateTestCheckFunc(wantStmt("AppRead", mustJSON(t, readV2)), wantStmt("AppList", mustJSON(t, list)), foreignKept, notPublic),
			},
			{ // drift of our statement outside Terraform is detected and repaired; foreign drift is not ours
				PreConfig: func() {
					doc := aws.ToString(e.policy(bucket))
					changed, err := fix.PlanPut(&doc, policy.KindBucket, mustParseStatement(t, mustJSON(t, readV1), "AppRead"))
					if err != nil {
						t.Fatal(err)
					}
					e.v.PutBucketPolicy(bucket, changed.Doc)
				},
				Config: stmtConfig(e, bucket, readV2, list),
				Check:  resource.ComposeAggregateTestCheckFunc(wantStmt("AppRead", mustJSON(t, readV2)), foreignKept),
			},
			{ // statement deleted outside Terraform: re-created
				PreConfig: func() {
					doc := aws.ToString(e.policy(bucket))
					rm, err := fix.PlanRemove(&doc, policy.KindBucket, "AppList")
					if err != nil {
						t.Fatal(err)
					}
					e.v.PutBucketPolicy(bucket, rm.Doc)
				},
				Config: stmtConfig(e, bucket, readV2, list),
				Check:  resource.ComposeAggregateTestCheckFunc(wantStmt("AppList", mustJSON(t, list)), foreignKept),
			},
			{ // import by bucket/sid
				ResourceName:            "s3access_bucket_policy_statement.a",
				ImportState:             true,
				ImportStateId:           bucket + "/AppRead",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"statement"}, // canonical spelling; compared semantically below
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("%d states", len(states))
					}
					if !fix.SameStatementJSON(states[0].Attributes["statement"], mustJSON(t, readV2), policy.KindBucket) {
						return fmt.Errorf("imported statement %s", states[0].Attributes["statement"])
					}
					return nil
				},
			},
		},
	})
}

// mustJSON turns the jsonencode({...}) expressions of these tests into the
// JSON they stand for (they are written so that quoting the object keys is
// enough) and checks that it parses.
func mustJSON(t *testing.T, expr string) string {
	t.Helper()
	s := strings.TrimSuffix(strings.TrimPrefix(expr, "jsonencode("), ")")
	re := regexp.MustCompile(`([A-Za-z]+) = `)
	s = re.ReplaceAllString(s, `"$1": `)
	if _, err := policy.ParseStatement(s, policy.KindBucket); err != nil {
		t.Fatalf("test expression %s -> %s: %v", expr, s, err)
	}
	return s
}

// The last statement removed deletes the policy; a different statement
// already under the Sid is never taken over.
func TestAccBucketPolicyStatementLastAndConflict(t *testing.T) {
	e := startFixEnv(t)
	e.v.CreateBucket("solo-bkt")
	e.v.CreateBucket("conflict-bkt")
	e.v.CreateUser("app")
	appARN := "arn:aws:iam::" + acct + ":user/app"
	e.v.PutBucketPolicy("conflict-bkt", `{"Version":"2012-10-17","Statement":[{"Sid":"AppRead","Effect":"Allow","Principal":{"AWS":"`+appARN+`"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::conflict-bkt/*"}]}`)
	stmt := func(bucket string) string {
		return fmt.Sprintf(`jsonencode({Effect = "Allow", Principal = {AWS = %q}, Action = "s3:GetObject", Resource = "arn:aws:s3:::%s/*"})`, appARN, bucket)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if p := e.policy("solo-bkt"); p != nil {
				return fmt.Errorf("policy left after the last statement was removed: %s", *p)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: stmtConfig(e, "solo-bkt", stmt("solo-bkt"), ""),
				Check: func(*terraform.State) error {
					p, _ := policy.Parse(aws.ToString(e.policy("solo-bkt")), policy.KindBucket)
					if p == nil || len(p.Statements) != 1 || p.Version != policy.Version2012 {
						return fmt.Errorf("policy %v", aws.ToString(e.policy("solo-bkt")))
					}
					return nil
				},
			},
			{
				Config:      stmtConfig(e, "conflict-bkt", stmt("conflict-bkt"), ""),
				ExpectError: regexp.MustCompile(`(?s)already has a different statement\s+with\s+Sid\s+"AppRead"`),
			},
		},
	})
	// The foreign statement under the Sid is untouched.
	got, _ := statementIn(e.policy("conflict-bkt"), "AppRead")
	if got == nil || got.Action[0] != "s3:PutObject" {
		t.Fatalf("conflicting statement changed: %+v", got)
	}
}

// Plan-time refusals (ValidateConfig): nothing is read or written.
func TestAccBucketPolicyStatementRefusals(t *testing.T) {
	cfg := func(stmt string, extra string) string {
		return `
resource "s3access_bucket_policy_statement" "x" {
  bucket    = "refuse-bkt"
  sid       = "X"
  statement = ` + stmt + `
` + extra + `
}
`
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(`jsonencode({Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::refuse-bkt/*"})`, ""), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)would make bucket refuse-bkt\s+public.*allow_public`)},
			{Config: cfg(`jsonencode({Effect = "Allow", Principal = {AWS = "111122223333"}, Action = "s3:GetObject", Resource = "arn:aws:s3:::other-bkt/*"})`, ""), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)outside\s+bucket\s+refuse-bkt`)},
			{Config: cfg(`jsonencode({Effect = "Allow", Principal = {AWS = "111122223333"}, Action = "s3:GetObject", Resource = "arn:aws:s3:::refuse-bkt/*", Condition = {StringEqualz = {"aws:SourceVpce" = "vpce-1"}}})`, ""), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)does not parse.*StringEqualz`)},
			{Config: cfg(`"{not json"`, ""), PlanOnly: true, ExpectError: regexp.MustCompile(`invalid JSON`)},
			{Config: cfg(`jsonencode({Sid = "Y", Effect = "Allow", Principal = {AWS = "111122223333"}, Action = "s3:GetObject", Resource = "arn:aws:s3:::refuse-bkt/*"})`, ""), PlanOnly: true,
				ExpectError: regexp.MustCompile(`differs from sid "X"`)},
		},
	})
}

// A lost update (another writer replaced the policy between our write and
// the read-back) is detected and the merge retried on the new policy.
func TestUpdateBucketPolicyLostUpdate(t *testing.T) {
	mine := mustParseStatement(t, `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, "Mine")
	theirs := `{"Version":"2012-10-17","Statement":[{"Sid":"Theirs","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	fb := &fakePolicyStore{}
	fb.afterPut = func(n int) {
		if n == 1 { // a concurrent writer overwrites our first write
			fb.doc = &theirs
		}
	}
	be := &awsBackend{r: fb, w: fb}
	old := writeBackoff
	writeBackoff = 0
	defer func() { writeBackoff = old }()
	_, err := updateBucketPolicy(context.Background(), be, "b", func(cur *string) (string, bool, bool, error) {
		put, err := fix.PlanPut(cur, policy.KindBucket, mine)
		return put.Doc, false, put.Changed, err
	}, func(_, after *string) error {
		got, err := statementIn(after, "Mine")
		if err != nil {
			return err
		}
		if got == nil {
			return errLostUpdate
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fb.puts != 2 {
		t.Fatalf("%d writes, want 2 (one lost, one retried)", fb.puts)
	}
	if ok, _ := fix.OthersKept(&theirs, fb.doc, policy.KindBucket); !ok {
		t.Fatalf("the other writer's statement was lost: %s", *fb.doc)
	}
	// Bounded: a writer that always wins makes the apply fail, not loop.
	fb.afterPut = func(int) { fb.doc = &theirs }
	fb.puts = 0
	fb.doc = &theirs
	_, err = updateBucketPolicy(context.Background(), be, "b", func(cur *string) (string, bool, bool, error) {
		put, err := fix.PlanPut(cur, policy.KindBucket, mine)
		return put.Doc, false, put.Changed, err
	}, func(_, after *string) error {
		if got, _ := statementIn(after, "Mine"); got == nil {
			return errLostUpdate
		}
		return nil
	})
	if !errors.Is(err, errLostUpdate) || fb.puts != writeAttempts {
		t.Fatalf("err %v after %d writes", err, fb.puts)
	}
}

// fakePolicyStore is an in-memory bucket policy (Reader and Writer; only
// the bucket-policy methods are implemented, the rest panic via nil embeds).
type fakePolicyStore struct {
	awsread.Reader
	awsread.Writer
	doc      *string
	puts     int
	afterPut func(n int)
}

func (f *fakePolicyStore) BucketPolicy(context.Context, string) (*string, awsread.Source, error) {
	return f.doc, awsread.Live("fake"), nil
}

func (f *fakePolicyStore) PutBucketPolicy(_ context.Context, _ string, doc string) error {
	f.puts++
	f.doc = &doc
	if f.afterPut != nil {
		f.afterPut(f.puts)
	}
	return nil
}

func (f *fakePolicyStore) DeleteBucketPolicy(context.Context, string) error {
	f.doc = nil
	return nil
}
