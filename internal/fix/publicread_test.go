package fix

import (
	"errors"
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

func bpa(bpa, ipa, bpp, rpb bool) *s3model.BPASettings {
	return &s3model.BPASettings{BlockPublicAcls: bpa, IgnorePublicAcls: ipa, BlockPublicPolicy: bpp, RestrictPublicBuckets: rpb}
}

// ARCHITECTURE.md s3access_public_read; spec 3.1 (settings), 3.4 (RestrictPublicBuckets).
func TestPlanPublicRead(t *testing.T) {
	cases := []struct {
		name                 string
		bucket, account      *s3model.BPASettings
		prefixes             []string
		wantBPA              *s3model.BPASettings
		liftBPP, liftRPB     bool
		wantResources        []string
		wantErrField, errMsg string
	}{
		{name: "no bucket BPA configuration: nothing to lift", wantResources: []string{"arn:aws:s3:::site/*"}},
		{name: "all four on (new-bucket default): lift only the policy settings, keep the ACL blocks",
			bucket: bpa(true, true, true, true), wantBPA: bpa(true, true, false, false), liftBPP: true, liftRPB: true,
			wantResources: []string{"arn:aws:s3:::site/*"}},
		{name: "only RestrictPublicBuckets on", bucket: bpa(false, false, false, true), wantBPA: bpa(false, false, false, false), liftRPB: true,
			wantResources: []string{"arn:aws:s3:::site/*"}},
		{name: "only ACL blocks on: nothing to lift", bucket: bpa(true, true, false, false), wantResources: []string{"arn:aws:s3:::site/*"}},
		{name: "prefixes become object patterns", prefixes: []string{"public/", "assets/img"},
			wantResources: []string{"arn:aws:s3:::site/assets/img*", "arn:aws:s3:::site/public/*"}},
		{name: "account BlockPublicPolicy forbids it", account: bpa(false, false, true, false), wantErrField: "bucket", errMsg: "account 123456789012 has BlockPublicPolicy"},
		{name: "account RestrictPublicBuckets forbids it", account: bpa(false, false, false, true), wantErrField: "bucket", errMsg: "RestrictPublicBuckets"},
		{name: "account ACL blocks do not matter", account: bpa(true, true, false, false), wantResources: []string{"arn:aws:s3:::site/*"}},
		{name: "wildcard in prefix", prefixes: []string{"a*"}, wantErrField: "prefixes", errMsg: "contains *"},
		{name: "policy variable in prefix", prefixes: []string{"${aws:username}/"}, wantErrField: "prefixes", errMsg: "contains"},
		{name: "empty prefix", prefixes: []string{""}, wantErrField: "prefixes", errMsg: "empty"},
		{name: "duplicate prefix", prefixes: []string{"a/", "a/"}, wantErrField: "prefixes", errMsg: "twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan, err := PlanPublicRead(PublicReadInput{Bucket: "site", Prefixes: c.prefixes, BucketBPA: c.bucket, AccountBPA: c.account, AccountID: "123456789012"})
			if c.wantErrField != "" {
				var fe *Error
				if !errors.As(err, &fe) || fe.Field != c.wantErrField || !strings.Contains(err.Error(), c.errMsg) {
					t.Fatalf("got %v; want %s error containing %q", err, c.wantErrField, c.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (plan.NewBucketBPA == nil) != (c.wantBPA == nil) || (plan.NewBucketBPA != nil && *plan.NewBucketBPA != *c.wantBPA) {
				t.Fatalf("new BPA %+v, want %+v", plan.NewBucketBPA, c.wantBPA)
			}
			if plan.LiftBlockPublicPolicy != c.liftBPP || plan.LiftRestrictPublicBuckets != c.liftRPB {
				t.Fatalf("lifted %v/%v", plan.LiftBlockPublicPolicy, plan.LiftRestrictPublicBuckets)
			}
			st := plan.Statement
			if st.Sid != DefaultPublicReadSid || st.Effect != policy.Allow || !st.Principal.Wildcard || len(st.Action) != 1 || st.Action[0] != "s3:GetObject" || len(st.Conditions) != 0 {
				t.Fatalf("statement %+v", st)
			}
			if strings.Join(st.Resource, ",") != strings.Join(c.wantResources, ",") {
				t.Fatalf("resources %v want %v", st.Resource, c.wantResources)
			}
			got, ok := PublicReadPrefixes(st, "site", "")
			if !ok || strings.Join(got, ",") != strings.Join(sorted(c.prefixes), ",") {
				t.Fatalf("prefixes read back %v %v", got, ok)
			}
		})
	}
}

func sorted(l []string) []string {
	out := append([]string(nil), l...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestPublicReadPrefixesDrift(t *testing.T) {
	for _, js := range []string{
		`{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::site/*"}`,
		`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/a/b"}`,
		`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}`,
		`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}`,
		`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":["arn:aws:s3:::site/*","arn:aws:s3:::site/a*"]}`,
		`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`,
	} {
		st := mustStmt(t, js, "P")
		if p, ok := PublicReadPrefixes(st, "site", ""); ok {
			t.Errorf("%s read back as prefixes %v; want drift", js, p)
		}
	}
}

func TestRestoreBPA(t *testing.T) {
	cases := []struct {
		cur      *s3model.BPASettings
		bpp, rpb bool
		want     *s3model.BPASettings
	}{
		{bpa(true, true, false, false), true, true, bpa(true, true, true, true)},
		{bpa(true, false, false, false), false, true, bpa(true, false, false, true)},
		{bpa(true, true, true, true), true, true, nil}, // already restored
		{bpa(true, true, false, false), false, false, nil},
		{nil, true, false, bpa(false, false, true, false)}, // configuration deleted meanwhile
	}
	for i, c := range cases {
		got := RestoreBPA(c.cur, c.bpp, c.rpb)
		if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
			t.Errorf("case %d: got %+v want %+v", i, got, c.want)
		}
	}
}

// The engine re-check after apply (ARCHITECTURE.md: "verifies anonymous read
// allowed and anonymous write denied"); spec 3.4 and 4.2 decide the failures.
func TestVerifyPublicRead(t *testing.T) {
	plan, err := PlanPublicRead(PublicReadInput{Bucket: "site", BucketBPA: bpa(true, true, true, true)})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := PlanPut(nil, policy.KindBucket, plan.Statement)
	if err != nil {
		t.Fatal(err)
	}
	good := BucketState{Bucket: "site", AccountID: "123456789012", Policy: &doc.Doc, BucketBPA: plan.NewBucketBPA, Ownership: "BucketOwnerEnforced"}
	if err := VerifyPublicRead(good, nil); err != nil {
		t.Fatalf("planned public read not verified: %v", err)
	}
	prefixPlan, _ := PlanPublicRead(PublicReadInput{Bucket: "site", Prefixes: []string{"pub/"}})
	prefixDoc, _ := PlanPut(nil, policy.KindBucket, prefixPlan.Statement)
	if err := VerifyPublicRead(BucketState{Bucket: "site", AccountID: "123456789012", Policy: &prefixDoc.Doc}, []string{"pub/"}); err != nil {
		t.Fatalf("prefix read not verified: %v", err)
	}

	writeDoc, _ := PlanPut(&doc.Doc, policy.KindBucket, mustStmt(t, `{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::site/*"}`, "W"))
	listDoc, _ := PlanPut(&doc.Doc, policy.KindBucket, mustStmt(t, `{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::site"}`, "L"))
	bad := []struct {
		name string
		s    BucketState
		want string
	}{
		{"policy not there", BucketState{Bucket: "site", AccountID: "123456789012"}, "s3:GetObject on site/s3access-verify is still not allowed"},
		{"RestrictPublicBuckets still on (spec 3.4)", BucketState{Bucket: "site", AccountID: "123456789012", Policy: &doc.Doc, BucketBPA: bpa(true, true, false, true)}, "still not allowed"},
		{"account RestrictPublicBuckets", BucketState{Bucket: "site", AccountID: "123456789012", Policy: &doc.Doc, AccountBPA: bpa(false, false, false, true)}, "still not allowed"},
		{"a foreign statement grants anonymous writes", BucketState{Bucket: "site", AccountID: "123456789012", Policy: &writeDoc.Doc}, "s3:PutObject"},
		{"a foreign statement grants anonymous listing", BucketState{Bucket: "site", AccountID: "123456789012", Policy: &listDoc.Doc}, "s3:ListBucket"},
		{"bucket ACL grants AllUsers WRITE with ACLs enabled (spec 4.2)", BucketState{Bucket: "site", AccountID: "123456789012", Policy: &doc.Doc, Ownership: "ObjectWriter",
			ACL: &s3authz.ACL{Grants: []s3authz.Grant{{Grantee: "AllUsers", Permission: "WRITE"}}}}, "s3:PutObject"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			err := VerifyPublicRead(c.s, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want error containing %q", err, c.want)
			}
		})
	}
}

func TestPolicyPublicity(t *testing.T) {
	pub, why, err := PolicyPublicity(ptr(foreign2))
	if err != nil || pub || len(why) != 0 {
		t.Fatalf("foreign2: %v %v %v", pub, why, err)
	}
	plan, _ := PlanPublicRead(PublicReadInput{Bucket: "bkt"})
	doc, _ := PlanPut(ptr(foreign2), policy.KindBucket, plan.Statement)
	pub, why, err = PolicyPublicity(&doc.Doc)
	if err != nil || !pub || len(why) != 1 || !strings.Contains(why[0], DefaultPublicReadSid) {
		t.Fatalf("with public read: %v %v %v", pub, why, err)
	}
	if _, _, err := PolicyPublicity(ptr("{")); err == nil {
		t.Fatal("invalid policy classified")
	}
	if pub, _, err := PolicyPublicity(nil); pub || err != nil {
		t.Fatal("nil policy public")
	}
}
