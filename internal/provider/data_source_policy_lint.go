package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/s3access/terraform-provider-s3access/internal/lint"
)

var _ datasource.DataSource = (*policyLintDataSource)(nil)

// NewPolicyLintDataSource returns the s3access_policy_lint data source.
func NewPolicyLintDataSource() datasource.DataSource { return &policyLintDataSource{} }

type policyLintDataSource struct{}

type policyLintModel struct {
	Policy          types.String `tfsdk:"policy"`
	Kind            types.String `tfsdk:"kind"`
	BucketAccountID types.String `tfsdk:"bucket_account_id"`
	Findings        types.List   `tfsdk:"findings"`
	ErrorCount      types.Int64  `tfsdk:"error_count"`
	WarningCount    types.Int64  `tfsdk:"warning_count"`
}

// findingAttrTypes is the object type of one finding (data source and lint_policy function).
var findingAttrTypes = map[string]attr.Type{
	"code":            types.StringType,
	"severity":        types.StringType,
	"statement_index": types.Int64Type,
	"sid":             types.StringType,
	"message":         types.StringType,
	"fix":             types.StringType,
}

func findingsValue(fs []lint.Finding) (types.List, error) {
	elems := make([]attr.Value, 0, len(fs))
	for _, f := range fs {
		msg := f.Message
		if f.Element != "" {
			msg = f.Element + ": " + msg
		}
		o, d := types.ObjectValue(findingAttrTypes, map[string]attr.Value{
			"code":            types.StringValue(f.Code),
			"severity":        types.StringValue(string(f.Severity)),
			"statement_index": types.Int64Value(int64(f.StatementIndex)),
			"sid":             types.StringValue(f.Sid),
			"message":         types.StringValue(msg),
			"fix":             types.StringValue(f.Fix),
		})
		if d.HasError() {
			return types.ListNull(types.ObjectType{AttrTypes: findingAttrTypes}), errFromDiags(d)
		}
		elems = append(elems, o)
	}
	l, d := types.ListValue(types.ObjectType{AttrTypes: findingAttrTypes}, elems)
	if d.HasError() {
		return l, errFromDiags(d)
	}
	return l, nil
}

func (d *policyLintDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_policy_lint"
}

func (d *policyLintDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lints one policy document offline: object actions on bucket ARNs and the reverse (by the action catalog), " +
			"unknown or misspelt actions, invalid ARNs, policy variables without Version 2012-10-17, Allow with NotPrincipal, public and " +
			"cross-account grants, `s3:*` breadth, condition operator/key type mismatches, duplicate Sids, redundant and shadowed statements, " +
			"bucket-owner lockout, and more. A policy the parser rejects is not an error of the data source: it becomes `invalid-policy` findings. " +
			"Use `error_count` in a `postcondition` to stop a plan.",
		Attributes: map[string]schema.Attribute{
			"policy": schema.StringAttribute{Required: true, MarkdownDescription: "The policy document." + policyJSONHint},
			"kind": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "What the policy is: `identity` (user, group or role policy), `bucket`, `key` (KMS key policy), `scp`, `rcp` or `endpoint` (VPC endpoint policy).",
				Validators:          []validator.String{stringvalidator.OneOf(lint.Kinds...)},
			},
			"bucket_account_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The account that owns the bucket or key the policy is attached to; enables the cross-account checks.",
			},
			"findings": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The findings, by statement. `statement_index` is -1 for document-level findings.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"code":            schema.StringAttribute{Computed: true, MarkdownDescription: "Stable finding code, e.g. `object-action-on-bucket-arn`."},
					"severity":        schema.StringAttribute{Computed: true, MarkdownDescription: "`error`, `warning` or `info`."},
					"statement_index": schema.Int64Attribute{Computed: true, MarkdownDescription: "Index of the statement in the Statement array; -1 for the document."},
					"sid":             schema.StringAttribute{Computed: true, MarkdownDescription: "The statement's Sid (empty when none)."},
					"message":         schema.StringAttribute{Computed: true, MarkdownDescription: "What is wrong, starting with the element (e.g. `Action[1]: ...`)."},
					"fix":             schema.StringAttribute{Computed: true, MarkdownDescription: "A concrete fix."},
				}},
			},
			"error_count":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of `error` findings."},
			"warning_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of `warning` findings."},
		},
	}
}

func (d *policyLintDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m policyLintModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r, err := lint.Lint(m.Policy.ValueString(), m.Kind.ValueString(), lint.Options{BucketAccountID: m.BucketAccountID.ValueString()})
	if err != nil {
		at := path.Root("kind")
		if !isKindErr(err) {
			at = path.Root("bucket_account_id")
		}
		resp.Diagnostics.AddAttributeError(at, "Invalid "+at.String(), err.Error())
		return
	}
	l, err := findingsValue(r.Findings)
	if err != nil {
		resp.Diagnostics.AddError("Cannot build findings", err.Error())
		return
	}
	m.Findings = l
	m.ErrorCount = types.Int64Value(int64(r.ErrorCount))
	m.WarningCount = types.Int64Value(int64(r.WarningCount))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
