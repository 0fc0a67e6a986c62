package provider

// Glue shared by the four safe-fix resources (s3access_bucket_policy_statement,
// s3access_public_read, s3access_ownership_controls, s3access_kms_key_access):
// the AWS reader and writer on the provider instance's shared clients, the
// per-bucket / per-key write lock, fix errors as attribute diagnostics, and the
// statement JSON type whose equality is semantic.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/s3access/terraform-provider-s3access/internal/awsread"
	"github.com/s3access/terraform-provider-s3access/internal/fix"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// awsBackend is what a fix resource uses to read and write.
type awsBackend struct {
	clients *awsread.Clients
	r       awsread.Reader
	w       awsread.Writer
}

func backendFor(d *ProviderData) (*awsBackend, error) {
	if d == nil {
		return nil, errors.New("the provider is not configured")
	}
	if len(d.UnknownAttributes) > 0 {
		return nil, fmt.Errorf("provider settings %s are not known yet; a resource that changes AWS needs them (apply what they depend on first)", strings.Join(d.UnknownAttributes, ", "))
	}
	return d.sharedClients().backend, nil
}

// Write locks: writes to one bucket or key are serialised inside the provider process.
var (
	locksMu sync.Mutex
	locks   = map[string]*sync.Mutex{}
)

func lockTarget(key string) func() {
	locksMu.Lock()
	m, ok := locks[key]
	if !ok {
		m = &sync.Mutex{}
		locks[key] = m
	}
	locksMu.Unlock()
	m.Lock()
	return m.Unlock
}

// Retry bounds for writes that S3 refuses transiently (OperationAborted,
// throttling) and for lost updates detected by reading back.
var (
	writeAttempts = 5
	writeBackoff  = 200 * time.Millisecond
)

// retryWrite runs f until it succeeds, fails with a non-retryable error or
// writeAttempts is reached. retryable decides beyond WriteError.Retryable.
func retryWrite(ctx context.Context, f func() error, retryable func(error) bool) error {
	var err error
	for i := 0; i < writeAttempts; i++ {
		if err = f(); err == nil {
			return nil
		}
		we, ok := awsread.AsWriteError(err)
		if (!ok || !we.Retryable()) && (retryable == nil || !retryable(err)) {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(writeBackoff * time.Duration(i+1)):
		}
	}
	return fmt.Errorf("gave up after %d attempts: %w", writeAttempts, err)
}

// errLostUpdate marks a read-back that did not show what was written.
var errLostUpdate = errors.New("the policy read back does not hold what was written (another writer changed it meanwhile)")

// addFixError turns a fix planning error into an attribute diagnostic (or a
// plain one when it names no argument).
func addFixError(diags *diag.Diagnostics, summary string, err error) {
	var fe *fix.Error
	if errors.As(err, &fe) && fe.Field != "" {
		diags.AddAttributeError(path.Root(fe.Field), summary, err.Error())
		return
	}
	diags.AddError(summary, err.Error())
}

// updateBucketPolicy applies change to the bucket policy under the bucket's
// lock: read, plan, write (or delete when the plan says so), read back and
// check with verify; a failed check (lost update) or a transient refusal
// starts over, at most writeAttempts times. It returns the policy as read back.
func updateBucketPolicy(ctx context.Context, be *awsBackend, bucket string,
	change func(current *string) (newDoc string, del bool, changed bool, err error),
	verify func(before, after *string) error) (*string, error) {
	var after *string
	err := retryWrite(ctx, func() error {
		cur, _, err := be.r.BucketPolicy(ctx, bucket)
		if err != nil {
			return err
		}
		doc, del, changed, err := change(cur)
		if err != nil {
			return err
		}
		if changed {
			if del {
				err = be.w.DeleteBucketPolicy(ctx, bucket)
			} else {
				err = be.w.PutBucketPolicy(ctx, bucket, doc)
			}
			if err != nil {
				return err
			}
		}
		after, _, err = be.r.BucketPolicy(ctx, bucket)
		if err != nil {
			return err
		}
		return verify(cur, after)
	}, func(err error) bool { return errors.Is(err, errLostUpdate) })
	return after, err
}

// ---- statement JSON with semantic equality ----

// statementJSONType is a string attribute holding one policy statement; two
// values are equal when the statements are (fix.SameStatementJSON): key
// order, string-versus-list forms and action case never cause a diff.
type statementJSONType struct {
	basetypes.StringType
}

var _ basetypes.StringTypable = statementJSONType{}

func (t statementJSONType) Equal(o attr.Type) bool {
	_, ok := o.(statementJSONType)
	return ok
}

func (t statementJSONType) String() string { return "statementJSONType" }

func (t statementJSONType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return statementJSONValue{StringValue: in}, nil
}

func (t statementJSONType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	sv, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return statementJSONValue{StringValue: sv}, nil
}

func (t statementJSONType) ValueType(_ context.Context) attr.Value { return statementJSONValue{} }

// statementJSONValue is a value of statementJSONType.
type statementJSONValue struct {
	basetypes.StringValue
}

var _ basetypes.StringValuableWithSemanticEquals = statementJSONValue{}

func (v statementJSONValue) Type(_ context.Context) attr.Type { return statementJSONType{} }

func (v statementJSONValue) Equal(o attr.Value) bool {
	ov, ok := o.(statementJSONValue)
	return ok && v.StringValue.Equal(ov.StringValue)
}

func (v statementJSONValue) StringSemanticEquals(_ context.Context, nv basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	n, ok := nv.(statementJSONValue)
	if !ok {
		diags.AddError("Semantic equality check error", fmt.Sprintf("unexpected value type %T", nv))
		return false, diags
	}
	return fix.SameStatementJSON(v.ValueString(), n.ValueString(), policy.KindBucket), diags
}

func newStatementJSON(s string) statementJSONValue {
	return statementJSONValue{StringValue: basetypes.NewStringValue(s)}
}
