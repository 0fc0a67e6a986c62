package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/s3access/terraform-provider-s3access/internal/fix"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

var (
	_ resource.Resource                   = (*kmsKeyAccessResource)(nil)
	_ resource.ResourceWithConfigure      = (*kmsKeyAccessResource)(nil)
	_ resource.ResourceWithImportState    = (*kmsKeyAccessResource)(nil)
	_ resource.ResourceWithValidateConfig = (*kmsKeyAccessResource)(nil)
)

// NewKMSKeyAccessResource returns the s3access_kms_key_access resource.
func NewKMSKeyAccessResource() resource.Resource {
	return &kmsKeyAccessResource{fixResourceBase{typeSuffix: "_kms_key_access"}}
}

type kmsKeyAccessResource struct{ fixResourceBase }

type kmsKeyAccessModel struct {
	ID               types.String `tfsdk:"id"`
	KeyARN           types.String `tfsdk:"key_arn"`
	Principal        types.String `tfsdk:"principal"`
	Bucket           types.String `tfsdk:"bucket"`
	Access           types.String `tfsdk:"access"`
	Region           types.String `tfsdk:"region"`
	BucketKeyEnabled types.Bool   `tfsdk:"bucket_key_enabled"`
	Sid              types.String `tfsdk:"sid"`
}

// driftMarker is put into access when the statement was changed outside Terraform.
const driftMarker = "<changed outside Terraform>"

func (r *kmsKeyAccessResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Grants a principal what Amazon S3 needs from an SSE-KMS key, as one Sid-keyed statement in " +
			"the key policy: `access = \"read\"` allows `kms:Decrypt`; `\"write\"` allows `kms:GenerateDataKey` and " +
			"`kms:Decrypt` (multipart uploads need both). The statement is usable only through S3 in the bucket's " +
			"region (`kms:ViaService = s3.<region>.amazonaws.com`) and only for the bucket " +
			"(`kms:EncryptionContext:aws:s3:arn` is the bucket's objects, plus the bucket ARN itself when S3 Bucket " +
			"Keys are enabled).\n\nEvery other statement of the key policy is kept. A change that would leave the key " +
			"without an administrator (nobody allowed `kms:PutKeyPolicy`) is refused. The principal still needs an " +
			"IAM policy allowing the KMS actions when it is in another account than the key.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<key_arn>/<sid>`, also the import ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"key_arn": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ARN of the KMS key (`arn:aws:kms:<region>:<account>:key/<id>`; not an alias). Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"principal": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "IAM principal ARN (role, user, account root) or 12-digit account id to grant.",
			},
			"bucket": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Bucket whose objects the key protects; the statement is limited to it.",
			},
			"access": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "`read` (`kms:Decrypt`) or `write` (`kms:GenerateDataKey` and `kms:Decrypt`).",
				Validators:          []validator.String{stringvalidator.OneOf(fix.AccessRead, fix.AccessWrite)},
			},
			"region": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "The bucket's region; it must be the key's region. Default: the key's region.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"bucket_key_enabled": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Whether the bucket uses S3 Bucket Keys: the encryption context is then the bucket " +
					"ARN, which the statement allows besides the object ARNs. Default `false`.",
			},
			"sid": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Sid of the key-policy statement. Default `" + fix.DefaultKeyAccessSidPrefix + " <bucket> <access>`. Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
		},
	}
}

func (m *kmsKeyAccessModel) input() fix.KeyAccessInput {
	return fix.KeyAccessInput{KeyARN: m.KeyARN.ValueString(), Principal: m.Principal.ValueString(), Bucket: m.Bucket.ValueString(),
		Access: m.Access.ValueString(), Region: m.Region.ValueString(), BucketKeyEnabled: m.BucketKeyEnabled.ValueBool(), Sid: m.Sid.ValueString()}
}

func (r *kmsKeyAccessResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m kmsKeyAccessModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, v := range []types.String{m.KeyARN, m.Principal, m.Bucket, m.Access, m.Region, m.Sid} {
		if v.IsUnknown() {
			return
		}
	}
	if m.BucketKeyEnabled.IsUnknown() {
		return
	}
	if _, _, err := fix.KeyAccessStatement(m.input()); err != nil {
		addFixError(&resp.Diagnostics, "Key access refused", err)
	}
}

func (r *kmsKeyAccessResource) apply(ctx context.Context, m *kmsKeyAccessModel, create bool) error {
	be, err := backendFor(r.data)
	if err != nil {
		return err
	}
	st, k, err := fix.KeyAccessStatement(m.input())
	if err != nil {
		return err
	}
	keyARN := m.KeyARN.ValueString()
	defer lockTarget("kms:" + keyARN)()
	err = retryWrite(ctx, func() error {
		cur, _, err := be.r.KeyPolicy(ctx, keyARN)
		if err != nil {
			return err
		}
		doc := ""
		if cur != nil {
			doc = *cur
		}
		if create {
			if ex, err := fix.FindStatement(&doc, policy.KindKey, st.Sid); err != nil {
				return err
			} else if ex != nil && !fix.SameStatement(*ex, st) {
				return &fix.Error{Field: "sid", Msg: fmt.Sprintf("the key policy already has a different statement with Sid %q; it is not managed by this resource. Import it (%s/%s) or choose another sid", st.Sid, keyARN, st.Sid)}
			}
		}
		put, err := fix.KeyPolicyPut(doc, st, k)
		if err != nil {
			return err
		}
		if put.Changed {
			if err := be.w.PutKeyPolicy(ctx, keyARN, put.Doc); err != nil {
				return err
			}
		}
		after, _, err := be.r.KeyPolicy(ctx, keyARN)
		if err != nil {
			return err
		}
		got, err := fix.FindStatement(after, policy.KindKey, st.Sid)
		if err != nil {
			return err
		}
		if got == nil || !fix.SameStatement(*got, st) {
			return errLostUpdate
		}
		return nil
	}, func(err error) bool { return err == errLostUpdate })
	if err != nil {
		return err
	}
	m.Sid = types.StringValue(st.Sid)
	if m.Region.IsNull() || m.Region.IsUnknown() || m.Region.ValueString() == "" {
		m.Region = types.StringValue(k.Region)
	}
	m.ID = types.StringValue(keyARN + "/" + st.Sid)
	return nil
}

func (r *kmsKeyAccessResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	applyPlan(ctx, req.Plan, &resp.State, &resp.Diagnostics, "Cannot grant key access", func(m *kmsKeyAccessModel) error { return r.apply(ctx, m, true) })
}

func (r *kmsKeyAccessResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	applyPlan(ctx, req.Plan, &resp.State, &resp.Diagnostics, "Cannot update key access", func(m *kmsKeyAccessModel) error { return r.apply(ctx, m, false) })
}

func (r *kmsKeyAccessResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m kmsKeyAccessModel
	be := r.stateBackend(ctx, req.State, &m, &resp.Diagnostics)
	if be == nil {
		return
	}
	keyARN := m.KeyARN.ValueString()
	cur, _, err := be.r.KeyPolicy(ctx, keyARN)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the key policy", err.Error())
		return
	}
	got, err := fix.FindStatement(cur, policy.KindKey, m.Sid.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the key policy", err.Error())
		return
	}
	if got == nil {
		resp.State.RemoveResource(ctx)
		return
	}
	in, ok := fix.KeyAccessFromStatement(*got, keyARN)
	switch {
	case ok:
		m.Principal, m.Bucket, m.Access = types.StringValue(in.Principal), types.StringValue(in.Bucket), types.StringValue(in.Access)
		m.Region, m.BucketKeyEnabled = types.StringValue(in.Region), types.BoolValue(in.BucketKeyEnabled)
	case m.Access.IsNull():
		resp.Diagnostics.AddError("Cannot import the key access", fmt.Sprintf("statement %q of the key policy does not have the shape this resource manages (one AWS principal; kms:Decrypt, or kms:Decrypt and kms:GenerateDataKey; kms:ViaService and the bucket's encryption context)", m.Sid.ValueString()))
		return
	default:
		m.Access = types.StringValue(driftMarker) // the plan rewrites the statement
	}
	m.ID = types.StringValue(keyARN + "/" + m.Sid.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *kmsKeyAccessResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m kmsKeyAccessModel
	be := r.stateBackend(ctx, req.State, &m, &resp.Diagnostics)
	if be == nil {
		return
	}
	keyARN, sid := m.KeyARN.ValueString(), m.Sid.ValueString()
	k, err := s3model.ParseKMSKeyARN(keyARN)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("key_arn"), "Invalid key ARN", err.Error())
		return
	}
	defer lockTarget("kms:" + keyARN)()
	err = retryWrite(ctx, func() error {
		cur, _, err := be.r.KeyPolicy(ctx, keyARN)
		if err != nil {
			return err
		}
		if cur == nil {
			return nil
		}
		rm, err := fix.KeyPolicyRemove(*cur, sid, k)
		if err != nil || !rm.Changed {
			return err
		}
		if err := be.w.PutKeyPolicy(ctx, keyARN, rm.Doc); err != nil {
			return err
		}
		after, _, err := be.r.KeyPolicy(ctx, keyARN)
		if err != nil {
			return err
		}
		if got, err := fix.FindStatement(after, policy.KindKey, sid); err != nil {
			return err
		} else if got != nil {
			return errLostUpdate
		}
		return nil
	}, func(err error) bool { return err == errLostUpdate })
	if err != nil {
		addFixError(&resp.Diagnostics, "Cannot remove key access", err)
	}
}

// ImportState accepts <key_arn>/<sid>: the key ARN ends at the first "/"
// after "key/"; the rest is the Sid.
func (r *kmsKeyAccessResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	i := strings.Index(req.ID, ":key/")
	j := -1
	if i >= 0 {
		j = strings.Index(req.ID[i+5:], "/")
	}
	if i < 0 || j <= 0 || i+5+j+1 >= len(req.ID) {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%q: expected <key_arn>/<sid>, e.g. arn:aws:kms:eu-west-1:123456789012:key/1234abcd-.../S3AccessKeyAccess data read", req.ID))
		return
	}
	keyARN, sid := req.ID[:i+5+j], req.ID[i+5+j+1:]
	setImported(ctx, resp, importAttr{"id", req.ID}, importAttr{"key_arn", keyARN}, importAttr{"sid", sid})
}
