package provider

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/s3access/terraform-provider-s3access/internal/lint"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

var _ datasource.DataSource = (*bucketExposureDataSource)(nil)

// NewBucketExposureDataSource returns the s3access_bucket_exposure data source.
func NewBucketExposureDataSource() datasource.DataSource { return &bucketExposureDataSource{} }

type bucketExposureDataSource struct{ liveDataSourceBase }

type exposureStatementModel struct {
	StatementIndex types.Int64    `tfsdk:"statement_index"`
	Sid            types.String   `tfsdk:"sid"`
	Reason         types.String   `tfsdk:"reason"`
	Actions        []types.String `tfsdk:"actions"`
}

type blockModel struct {
	Setting types.String `tfsdk:"setting"`
	Level   types.String `tfsdk:"level"`
	Effect  types.String `tfsdk:"effect"`
	Detail  types.String `tfsdk:"detail"`
}

type bucketExposureModel struct {
	Bucket                   types.String `tfsdk:"bucket"`
	BucketAccountID          types.String `tfsdk:"bucket_account_id"`
	BucketPolicy             types.String `tfsdk:"bucket_policy"`
	BlockPublicAccess        *bpaModel    `tfsdk:"block_public_access"`
	AccountBlockPublicAccess *bpaModel    `tfsdk:"account_block_public_access"`
	ObjectOwnership          types.String `tfsdk:"object_ownership"`
	BucketACL                *aclModel    `tfsdk:"bucket_acl"`
	Live                     types.Bool   `tfsdk:"live"`

	IsPublic               types.Bool               `tfsdk:"is_public"`
	PolicyIsPublic         types.Bool               `tfsdk:"policy_is_public"`
	ACLIsPublic            types.Bool               `tfsdk:"acl_is_public"`
	PublicStatements       []exposureStatementModel `tfsdk:"public_statements"`
	PublicACLGrants        []grantModel             `tfsdk:"public_acl_grants"`
	BlockedBy              []blockModel             `tfsdk:"blocked_by"`
	CrossAccountPrincipals []types.String           `tfsdk:"cross_account_principals"`
	PublicActions          []types.String           `tfsdk:"public_actions"`
}

func (d *bucketExposureDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bucket_exposure"
}

func (d *bucketExposureDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "How a bucket is exposed, from its bucket policy, bucket ACL, Object Ownership and Block Public Access, offline: " +
			"whether it is public by AWS's definitions of a public policy and a public ACL, through which statements or grants, which Block " +
			"Public Access setting neutralises it (and at which level), and which other accounts can reach it.",
		Attributes: map[string]schema.Attribute{
			"bucket":            schema.StringAttribute{Required: true, MarkdownDescription: "Bucket name (not an ARN)."},
			"bucket_account_id": schema.StringAttribute{Optional: true, MarkdownDescription: "The bucket owner's account; principals of other accounts are reported in `cross_account_principals`. Unset: every account named is reported."},
			"bucket_policy":     schema.StringAttribute{Optional: true, MarkdownDescription: "The bucket policy." + policyJSONHint},
			"block_public_access": bpaAttribute("Bucket-level Block Public Access. Unset: all four settings true (the AWS default for new buckets). " +
				"Set the object to describe a bucket with some settings off."),
			"account_block_public_access": bpaAttribute("Account-level Block Public Access of the bucket owner. Unset: all false."),
			"object_ownership": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`BucketOwnerEnforced` (default: ACLs disabled), `BucketOwnerPreferred` or `ObjectWriter`.",
				Validators:          []validator.String{stringvalidator.OneOf("BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter")},
			},
			"bucket_acl": aclAttribute("The bucket ACL."),
			"live":       schema.BoolAttribute{Optional: true, MarkdownDescription: "Read the settings not given here from AWS with the provider's settings and credentials: the bucket policy, bucket and account Block Public Access, Object Ownership, the bucket ACL (when ACLs are enabled) and, when `bucket_account_id` is unset, the bucket owner (the account of the provider's credentials). A setting that cannot be read is an error naming the layer, the API and the AWS error; it is never guessed."},

			"is_public":        schema.BoolAttribute{Computed: true, MarkdownDescription: "The public can reach the bucket: a public policy that `restrict_public_buckets` does not neutralise, or a public ACL grant with ACLs enabled and `ignore_public_acls` off."},
			"policy_is_public": schema.BoolAttribute{Computed: true, MarkdownDescription: "The bucket policy is public by the Block Public Access definition, whatever the settings."},
			"acl_is_public":    schema.BoolAttribute{Computed: true, MarkdownDescription: "The ACL grants `AllUsers` or `AuthenticatedUsers`, whatever the settings and Object Ownership."},
			"public_statements": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The bucket-policy Allow statements that make it public.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"statement_index": schema.Int64Attribute{Computed: true, MarkdownDescription: "Index in the Statement array."},
					"sid":             schema.StringAttribute{Computed: true, MarkdownDescription: "Sid, empty when none."},
					"reason":          schema.StringAttribute{Computed: true, MarkdownDescription: "Why the statement is public."},
					"actions":         schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "The statement's actions as written."},
				}},
			},
			"public_acl_grants": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "ACL grants to `AllUsers` or `AuthenticatedUsers` (canned ACLs expanded).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"grantee":    schema.StringAttribute{Computed: true, MarkdownDescription: "`AllUsers` or `AuthenticatedUsers`."},
					"permission": schema.StringAttribute{Computed: true, MarkdownDescription: "`READ`, `WRITE`, `READ_ACP`, `WRITE_ACP` or `FULL_CONTROL`."},
				}},
			},
			"blocked_by": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The settings that stop the public policy or ACL.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"setting": schema.StringAttribute{Computed: true, MarkdownDescription: "`restrict_public_buckets`, `block_public_policy`, `ignore_public_acls`, `block_public_acls` or `object_ownership`."},
					"level":   schema.StringAttribute{Computed: true, MarkdownDescription: "`bucket` or `account`."},
					"effect":  schema.StringAttribute{Computed: true, MarkdownDescription: "`neutralises` (public requests are not served) or `rejects_write` (S3 refuses to store the public policy or ACL; one already stored stays in force)."},
					"detail":  schema.StringAttribute{Computed: true, MarkdownDescription: "What the setting does here."},
				}},
			},
			"cross_account_principals": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Principals of other accounts that Allow statements name, and accounts or canonical users (`canonical:<id>`) the ACL grants while ACLs are enabled. Policy grants are left out when `restrict_public_buckets` applies to a public policy."},
			"public_actions":           schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "What the public can do once Block Public Access is applied: public statements' actions as written and ACL permissions as actions. Empty when not public."},
		},
	}
}

func (d *bucketExposureDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m bucketExposureModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	in := lint.ExposureInput{
		Bucket:          m.Bucket.ValueString(),
		BucketAccountID: m.BucketAccountID.ValueString(),
		BucketPolicy:    m.BucketPolicy.ValueString(),
		BPA:             m.BlockPublicAccess.engine(),
		AccountBPA:      m.AccountBlockPublicAccess.engine(),
		ObjectOwnership: m.ObjectOwnership.ValueString(),
	}
	if m.BucketACL != nil {
		in.BucketACL = &lint.ACL{Canned: m.BucketACL.Canned.ValueString()}
		for _, g := range m.BucketACL.Grants {
			in.BucketACL.Grants = append(in.BucketACL.Grants, s3model.Grant{Grantee: g.Grantee.ValueString(), Permission: g.Permission.ValueString()})
		}
	}
	if m.Live.ValueBool() && !fillExposureLive(ctx, d.data, &m, &in, &resp.Diagnostics) {
		return
	}
	ex, err := lint.BucketExposure(in)
	if err != nil {
		var ee *lint.ExposureError
		if errors.As(err, &ee) {
			resp.Diagnostics.AddAttributeError(exposurePath(ee.Field), "Invalid "+ee.Field, err.Error())
			return
		}
		resp.Diagnostics.AddError("Cannot classify the bucket", err.Error())
		return
	}
	m.IsPublic = types.BoolValue(ex.IsPublic)
	m.PolicyIsPublic = types.BoolValue(ex.PolicyPublic)
	m.ACLIsPublic = types.BoolValue(ex.ACLPublic)
	m.PublicStatements = []exposureStatementModel{}
	for _, s := range ex.PublicStatements {
		m.PublicStatements = append(m.PublicStatements, exposureStatementModel{
			StatementIndex: types.Int64Value(int64(s.Index)), Sid: types.StringValue(s.Sid), Reason: types.StringValue(s.Reason), Actions: stringValues(s.Actions),
		})
	}
	m.PublicACLGrants = []grantModel{}
	for _, g := range ex.PublicACLGrants {
		m.PublicACLGrants = append(m.PublicACLGrants, grantModel{Grantee: types.StringValue(g.Grantee), Permission: types.StringValue(g.Permission)})
	}
	m.BlockedBy = []blockModel{}
	for _, b := range ex.BlockedBy {
		m.BlockedBy = append(m.BlockedBy, blockModel{Setting: types.StringValue(b.Setting), Level: types.StringValue(b.Level), Effect: types.StringValue(b.Effect), Detail: types.StringValue(b.Detail)})
	}
	m.CrossAccountPrincipals = nonNilStrings(ex.CrossAccountPrincipals)
	m.PublicActions = nonNilStrings(ex.PublicActions)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func nonNilStrings(l []string) []types.String {
	out := []types.String{}
	for _, s := range l {
		out = append(out, types.StringValue(s))
	}
	return out
}

// exposurePath maps an ExposureError field ("bucket_acl.grants[2]") to its attribute path.
func exposurePath(field string) path.Path {
	root, rest, _ := strings.Cut(field, ".")
	p := path.Root(root)
	if rest == "" {
		return p
	}
	name, idx, hasIdx := strings.Cut(strings.TrimSuffix(rest, "]"), "[")
	p = p.AtName(name)
	if hasIdx {
		n := 0
		for _, c := range idx {
			n = n*10 + int(c-'0')
		}
		p = p.AtListIndex(n)
	}
	return p
}
