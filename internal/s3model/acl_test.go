package s3model

import (
	"reflect"
	"strings"
	"testing"
)

var canonA = strings.Repeat("a1", 32)
var canonB = strings.Repeat("b2", 32)

// Spec 4.3 canned ACLs.
func TestCannedGrants(t *testing.T) {
	ownerFC := Grant{canonB, PermFullControl}
	tests := []struct {
		canned   string
		isBucket bool
		want     []Grant
		err      bool
	}{
		{"private", false, []Grant{ownerFC}, false},
		{"PUBLIC-READ", false, []Grant{ownerFC, {GroupAllUsers, PermRead}}, false},
		{"public-read-write", true, []Grant{ownerFC, {GroupAllUsers, PermRead}, {GroupAllUsers, PermWrite}}, false},
		{"aws-exec-read", false, []Grant{ownerFC, {EC2ExecReadGrantee, PermRead}}, false},
		{"authenticated-read", true, []Grant{ownerFC, {GroupAuthenticatedUsers, PermRead}}, false},
		{"bucket-owner-read", false, []Grant{ownerFC, {canonA, PermRead}}, false},
		{"bucket-owner-full-control", false, []Grant{ownerFC, {canonA, PermFullControl}}, false},
		{"bucket-owner-full-control", true, []Grant{ownerFC}, false}, // ignored on buckets
		{"bucket-owner-read", true, []Grant{ownerFC}, false},
		{"log-delivery-write", true, []Grant{ownerFC, {GroupLogDelivery, PermWrite}, {GroupLogDelivery, PermReadACP}}, false},
		{"log-delivery-write", false, nil, true},
		{"public-write", false, nil, true},
		{"", false, nil, true},
	}
	for _, tt := range tests {
		got, err := CannedGrants(tt.canned, canonB, canonA, tt.isBucket)
		if (err != nil) != tt.err || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("CannedGrants(%q, bucket=%v) = %v, %v; want %v", tt.canned, tt.isBucket, got, err, tt.want)
		}
		for _, g := range got {
			if err := ValidateGrant(g); err != nil {
				t.Errorf("%q produced invalid grant %v: %v", tt.canned, g, err)
			}
		}
	}
	// Owner and bucket owner are the same: no duplicate grant.
	got, err := CannedGrants("bucket-owner-full-control", canonA, canonA, false)
	if err != nil || len(got) != 1 {
		t.Errorf("same owner: %v, %v", got, err)
	}
	if _, err := CannedGrants("private", "", canonA, false); err == nil {
		t.Error("unknown owner must be an error")
	}
	if _, err := CannedGrants("bucket-owner-read", canonB, "", false); err == nil {
		t.Error("unknown bucket owner must be an error for bucket-owner-read")
	}
}

func TestNormalizeGrantee(t *testing.T) {
	tests := []struct {
		in, want string
		kind     GranteeKind
		ok       bool
	}{
		{"AllUsers", GroupAllUsers, GranteeGroup, true},
		{"allusers", GroupAllUsers, GranteeGroup, true},
		{"http://acs.amazonaws.com/groups/global/AllUsers", GroupAllUsers, GranteeGroup, true},
		{"http://acs.amazonaws.com/groups/global/AuthenticatedUsers", GroupAuthenticatedUsers, GranteeGroup, true},
		{"http://acs.amazonaws.com/groups/s3/LogDelivery", GroupLogDelivery, GranteeGroup, true},
		{`uri="http://acs.amazonaws.com/groups/global/AllUsers"`, GroupAllUsers, GranteeGroup, true},
		{"id=" + strings.ToUpper(canonA), canonA, GranteeCanonical, true},
		{acctA, acctA, GranteeAccount, true},
		{canonA, canonA, GranteeCanonical, true},
		{"http://acs.amazonaws.com/groups/global/Everyone", "", "", false},
		{"emailAddress=a@example.com", "", "", false},
		{"1111", "", "", false},
		{strings.Repeat("g", 64), "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		got, kind, err := NormalizeGrantee(tt.in)
		if (err == nil) != tt.ok || got != tt.want || kind != tt.kind {
			t.Errorf("NormalizeGrantee(%q) = %q, %q, %v", tt.in, got, kind, err)
		}
	}
}

func TestValidateGrant(t *testing.T) {
	tests := []struct {
		g  Grant
		ok bool
	}{
		{Grant{acctB, "read"}, true},
		{Grant{GroupLogDelivery, PermWrite}, true},
		{Grant{canonA, "FULL_CONTROL"}, true},
		{Grant{canonA, "DELETE"}, false},
		{Grant{"bob", PermRead}, false},
	}
	for _, tt := range tests {
		if err := ValidateGrant(tt.g); (err == nil) != tt.ok {
			t.Errorf("ValidateGrant(%v) = %v", tt.g, err)
		}
	}
	n, err := NormalizeGrant(Grant{"allusers", " read "})
	if err != nil || n != (Grant{GroupAllUsers, PermRead}) {
		t.Errorf("NormalizeGrant = %v, %v", n, err)
	}
}

// Spec 4.2 permission table.
func TestPermissionAllows(t *testing.T) {
	type row struct {
		perm     string
		onBucket bool
		action   string
		want     bool
	}
	tests := []row{
		{"READ", true, "s3:ListBucket", true},
		{"READ", true, "s3:ListBucketVersions", true},
		{"READ", true, "s3:ListBucketMultipartUploads", true},
		{"READ", true, "s3:GetObject", false}, // bucket ACLs cannot grant object reads
		{"READ", false, "s3:GetObject", true},
		{"READ", false, "S3:GETOBJECTVERSION", true},
		{"READ", false, "s3:ListBucket", false},
		{"WRITE", true, "s3:PutObject", true},
		{"WRITE", true, "s3:DeleteObject", false},
		{"WRITE", false, "s3:PutObject", false}, // n/a on objects
		{"READ_ACP", true, "s3:GetBucketAcl", true},
		{"READ_ACP", false, "s3:GetObjectAcl", true},
		{"READ_ACP", false, "s3:GetObjectVersionAcl", true},
		{"READ_ACP", false, "s3:GetObject", false},
		{"WRITE_ACP", true, "s3:PutBucketAcl", true},
		{"WRITE_ACP", false, "s3:PutObjectAcl", true},
		{"WRITE_ACP", false, "s3:PutObjectVersionAcl", true},
		{"FULL_CONTROL", true, "s3:ListBucket", true},
		{"FULL_CONTROL", true, "s3:PutObject", true},
		{"FULL_CONTROL", true, "s3:GetBucketAcl", true},
		{"FULL_CONTROL", true, "s3:PutBucketAcl", true},
		{"FULL_CONTROL", true, "s3:DeleteBucket", false},
		{"FULL_CONTROL", false, "s3:GetObject", true},
		{"FULL_CONTROL", false, "s3:PutObjectAcl", true},
		{"FULL_CONTROL", false, "s3:DeleteObject", false},
		{"FULL_CONTROL", false, "s3:PutObject", false},
		{"BOGUS", false, "s3:GetObject", false},
	}
	for _, tt := range tests {
		if got := PermissionAllows(tt.perm, tt.onBucket, tt.action); got != tt.want {
			t.Errorf("PermissionAllows(%s, bucket=%v, %s) = %v", tt.perm, tt.onBucket, tt.action, got)
		}
	}
	// FULL_CONTROL is exactly the union of the four.
	for _, onBucket := range []bool{true, false} {
		union := map[string]bool{}
		for _, p := range []string{PermRead, PermWrite, PermReadACP, PermWriteACP} {
			for _, a := range ACLPermissionActions(p, onBucket) {
				union[a] = true
			}
		}
		fc := ACLPermissionActions(PermFullControl, onBucket)
		if len(fc) != len(union) {
			t.Errorf("bucket=%v: FULL_CONTROL %v vs union %v", onBucket, fc, union)
		}
		for _, a := range fc {
			if _, ok := LookupAction(a); !ok {
				t.Errorf("ACL table names unknown action %s", a)
			}
		}
	}
}

func TestIsBucketOwnerFullControl(t *testing.T) {
	tests := []struct {
		name   string
		canned string
		grants []Grant
		owner  string
		want   bool
	}{
		{"canned", "bucket-owner-full-control", nil, canonA, true},
		{"explicit grant", "", []Grant{{"id=" + canonA, "full_control"}}, canonA, true},
		{"account grant", "", []Grant{{acctA, PermFullControl}}, acctA, true},
		{"read only", "", []Grant{{canonA, PermRead}}, canonA, false},
		{"other grantee", "", []Grant{{canonB, PermFullControl}}, canonA, false},
		{"bucket-owner-read", "bucket-owner-read", nil, canonA, false},
		{"no owner", "", []Grant{{canonA, PermFullControl}}, "", false},
		{"none", "", nil, canonA, false},
	}
	for _, tt := range tests {
		if got := IsBucketOwnerFullControl(tt.canned, tt.grants, tt.owner); got != tt.want {
			t.Errorf("%s: %v", tt.name, got)
		}
	}
}
