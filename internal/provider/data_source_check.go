package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/s3access/terraform-provider-s3access/internal/livecheck"
	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

// evaluate is the decision engine. A package variable so that tests can count
// calls; shipped code always uses s3authz.Evaluate.
var evaluate = s3authz.Evaluate

// evaluateChecked evaluates one request; the engine rejects bad input (including a key
// that does not fit the action) as an *s3authz.InputError.
func evaluateChecked(r *s3authz.Request) (*s3authz.Result, error) {
	return evaluate(r)
}

var (
	_ datasource.DataSource              = (*checkDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*checkDataSource)(nil)
)

// NewCheckDataSource returns the s3access_check data source.
func NewCheckDataSource() datasource.DataSource { return &checkDataSource{} }

type checkDataSource struct{ liveDataSourceBase }

type checkModel struct {
	Principal           types.String   `tfsdk:"principal"`
	Action              types.String   `tfsdk:"action"`
	Key                 types.String   `tfsdk:"key"`
	IdentityPolicies    []types.String `tfsdk:"identity_policies"`
	PermissionsBoundary types.String   `tfsdk:"permissions_boundary"`
	SessionPolicy       types.String   `tfsdk:"session_policy"`
	resourceSideModel
	resultModel
}

func (d *checkDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_check"
}

func (d *checkDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Decides, offline and at plan time, whether one principal may perform one S3 action on a bucket or object, " +
			"through every layer AWS applies (identity policies, permissions boundary, session policy, SCPs, RCPs, VPC endpoint policy, " +
			"bucket policy, Block Public Access, ACLs and Object Ownership, SSE-KMS). It reports the decision, the layer and statement " +
			"that decided, an explanation and concrete fixes. When an argument is unknown at plan time (for example a policy built from " +
			"a resource that does not exist yet) Terraform defers the read to apply, as for every data source.",
		Attributes: mergeAttrs(
			map[string]schema.Attribute{
				"principal": schema.StringAttribute{
					Required: true,
					MarkdownDescription: "The caller: IAM user ARN, role ARN, assumed-role session ARN (`arn:aws:sts::A:assumed-role/R/S`), " +
						"federated-user ARN, account root ARN or 12-digit account id (root user), a service principal (`cloudtrail.amazonaws.com`), or `anonymous`.",
				},
				"action": schema.StringAttribute{Required: true, MarkdownDescription: "One action, e.g. `s3:GetObject` (case-insensitive)."},
				"key":    schema.StringAttribute{Optional: true, MarkdownDescription: "Object key. Required for object actions, rejected for bucket actions."},
			},
			principalSideAttributes(),
			resourceSideAttributes(),
			resultAttributes(),
		),
	}
}

func (d *checkDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m checkModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r := m.request()
	r.Principal = m.Principal.ValueString()
	r.Action = m.Action.ValueString()
	r.Key = optString(m.Key)
	r.IdentityPolicies = stringList(m.IdentityPolicies)
	r.PermissionsBoundary = optString(m.PermissionsBoundary)
	r.SessionPolicy = optString(m.SessionPolicy)

	var res *s3authz.Result
	var err error
	if m.Live.ValueBool() {
		reader, opts, lerr := liveReader(ctx, d.data)
		if lerr != nil {
			liveUnavailable(&resp.Diagnostics, lerr)
			return
		}
		var rep *livecheck.Report
		if rep, err = livecheck.Check(ctx, reader, &r, opts); err == nil {
			addLiveWarnings(&resp.Diagnostics, rep, nil, "")
			res = rep.Result
		}
	} else {
		res, err = evaluateChecked(&r)
	}
	if err != nil {
		addEngineError(&resp.Diagnostics, err, rootField, "")
		return
	}
	m.resultModel = newResultModel(res)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
