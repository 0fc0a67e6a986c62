package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/s3access/terraform-provider-s3access/internal/fix"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

var (
	_ resource.Resource                   = (*bucketPolicyStatementResource)(nil)
	_ resource.ResourceWithConfigure      = (*bucketPolicyStatementResource)(nil)
	_ resource.ResourceWithImportState    = (*bucketPolicyStatementResource)(nil)
	_ resource.ResourceWithValidateConfig = (*bucketPolicyStatementResource)(nil)
)

// NewBucketPolicyStatementResource returns the s3access_bucket_policy_statement resource.
func NewBucketPolicyStatementResource() resource.Resource {
	return &bucketPolicyStatementResource{fixResourceBase{typeSuffix: "_bucket_policy_statement"}}
}

type bucketPolicyStatementResource struct{ fixResourceBase }

type bucketPolicyStatementModel struct {
	ID          types.String       `tfsdk:"id"`
	Bucket      types.String       `tfsdk:"bucket"`
	Sid         types.String       `tfsdk:"sid"`
	Statement   statementJSONValue `tfsdk:"statement"`
	AllowPublic types.Bool         `tfsdk:"allow_public"`
}

func (r *bucketPolicyStatementResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages **one statement**, identified by its `sid`, inside an S3 bucket policy. Creating or " +
			"updating merges the statement into whatever policy the bucket has and keeps every other statement; destroying " +
			"removes only this statement, and deletes the policy when it was the last one. Refresh detects drift of this " +
			"statement only, compared semantically (key order, string-versus-list forms and action case never cause a " +
			"diff).\n\nAt plan time the statement must parse as a bucket-policy statement, name only resources of the " +
			"bucket, and must not make the bucket public (AWS's definition, as used by Block Public Access) unless " +
			"`allow_public = true`. Several of these resources may target one bucket: writes to one bucket are " +
			"serialised inside the provider, and the policy is read back after each write so that a concurrent writer's " +
			"lost update is detected and retried.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<bucket>/<sid>`, also the import ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"bucket": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the bucket whose policy holds the statement. Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"sid": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Sid of the statement: how it is found in the policy. If `statement` carries a `Sid`, " +
					"it must be the same. Changing it replaces the resource.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"statement": schema.StringAttribute{
				Required:   true,
				CustomType: statementJSONType{},
				MarkdownDescription: "JSON of one policy statement (an object with `Effect`, `Principal`, `Action`, " +
					"`Resource` and optionally `Condition`), e.g. from `jsonencode({...})`. Resources must be the bucket " +
					"ARN or object ARNs inside it; `NotResource` is refused.",
			},
			"allow_public": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Accept a statement that makes the bucket public (for example `Principal = \"*\"` " +
					"without a condition that pins the caller). Default `false`: such a statement is refused at plan time.",
			},
		},
	}
}

func (m *bucketPolicyStatementModel) input() fix.BucketStatementInput {
	return fix.BucketStatementInput{Bucket: m.Bucket.ValueString(), Sid: m.Sid.ValueString(), Statement: m.Statement.ValueString(), AllowPublic: m.AllowPublic.ValueBool()}
}

func (r *bucketPolicyStatementResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m bucketPolicyStatementModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Bucket.IsUnknown() || m.Sid.IsUnknown() || m.Statement.IsUnknown() || m.AllowPublic.IsUnknown() {
		return
	}
	if _, err := fix.ValidateBucketStatement(m.input()); err != nil {
		addFixError(&resp.Diagnostics, "Statement refused", err)
	}
}

// apply merges the statement; create refuses to take over a different
// statement that already has the Sid.
func (r *bucketPolicyStatementResource) apply(ctx context.Context, m *bucketPolicyStatementModel, create bool) error {
	st, err := fix.ValidateBucketStatement(m.input())
	if err != nil {
		return err
	}
	be, err := backendFor(r.data)
	if err != nil {
		return err
	}
	bucket := m.Bucket.ValueString()
	defer lockTarget("s3:" + bucket)()
	_, err = updateBucketPolicy(ctx, be, bucket, func(cur *string) (string, bool, bool, error) {
		if create {
			if ex, err := fix.FindStatement(cur, policy.KindBucket, st.Sid); err != nil {
				return "", false, false, err
			} else if ex != nil && !fix.SameStatement(*ex, st) {
				return "", false, false, &fix.Error{Field: "sid", Msg: fmt.Sprintf("bucket %s already has a different statement with Sid %q; it is not managed by this resource. Import it (terraform import <address> %s/%s) or choose another sid", bucket, st.Sid, bucket, st.Sid)}
			}
		}
		put, err := fix.PlanPut(cur, policy.KindBucket, st)
		return put.Doc, false, put.Changed, err
	}, func(before, after *string) error {
		got, err := fix.FindStatement(after, policy.KindBucket, st.Sid)
		if err != nil {
			return err
		}
		if got == nil || !fix.SameStatement(*got, st) {
			return errLostUpdate
		}
		return nil
	})
	if err != nil {
		return err
	}
	m.ID = types.StringValue(bucket + "/" + st.Sid)
	return nil
}

func (r *bucketPolicyStatementResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	applyPlan(ctx, req.Plan, &resp.State, &resp.Diagnostics, "Cannot add the bucket policy statement", func(m *bucketPolicyStatementModel) error { return r.apply(ctx, m, true) })
}

func (r *bucketPolicyStatementResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	applyPlan(ctx, req.Plan, &resp.State, &resp.Diagnostics, "Cannot update the bucket policy statement", func(m *bucketPolicyStatementModel) error { return r.apply(ctx, m, false) })
}

func (r *bucketPolicyStatementResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m bucketPolicyStatementModel
	be := r.stateBackend(ctx, req.State, &m, &resp.Diagnostics)
	if be == nil {
		return
	}
	cur, _, err := be.r.BucketPolicy(ctx, m.Bucket.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the bucket policy", err.Error())
		return
	}
	got, err := fix.FindStatement(cur, policy.KindBucket, m.Sid.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the bucket policy", err.Error())
		return
	}
	if got == nil {
		resp.State.RemoveResource(ctx) // removed outside Terraform: plan re-creates it
		return
	}
	js, err := fix.StatementJSON(*got)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the bucket policy", err.Error())
		return
	}
	// Semantic equality keeps the configured spelling when nothing changed.
	m.Statement = newStatementJSON(js)
	if m.AllowPublic.IsNull() || m.AllowPublic.IsUnknown() { // after import
		m.AllowPublic = types.BoolValue(fix.StatementPublic(*got) != "")
	}
	m.ID = types.StringValue(m.Bucket.ValueString() + "/" + m.Sid.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *bucketPolicyStatementResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m bucketPolicyStatementModel
	be := r.stateBackend(ctx, req.State, &m, &resp.Diagnostics)
	if be == nil {
		return
	}
	bucket, sid := m.Bucket.ValueString(), m.Sid.ValueString()
	defer lockTarget("s3:" + bucket)()
	_, err := updateBucketPolicy(ctx, be, bucket, func(cur *string) (string, bool, bool, error) {
		rm, err := fix.PlanRemove(cur, policy.KindBucket, sid)
		return rm.Doc, rm.Delete, rm.Changed, err
	}, func(_, after *string) error {
		got, err := fix.FindStatement(after, policy.KindBucket, sid)
		if err != nil {
			return err
		}
		if got != nil {
			return errLostUpdate
		}
		return nil
	})
	if err != nil {
		addFixError(&resp.Diagnostics, "Cannot remove the bucket policy statement", err)
	}
}

func (r *bucketPolicyStatementResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	bucket, sid, ok := strings.Cut(req.ID, "/")
	if !ok || bucket == "" || sid == "" {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%q: expected <bucket>/<sid>", req.ID))
		return
	}
	setImported(ctx, resp, importAttr{"id", req.ID}, importAttr{"bucket", bucket}, importAttr{"sid", sid})
}
