package awsread_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/awsread"
	"github.com/s3access/terraform-provider-s3access/internal/testserver"
)

// Tests against httptest FAKES (internal/testserver/fake_*.go) for what
// Versity lacks: account BPA (S3 Control), bucket BPA, default encryption and
// object ACLs (S3), KMS key policies, IAM managed policies, groups, roles and
// boundaries, STS, Organizations. The fakes speak the AWS wire protocols, so
// the real aws-sdk-go-v2 clients and the reader's parsing are exercised.

const acct = "111111111111"

func TestAccountPublicAccessBlockFake(t *testing.T) {
	isolate(t)
	f := testserver.NewFakeS3Control(t)
	f.BPA[acct] = [4]bool{true, false, true, false}
	r := liveFor(t, "AKIDFAKE", "secret", map[string]string{"s3control": f.URL})
	ctx := context.Background()

	got, src, err := r.AccountPublicAccessBlock(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	if want := (awsread.BPA{BlockPublicAcls: true, BlockPublicPolicy: true}); *got != want || src != "live: s3control:GetPublicAccessBlock" {
		t.Errorf("account BPA = %+v (%s), want %+v", *got, src, want)
	}
	// Spec §3.1: an account without a configuration has all settings false: a real answer, nil.
	got, _, err = r.AccountPublicAccessBlock(ctx, "222222222222")
	if err != nil || got != nil {
		t.Errorf("absent account BPA = %+v, %v; want nil, nil", got, err)
	}
	_, _, err = r.AccountPublicAccessBlock(ctx, "12345")
	if re := readErr(t, err, awsread.LayerAccountBPA, "s3control:GetPublicAccessBlock"); re.Code != "InvalidInput" {
		t.Errorf("bad account id: %+v", re)
	}
	f.Fail("GetPublicAccessBlock", testserver.ErrAccessDenied)
	_, _, err = r.AccountPublicAccessBlock(ctx, acct)
	if re := readErr(t, err, awsread.LayerAccountBPA, "s3control:GetPublicAccessBlock"); !re.AccessDenied {
		t.Errorf("denied: %+v", re)
	}
}

func TestS3LayersFake(t *testing.T) {
	isolate(t)
	f := testserver.NewFakeS3(t)
	owner := "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
	f.Buckets["enc"] = &testserver.FakeBucket{
		BPA: &[4]bool{true, true, true, true}, SSE: "aws:kms", KMSKeyID: "arn:aws:kms:us-east-1:111111111111:key/k1", BucketKey: true,
		Objects: map[string]testserver.FakeObject{
			"o": {SSE: "aws:kms", KMSKeyID: "arn:aws:kms:us-east-1:111111111111:key/k1", BucketKey: true, OwnerID: owner,
				Grants: [][2]string{{owner, "FULL_CONTROL"}, {"AllUsers", "READ"}, {"AuthenticatedUsers", "READ_ACP"}, {"LogDelivery", "WRITE"}}},
		},
	}
	f.Buckets["plain"] = &testserver.FakeBucket{Objects: map[string]testserver.FakeObject{"o": {OwnerID: owner}}}
	r := liveFor(t, "AKIDFAKE", "secret", map[string]string{"s3": f.URL})
	ctx := context.Background()

	bpa, src, err := r.BucketPublicAccessBlock(ctx, "enc")
	if err != nil || *bpa != (awsread.BPA{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}) || src != "live: s3:GetPublicAccessBlock" {
		t.Errorf("bucket BPA = %+v %s %v", bpa, src, err)
	}
	if bpa, _, err := r.BucketPublicAccessBlock(ctx, "plain"); bpa != nil || err != nil {
		t.Errorf("absent bucket BPA = %+v %v; want nil, nil (NoSuchPublicAccessBlockConfiguration)", bpa, err)
	}
	enc, src, err := r.BucketEncryption(ctx, "enc")
	if err != nil || *enc != (awsread.Encryption{SSE: "aws:kms", KMSKeyID: "arn:aws:kms:us-east-1:111111111111:key/k1", BucketKeyEnabled: true}) || src != "live: s3:GetBucketEncryption" {
		t.Errorf("encryption = %+v %s %v", enc, src, err)
	}
	if enc, _, err := r.BucketEncryption(ctx, "plain"); enc != nil || err != nil {
		t.Errorf("absent encryption = %+v %v; want nil, nil", enc, err)
	}
	info, src, err := r.ObjectInfo(ctx, "enc", "o")
	if err != nil || info.ACLError != nil {
		t.Fatalf("ObjectInfo: %v / %v", err, info.ACLError)
	}
	wantACL := &awsread.ACL{Owner: owner, Grants: []awsread.Grant{{Grantee: owner, Permission: "FULL_CONTROL"}, {Grantee: "AllUsers", Permission: "READ"}, {Grantee: "AuthenticatedUsers", Permission: "READ_ACP"}, {Grantee: "LogDelivery", Permission: "WRITE"}}}
	if info.SSE != "aws:kms" || info.KMSKeyID != "arn:aws:kms:us-east-1:111111111111:key/k1" || !info.BucketKeyEnabled || !reflect.DeepEqual(info.ACL, wantACL) {
		t.Errorf("ObjectInfo = %+v, ACL %+v", info, info.ACL)
	}
	if src != "live: s3:HeadObject, s3:GetObjectAcl" {
		t.Errorf("source %q", src)
	}
	f.Fail("GetObjectAcl", testserver.ErrAccessDenied)
	info, _, err = r.ObjectInfo(ctx, "plain", "o")
	if err != nil {
		t.Fatal(err)
	}
	if re := readErr(t, info.ACLError, awsread.LayerObjectACL, "s3:GetObjectAcl"); !re.AccessDenied || info.ACL != nil {
		t.Errorf("object ACL denied: %+v %+v", re, info.ACL)
	}
	f.Fail("GetBucketEncryption", testserver.ErrNotImplemented)
	_, _, err = r.BucketEncryption(ctx, "enc")
	if re := readErr(t, err, awsread.LayerEncryption, "s3:GetBucketEncryption"); !re.NotImplemented {
		t.Errorf("encryption not implemented: %+v", re)
	}
}

func TestKeyPolicyFake(t *testing.T) {
	isolate(t)
	f := testserver.NewFakeKMS(t)
	key := "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	kp := `{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]}`
	f.Policies[key] = kp
	r := liveFor(t, "AKIDFAKE", "secret", map[string]string{"kms": f.URL})
	ctx := context.Background()
	p, src, err := r.KeyPolicy(ctx, key)
	if err != nil || *p != kp || src != "live: kms:GetKeyPolicy" {
		t.Fatalf("KeyPolicy = %v %s %v", p, src, err)
	}
	_, _, err = r.KeyPolicy(ctx, "arn:aws:kms:us-east-1:111111111111:key/missing")
	if re := readErr(t, err, awsread.LayerKMS, "kms:GetKeyPolicy"); !re.NotFound || re.Code != "NotFoundException" {
		t.Errorf("missing key: %+v", re)
	}
	f.Fail("GetKeyPolicy", testserver.FakeError{Code: "AccessDeniedException", Status: 400})
	_, _, err = r.KeyPolicy(ctx, key)
	if re := readErr(t, err, awsread.LayerKMS, "kms:GetKeyPolicy"); !re.AccessDenied {
		t.Errorf("denied: %+v", re)
	}
}

func TestPrincipalPoliciesFake(t *testing.T) {
	isolate(t)
	f := testserver.NewFakeIAM(t, acct, "")
	doc := func(action string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"arn:aws:s3:::bkt/a b%2F+c/*"}]}`
	}
	mp := "arn:aws:iam::111111111111:policy/Managed"
	gmp := "arn:aws:iam::111111111111:policy/path/GroupManaged"
	pb := "arn:aws:iam::111111111111:policy/Boundary"
	f.Managed[mp], f.Managed[gmp], f.Managed[pb] = doc("s3:ListBucket"), doc("s3:PutObject"), doc("s3:*")
	f.Users["alice"] = &testserver.FakeIAMUser{Inline: map[string]string{"b": doc("s3:GetObject"), "a": doc("s3:DeleteObject")}, Attached: []string{mp}, Groups: []string{"devs", "ops"}, Boundary: pb}
	f.Groups["devs"] = &testserver.FakeIAMGroup{Inline: map[string]string{"g": doc("s3:GetObjectAcl")}, Attached: []string{gmp}}
	f.Groups["ops"] = &testserver.FakeIAMGroup{}
	f.Roles["app"] = &testserver.FakeIAMRole{Inline: map[string]string{"r": doc("s3:GetObject")}, Attached: []string{mp}}
	r := liveFor(t, "AKIDFAKE", "secret", map[string]string{"iam": f.URL})
	ctx := context.Background()

	cases := []struct {
		name, principal string
		want            *awsread.PrincipalPolicies
	}{
		{"user: inline, attached, groups' inline and attached, boundary (§1.7)", "arn:aws:iam::111111111111:user/team/alice", &awsread.PrincipalPolicies{
			Kind: awsread.KindUser, Account: acct, Name: "alice",
			Policies: []awsread.NamedPolicy{
				{Origin: "user inline alice/a", Document: doc("s3:DeleteObject")},
				{Origin: "user inline alice/b", Document: doc("s3:GetObject")},
				{Origin: "user managed " + mp, Document: doc("s3:ListBucket")},
				{Origin: "group inline devs/g", Document: doc("s3:GetObjectAcl")},
				{Origin: "group managed devs " + gmp, Document: doc("s3:PutObject")},
			},
			Boundary: &awsread.NamedPolicy{Origin: "boundary " + pb, Document: doc("s3:*")},
		}},
		{"role: inline and attached", "arn:aws:iam::111111111111:role/app", &awsread.PrincipalPolicies{
			Kind: awsread.KindRole, Account: acct, Name: "app",
			Policies: []awsread.NamedPolicy{{Origin: "role inline app/r", Document: doc("s3:GetObject")}, {Origin: "role managed " + mp, Document: doc("s3:ListBucket")}},
		}},
		{"assumed-role session: its role's policies", "arn:aws:sts::111111111111:assumed-role/app/s1", &awsread.PrincipalPolicies{
			Kind: awsread.KindAssumedRole, Account: acct, Name: "app",
			Policies: []awsread.NamedPolicy{{Origin: "role inline app/r", Document: doc("s3:GetObject")}, {Origin: "role managed " + mp, Document: doc("s3:ListBucket")}},
		}},
		{"root user: no identity policies (§1.9)", "arn:aws:iam::111111111111:root", &awsread.PrincipalPolicies{Kind: awsread.KindRoot, Account: acct}},
		{"account id means root", "111111111111", &awsread.PrincipalPolicies{Kind: awsread.KindRoot, Account: acct}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _, err := r.PrincipalPolicies(ctx, c.principal)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}

	bad := []struct{ name, principal, code string }{
		{"federated user cannot be read", "arn:aws:sts::111111111111:federated-user/alice", "InvalidInput"},
		{"service principal", "cloudtrail.amazonaws.com", "InvalidInput"},
		{"garbage", "arn:aws:iam::12:user/x", "InvalidInput"},
		{"unknown user", "arn:aws:iam::111111111111:user/nobody", "NoSuchEntity"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := r.PrincipalPolicies(ctx, c.principal)
			re, ok := awsread.AsReadError(err)
			if !ok || re.Layer != awsread.LayerIdentity || re.Code != c.code {
				t.Fatalf("err = %v, want ReadError code %s", err, c.code)
			}
		})
	}

	t.Run("boundary unreadable makes the boundary layer fail", func(t *testing.T) {
		f.Fail("GetPolicyVersion", testserver.ErrAccessDenied)
		defer f.Fail("GetPolicyVersion", testserver.FakeError{})
		_, _, err := r.PrincipalPolicies(ctx, "arn:aws:iam::111111111111:user/alice")
		if re := readErr(t, err, awsread.LayerIdentity, "iam:GetPolicyVersion"); !re.AccessDenied {
			t.Errorf("%+v", re)
		}
	})
}

func TestCallerAccountFake(t *testing.T) {
	isolate(t)
	f := testserver.NewFakeSTS(t, acct, "arn:aws:iam::111111111111:user/ci")
	r := liveFor(t, "AKIDFAKE", "secret", map[string]string{"sts": f.URL})
	a, _, err := r.CallerAccount(context.Background())
	if err != nil || a != acct {
		t.Fatalf("CallerAccount = %q %v", a, err)
	}
	g := testserver.NewFakeSTS(t, "not-an-account", "x")
	r2 := liveFor(t, "AKIDFAKE", "secret", map[string]string{"sts": g.URL})
	_, _, err = r2.CallerAccount(context.Background())
	if re := readErr(t, err, awsread.LayerCaller, "sts:GetCallerIdentity"); re.Code != "UnexpectedValue" {
		t.Errorf("%+v", re)
	}
}

func TestOrganizationPoliciesFake(t *testing.T) {
	isolate(t)
	f := testserver.NewFakeOrganizations(t)
	f.Parent[acct] = "ou-1"
	f.Parent["ou-1"] = "ou-top"
	f.Parent["ou-top"] = "r-root"
	full := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:PutBucketPolicy","Resource":"*"}]}`
	rcp := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`
	f.Policies["p-full"] = testserver.FakeOrgPolicy{Type: "SERVICE_CONTROL_POLICY", Content: full}
	f.Policies["p-deny"] = testserver.FakeOrgPolicy{Type: "SERVICE_CONTROL_POLICY", Content: deny}
	f.Policies["p-rcp"] = testserver.FakeOrgPolicy{Type: "RESOURCE_CONTROL_POLICY", Content: rcp}
	for _, tgt := range []string{"r-root", "ou-top", "ou-1", acct} {
		f.Attached[tgt] = []string{"p-full", "p-rcp"}
	}
	f.Attached["ou-1"] = append(f.Attached["ou-1"], "p-deny")
	s := settingsFor(t, "AKIDFAKE", "secret", map[string]string{"organizations": f.URL})
	ctx := context.Background()

	t.Run("disabled by default: not read, said so (§4 of the design)", func(t *testing.T) {
		r := awsread.NewLive(awsread.NewClients(s))
		_, src, err := r.SCPs(ctx, acct)
		if !errors.Is(err, awsread.ErrOrganizationPoliciesDisabled) || src != awsread.SourceDefault || f.Calls("ListParents") != 0 {
			t.Fatalf("SCPs without read_organization_policies: %v %s, %d calls", err, src, f.Calls("ListParents"))
		}
	})
	s.ReadOrganizationPolicies = true
	r := awsread.NewLive(awsread.NewClients(s))
	t.Run("SCP levels root, OUs from the top, account (§1.6)", func(t *testing.T) {
		levels, _, err := r.SCPs(ctx, acct)
		if err != nil {
			t.Fatal(err)
		}
		var targets []string
		for _, l := range levels {
			targets = append(targets, l.Target)
		}
		if !reflect.DeepEqual(targets, []string{"r-root", "ou-top", "ou-1", acct}) {
			t.Fatalf("targets = %v", targets)
		}
		if len(levels[2].Policies) != 2 || levels[2].Policies[1] != (awsread.NamedPolicy{Origin: "scp p-deny", Document: deny}) || len(levels[0].Policies) != 1 {
			t.Errorf("levels = %+v", levels)
		}
	})
	t.Run("RCPs filtered by type", func(t *testing.T) {
		levels, _, err := r.RCPs(ctx, acct)
		if err != nil || len(levels) != 4 || len(levels[3].Policies) != 1 || levels[3].Policies[0].Document != rcp {
			t.Fatalf("RCPs = %+v %v", levels, err)
		}
	})
	t.Run("member account denied", func(t *testing.T) {
		f.Fail("ListPoliciesForTarget", testserver.FakeError{Code: "AccessDeniedException", Status: 400})
		defer f.Fail("ListPoliciesForTarget", testserver.FakeError{})
		_, _, err := r.SCPs(ctx, acct)
		if re := readErr(t, err, awsread.LayerSCP, "organizations:ListPoliciesForTarget"); !re.AccessDenied {
			t.Errorf("%+v", re)
		}
	})
	t.Run("not in an organization: no levels, no error", func(t *testing.T) {
		f.NotInUse = true
		defer func() { f.NotInUse = false }()
		levels, _, err := r.SCPs(ctx, acct)
		if err != nil || levels == nil || len(levels) != 0 {
			t.Fatalf("levels = %#v, %v", levels, err)
		}
	})
}

// TestThrottledAfterRetries: a throttled read is retried MaxAttempts times,
// then fails as a ReadError with the AWS code; it is never turned into an answer.
func TestThrottledAfterRetries(t *testing.T) {
	isolate(t)
	f := testserver.NewFakeKMS(t)
	f.Fail("GetKeyPolicy", testserver.FakeError{Code: "ThrottlingException", Status: 400})
	s := settingsFor(t, "AKIDFAKE", "secret", map[string]string{"kms": f.URL})
	s.MaxAttempts = 3
	r := awsread.NewLive(awsread.NewClients(s))
	_, _, err := r.KeyPolicy(context.Background(), "arn:aws:kms:us-east-1:111111111111:key/k")
	re := readErr(t, err, awsread.LayerKMS, "kms:GetKeyPolicy")
	if re.Code != "ThrottlingException" || re.AccessDenied || re.NotImplemented {
		t.Errorf("%+v", re)
	}
	if n := f.Calls("GetKeyPolicy"); n != 3 {
		t.Errorf("attempts = %d, want 3", n)
	}
}
