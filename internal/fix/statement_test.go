package fix

import (
	"errors"
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// ARCHITECTURE.md section 2 (s3access_bucket_policy_statement) and spec 3.3
// (public-policy classifier): plan-time refusals.
func TestValidateBucketStatement(t *testing.T) {
	cases := []struct {
		name, sid, stmt string
		allowPublic     bool
		wantField       string // "" = accepted
		wantMsg         string
	}{
		{"same-account principal, object resources", "ReadApp", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`, false, "", ""},
		{"Sid in the statement equal to sid", "ReadApp", `{"Sid":"ReadApp","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::bkt"]}`, false, "", ""},
		{"Sid in the statement differs", "ReadApp", `{"Sid":"Other","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt"}`, false, "statement", "differs from sid"},
		{"invalid JSON", "A", `{"Effect":"Allow",`, false, "statement", "does not parse"},
		{"unknown element names the element", "A", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Conditon":{}}`, true, "statement", "Conditon"}, //nolint:misspell // the misspelt element is the input under test
		{"missing Principal in a bucket policy", "A", `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`, false, "statement", "Principal"},
		{"empty sid", "", `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`, false, "sid", "Sid is required"},
		{"resource in another bucket", "A", `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}`, false, "statement", "outside bucket bkt"},
		{"bucket-name prefix is another bucket", "A", `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt2/*"}`, false, "statement", "outside bucket"},
		{"wildcard bucket part", "A", `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bk*"}`, false, "statement", "outside bucket"},
		{"resource *", "A", `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"*"}`, false, "statement", "outside bucket"},
		{"NotResource", "A", `{"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":"arn:aws:s3:::bkt/*"}`, false, "statement", "NotResource"},
		{"other partition", "A", `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws-cn:s3:::bkt/*"}`, false, "statement", "outside bucket"},
		// spec 3.3 rule 3: wildcard principal is public unless pinned.
		{"public: Principal *", "Pub", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`, false, "statement", "would make bucket bkt public"},
		{"public allowed with allow_public", "Pub", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`, true, "", ""},
		// spec 3.3 rule 8: Allow with NotPrincipal is public.
		{"public: Allow NotPrincipal", "NP", `{"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`, false, "statement", "public"},
		// spec 3.3 rule 5: a wildcard value keeps it public.
		{"public: SourceVpc wildcard", "V", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringLike":{"aws:SourceVpc":"vpc-*"}}}`, false, "statement", "public"},
		// spec 3.3 rule 3: pinned by aws:SourceVpce to a fixed value -> not public.
		{"pinned by SourceVpce", "V", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}`, false, "", ""},
		// A Deny with Principal * is never public (rule 1).
		{"deny everyone insecure transport", "TLS", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, false, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, err := ValidateBucketStatement(BucketStatementInput{Bucket: "bkt", Sid: c.sid, Statement: c.stmt, AllowPublic: c.allowPublic})
			if c.wantField == "" {
				if err != nil {
					t.Fatalf("unexpected refusal: %v", err)
				}
				if st.Sid != c.sid {
					t.Fatalf("Sid %q, want %q", st.Sid, c.sid)
				}
				return
			}
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("want *Error on %s, got %v", c.wantField, err)
			}
			if fe.Field != c.wantField || !strings.Contains(err.Error(), c.wantMsg) {
				t.Fatalf("got field %q error %q; want field %q containing %q", fe.Field, err, c.wantField, c.wantMsg)
			}
		})
	}
}

func TestValidateBucketStatementBadBucket(t *testing.T) {
	_, err := ValidateBucketStatement(BucketStatementInput{Bucket: "Bad_Bucket", Sid: "A", Statement: `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::Bad_Bucket/*"}`})
	var fe *Error
	if !errors.As(err, &fe) || fe.Field != "bucket" {
		t.Fatalf("want bucket error, got %v", err)
	}
}

func mustStmt(t *testing.T, js, sid string) policy.Statement {
	t.Helper()
	st, err := ParseOwnStatement(js, sid, policy.KindBucket)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func ptr(s string) *string { return &s }

const foreign2 = `{"Version":"2012-10-17","Id":"keep","Statement":[` +
	`{"Sid":"Deny TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},` +
	`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root"]},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bkt/*"}]}`

func TestPlanPutAndRemove(t *testing.T) {
	mine := mustStmt(t, `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/app/*"}`, "Mine")
	mineListForm := mustStmt(t, `{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/app"]},"Action":["S3:getobject"],"Resource":["arn:aws:s3:::bkt/app/*"]}`, "Mine")
	other := mustStmt(t, `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/app/*"}`, "Mine")

	t.Run("no policy yet: new policy with Version 2012-10-17", func(t *testing.T) {
		put, err := PlanPut(nil, policy.KindBucket, mine)
		if err != nil || !put.Changed || put.Replaced {
			t.Fatalf("put %+v err %v", put, err)
		}
		p, err := policy.Parse(put.Doc, policy.KindBucket)
		if err != nil || p.Version != policy.Version2012 || len(p.Statements) != 1 || p.Statements[0].Sid != "Mine" {
			t.Fatalf("doc %s err %v", put.Doc, err)
		}
	})
	t.Run("foreign statements kept, Id kept, appended", func(t *testing.T) {
		put, err := PlanPut(ptr(foreign2), policy.KindBucket, mine)
		if err != nil || !put.Changed {
			t.Fatal(put, err)
		}
		ok, err := OthersKept(ptr(foreign2), &put.Doc, policy.KindBucket)
		if err != nil || !ok {
			t.Fatalf("foreign statements lost: %s (%v)", put.Doc, err)
		}
		p, _ := policy.Parse(put.Doc, policy.KindBucket)
		if p.ID != "keep" || len(p.Statements) != 3 {
			t.Fatalf("doc %s", put.Doc)
		}
		// Equivalent statement (list forms, action case): nothing to write.
		again, err := PlanPut(&put.Doc, policy.KindBucket, mineListForm)
		if err != nil || again.Changed {
			t.Fatalf("equivalent statement rewritten: %+v %v", again, err)
		}
		// Different statement under the same Sid: replaced in place.
		rep, err := PlanPut(&put.Doc, policy.KindBucket, other)
		if err != nil || !rep.Changed || !rep.Replaced {
			t.Fatalf("replace: %+v %v", rep, err)
		}
		got, _ := FindStatement(&rep.Doc, policy.KindBucket, "Mine")
		if got == nil || !SameStatement(*got, other) {
			t.Fatalf("replaced statement: %+v", got)
		}
		// Remove: back to the two foreign statements.
		rm, err := PlanRemove(&rep.Doc, policy.KindBucket, "Mine")
		if err != nil || !rm.Changed || rm.Delete {
			t.Fatalf("remove: %+v %v", rm, err)
		}
		a, _ := policy.Parse(foreign2, policy.KindBucket)
		b, _ := policy.Parse(rm.Doc, policy.KindBucket)
		if !policy.Equivalent(a, b) {
			t.Fatalf("after remove\n%s\nnot equivalent to\n%s", rm.Doc, foreign2)
		}
	})
	t.Run("removing the last statement deletes the policy", func(t *testing.T) {
		put, _ := PlanPut(nil, policy.KindBucket, mine)
		rm, err := PlanRemove(&put.Doc, policy.KindBucket, "Mine")
		if err != nil || !rm.Delete || !rm.Changed || rm.Doc != "" {
			t.Fatalf("%+v %v", rm, err)
		}
	})
	t.Run("removing an absent Sid changes nothing", func(t *testing.T) {
		rm, err := PlanRemove(ptr(foreign2), policy.KindBucket, "Absent")
		if err != nil || rm.Changed || rm.Delete || rm.Doc != foreign2 {
			t.Fatalf("%+v %v", rm, err)
		}
		rm, err = PlanRemove(nil, policy.KindBucket, "Absent")
		if err != nil || rm.Changed || rm.Delete {
			t.Fatalf("%+v %v", rm, err)
		}
	})
	t.Run("an unparseable current policy is an error, never overwritten", func(t *testing.T) {
		if _, err := PlanPut(ptr(`{"Statement":[{"Effect":"Maybe"}]}`), policy.KindBucket, mine); err == nil {
			t.Fatal("merged into an invalid policy")
		}
		if _, err := PlanRemove(ptr(`not json`), policy.KindBucket, "Mine"); err == nil {
			t.Fatal("removed from an invalid policy")
		}
	})
}

func TestSameStatementJSON(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
			`{"Resource":["arn:aws:s3:::b/*"],"Action":["s3:getobject"],"Principal":{"AWS":"*"},"Effect":"Allow","Sid":"X"}`, true},
		{`{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*"}`,
			`{"Effect":"Allow","Principal":"*","Action":["s3:ListBucket","s3:GetObject"],"Resource":"arn:aws:s3:::b/*"}`, true},
		{`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
			`{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}`, false},
		{`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`,
			`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, false},
		{`not json`, `not json`, true},
		{`not json`, `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, false},
	}
	for i, c := range cases {
		if got := SameStatementJSON(c.a, c.b, policy.KindBucket); got != c.want {
			t.Errorf("case %d: got %v want %v", i, got, c.want)
		}
	}
}
