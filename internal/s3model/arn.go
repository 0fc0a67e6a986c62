package s3model

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// Partitions accepted for S3 ARNs (spec 2.1).
var partitions = map[string]bool{"aws": true, "aws-cn": true, "aws-us-gov": true}

// Sentinel causes of a *ResourceError, for errors.Is.
var (
	ErrKeyNotAllowed       = errors.New("an object key was given for a bucket-level action")
	ErrKeyRequired         = errors.New("an object action needs an object key")
	ErrInvalidBucket       = errors.New("invalid bucket name")
	ErrInvalidKey          = errors.New("invalid object key")
	ErrInvalidPartition    = errors.New("invalid partition")
	ErrUnsupportedAction   = errors.New("action not supported by the S3 evaluator")
	ErrNotS3BucketOrObject = errors.New("not an S3 bucket or object ARN")
)

// ResourceError explains why a request resource could not be built or parsed.
type ResourceError struct {
	Action string // "s3:GetObject" when known
	Field  string // "key", "bucket", "partition", "action", "arn"
	Cause  error  // one of the sentinels above
	Detail string
}

func (e *ResourceError) Error() string {
	var b strings.Builder
	if e.Action != "" {
		b.WriteString(e.Action + ": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Cause.Error())
	if e.Detail != "" {
		b.WriteString(" (" + e.Detail + ")")
	}
	return b.String()
}

func (e *ResourceError) Unwrap() error { return e.Cause }

func partitionOrDefault(p string) (string, error) {
	if p == "" {
		return "aws", nil
	}
	if !partitions[p] {
		return "", &ResourceError{Field: "partition", Cause: ErrInvalidPartition, Detail: fmt.Sprintf("%q; expected aws, aws-cn or aws-us-gov", p)}
	}
	return p, nil
}

// BucketARN is arn:<partition>:s3:::<bucket> (partition "" means "aws").
func BucketARN(partition, bucket string) string {
	if partition == "" {
		partition = "aws"
	}
	return "arn:" + partition + ":s3:::" + bucket
}

// ObjectARN is arn:<partition>:s3:::<bucket>/<key>; the key is taken verbatim.
func ObjectARN(partition, bucket, key string) string {
	return BucketARN(partition, bucket) + "/" + key
}

// NoResourceARN is the request resource of an S3 action without a resource
// type (spec 2.3): the literal arn:<partition>:s3:::*, which policy resources
// "*" and "arn:aws:s3:::*" match and a bucket ARN does not.
func NoResourceARN(partition string) string { return BucketARN(partition, "*") }

// ResourceARN builds the ARN a request for action is authorized against:
// the object ARN for object actions (key required), the bucket ARN for bucket
// actions (key rejected), NoResourceARN for actions without a resource type.
// Actions on other resource types (jobs, Storage Lens, access grants, ...)
// are out of the evaluator's scope and return ErrUnsupportedAction.
func ResourceARN(action Action, partition, bucket string, key *string) (string, error) {
	name := action.FullName()
	p, err := partitionOrDefault(partition)
	if err != nil {
		var re *ResourceError
		if errors.As(err, &re) {
			re.Action = name
		}
		return "", err
	}
	if action.Service != "s3" || action.Name == "" {
		return "", &ResourceError{Action: name, Field: "action", Cause: ErrUnsupportedAction, Detail: "not an S3 action"}
	}
	switch {
	case action.HasNoResource():
		if key != nil {
			return "", &ResourceError{Action: name, Field: "key", Cause: ErrKeyNotAllowed, Detail: "the action has no resource type; its resource is \"*\""}
		}
		return NoResourceARN(p), nil
	case action.IsObjectAction():
		if key == nil {
			return "", &ResourceError{Action: name, Field: "key", Cause: ErrKeyRequired,
				Detail: fmt.Sprintf("%s is authorized against %s, not the bucket", name, ObjectARN(p, bucketOrPlaceholder(bucket), "<key>"))}
		}
		if err := ValidateBucketName(bucket); err != nil {
			return "", withAction(err, name)
		}
		if err := ValidateObjectKey(*key); err != nil {
			return "", withAction(err, name)
		}
		return ObjectARN(p, bucket, *key), nil
	case action.IsBucketAction():
		if key != nil {
			return "", &ResourceError{Action: name, Field: "key", Cause: ErrKeyNotAllowed,
				Detail: fmt.Sprintf("%s is authorized against the bucket %s; remove key", name, BucketARN(p, bucketOrPlaceholder(bucket)))}
		}
		if err := ValidateBucketName(bucket); err != nil {
			return "", withAction(err, name)
		}
		return BucketARN(p, bucket), nil
	default:
		types := make([]string, 0, len(action.ResourceTypes))
		for _, r := range action.ResourceTypes {
			types = append(types, string(r.Type))
		}
		return "", &ResourceError{Action: name, Field: "action", Cause: ErrUnsupportedAction,
			Detail: "resource type " + strings.Join(types, ", ") + " is outside the bucket/object model"}
	}
}

func bucketOrPlaceholder(b string) string {
	if b == "" {
		return "<bucket>"
	}
	return b
}

func withAction(err error, action string) error {
	var re *ResourceError
	if errors.As(err, &re) {
		re.Action = action
	}
	return err
}

// ValidateBucketName checks the naming rules of general-purpose buckets:
// 3-63 characters of lower-case letters, digits, '.' and '-'; starts and ends
// with a letter or digit; no "..", no IPv4-address form; no reserved prefix
// (xn--, sthree-, amzn-s3-demo-) or suffix (-s3alias, --ol-s3, .mrap, --x-s3,
// --table-s3). Legacy us-east-1 names with upper case or '_' are rejected.
func ValidateBucketName(name string) error {
	bad := func(detail string) error {
		return &ResourceError{Field: "bucket", Cause: ErrInvalidBucket, Detail: fmt.Sprintf("%q: %s", name, detail)}
	}
	if len(name) < 3 || len(name) > 63 {
		return bad("must be 3 to 63 characters long")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '.' && c != '-' {
			return bad(fmt.Sprintf("character %q at %d is not allowed (lower-case letters, digits, '.' and '-' only)", c, i))
		}
	}
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	if !alnum(name[0]) || !alnum(name[len(name)-1]) {
		return bad("must begin and end with a letter or digit")
	}
	if strings.Contains(name, "..") {
		return bad("must not contain two adjacent periods")
	}
	if a, err := netip.ParseAddr(name); err == nil && a.Is4() {
		return bad("must not be formatted as an IP address")
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return bad("must not start with the reserved prefix " + p)
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, s) {
			return bad("must not end with the reserved suffix " + s)
		}
	}
	return nil
}

// ValidateObjectKey checks an object key: non-empty, at most 1024 bytes.
func ValidateObjectKey(key string) error {
	switch {
	case key == "":
		return &ResourceError{Field: "key", Cause: ErrInvalidKey, Detail: "must not be empty"}
	case len(key) > 1024:
		return &ResourceError{Field: "key", Cause: ErrInvalidKey, Detail: fmt.Sprintf("%d bytes; at most 1024", len(key))}
	}
	return nil
}

// ParseS3ARN splits arn:<partition>:s3:::<bucket>[/<key>] into bucket and key.
// Region and account must be empty (access point ARNs are not bucket or object
// ARNs); an object ARN must have a non-empty key. Wildcards are kept verbatim,
// so policy resources such as arn:aws:s3:::bkt/* parse too.
func ParseS3ARN(s string) (bucket, key string, isObject bool, err error) {
	bad := func(detail string) error {
		return &ResourceError{Field: "arn", Cause: ErrNotS3BucketOrObject, Detail: fmt.Sprintf("%q: %s", s, detail)}
	}
	a, perr := arn.Parse(s)
	if perr != nil {
		return "", "", false, bad(perr.Error())
	}
	if a.Service != "s3" {
		return "", "", false, bad("service is " + a.Service + ", not s3")
	}
	if a.Partition == "" {
		return "", "", false, bad("empty partition")
	}
	if a.Region != "" || a.AccountID != "" {
		return "", "", false, bad("region and account must be empty in bucket and object ARNs")
	}
	bucket, key, isObject = strings.Cut(a.Resource, "/")
	if bucket == "" {
		return "", "", false, bad("empty bucket name")
	}
	if isObject && key == "" {
		return "", "", false, bad("empty object key after '/'")
	}
	return bucket, key, isObject, nil
}

// AccessPointARN is arn:<partition>:s3:<region>:<account>:accesspoint/<name> (spec 2.1).
func AccessPointARN(partition, region, account, name string) string {
	if partition == "" {
		partition = "aws"
	}
	return "arn:" + partition + ":s3:" + region + ":" + account + ":accesspoint/" + name
}

// AccessPointObjectARN is the ARN of an object reached through an access point (spec 2.1).
func AccessPointObjectARN(partition, region, account, name, key string) string {
	return AccessPointARN(partition, region, account, name) + "/object/" + key
}

// ExplainResourceMismatch reports the bucket-versus-object mix-up of spec 2.3
// for one policy Resource string: an object action whose resource is a bucket
// ARN, or a bucket action whose resource is an object ARN. Such a statement
// silently never matches. Resources that can match both forms ("*",
// arn:aws:s3:::*, a wildcard inside the bucket name) and non-S3 resources are
// not reported.
func ExplainResourceMismatch(action Action, resource string) (string, bool) {
	bucket, key, isObject, err := ParseS3ARN(resource)
	if err != nil || strings.ContainsAny(bucket, "*?") {
		return "", false
	}
	partition := strings.SplitN(resource, ":", 3)[1]
	switch {
	case action.IsObjectAction() && !isObject:
		return fmt.Sprintf("%s is authorized against objects, but %s is the bucket; use %s", action.FullName(), resource, ObjectARN(partition, bucket, "*")), true
	case action.IsBucketAction() && isObject:
		return fmt.Sprintf("%s is authorized against the bucket %s, but %s matches only objects (key %q)", action.FullName(), BucketARN(partition, bucket), resource, key), true
	}
	return "", false
}
