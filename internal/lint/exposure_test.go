package lint

import (
	"errors"
	"reflect"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

func TestBucketExposure(t *testing.T) {
	publicRead := doc(`{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`)
	partner := doc(`{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`)
	both := doc(`{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`,
		`{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`)
	none := &s3model.BPASettings{}
	rpb := &s3model.BPASettings{RestrictPublicBuckets: true}
	cases := []struct {
		name      string
		in        ExposureInput
		public    bool
		stmts     int
		aclGrants int
		blocked   []string // setting@level:effect
		cross     []string
		actions   []string
	}{
		{"T55 public policy, default BPA (all on)", ExposureInput{Bucket: "bkt", BucketAccountID: own, BucketPolicy: publicRead},
			false, 1, 0, []string{"restrict_public_buckets@bucket:neutralises", "block_public_policy@bucket:rejects_write"}, nil, nil},
		{"T56 public policy, BPA off", ExposureInput{Bucket: "bkt", BucketAccountID: own, BucketPolicy: publicRead, BPA: none},
			true, 1, 0, nil, nil, []string{"s3:GetObject"}},
		{"3.4 account-level RestrictPublicBuckets", ExposureInput{Bucket: "bkt", BucketAccountID: own, BucketPolicy: both, BPA: none, AccountBPA: rpb},
			false, 1, 0, []string{"restrict_public_buckets@account:neutralises"}, nil, nil},
		{"non-public cross-account grant", ExposureInput{Bucket: "bkt", BucketAccountID: own, BucketPolicy: partner, BPA: none},
			false, 0, 0, nil, []string{"arn:aws:iam::222222222222:role/app"}, nil},
		{"3.2 public-read ACL, ACLs disabled", ExposureInput{Bucket: "bkt", BucketAccountID: own, BPA: none, BucketACL: &ACL{Canned: "public-read"}},
			false, 0, 1, []string{"object_ownership@bucket:neutralises"}, nil, nil},
		{"T72 public-read-write ACL, ObjectWriter, BPA off", ExposureInput{Bucket: "bkt", BucketAccountID: own, BPA: none, ObjectOwnership: "ObjectWriter", BucketACL: &ACL{Canned: "public-read-write"}},
			true, 0, 2, nil, nil, []string{"s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions", "s3:PutObject"}},
		{"3.1 IgnorePublicAcls", ExposureInput{Bucket: "bkt", BucketAccountID: own, ObjectOwnership: "ObjectWriter", BPA: &s3model.BPASettings{IgnorePublicAcls: true},
			BucketACL: &ACL{Grants: []s3model.Grant{{Grantee: "AuthenticatedUsers", Permission: "READ"}, {Grantee: other, Permission: "WRITE"}}}},
			false, 0, 1, []string{"ignore_public_acls@bucket:neutralises"}, []string{other}, nil},
		{"LogDelivery is not public", ExposureInput{Bucket: "bkt", BucketAccountID: own, BPA: none, ObjectOwnership: "BucketOwnerPreferred", BucketACL: &ACL{Canned: "log-delivery-write"}},
			false, 0, 0, nil, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ex, err := BucketExposure(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if ex.IsPublic != c.public || len(ex.PublicStatements) != c.stmts || len(ex.PublicACLGrants) != c.aclGrants {
				t.Errorf("public=%v stmts=%d acl=%d, want %v %d %d", ex.IsPublic, len(ex.PublicStatements), len(ex.PublicACLGrants), c.public, c.stmts, c.aclGrants)
			}
			var blocked []string
			for _, b := range ex.BlockedBy {
				blocked = append(blocked, b.Setting+"@"+b.Level+":"+b.Effect)
			}
			if !reflect.DeepEqual(blocked, c.blocked) {
				t.Errorf("blocked_by %v, want %v", blocked, c.blocked)
			}
			if !reflect.DeepEqual(ex.CrossAccountPrincipals, c.cross) {
				t.Errorf("cross %v, want %v", ex.CrossAccountPrincipals, c.cross)
			}
			if !reflect.DeepEqual(ex.PublicActions, c.actions) {
				t.Errorf("actions %v, want %v", ex.PublicActions, c.actions)
			}
		})
	}
}

func TestBucketExposureBadInput(t *testing.T) {
	for _, c := range []struct {
		in    ExposureInput
		field string
	}{
		{ExposureInput{Bucket: "Bad_Name"}, "bucket"},
		{ExposureInput{Bucket: "bkt", BucketAccountID: "123"}, "bucket_account_id"},
		{ExposureInput{Bucket: "bkt", ObjectOwnership: "Owner"}, "object_ownership"},
		{ExposureInput{Bucket: "bkt", BucketPolicy: `{"Statement":[]}`}, "bucket_policy"},
		{ExposureInput{Bucket: "bkt", BucketACL: &ACL{Canned: "public"}}, "bucket_acl.canned"},
		{ExposureInput{Bucket: "bkt", BucketACL: &ACL{Grants: []s3model.Grant{{Grantee: "everyone", Permission: "READ"}}}}, "bucket_acl.grants[0]"},
	} {
		_, err := BucketExposure(c.in)
		var ee *ExposureError
		if !errors.As(err, &ee) || ee.Field != c.field {
			t.Errorf("%+v: want error on %s, got %v", c.in, c.field, err)
		}
	}
}

func TestIsPublicPolicy(t *testing.T) {
	pub, err := IsPublicPolicy(doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`))
	if err != nil || !pub {
		t.Errorf("public policy: %v %v", pub, err)
	}
	pub, err = IsPublicPolicy(doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b"}}}`))
	if err != nil || pub {
		t.Errorf("pinned policy: %v %v", pub, err)
	}
	if _, err := IsPublicPolicy(`{"Statement":"x"}`); err == nil {
		t.Error("bad policy accepted")
	}
}
