package s3model

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// KMS permissions S3 calls on the requester's behalf.
const (
	KMSDecrypt         = "kms:Decrypt"
	KMSGenerateDataKey = "kms:GenerateDataKey"
)

// Server-side encryption values (x-amz-server-side-encryption).
const (
	SSES3      = "AES256"
	SSEKMS     = "aws:kms"
	SSEKMSDSSE = "aws:kms:dsse"
)

// S3ManagedKeyAlias is the alias of the AWS managed key for S3.
const S3ManagedKeyAlias = "alias/aws/s3"

// EncryptionContextKey is the encryption-context key S3 sets.
const EncryptionContextKey = "aws:s3:arn"

// ParseSSE normalises a server-side encryption value: "" -> AES256 (the
// default); AES256, aws:kms and aws:kms:dsse are accepted; anything else is an
// error.
func ParseSSE(s string) (string, error) {
	switch t := strings.TrimSpace(s); {
	case t == "":
		return SSES3, nil
	case strings.EqualFold(t, SSES3):
		return SSES3, nil
	case strings.EqualFold(t, SSEKMS):
		return SSEKMS, nil
	case strings.EqualFold(t, SSEKMSDSSE):
		return SSEKMSDSSE, nil
	}
	return "", fmt.Errorf("server-side encryption %q: expected AES256, aws:kms or aws:kms:dsse", s)
}

// UsesKMS reports whether an SSE value (as ParseSSE returns it) protects the
// object with a KMS key. SSE-S3 and SSE-C need no KMS permission (spec 5.1).
func UsesKMS(sse string) bool { return sse == SSEKMS || sse == SSEKMSDSSE }

// KMSRequirement lists the KMS permissions the requester needs on the key
// protecting an SSE-KMS object for an S3 permission (spec 5.1):
// s3:GetObject / s3:GetObjectVersion -> kms:Decrypt; s3:PutObject ->
// kms:GenerateDataKey, and for a multipart part upload (UploadPart,
// UploadPartCopy; multipartPart) kms:Decrypt and kms:GenerateDataKey.
// Other actions need none. The action is matched case-insensitively.
func KMSRequirement(action string, multipartPart bool) []string {
	switch strings.ToLower(strings.TrimSpace(action)) {
	case "s3:getobject", "s3:getobjectversion":
		return []string{KMSDecrypt}
	case "s3:putobject":
		if multipartPart {
			return []string{KMSDecrypt, KMSGenerateDataKey}
		}
		return []string{KMSGenerateDataKey}
	}
	return nil
}

// EncryptionContextARN is the aws:s3:arn encryption-context value S3 uses:
// the object ARN, or the bucket ARN when an S3 Bucket Key is used (spec 5.1).
// The partition is "aws"; see EncryptionContextARNIn for others.
func EncryptionContextARN(bucket, key string, bucketKey bool) string {
	return EncryptionContextARNIn("aws", bucket, key, bucketKey)
}

// EncryptionContextARNIn is EncryptionContextARN for a given partition.
func EncryptionContextARNIn(partition, bucket, key string, bucketKey bool) string {
	if bucketKey {
		return BucketARN(partition, bucket)
	}
	return ObjectARN(partition, bucket, key)
}

// ViaService is the kms:ViaService value of requests S3 makes in a region.
func ViaService(region string) string { return "s3." + region + ".amazonaws.com" }

// IsAWSManagedKeyAlias reports whether an alias name or alias ARN names an
// AWS managed key (alias/aws/...).
func IsAWSManagedKeyAlias(s string) bool {
	name := strings.TrimSpace(s)
	if strings.HasPrefix(name, "arn:") {
		a, err := arn.Parse(name)
		if err != nil || a.Service != "kms" {
			return false
		}
		name = a.Resource
	}
	return strings.HasPrefix(name, "alias/aws/") && len(name) > len("alias/aws/")
}

// IsS3ManagedKeyAlias reports whether an alias name or alias ARN is alias/aws/s3.
func IsS3ManagedKeyAlias(s string) bool {
	name := strings.TrimSpace(s)
	if strings.HasPrefix(name, "arn:") {
		a, err := arn.Parse(name)
		if err != nil || a.Service != "kms" {
			return false
		}
		name = a.Resource
	}
	return name == S3ManagedKeyAlias
}

// KMSKey is a parsed KMS key or alias ARN.
type KMSKey struct {
	Partition, Region, Account string
	KeyID                      string // for key ARNs
	Alias                      string // "alias/..." for alias ARNs
}

// ParseKMSKeyARN parses arn:<p>:kms:<region>:<account>:key/<id> or
// .../alias/<name>. Bare key ids and alias names are errors: the evaluator
// needs the key's account and region.
func ParseKMSKeyARN(s string) (KMSKey, error) {
	a, err := arn.Parse(strings.TrimSpace(s))
	if err != nil {
		return KMSKey{}, fmt.Errorf("KMS key %q: not an ARN (%v); give arn:aws:kms:<region>:<account>:key/<id>", s, err)
	}
	if a.Service != "kms" || a.Region == "" || !policy.IsAccountID(a.AccountID) {
		return KMSKey{}, fmt.Errorf("KMS key %q: expected arn:<partition>:kms:<region>:<12-digit account>:key/<id>", s)
	}
	k := KMSKey{Partition: a.Partition, Region: a.Region, Account: a.AccountID}
	switch {
	case strings.HasPrefix(a.Resource, "key/") && len(a.Resource) > 4:
		k.KeyID = strings.TrimPrefix(a.Resource, "key/")
	case strings.HasPrefix(a.Resource, "alias/") && len(a.Resource) > 6:
		k.Alias = a.Resource
	default:
		return KMSKey{}, fmt.Errorf("KMS key %q: resource must be key/<id> or alias/<name>", s)
	}
	return k, nil
}
