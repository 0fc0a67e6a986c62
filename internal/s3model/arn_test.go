package s3model

import (
	"errors"
	"strings"
	"testing"
)

func strp(s string) *string { return &s }

// Spec 2.1 ARN forms and 2.3 resource-type rule.
func TestResourceARN(t *testing.T) {
	tests := []struct {
		action, partition, bucket string
		key                       *string
		want                      string
		err                       error
	}{
		{"s3:GetObject", "", "bkt", strp("app/settings.json"), "arn:aws:s3:::bkt/app/settings.json", nil},
		{"s3:GetObject", "aws-cn", "bkt", strp("k"), "arn:aws-cn:s3:::bkt/k", nil},
		{"s3:PutObject", "aws-us-gov", "bkt", strp("a:b/*c"), "arn:aws-us-gov:s3:::bkt/a:b/*c", nil},
		{"s3:ListBucket", "aws", "bkt", nil, "arn:aws:s3:::bkt", nil},
		{"s3:ListAllMyBuckets", "", "", nil, "arn:aws:s3:::*", nil},
		{"s3:PutAccountPublicAccessBlock", "", "bkt", nil, "arn:aws:s3:::*", nil},
		{"s3:ListAllMyBuckets", "", "bkt", strp("k"), "", ErrKeyNotAllowed},
		{"s3:ListBucket", "", "bkt", strp("k"), "", ErrKeyNotAllowed},
		{"s3:GetObject", "", "bkt", nil, "", ErrKeyRequired},
		{"s3:GetObject", "", "bkt", strp(""), "", ErrInvalidKey},
		{"s3:GetObject", "", "bkt", strp(strings.Repeat("k", 1025)), "", ErrInvalidKey},
		{"s3:GetObject", "", "Bad_Bucket", strp("k"), "", ErrInvalidBucket},
		{"s3:ListBucket", "", "b", nil, "", ErrInvalidBucket},
		{"s3:ListBucket", "aws-mars", "bkt", nil, "", ErrInvalidPartition},
		{"s3:CreateJob", "", "bkt", nil, "arn:aws:s3:::*", nil}, // no resource type in the data
		{"s3:DescribeJob", "", "bkt", nil, "", ErrUnsupportedAction},
		{"kms:Decrypt", "", "bkt", nil, "", ErrUnsupportedAction},
	}
	for _, tt := range tests {
		a, ok := LookupAction(tt.action)
		if !ok {
			t.Fatalf("%s not in catalog", tt.action)
		}
		got, err := ResourceARN(a, tt.partition, tt.bucket, tt.key)
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("ResourceARN(%s, %q, %q) = %q, %v; want %q, %v", tt.action, tt.partition, tt.bucket, got, err, tt.want, tt.err)
		}
		if err != nil {
			var re *ResourceError
			if !errors.As(err, &re) || re.Action != a.FullName() || !strings.Contains(err.Error(), tt.action) {
				t.Errorf("%s: error %q does not name the action", tt.action, err)
			}
		}
	}
	if _, err := ResourceARN(Action{}, "", "bkt", nil); !errors.Is(err, ErrUnsupportedAction) {
		t.Errorf("zero action: %v", err)
	}
	// The explanation of the mix-up names the right ARN.
	a, _ := LookupAction("s3:GetObject")
	_, err := ResourceARN(a, "", "config", nil)
	if err == nil || !strings.Contains(err.Error(), "arn:aws:s3:::config/<key>") {
		t.Errorf("key-required error should show the object ARN form: %v", err)
	}
	a, _ = LookupAction("s3:ListBucket")
	_, err = ResourceARN(a, "", "config", strp("k"))
	if err == nil || !strings.Contains(err.Error(), "arn:aws:s3:::config") {
		t.Errorf("key-not-allowed error should show the bucket ARN: %v", err)
	}
}

func TestBucketObjectARN(t *testing.T) {
	if got := BucketARN("", "bkt"); got != "arn:aws:s3:::bkt" {
		t.Error(got)
	}
	if got := ObjectARN("aws-cn", "bkt", "a/b"); got != "arn:aws-cn:s3:::bkt/a/b" {
		t.Error(got)
	}
}

func TestValidateBucketName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"bkt", true}, {"my.bucket-1", true}, {strings.Repeat("a", 63), true}, {"123", true},
		{"ab", false}, {strings.Repeat("a", 64), false}, {"My-Bucket", false}, {"my_bucket", false},
		{"-bkt", false}, {"bkt-", false}, {".bkt", false}, {"a..b", false}, {"192.168.5.4", false},
		{"xn--bkt", false}, {"sthree-bkt", false}, {"amzn-s3-demo-bkt", false},
		{"bkt-s3alias", false}, {"bkt--ol-s3", false}, {"bkt.mrap", false}, {"bkt--x-s3", false}, {"bkt--table-s3", false},
		{"", false}, {"b k t", false},
	}
	for _, tt := range tests {
		err := ValidateBucketName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateBucketName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidBucket) {
			t.Errorf("%q: error is not ErrInvalidBucket", tt.name)
		}
	}
}

func TestParseS3ARN(t *testing.T) {
	tests := []struct {
		in          string
		bucket, key string
		obj, ok     bool
	}{
		{"arn:aws:s3:::bkt", "bkt", "", false, true},
		{"arn:aws:s3:::bkt/a/b:c", "bkt", "a/b:c", true, true},
		{"arn:aws:s3:::bkt/*", "bkt", "*", true, true},
		{"arn:aws-cn:s3:::bkt/k", "bkt", "k", true, true},
		{"arn:aws:s3:::bkt/", "", "", false, false},
		{"arn:aws:s3:::", "", "", false, false},
		{"arn:aws:s3:us-east-1:111111111111:accesspoint/ap", "", "", false, false},
		{"arn:aws:iam::111111111111:root", "", "", false, false},
		{"bkt/k", "", "", false, false},
		{"arn::s3:::bkt", "", "", false, false},
	}
	for _, tt := range tests {
		b, k, obj, err := ParseS3ARN(tt.in)
		if (err == nil) != tt.ok || b != tt.bucket || k != tt.key || obj != tt.obj {
			t.Errorf("ParseS3ARN(%q) = %q, %q, %v, %v", tt.in, b, k, obj, err)
		}
		if err != nil && !errors.Is(err, ErrNotS3BucketOrObject) {
			t.Errorf("%q: error %v is not ErrNotS3BucketOrObject", tt.in, err)
		}
	}
}

func FuzzParseS3ARN(f *testing.F) {
	for _, s := range []string{"arn:aws:s3:::bkt", "arn:aws:s3:::bkt/k", "arn:aws:s3:r:a:x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, k, obj, err := ParseS3ARN(s)
		if err != nil {
			return
		}
		want := ":s3:::" + b
		if obj {
			want += "/" + k
		}
		if b == "" || strings.Contains(b, "/") || (obj && k == "") || !strings.HasPrefix(s, "arn:") || !strings.HasSuffix(s, want) {
			t.Fatalf("ParseS3ARN(%q) = %q, %q, %v", s, b, k, obj)
		}
	})
}

func TestAccessPointARNs(t *testing.T) {
	if got := AccessPointARN("", "us-east-1", acctA, "ap1"); got != "arn:aws:s3:us-east-1:111111111111:accesspoint/ap1" {
		t.Error(got)
	}
	if got := AccessPointObjectARN("aws", "us-east-1", acctA, "ap1", "a/b"); got != "arn:aws:s3:us-east-1:111111111111:accesspoint/ap1/object/a/b" {
		t.Error(got)
	}
}

// Spec 2.3 resource-type matching rule: the mix-up is explained.
func TestExplainResourceMismatch(t *testing.T) {
	tests := []struct {
		action, resource string
		mismatch         bool
		mention          string
	}{
		{"s3:GetObject", "arn:aws:s3:::config", true, "arn:aws:s3:::config/*"},
		{"s3:PutObject", "arn:aws-cn:s3:::config", true, "arn:aws-cn:s3:::config/*"},
		{"s3:ListBucket", "arn:aws:s3:::bkt/*", true, "arn:aws:s3:::bkt"},
		{"s3:GetObject", "arn:aws:s3:::bkt/*", false, ""},
		{"s3:ListBucket", "arn:aws:s3:::bkt", false, ""},
		{"s3:GetObject", "*", false, ""},
		{"s3:GetObject", "arn:aws:s3:::*", false, ""},
		{"s3:ListBucket", "arn:aws:s3:::bkt*", false, ""},
		{"s3:ListAllMyBuckets", "arn:aws:s3:::bkt", false, ""},
		{"s3:GetObject", "arn:aws:s3:us-east-1:111111111111:accesspoint/ap", false, ""},
	}
	for _, tt := range tests {
		a, _ := LookupAction(tt.action)
		msg, ok := ExplainResourceMismatch(a, tt.resource)
		if ok != tt.mismatch || !strings.Contains(msg, tt.mention) {
			t.Errorf("ExplainResourceMismatch(%s, %s) = %q, %v", tt.action, tt.resource, msg, ok)
		}
	}
}
