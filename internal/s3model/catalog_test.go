package s3model

import (
	"strings"
	"testing"
)

// The generator counts the actions of the data set; the catalog must hold
// every one of them (issue 4: "every S3 action").
func TestCatalogCounts(t *testing.T) {
	if got := len(Actions("s3")); got != genS3ActionCount || got != S3ActionCount() {
		t.Fatalf("s3 actions: %d in catalog, %d in data", got, genS3ActionCount)
	}
	if got := len(Actions("KMS")); got != genKMSActionCount || got != KMSActionCount() {
		t.Fatalf("kms actions: %d in catalog, %d in data", got, genKMSActionCount)
	}
	if genS3ActionCount < 150 || genKMSActionCount < 50 {
		t.Fatalf("implausibly small catalog: s3=%d kms=%d", genS3ActionCount, genKMSActionCount)
	}
	seen := map[string]bool{}
	for _, a := range genActions {
		n := strings.ToLower(a.FullName())
		if seen[n] {
			t.Errorf("duplicate action %s", n)
		}
		seen[n] = true
		for _, r := range a.ResourceTypes {
			if _, ok := LookupResourceType(a.Service, r.Type); !ok {
				t.Errorf("%s: resource type %q has no definition", a.FullName(), r.Type)
			}
		}
		for _, k := range a.ConditionKeys {
			if _, ok := ConditionKeyType(strings.NewReplacer("${TagKey}", "x", "<key>", "x", "${EncryptionContextKey}", "x").Replace(k)); !ok {
				t.Errorf("%s: condition key %q has no type", a.FullName(), k)
			}
		}
	}
}

// Spec 2.3 table: the actions it names exist with the stated resource types.
func TestSpec23ResourceTypes(t *testing.T) {
	tests := []struct {
		action                     string
		object, bucket, noResource bool
		wantTypes                  []ResourceType
	}{
		{"s3:ListBucket", false, true, false, []ResourceType{RTBucket, RTAccessPoint}},
		{"s3:ListBucketVersions", false, true, false, []ResourceType{RTBucket, RTAccessPoint}},
		{"s3:ListBucketMultipartUploads", false, true, false, []ResourceType{RTBucket}},
		{"s3:GetObject", true, false, false, []ResourceType{RTObject, RTAccessPointObject}},
		{"s3:GetObjectVersion", true, false, false, []ResourceType{RTObject, RTAccessPointObject}},
		{"s3:PutObject", true, false, false, []ResourceType{RTObject, RTAccessPointObject}},
		{"s3:DeleteObject", true, false, false, []ResourceType{RTObject, RTAccessPointObject}},
		{"s3:DeleteObjectVersion", true, false, false, []ResourceType{RTObject, RTAccessPointObject}},
		{"s3:GetObjectAcl", true, false, false, []ResourceType{RTObject, RTAccessPointObject}},
		{"s3:PutObjectAcl", true, false, false, []ResourceType{RTObject, RTAccessPointObject}},
		{"s3:AbortMultipartUpload", true, false, false, []ResourceType{RTObject, RTAccessPointObject}},
		{"s3:ListMultipartUploadParts", true, false, false, []ResourceType{RTObject, RTAccessPointObject}},
		{"s3:GetBucketAcl", false, true, false, []ResourceType{RTBucket}},
		{"s3:PutBucketAcl", false, true, false, []ResourceType{RTBucket}},
		{"s3:PutBucketPolicy", false, true, false, []ResourceType{RTBucket}},
		{"s3:DeleteBucketPolicy", false, true, false, []ResourceType{RTBucket}},
		{"s3:GetBucketPolicyStatus", false, true, false, []ResourceType{RTBucket}},
		{"s3:CreateBucket", false, true, false, []ResourceType{RTBucket}},
		{"s3:PutBucketOwnershipControls", false, true, false, []ResourceType{RTBucket}},
		{"s3:PutBucketPublicAccessBlock", false, true, false, []ResourceType{RTBucket}},
		{"s3:PutEncryptionConfiguration", false, true, false, []ResourceType{RTBucket}},
		{"s3:ListAllMyBuckets", false, false, true, nil},
		{"s3:PutAccountPublicAccessBlock", false, false, true, nil},
		{"s3:GetAccountPublicAccessBlock", false, false, true, nil},
		{"s3:ListAccessPoints", false, false, true, nil},
		{"s3:CreateAccessPoint", false, false, false, []ResourceType{RTAccessPoint}},
		{"kms:Decrypt", false, false, false, []ResourceType{RTKMSKey}},
	}
	for _, tt := range tests {
		a, ok := LookupAction(strings.ToUpper(tt.action))
		if !ok {
			t.Errorf("%s: not in catalog", tt.action)
			continue
		}
		if a.IsObjectAction() != tt.object || a.IsBucketAction() != tt.bucket || a.HasNoResource() != tt.noResource {
			t.Errorf("%s: object=%v bucket=%v none=%v, want %v %v %v", tt.action, a.IsObjectAction(), a.IsBucketAction(), a.HasNoResource(), tt.object, tt.bucket, tt.noResource)
		}
		for _, rt := range tt.wantTypes {
			if !a.hasType(rt) {
				t.Errorf("%s: missing resource type %s", tt.action, rt)
			}
		}
	}
	if _, ok := LookupAction("s3:HeadObject"); ok {
		t.Error("s3:HeadObject is not a permission (spec 2.2)")
	}
	if _, ok := LookupAction("GetObject"); ok {
		t.Error("an action without a service prefix must not resolve")
	}
}

func TestMatchActions(t *testing.T) {
	all := len(genActions)
	tests := []struct {
		pattern string
		min     int
		max     int
		must    string
	}{
		{"*", all, all, "kms:Decrypt"},
		{"s3:*", genS3ActionCount, genS3ActionCount, "s3:GetObject"},
		{"S3:GET*", 2, genS3ActionCount - 1, "s3:GetObjectVersion"},
		{"s3:GetObject", 1, 1, "s3:GetObject"},
		{"s3:?etObject", 1, 1, "s3:GetObject"},
		{"s3:*ObjectAcl", 2, 10, "s3:PutObjectAcl"},
		{"kms:GenerateDataKey*", 2, 10, "kms:GenerateDataKeyWithoutPlaintext"},
		{"s3:GetObjekt", 0, 0, ""},
		{"ec2:*", 0, 0, ""},
	}
	for _, tt := range tests {
		got := MatchActions(tt.pattern)
		if len(got) < tt.min || len(got) > tt.max {
			t.Errorf("MatchActions(%q) = %d actions, want %d..%d", tt.pattern, len(got), tt.min, tt.max)
		}
		found := tt.must == ""
		for _, a := range got {
			if a.FullName() == tt.must {
				found = true
			}
		}
		if !found {
			t.Errorf("MatchActions(%q) lacks %s", tt.pattern, tt.must)
		}
	}
}

func TestWildcard(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"", "", true}, {"*", "", true}, {"a*", "a", true}, {"a*b", "axxb", true}, {"a*b", "axxc", false},
		{"*log*", "*", false}, {"a?c", "abc", true}, {"a?c", "ac", false}, {"**", "x", true}, {"a*b*c", "abbbc", true},
		{"abc", "ab", false}, {"ab", "abc", false},
	}
	for _, tt := range tests {
		if got := Wildcard(tt.p, tt.s); got != tt.want {
			t.Errorf("Wildcard(%q, %q) = %v", tt.p, tt.s, got)
		}
	}
}

func TestClosestAction(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"s3:GetObjects", "s3:GetObject", true},
		{"s3:getobjet", "s3:GetObject", true},
		{"s3:ListBuckets", "s3:ListBucket", true},
		{"kms:Decrpyt", "kms:Decrypt", true},
		{"s3:PutObjectACL", "s3:PutObjectAcl", true},
		{"s3:HeadObject", "s3:GetObject", true}, // spec 2.2: HeadObject is authorized as s3:GetObject
		{"s3:CompletelyUnrelatedThing", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := ClosestAction(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ClosestAction(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if got, ok := ClosestAction("GetObjects"); !ok || got != "s3:GetObject" {
		t.Errorf("ClosestAction without service = %q, %v", got, ok)
	}
}

// Spec 2.4 key types, including tag-style keys.
func TestConditionKeyType(t *testing.T) {
	tests := []struct {
		key, want string
	}{
		{"s3:prefix", "String"},
		{"S3:Max-Keys", "Numeric"},
		{"s3:x-amz-server-side-encryption-aws-kms-key-id", "ARN"},
		{"s3:ExistingObjectTag/team", "String"},
		{"s3:RequestObjectTagKeys", "ArrayOfString"},
		{"s3:TlsVersion", "Numeric"},
		{"s3:signatureAge", "Numeric"},
		{"s3:DataAccessPointArn", "ARN"},
		{"aws:SourceIp", "IPAddress"},
		{"aws:PrincipalTag/dept", "String"},
		{"aws:ResourceTag/env", "String"},
		{"aws:PrincipalOrgPaths", "ArrayOfString"},
		{"aws:SecureTransport", "Bool"},
		{"aws:CurrentTime", "Date"},
		{"kms:ViaService", "String"},
		{"kms:CallerAccount", "String"},
		{"kms:EncryptionContext:aws:s3:arn", "String"},
		{"kms:EncryptionContextKeys", "ArrayOfString"},
	}
	for _, tt := range tests {
		got, ok := ConditionKeyType(tt.key)
		if !ok || got != tt.want {
			t.Errorf("ConditionKeyType(%q) = %q, %v; want %q", tt.key, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"s3:ExistingObjectTag/", "s3:nosuchkey", "aws:PrincipalTag/", "", "ec2:Region"} {
		if got, ok := ConditionKeyType(bad); ok {
			t.Errorf("ConditionKeyType(%q) = %q, want unknown", bad, got)
		}
	}
	if k, ok := LookupConditionKey("aws:sourceip"); !ok || k.Category != "network" || k.Service != "global" {
		t.Errorf("aws:SourceIp info = %+v", k)
	}
}

func TestActionSupportsKey(t *testing.T) {
	tests := []struct {
		action, key string
		want        bool
	}{
		{"s3:ListBucket", "s3:prefix", true},
		{"s3:GetObject", "s3:prefix", false},
		{"s3:GetObject", "s3:ExistingObjectTag/team", true},
		{"s3:GetObject", "s3:BucketTag/env", true},      // object resource type key
		{"s3:GetObject", "s3:DataAccessPointArn", true}, // accesspointobject resource type key
		{"s3:GetObject", "aws:SourceIp", true},          // global
		{"s3:GetObject", "aws:PrincipalTag/dept", true}, // global principal tag
		{"s3:GetObject", "aws:RequestTag/env", false},   // request tags only where listed
		{"s3:CreateBucket", "aws:RequestTag/env", true}, // action-level
		{"s3:CreateBucket", "aws:TagKeys", true},
		{"s3:GetObject", "aws:ResourceTag/env", true}, // resource type lists it
		{"s3:PutObject", "s3:x-amz-acl", true},
		{"s3:ListAllMyBuckets", "s3:ResourceAccount", true},
		{"s3:ListAllMyBuckets", "s3:prefix", false},
		{"s3:GetObject", "s3:versionid", false},
		{"s3:GetObjectVersion", "s3:VersionId", true},
		{"kms:Decrypt", "kms:ViaService", true},
		{"kms:Decrypt", "kms:EncryptionContext:aws:s3:arn", true},
		{"s3:NoSuchAction", "aws:SourceIp", false},
		{"s3:GetObject", "", false},
	}
	for _, tt := range tests {
		if got := ActionSupportsKey(tt.action, tt.key); got != tt.want {
			t.Errorf("ActionSupportsKey(%q, %q) = %v", tt.action, tt.key, got)
		}
	}
}

func TestLookupResourceType(t *testing.T) {
	tests := []struct {
		svc  string
		rt   ResourceType
		want string
	}{
		{"s3", RTBucket, "arn:${Partition}:s3:::${BucketName}"},
		{"s3", RTObject, "arn:${Partition}:s3:::${BucketName}/${ObjectName}"},
		{"s3", RTAccessPoint, "arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}"},
		{"kms", RTKMSKey, "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"},
	}
	for _, tt := range tests {
		got, ok := LookupResourceType(tt.svc, tt.rt)
		if !ok || got.ARNFormat != tt.want {
			t.Errorf("%s %s: %q, %v", tt.svc, tt.rt, got.ARNFormat, ok)
		}
	}
	if _, ok := LookupResourceType("s3", "nosuch"); ok {
		t.Error("unknown resource type resolved")
	}
}

func BenchmarkLookupAction(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, ok := LookupAction("S3:GetObject"); !ok {
			b.Fatal("missing")
		}
	}
}

func BenchmarkActionSupportsKey(b *testing.B) {
	for i := 0; i < b.N; i++ {
		ActionSupportsKey("s3:GetObject", "s3:ExistingObjectTag/team")
	}
}

func BenchmarkMatchActions(b *testing.B) {
	for i := 0; i < b.N; i++ {
		MatchActions("s3:Get*")
	}
}
