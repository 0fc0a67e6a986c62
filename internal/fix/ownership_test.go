package fix

import (
	"errors"
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

const (
	ownerID = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
	otherID = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
)

// spec 4.1 (BucketOwnerEnforced disables ACLs) and 4.2 (what each grant allows).
func TestPlanOwnership(t *testing.T) {
	g := func(grantee, perm string) s3model.Grant { return s3model.Grant{Grantee: grantee, Permission: perm} }
	ownerOnly := []s3model.Grant{g(ownerID, "FULL_CONTROL")}
	cases := []struct {
		name      string
		target    s3model.Ownership
		grants    []s3model.Grant
		migrate   bool
		wantField string
		wantMsg   []string
		wantSids  []string
		wantLost  int
	}{
		{name: "owner only: enforced is safe", target: s3model.BucketOwnerEnforced, grants: ownerOnly},
		{name: "grant to the owner's account id is the owner's own", target: s3model.BucketOwnerEnforced, grants: append(ownerOnly, g("123456789012", "READ"))},
		{name: "preferred keeps ACLs: nothing lost", target: s3model.BucketOwnerPreferred, grants: append(ownerOnly, g(otherID, "READ"))},
		{name: "ObjectWriter is refused", target: s3model.ObjectWriter, wantField: "object_ownership", wantMsg: []string{"ObjectWriter"}},
		{name: "foreign grants without migrate: list and what is lost", target: s3model.BucketOwnerEnforced,
			grants: append(ownerOnly, g(otherID, "READ"), g("444455556666", "WRITE")), wantField: "migrate_acl_grants",
			wantMsg: []string{otherID + " READ (s3:ListBucket, s3:ListBucketVersions, s3:ListBucketMultipartUploads)", "444455556666 WRITE (s3:PutObject)", "migrate_acl_grants = true"}},
		{name: "public grant is never migrated", target: s3model.BucketOwnerEnforced, migrate: true,
			grants: append(ownerOnly, g("AllUsers", "READ"), g(otherID, "READ")), wantField: "migrate_acl_grants", wantMsg: []string{"public ACL grants (AllUsers READ)", otherID + " READ"}},
		{name: "AuthenticatedUsers is public too (spec 3.2)", target: s3model.BucketOwnerEnforced, migrate: true,
			grants: append(ownerOnly, g("http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "READ")), wantField: "migrate_acl_grants", wantMsg: []string{"AuthenticatedUsers"}},
		{name: "migrate: canonical user, account and log delivery", target: s3model.BucketOwnerEnforced, migrate: true,
			grants:   append(ownerOnly, g(otherID, "FULL_CONTROL"), g("444455556666", "READ"), g("LogDelivery", "WRITE"), g("LogDelivery", "READ_ACP")),
			wantSids: []string{"S3AccessMigratedAcl1", "S3AccessMigratedAcl2", "S3AccessMigratedAcl3", "S3AccessMigratedAcl4", "S3AccessMigratedAcl5"}, wantLost: 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan, err := PlanOwnership(OwnershipInput{Bucket: "bkt", Target: c.target, ACLOwner: ownerID, OwnerAccountID: "123456789012", Grants: c.grants, Migrate: c.migrate})
			if c.wantField != "" {
				var fe *Error
				if !errors.As(err, &fe) || fe.Field != c.wantField {
					t.Fatalf("got %v, want %s error", err, c.wantField)
				}
				for _, m := range c.wantMsg {
					if !strings.Contains(err.Error(), m) {
						t.Errorf("error lacks %q:\n%v", m, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Lost) != c.wantLost {
				t.Fatalf("lost %v", plan.Lost)
			}
			var sids []string
			for _, st := range plan.Migration {
				sids = append(sids, st.Sid)
				if why := StatementPublic(st); why != "" {
					t.Errorf("migrated statement %s is public: %s", st.Sid, why)
				}
				if err := ResourcesInsideBucket(st, "aws", "bkt"); err != nil {
					t.Error(err)
				}
			}
			if strings.Join(sids, ",") != strings.Join(c.wantSids, ",") {
				t.Fatalf("sids %v want %v", sids, c.wantSids)
			}
		})
	}
}

// The migration follows the spec 4.2 table: per grantee, the bucket-level
// actions on the bucket ARN and s3:PutObject (WRITE) on bucket/*.
func TestMigrationStatementsShape(t *testing.T) {
	sts, err := MigrationStatements("bkt", "aws", "M", []s3model.Grant{{Grantee: "444455556666", Permission: "FULL_CONTROL"}, {Grantee: "LogDelivery", Permission: "WRITE"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"Sid":"M1","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:root"]},"Action":["s3:GetBucketAcl","s3:ListBucket","s3:ListBucketMultipartUploads","s3:ListBucketVersions","s3:PutBucketAcl"],"Resource":["arn:aws:s3:::bkt"]}`,
		`{"Sid":"M2","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:root"]},"Action":["s3:PutObject"],"Resource":["arn:aws:s3:::bkt/*"]}`,
		`{"Sid":"M3","Effect":"Allow","Principal":{"Service":["logging.s3.amazonaws.com"]},"Action":["s3:PutObject"],"Resource":["arn:aws:s3:::bkt/*"]}`,
	}
	if len(sts) != len(want) {
		t.Fatalf("%d statements", len(sts))
	}
	for i, st := range sts {
		w, err := policy.ParseStatement(want[i], policy.KindBucket)
		if err != nil {
			t.Fatal(err)
		}
		if !policy.StatementsEquivalent(st, w) {
			b, _ := st.JSON()
			t.Errorf("statement %d:\n got %s\nwant %s", i, b, want[i])
		}
	}
}

// Engine equivalence: what another account could do through the ACL before
// (ObjectWriter, ACL evaluated) it can do through the migrated policy after
// (BucketOwnerEnforced), and nothing more, for every action of spec 4.2.
func TestMigrationEquivalentInEngine(t *testing.T) {
	const other = "444455556666"
	actions := []string{"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads", "s3:GetBucketAcl", "s3:PutBucketAcl", "s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:GetBucketPolicy"}
	allowedSeen := 0
	identity := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	for _, perm := range []string{"READ", "WRITE", "READ_ACP", "WRITE_ACP", "FULL_CONTROL"} {
		grants := []s3model.Grant{{Grantee: other, Permission: perm}}
		sts, err := MigrationStatements("bkt", "aws", "M", grants)
		if err != nil {
			t.Fatal(err)
		}
		doc := ""
		for _, st := range sts {
			put, err := PlanPut(&doc, policy.KindBucket, st)
			if err != nil {
				t.Fatal(err)
			}
			doc = put.Doc
		}
		for _, a := range actions {
			var key *string
			if a == "s3:PutObject" || a == "s3:GetObject" || a == "s3:DeleteObject" {
				k := "obj"
				key = &k
			}
			// An ACL write must say which ACL it writes (the body is not an input):
			// bucket-owner-full-control is the one ACL accepted with ACLs disabled too.
			var reqCtx map[string][]string
			if a == "s3:PutBucketAcl" {
				reqCtx = map[string][]string{"s3:x-amz-acl": {"bucket-owner-full-control"}}
			}
			req := func(ownership string, acl *s3authz.ACL, pol *string) bool {
				res, err := s3authz.Evaluate(&s3authz.Request{
					Principal: "arn:aws:iam::" + other + ":role/writer", Action: a, Bucket: "bkt", Key: key,
					IdentityPolicies: []string{identity}, BucketAccountID: "123456789012",
					ObjectOwnership: ownership, BucketACL: acl, BucketPolicy: pol, Context: reqCtx,
				})
				if err != nil {
					t.Fatalf("%s %s: %v", perm, a, err)
				}
				return res.Allowed
			}
			before := req("ObjectWriter", &s3authz.ACL{Grants: []s3authz.Grant{{Grantee: other, Permission: perm}}}, nil)
			var pol *string
			if doc != "" {
				pol = &doc
			}
			after := req("BucketOwnerEnforced", nil, pol)
			if before {
				allowedSeen++
			}
			if before != after {
				t.Errorf("%s grant, %s: allowed before=%v after migration=%v", perm, a, before, after)
			}
		}
	}
	// READ 3 + WRITE 1 + READ_ACP 1 + WRITE_ACP 1 + FULL_CONTROL 6 bucket-level grants in spec 4.2.
	if allowedSeen != 12 {
		t.Fatalf("%d allowed (permission, action) pairs through the ACL, want 12", allowedSeen)
	}
}
