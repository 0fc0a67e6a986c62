package s3model

import "testing"

func TestParseOwnership(t *testing.T) {
	tests := []struct {
		in   string
		want Ownership
		ok   bool
	}{
		{"", BucketOwnerEnforced, true},
		{"BucketOwnerEnforced", BucketOwnerEnforced, true},
		{"bucketownerpreferred", BucketOwnerPreferred, true},
		{" ObjectWriter ", ObjectWriter, true},
		{"BucketOwner", "", false},
	}
	for _, tt := range tests {
		got, err := ParseOwnership(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseOwnership(%q) = %q, %v", tt.in, got, err)
		}
	}
}

// Spec 4.1 and T74 (ACLs not evaluated when enforced).
func TestACLsEnabled(t *testing.T) {
	for o, want := range map[Ownership]bool{BucketOwnerEnforced: false, BucketOwnerPreferred: true, ObjectWriter: true} {
		if ACLsEnabled(o) != want {
			t.Errorf("ACLsEnabled(%s) != %v", o, want)
		}
	}
}

// Spec 4.1, 4.4 and T81-T87.
func TestUploadOwner(t *testing.T) {
	tests := []struct {
		id     string
		o      Ownership
		writer string
		canned string
		want   string
	}{
		{"T81 enforced", BucketOwnerEnforced, acctB, "bucket-owner-full-control", acctA},
		{"enforced no ACL", BucketOwnerEnforced, acctB, "", acctA},
		{"T82 ObjectWriter", ObjectWriter, acctB, "", acctB},
		{"T85 ObjectWriter with bofc", ObjectWriter, acctB, "bucket-owner-full-control", acctB},
		{"T86 Preferred with bofc", BucketOwnerPreferred, acctB, "bucket-owner-full-control", acctA},
		{"T87 Preferred without ACL", BucketOwnerPreferred, acctB, "", acctB},
		{"Preferred with bucket-owner-read", BucketOwnerPreferred, acctB, "bucket-owner-read", acctB},
		{"anonymous writer", ObjectWriter, "anonymous", "", AnonymousOwnerID},
		{"empty writer", BucketOwnerPreferred, "", "", AnonymousOwnerID},
		{"unknown setting follows ObjectWriter", Ownership("x"), acctB, "bucket-owner-full-control", acctB},
	}
	for _, tt := range tests {
		if got := UploadOwner(tt.o, tt.writer, acctA, tt.canned); got != tt.want {
			t.Errorf("%s: UploadOwner = %q, want %q", tt.id, got, tt.want)
		}
	}
}

// Spec 4.1 "uploads accepted", T80/T81.
func TestUploadACLAccepted(t *testing.T) {
	tests := []struct {
		id     string
		o      Ownership
		canned string
		grants []Grant
		want   bool
	}{
		{"T80 public-read enforced", BucketOwnerEnforced, "public-read", nil, false},
		{"T81 bofc enforced", BucketOwnerEnforced, "bucket-owner-full-control", nil, true},
		{"no ACL enforced", BucketOwnerEnforced, "", nil, true},
		{"private enforced", BucketOwnerEnforced, "private", nil, false},
		{"equivalent grant enforced", BucketOwnerEnforced, "", []Grant{{acctA, PermFullControl}}, true},
		{"other grant enforced", BucketOwnerEnforced, "", []Grant{{acctB, PermRead}}, false},
		{"invalid grant enforced", BucketOwnerEnforced, "", []Grant{{"x", PermFullControl}}, false},
		{"public-read ObjectWriter", ObjectWriter, "public-read", nil, true},
		{"public-read Preferred", BucketOwnerPreferred, "public-read", nil, true},
	}
	for _, tt := range tests {
		if got := UploadACLAccepted(tt.o, tt.canned, tt.grants, acctA); got != tt.want {
			t.Errorf("%s: %v", tt.id, got)
		}
	}
}
