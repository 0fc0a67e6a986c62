package awsread

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// Writer makes the changes of the safe-fix resources. Every failure is a
// *WriteError naming the operation.
type Writer interface {
	PutBucketPolicy(ctx context.Context, bucket, doc string) error
	DeleteBucketPolicy(ctx context.Context, bucket string) error
	// PutBucketPublicAccessBlock writes all four bucket-level settings.
	PutBucketPublicAccessBlock(ctx context.Context, bucket string, b BPA) error
	// PutOwnershipControls sets BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter.
	PutOwnershipControls(ctx context.Context, bucket, ownership string) error
	DeleteOwnershipControls(ctx context.Context, bucket string) error
	// PutBucketACL replaces the bucket ACL with the owner and grants given
	// (grantees: canonical user ids or AllUsers, AuthenticatedUsers, LogDelivery).
	PutBucketACL(ctx context.Context, bucket string, acl ACL) error
	// PutKeyPolicy replaces the key's default key policy (the lockout safety
	// check of KMS stays on).
	PutKeyPolicy(ctx context.Context, keyARN, doc string) error
}

// WriteError is a write that failed.
type WriteError struct {
	Operation string // e.g. "s3:PutBucketPolicy"
	Code      string // AWS error code; "" for transport errors
	Err       error
}

func (e *WriteError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("%s failed (%s): %v", e.Operation, e.Code, e.Err)
	}
	return fmt.Sprintf("%s failed: %v", e.Operation, e.Err)
}

func (e *WriteError) Unwrap() error { return e.Err }

// Retryable reports whether the write may succeed if repeated after a short
// wait: S3's OperationAborted (a conflicting operation on the bucket is in
// progress, e.g. right after a public access block change) and throttling.
func (e *WriteError) Retryable() bool {
	switch e.Code {
	case "OperationAborted", "Throttling", "ThrottlingException", "SlowDown", "RequestLimitExceeded":
		return true
	}
	return false
}

// AsWriteError returns the *WriteError inside err, if any.
func AsWriteError(err error) (*WriteError, bool) {
	var we *WriteError
	ok := errors.As(err, &we)
	return we, ok
}

func writeErr(op string, err error) error {
	we := &WriteError{Operation: op, Err: err}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		we.Code = ae.ErrorCode()
	}
	return we
}

// LiveWriter writes to AWS through the same lazily-built Clients as LiveReader.
type LiveWriter struct {
	c *Clients
}

// NewLiveWriter returns a Writer using the clients; nothing is contacted until a write.
func NewLiveWriter(c *Clients) *LiveWriter { return &LiveWriter{c: c} }

var _ Writer = (*LiveWriter)(nil)

func (w *LiveWriter) s3(ctx context.Context, op string) (*s3.Client, error) {
	c, err := w.c.S3(ctx)
	if err != nil {
		return nil, &WriteError{Operation: op, Code: "Configuration", Err: err}
	}
	return c, nil
}

func (w *LiveWriter) PutBucketPolicy(ctx context.Context, bucket, doc string) error {
	const op = "s3:PutBucketPolicy"
	c, err := w.s3(ctx, op)
	if err != nil {
		return err
	}
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(doc)}); err != nil {
		return writeErr(op, err)
	}
	return nil
}

func (w *LiveWriter) DeleteBucketPolicy(ctx context.Context, bucket string) error {
	const op = "s3:DeleteBucketPolicy"
	c, err := w.s3(ctx, op)
	if err != nil {
		return err
	}
	if _, err := c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)}); err != nil && !isAbsent(err) {
		return writeErr(op, err)
	}
	return nil
}

func (w *LiveWriter) PutBucketPublicAccessBlock(ctx context.Context, bucket string, b BPA) error {
	const op = "s3:PutPublicAccessBlock"
	c, err := w.s3(ctx, op)
	if err != nil {
		return err
	}
	_, err = c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(bucket),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(b.BlockPublicAcls), IgnorePublicAcls: aws.Bool(b.IgnorePublicAcls),
			BlockPublicPolicy: aws.Bool(b.BlockPublicPolicy), RestrictPublicBuckets: aws.Bool(b.RestrictPublicBuckets),
		}})
	if err != nil {
		return writeErr(op, err)
	}
	return nil
}

func (w *LiveWriter) PutOwnershipControls(ctx context.Context, bucket, ownership string) error {
	const op = "s3:PutBucketOwnershipControls"
	switch ownership {
	case "BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter":
	default:
		return &WriteError{Operation: op, Code: "InvalidInput", Err: fmt.Errorf("unknown ObjectOwnership %q", ownership)}
	}
	c, err := w.s3(ctx, op)
	if err != nil {
		return err
	}
	_, err = c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(bucket),
		OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnership(ownership)}}}})
	if err != nil {
		return writeErr(op, err)
	}
	return nil
}

func (w *LiveWriter) DeleteOwnershipControls(ctx context.Context, bucket string) error {
	const op = "s3:DeleteBucketOwnershipControls"
	c, err := w.s3(ctx, op)
	if err != nil {
		return err
	}
	if _, err := c.DeleteBucketOwnershipControls(ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: aws.String(bucket)}); err != nil && !isAbsent(err) {
		return writeErr(op, err)
	}
	return nil
}

func (w *LiveWriter) PutKeyPolicy(ctx context.Context, keyARN, doc string) error {
	const op = "kms:PutKeyPolicy"
	c, err := w.c.KMS(ctx)
	if err != nil {
		return &WriteError{Operation: op, Code: "Configuration", Err: err}
	}
	a, perr := arn.Parse(keyARN)
	if perr != nil || a.Service != "kms" || !strings.HasPrefix(a.Resource, "key/") {
		return &WriteError{Operation: op, Code: "InvalidInput", Err: fmt.Errorf("%q is not a KMS key ARN", keyARN)}
	}
	region := a.Region
	_, err = c.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("default"), Policy: aws.String(doc)},
		func(o *kms.Options) {
			if o.BaseEndpoint == nil && region != "" {
				o.Region = region
			}
		})
	if err != nil {
		return writeErr(op, err)
	}
	return nil
}

func (w *LiveWriter) PutBucketACL(ctx context.Context, bucket string, acl ACL) error {
	const op = "s3:PutBucketAcl"
	if acl.Owner == "" {
		return &WriteError{Operation: op, Code: "InvalidInput", Err: fmt.Errorf("the ACL has no owner")}
	}
	grants := make([]s3types.Grant, 0, len(acl.Grants))
	for i, g := range acl.Grants {
		var grantee s3types.Grantee
		switch g.Grantee {
		case "AllUsers":
			grantee = s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String(uriAllUsers)}
		case "AuthenticatedUsers":
			grantee = s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String(uriAuthUsers)}
		case "LogDelivery":
			grantee = s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String(uriLogDelivery)}
		default:
			if g.Grantee == "" || strings.Contains(g.Grantee, "@") {
				return &WriteError{Operation: op, Code: "InvalidInput", Err: fmt.Errorf("grant %d: grantee %q is not a canonical user id or group", i, g.Grantee)}
			}
			grantee = s3types.Grantee{Type: s3types.TypeCanonicalUser, ID: aws.String(g.Grantee)}
		}
		grants = append(grants, s3types.Grant{Grantee: &grantee, Permission: s3types.Permission(g.Permission)})
	}
	c, err := w.s3(ctx, op)
	if err != nil {
		return err
	}
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String(bucket),
		AccessControlPolicy: &s3types.AccessControlPolicy{Owner: &s3types.Owner{ID: aws.String(acl.Owner)}, Grants: grants}})
	if err != nil {
		return writeErr(op, err)
	}
	return nil
}
