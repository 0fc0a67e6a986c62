package awsread_test

import (
	"context"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/awsread"
	"github.com/s3access/terraform-provider-s3access/internal/testserver"
)

// Tests against the real Versity Gateway (S3 + IAM + STS on 127.0.0.1). What
// Versity lacks is exercised in fakes_test.go; here the NotImplemented answers
// of Versity itself are asserted, since they must make the layer unknown.

func versityEndpoints(v *testserver.Versity) map[string]string {
	return map[string]string{"s3": v.Endpoint, "iam": v.IAMEndpoint, "sts": v.IAMEndpoint}
}

func TestVersityLiveReads(t *testing.T) {
	isolate(t)
	v := testserver.StartVersity(t)
	ctx := context.Background()
	r := liveFor(t, v.RootAccess, v.RootSecret, versityEndpoints(v))
	v.CreateBucket("live-bkt")
	v.PutObject("live-bkt", "dir/obj", "hello")

	t.Run("bucket policy absent is a real answer (NoSuchBucketPolicy)", func(t *testing.T) {
		p, src, err := r.BucketPolicy(ctx, "live-bkt")
		if err != nil || p != nil {
			t.Fatalf("BucketPolicy = %v, %v; want nil, nil", p, err)
		}
		if src != "live: s3:GetBucketPolicy" {
			t.Errorf("source = %q", src)
		}
	})
	t.Run("bucket policy present", func(t *testing.T) {
		v := v.With(t)
		v.CreateUser("x")
		doc := `{"Version":"2012-10-17","Statement":[{"Sid":"R","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/x"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::live-bkt/*"}]}`
		v.PutBucketPolicy("live-bkt", doc)
		p, _, err := r.BucketPolicy(ctx, "live-bkt")
		if err != nil || p == nil {
			t.Fatalf("BucketPolicy = %v, %v", p, err)
		}
		if !sameJSON(t, *p, doc) {
			t.Errorf("policy = %s, want %s", *p, doc)
		}
	})
	t.Run("ownership controls default BucketOwnerEnforced", func(t *testing.T) {
		o, src, err := r.OwnershipControls(ctx, "live-bkt")
		if err != nil || o != "BucketOwnerEnforced" || src != "live: s3:GetBucketOwnershipControls" {
			t.Fatalf("OwnershipControls = %q, %q, %v", o, src, err)
		}
	})
	t.Run("bucket ACL, owner, location", func(t *testing.T) {
		a, _, err := r.BucketACL(ctx, "live-bkt")
		if err != nil {
			t.Fatal(err)
		}
		// Versity's canonical id is the owner's access key (not a 64-hex id).
		if a.Owner != v.RootAccess || len(a.Grants) != 1 || a.Grants[0] != (awsread.Grant{Grantee: v.RootAccess, Permission: "FULL_CONTROL"}) {
			t.Errorf("ACL = %+v", a)
		}
		o, _, err := r.BucketOwner(ctx, "live-bkt")
		if err != nil || o != v.RootAccess {
			t.Errorf("BucketOwner = %q, %v", o, err)
		}
		loc, _, err := r.BucketLocation(ctx, "live-bkt")
		if err != nil || loc != "us-east-1" {
			t.Errorf("BucketLocation = %q, %v", loc, err)
		}
	})
	t.Run("ownership controls changed to BucketOwnerPreferred; public-read bucket ACL read back", func(t *testing.T) {
		v := v.With(t)
		v.CreateBucket("own-bkt")
		v.PutBucketOwnership("own-bkt", "BucketOwnerPreferred")
		o, _, err := r.OwnershipControls(ctx, "own-bkt")
		if err != nil || o != "BucketOwnerPreferred" {
			t.Fatalf("OwnershipControls = %q, %v", o, err)
		}
		// A public-read canned ACL (allowed by Versity once ACLs are enabled; §4.3).
		v.PutBucketCannedACL("own-bkt", "public-read")
		a, _, err := r.BucketACL(ctx, "own-bkt")
		if err != nil {
			t.Fatal(err)
		}
		want := []awsread.Grant{{Grantee: v.RootAccess, Permission: "FULL_CONTROL"}, {Grantee: "AllUsers", Permission: "READ"}}
		if len(a.Grants) != 2 || a.Grants[0] != want[0] || a.Grants[1] != want[1] {
			t.Errorf("ACL grants = %+v, want %+v", a.Grants, want)
		}
	})
	t.Run("caller account via STS on the IAM port", func(t *testing.T) {
		a, src, err := r.CallerAccount(ctx)
		if err != nil || a != testserver.VersityAccount || src != "live: sts:GetCallerIdentity" {
			t.Fatalf("CallerAccount = %q, %q, %v", a, src, err)
		}
	})

	// Versity lacks these APIs: each read must fail as NotImplemented, never guess.
	notImpl := []struct {
		name, layer, op string
		read            func() error
	}{
		{"bucket public access block", awsread.LayerBPA, "s3:GetPublicAccessBlock", func() error { _, _, err := r.BucketPublicAccessBlock(ctx, "live-bkt"); return err }},
		{"bucket encryption", awsread.LayerEncryption, "s3:GetBucketEncryption", func() error { _, _, err := r.BucketEncryption(ctx, "live-bkt"); return err }},
		{"object ACL", awsread.LayerObjectACL, "s3:GetObjectAcl", func() error {
			info, _, err := r.ObjectInfo(ctx, "live-bkt", "dir/obj")
			if err != nil {
				t.Fatalf("HeadObject part failed: %v", err)
			}
			if info.ACL != nil {
				t.Errorf("ACL read although GetObjectAcl failed: %+v", info.ACL)
			}
			return info.ACLError
		}},
		{"managed policies of a user (iam:ListAttachedUserPolicies)", awsread.LayerIdentity, "iam:ListAttachedUserPolicies", func() error {
			v.With(t).CreateUser("ni-user")
			_, _, err := r.PrincipalPolicies(ctx, testserver.UserARN("ni-user"))
			return err
		}},
	}
	for _, c := range notImpl {
		t.Run("not implemented: "+c.name, func(t *testing.T) {
			re := readErr(t, c.read(), c.layer, c.op)
			if !re.NotImplemented || re.AccessDenied {
				t.Errorf("flags = %+v", re)
			}
		})
	}

	t.Run("object head: missing key is NotFound", func(t *testing.T) {
		_, _, err := r.ObjectInfo(ctx, "live-bkt", "nope")
		re := readErr(t, err, awsread.LayerObject, "s3:HeadObject")
		if !re.NotFound {
			t.Errorf("flags = %+v", re)
		}
	})

	t.Run("a user without permission reads the bucket policy: AccessDenied", func(t *testing.T) {
		ak, sk := v.With(t).CreateUser("no-perm")
		ur := liveFor(t, ak, sk, versityEndpoints(v))
		_, _, err := ur.BucketPolicy(ctx, "live-bkt")
		re := readErr(t, err, awsread.LayerBucketPolicy, "s3:GetBucketPolicy")
		if !re.AccessDenied || re.Code != "AccessDenied" {
			t.Errorf("ReadError = %+v", re)
		}
	})

	t.Run("unknown bucket is NotFound, not absent", func(t *testing.T) {
		_, _, err := r.BucketPolicy(ctx, "no-such-bkt")
		re := readErr(t, err, awsread.LayerBucketPolicy, "s3:GetBucketPolicy")
		if !re.NotFound || re.Code != "NoSuchBucket" {
			t.Errorf("ReadError = %+v", re)
		}
	})
}

// TestVersityInlinePoliciesThroughFakeIAM: Versity implements GetUser,
// ListUserPolicies and GetUserPolicy but not attachments or groups; the
// FakeIAM forwards the former to Versity (real) and answers the latter
// (FAKE: no attachments, no groups, no boundary for Versity users).
func TestVersityInlinePoliciesThroughFakeIAM(t *testing.T) {
	isolate(t)
	v := testserver.StartVersity(t)
	fi := testserver.NewFakeIAM(t, testserver.VersityAccount, v.IAMEndpoint)
	ctx := context.Background()
	v.CreateUser("inl")
	p1 := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/a b+c%/*"}]}`
	p2 := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	v.PutUserPolicyNamed("inl", "one", p1)
	v.PutUserPolicyNamed("inl", "two", p2)
	r := liveFor(t, v.RootAccess, v.RootSecret, map[string]string{"iam": fi.URL})
	pp, _, err := r.PrincipalPolicies(ctx, testserver.UserARN("inl"))
	if err != nil {
		t.Fatal(err)
	}
	if pp.Kind != awsread.KindUser || pp.Name != "inl" || pp.Boundary != nil || len(pp.Policies) != 2 {
		t.Fatalf("PrincipalPolicies = %+v", pp)
	}
	want := map[string]string{"user inline inl/one": p1, "user inline inl/two": p2}
	for _, np := range pp.Policies {
		if !sameJSON(t, np.Document, want[np.Origin]) {
			t.Errorf("%s = %s, want %s", np.Origin, np.Document, want[np.Origin])
		}
	}
	if fi.Calls("GetUserPolicy(upstream)") != 2 || fi.Calls("ListAttachedUserPolicies") != 1 {
		t.Errorf("routing: upstream GetUserPolicy %d, fake ListAttachedUserPolicies %d", fi.Calls("GetUserPolicy(upstream)"), fi.Calls("ListAttachedUserPolicies"))
	}
}

// TestScenarioInputsReadLive: for every recorded scenario, the live reads
// return exactly the bucket policy and inline user policies the scenario set
// up, so the engine's live-mode input for the probe is faithful.
func TestScenarioInputsReadLive(t *testing.T) {
	isolate(t)
	v := testserver.StartVersity(t)
	fi := testserver.NewFakeIAM(t, testserver.VersityAccount, v.IAMEndpoint)
	r := awsread.NewCached(liveFor(t, v.RootAccess, v.RootSecret, map[string]string{"s3": v.Endpoint, "iam": fi.URL, "sts": v.IAMEndpoint}), 4)
	ctx := context.Background()
	for _, s := range testserver.Scenarios {
		t.Run(s.ID+"/"+s.Bucket, func(t *testing.T) {
			v := v.With(t)
			v.CreateBucket(s.Bucket)
			if s.User != "" {
				v.CreateUser(s.User)
				for i, d := range s.UserPolicies {
					v.PutUserPolicyNamed(s.User, "p"+string(rune('0'+i)), d)
				}
			}
			if s.BucketPolicy != "" {
				v.PutBucketPolicy(s.Bucket, s.BucketPolicy)
			}
			bp, src, err := r.BucketPolicy(ctx, s.Bucket)
			if err != nil || !src.IsLive() {
				t.Fatalf("BucketPolicy: %v (%s)", err, src)
			}
			if (bp == nil) != (s.BucketPolicy == "") || (bp != nil && !sameJSON(t, *bp, s.BucketPolicy)) {
				t.Errorf("bucket policy read %v, set %q", bp, s.BucketPolicy)
			}
			pp, _, err := r.PrincipalPolicies(ctx, s.Principal())
			if err != nil {
				t.Fatalf("PrincipalPolicies(%s): %v", s.Principal(), err)
			}
			if len(pp.Policies) != len(s.UserPolicies) {
				t.Fatalf("%d identity policies read, %d set", len(pp.Policies), len(s.UserPolicies))
			}
			for i := range s.UserPolicies {
				if !sameJSON(t, pp.Policies[i].Document, s.UserPolicies[i]) {
					t.Errorf("policy %d = %s, want %s", i, pp.Policies[i].Document, s.UserPolicies[i])
				}
			}
		})
	}
}
