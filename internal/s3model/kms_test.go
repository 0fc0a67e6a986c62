package s3model

import (
	"reflect"
	"testing"
)

// Spec 5.1 and T91-T98 (which KMS permission is checked).
func TestKMSRequirement(t *testing.T) {
	tests := []struct {
		id        string
		action    string
		multipart bool
		want      []string
	}{
		{"T91 GetObject", "s3:GetObject", false, []string{KMSDecrypt}},
		{"GetObjectVersion", "S3:GETOBJECTVERSION", false, []string{KMSDecrypt}},
		{"T95 PutObject", "s3:PutObject", false, []string{KMSGenerateDataKey}},
		{"T96 CreateMultipartUpload", "s3:PutObject", false, []string{KMSGenerateDataKey}},
		{"T96 UploadPart", "s3:PutObject", true, []string{KMSDecrypt, KMSGenerateDataKey}},
		{"ListBucket", "s3:ListBucket", false, nil},
		{"DeleteObject", "s3:DeleteObject", false, nil},
		{"unknown", "s3:Nope", false, nil},
	}
	for _, tt := range tests {
		if got := KMSRequirement(tt.action, tt.multipart); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.id, got, tt.want)
		}
		for _, p := range KMSRequirement(tt.action, tt.multipart) {
			if _, ok := LookupAction(p); !ok {
				t.Errorf("%s: %s is not a catalogued KMS action", tt.id, p)
			}
		}
	}
}

func TestParseSSE(t *testing.T) {
	tests := []struct {
		in, want string
		kms, ok  bool
	}{
		{"", SSES3, false, true},
		{"AES256", SSES3, false, true},
		{"aws:kms", SSEKMS, true, true},
		{"AWS:KMS:DSSE", SSEKMSDSSE, true, true},
		{"SSE-C", "", false, false},
	}
	for _, tt := range tests {
		got, err := ParseSSE(tt.in)
		if (err == nil) != tt.ok || got != tt.want || UsesKMS(got) != tt.kms {
			t.Errorf("ParseSSE(%q) = %q, %v", tt.in, got, err)
		}
	}
}

// Spec 5.1 encryption context and T103 (bucket key -> bucket ARN).
func TestEncryptionContextARN(t *testing.T) {
	if got := EncryptionContextARN("bkt", "k", false); got != "arn:aws:s3:::bkt/k" {
		t.Error(got)
	}
	if got := EncryptionContextARN("bkt", "k", true); got != "arn:aws:s3:::bkt" {
		t.Error("T103:", got)
	}
	if got := EncryptionContextARNIn("aws-cn", "bkt", "k", false); got != "arn:aws-cn:s3:::bkt/k" {
		t.Error(got)
	}
}

// T102.
func TestViaService(t *testing.T) {
	if got := ViaService("us-east-1"); got != "s3.us-east-1.amazonaws.com" {
		t.Error(got)
	}
}

// T100: AWS managed key aws/s3.
func TestManagedKeyAlias(t *testing.T) {
	tests := []struct {
		in          string
		managed, s3 bool
	}{
		{"alias/aws/s3", true, true},
		{"arn:aws:kms:us-east-1:111111111111:alias/aws/s3", true, true},
		{"alias/aws/ebs", true, false},
		{"alias/aws/", false, false},
		{"alias/my-key", false, false},
		{"arn:aws:kms:us-east-1:111111111111:alias/app", false, false},
		{"arn:aws:s3:::alias/aws/s3", false, false},
		{"arn:bad", false, false},
	}
	for _, tt := range tests {
		if IsAWSManagedKeyAlias(tt.in) != tt.managed || IsS3ManagedKeyAlias(tt.in) != tt.s3 {
			t.Errorf("%q: managed=%v s3=%v", tt.in, IsAWSManagedKeyAlias(tt.in), IsS3ManagedKeyAlias(tt.in))
		}
	}
}

func TestParseKMSKeyARN(t *testing.T) {
	tests := []struct {
		in   string
		want KMSKey
		ok   bool
	}{
		{"arn:aws:kms:us-east-1:111111111111:key/1234abcd", KMSKey{"aws", "us-east-1", "111111111111", "1234abcd", ""}, true},
		{"arn:aws:kms:us-east-1:111111111111:alias/aws/s3", KMSKey{"aws", "us-east-1", "111111111111", "", "alias/aws/s3"}, true},
		{"1234abcd", KMSKey{}, false},
		{"arn:aws:kms:us-east-1:111111111111:key/", KMSKey{}, false},
		{"arn:aws:kms::111111111111:key/k", KMSKey{}, false},
		{"arn:aws:s3:us-east-1:111111111111:key/k", KMSKey{}, false},
		{"arn:aws:kms:us-east-1:111111111111:grant/k", KMSKey{}, false},
	}
	for _, tt := range tests {
		got, err := ParseKMSKeyARN(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseKMSKeyARN(%q) = %+v, %v", tt.in, got, err)
		}
	}
}
