package provider

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/s3access/terraform-provider-s3access/internal/lint"
)

var _ datasource.DataSource = (*policyDocumentDataSource)(nil)

// NewPolicyDocumentDataSource returns the s3access_policy_document data source.
func NewPolicyDocumentDataSource() datasource.DataSource { return &policyDocumentDataSource{} }

type policyDocumentDataSource struct{}

type policyDocumentModel struct {
	Bucket         types.String   `tfsdk:"bucket"`
	Prefixes       []types.String `tfsdk:"prefixes"`
	Access         types.String   `tfsdk:"access"`
	KMSKeyARN      types.String   `tfsdk:"kms_key_arn"`
	PrincipalARN   types.String   `tfsdk:"principal_arn"`
	OtherAccountID types.String   `tfsdk:"other_account_id"`

	IdentityPolicyJSON        types.String `tfsdk:"identity_policy_json"`
	BucketPolicyStatementJSON types.String `tfsdk:"bucket_policy_statement_json"`
	KeyPolicyStatementJSON    types.String `tfsdk:"key_policy_statement_json"`
}

func (d *policyDocumentDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_policy_document"
}

func (d *policyDocumentDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Least-privilege policy JSON for a declared access, with ARNs always in the right form: `s3:ListBucket` on the bucket " +
			"ARN (with a `StringLike` `s3:prefix` condition when prefixes are given), object actions on `arn:aws:s3:::BUCKET/PREFIX*`, KMS " +
			"actions on the key restricted with `kms:ViaService` to S3. Produces the identity policy, the cross-account bucket-policy " +
			"statements and the key-policy statement. The provider's tests prove with its own engine that each generated policy allows " +
			"exactly the declared access and denies neighbouring requests.\n\n" +
			"Access levels: `list` = `s3:ListBucket`; `read` = `s3:ListBucket` + `s3:GetObject` (with `kms:Decrypt`); `write` = `s3:PutObject` + " +
			"`s3:AbortMultipartUpload` (with `kms:GenerateDataKey` and `kms:Decrypt`, which multipart uploads need); `read_write` = both. " +
			"Deleting objects and changing ACLs are never granted.",
		Attributes: map[string]schema.Attribute{
			"bucket":   schema.StringAttribute{Required: true, MarkdownDescription: "Bucket name (not an ARN)."},
			"prefixes": schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: "Key prefixes, e.g. `reports/`; literal (no wildcards). Unset: the whole bucket."},
			"access": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "`read`, `write`, `read_write` or `list`.",
				Validators:          []validator.String{stringvalidator.OneOf(lint.AccessLevels...)},
			},
			"kms_key_arn":      schema.StringAttribute{Optional: true, MarkdownDescription: "The SSE-KMS key ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`) when objects are encrypted with a customer managed key; not an alias ARN."},
			"principal_arn":    schema.StringAttribute{Optional: true, MarkdownDescription: "The principal that gets the access (IAM role or user ARN, or an account); makes the bucket-policy and key-policy statements."},
			"other_account_id": schema.StringAttribute{Optional: true, MarkdownDescription: "The other account that gets the access, when no `principal_arn` is given (the statements then name the account root)."},

			"identity_policy_json":         schema.StringAttribute{Computed: true, MarkdownDescription: "The identity policy for the principal (attach to its role or user)."},
			"bucket_policy_statement_json": schema.StringAttribute{Computed: true, MarkdownDescription: "A JSON array of bucket-policy statements granting the principal; null when neither `principal_arn` nor `other_account_id` is set. A cross-account principal needs both these and the identity policy."},
			"key_policy_statement_json":    schema.StringAttribute{Computed: true, MarkdownDescription: "A JSON array with the key-policy statement granting the principal use of the key through S3; null without a KMS key or a principal."},
		},
	}
}

func (d *policyDocumentDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m policyDocumentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	docs, err := lint.PolicyDocument(lint.DocumentInput{
		Bucket:         m.Bucket.ValueString(),
		Prefixes:       stringList(m.Prefixes),
		Access:         m.Access.ValueString(),
		KMSKeyARN:      m.KMSKeyARN.ValueString(),
		PrincipalARN:   m.PrincipalARN.ValueString(),
		OtherAccountID: m.OtherAccountID.ValueString(),
	})
	if err != nil {
		var de *lint.DocumentError
		if errors.As(err, &de) {
			resp.Diagnostics.AddAttributeError(documentPath(de.Field), "Invalid "+de.Field, err.Error())
			return
		}
		resp.Diagnostics.AddError("Cannot write the policy", err.Error())
		return
	}
	m.IdentityPolicyJSON = types.StringValue(docs.IdentityPolicy)
	m.BucketPolicyStatementJSON = nullIfEmpty(docs.BucketPolicyStatements)
	m.KeyPolicyStatementJSON = nullIfEmpty(docs.KeyPolicyStatements)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// documentPath maps "prefixes[2]" to its attribute path.
func documentPath(field string) path.Path {
	name, idx, ok := strings.Cut(strings.TrimSuffix(field, "]"), "[")
	p := path.Root(name)
	if ok {
		if n, err := strconv.Atoi(idx); err == nil {
			p = p.AtListIndex(n)
		}
	}
	return p
}
