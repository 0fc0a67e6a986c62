package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/s3access/terraform-provider-s3access/internal/fix"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

var (
	_ resource.Resource                   = (*publicReadResource)(nil)
	_ resource.ResourceWithConfigure      = (*publicReadResource)(nil)
	_ resource.ResourceWithImportState    = (*publicReadResource)(nil)
	_ resource.ResourceWithValidateConfig = (*publicReadResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*publicReadResource)(nil)
)

// NewPublicReadResource returns the s3access_public_read resource.
func NewPublicReadResource() resource.Resource {
	return &publicReadResource{fixResourceBase{typeSuffix: "_public_read"}}
}

type publicReadResource struct{ fixResourceBase }

type publicReadModel struct {
	ID                           types.String `tfsdk:"id"`
	Bucket                       types.String `tfsdk:"bucket"`
	Prefixes                     types.List   `tfsdk:"prefixes"`
	Sid                          types.String `tfsdk:"sid"`
	ChangedBlockPublicPolicy     types.Bool   `tfsdk:"changed_block_public_policy"`
	ChangedRestrictPublicBuckets types.Bool   `tfsdk:"changed_restrict_public_buckets"`
}

func (r *publicReadResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Makes objects of a bucket readable by anyone: a bucket-policy statement granting anonymous " +
			"`s3:GetObject` on the whole bucket or on the given `prefixes`, and **nothing else** (never listing, never " +
			"writes).\n\nBucket-level Block Public Access is changed only as far as needed: `block_public_policy` and " +
			"`restrict_public_buckets` are turned off only if they are on, `block_public_acls` and `ignore_public_acls` " +
			"stay as they are. What was changed is recorded in state and restored on destroy. The settings are lifted " +
			"first and the policy written after, so S3 never sees a public policy while Block Public Access still blocks " +
			"it (a transient `OperationAborted` is retried a bounded number of times).\n\nThe plan fails with a clear " +
			"error when the account-level Block Public Access forbids public bucket policies. After apply, the decision " +
			"engine re-checks the bucket as read back: an anonymous read must be allowed and anonymous writes, deletes " +
			"and listing denied, or the apply fails with the explanation.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The bucket name, also the import ID (`<bucket>` or `<bucket>/<sid>`).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"bucket": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the bucket to open for anonymous reads. Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"prefixes": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Key prefixes to publish, e.g. `[\"public/\", \"assets/\"]` (literal: no `*`, `?` or " +
					"policy variables). Default: the whole bucket.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"sid": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(fix.DefaultPublicReadSid),
				MarkdownDescription: "Sid of the statement in the bucket policy. Default `" + fix.DefaultPublicReadSid + "`. " +
					"Changing it replaces the resource.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"changed_block_public_policy": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether this resource turned the bucket's `block_public_policy` off (restored on destroy).",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"changed_restrict_public_buckets": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether this resource turned the bucket's `restrict_public_buckets` off (restored on destroy).",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (m *publicReadModel) prefixes(ctx context.Context) ([]string, error) {
	if m.Prefixes.IsNull() {
		return nil, nil
	}
	var out []string
	if d := m.Prefixes.ElementsAs(ctx, &out, false); d.HasError() {
		return nil, fmt.Errorf("prefixes: %v", d)
	}
	return out, nil
}

func (r *publicReadResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m publicReadModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Bucket.IsUnknown() || m.Prefixes.IsUnknown() || m.Sid.IsUnknown() {
		return
	}
	prefixes, err := m.prefixes(ctx)
	if err != nil {
		return // an unknown element: checked at apply
	}
	sid := m.Sid.ValueString()
	if _, err := fix.PublicReadStatement(m.Bucket.ValueString(), "", sid, prefixes); err != nil {
		addFixError(&resp.Diagnostics, "Public read refused", err)
	}
}

// accountBPA reads the caller's account id and its account-level BPA.
func accountBPA(ctx context.Context, be *awsBackend) (string, *s3model.BPASettings, error) {
	acct, _, err := be.r.CallerAccount(ctx)
	if err != nil {
		return "", nil, fmt.Errorf("cannot tell the account whose Block Public Access applies: %w", err)
	}
	b, _, err := be.r.AccountPublicAccessBlock(ctx, acct)
	if err != nil {
		return acct, nil, fmt.Errorf("cannot read the account-level Block Public Access of %s, so it is unknown whether S3 would accept a public policy: %w", acct, err)
	}
	return acct, b, nil
}

// ModifyPlan refuses, at plan time, a public read that the account-level
// Block Public Access forbids.
func (r *publicReadResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var m publicReadModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Bucket.IsUnknown() || m.Prefixes.IsUnknown() || len(r.data.UnknownAttributes) > 0 {
		return
	}
	be := r.backend(&resp.Diagnostics)
	if be == nil {
		return
	}
	acct, abpa, err := accountBPA(ctx, be)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("bucket"), "Public read cannot be planned", err.Error())
		return
	}
	prefixes, _ := m.prefixes(ctx)
	if _, err := fix.PlanPublicRead(fix.PublicReadInput{Bucket: m.Bucket.ValueString(), Sid: m.Sid.ValueString(), Prefixes: prefixes, AccountBPA: abpa, AccountID: acct}); err != nil {
		addFixError(&resp.Diagnostics, "Public read refused", err)
	}
}

// bpaSettle bounds the wait until a BPA change reads back (S3 applies it eventually).
var bpaSettle = 5 * time.Second

func (r *publicReadResource) apply(ctx context.Context, m *publicReadModel, create bool) (verifyErr error, err error) {
	be, err := backendFor(r.data)
	if err != nil {
		return nil, err
	}
	bucket := m.Bucket.ValueString()
	prefixes, err := m.prefixes(ctx)
	if err != nil {
		return nil, err
	}
	defer lockTarget("s3:" + bucket)()
	acct, abpa, err := accountBPA(ctx, be)
	if err != nil {
		return nil, err
	}
	bb, _, err := be.r.BucketPublicAccessBlock(ctx, bucket)
	if err != nil {
		return nil, err
	}
	plan, err := fix.PlanPublicRead(fix.PublicReadInput{Bucket: bucket, Sid: m.Sid.ValueString(), Prefixes: prefixes, BucketBPA: bb, AccountBPA: abpa, AccountID: acct})
	if err != nil {
		return nil, err
	}
	if create {
		m.ChangedBlockPublicPolicy = types.BoolValue(plan.LiftBlockPublicPolicy)
		m.ChangedRestrictPublicBuckets = types.BoolValue(plan.LiftRestrictPublicBuckets)
	} else {
		// Keep what an earlier apply changed; add what this one changes.
		m.ChangedBlockPublicPolicy = types.BoolValue(m.ChangedBlockPublicPolicy.ValueBool() || plan.LiftBlockPublicPolicy)
		m.ChangedRestrictPublicBuckets = types.BoolValue(m.ChangedRestrictPublicBuckets.ValueBool() || plan.LiftRestrictPublicBuckets)
	}
	// 1. Lift the bucket-level settings and wait until they read back lifted.
	if plan.NewBucketBPA != nil {
		if err := retryWrite(ctx, func() error { return be.w.PutBucketPublicAccessBlock(ctx, bucket, *plan.NewBucketBPA) }, nil); err != nil {
			return nil, err
		}
		deadline := time.Now().Add(bpaSettle)
		for {
			got, _, err := be.r.BucketPublicAccessBlock(ctx, bucket)
			if err != nil {
				return nil, err
			}
			if got == nil || (!got.BlockPublicPolicy && !got.RestrictPublicBuckets) {
				break
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("bucket %s: Block Public Access still reads block_public_policy=%v restrict_public_buckets=%v after it was lifted", bucket, got.BlockPublicPolicy, got.RestrictPublicBuckets)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// 2. The statement. S3 may still refuse it for a moment after the BPA
	// change (OperationAborted, or AccessDenied naming BlockPublicPolicy): retried.
	st := plan.Statement
	after, err := updateBucketPolicy(ctx, be, bucket, func(cur *string) (string, bool, bool, error) {
		put, err := fix.PlanPut(cur, policy.KindBucket, st)
		return put.Doc, false, put.Changed, err
	}, func(_, after *string) error {
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
		return nil, err
	}
	m.ID = types.StringValue(bucket)
	// 3. Re-check with the engine on what reads back.
	return verifyBucket(ctx, be, bucket, acct, after, abpa, prefixes), nil
}

// verifyBucket reads the layers back and runs fix.VerifyPublicRead.
func verifyBucket(ctx context.Context, be *awsBackend, bucket, acct string, pol *string, abpa *s3model.BPASettings, prefixes []string) error {
	bb, _, err := be.r.BucketPublicAccessBlock(ctx, bucket)
	if err != nil {
		return fmt.Errorf("re-check: %w", err)
	}
	own, _, err := be.r.OwnershipControls(ctx, bucket)
	if err != nil {
		return fmt.Errorf("re-check: %w", err)
	}
	state := fix.BucketState{Bucket: bucket, AccountID: acct, Policy: pol, BucketBPA: bb, AccountBPA: abpa, Ownership: own}
	if own != string(s3model.BucketOwnerEnforced) {
		// ACLs are evaluated: the engine needs the bucket ACL (grants to the owner itself do not matter here).
		a, _, err := be.r.BucketACL(ctx, bucket)
		if err != nil {
			return fmt.Errorf("re-check: ACLs are enabled on bucket %s but its ACL cannot be read: %w", bucket, err)
		}
		acl := &s3authz.ACL{}
		for _, g := range a.Grants {
			if g.Grantee != a.Owner {
				acl.Grants = append(acl.Grants, g)
			}
		}
		state.ACL = acl
	}
	return fix.VerifyPublicRead(state, prefixes)
}

func (r *publicReadResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m publicReadModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	verr, err := r.apply(ctx, &m, true)
	if err != nil {
		addFixError(&resp.Diagnostics, "Cannot make the bucket publicly readable", err)
		if !m.ChangedBlockPublicPolicy.IsUnknown() { // something may have been changed: keep the record for destroy
			m.ID = m.Bucket
			resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		}
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	if verr != nil {
		resp.Diagnostics.AddError("Public read does not verify", verr.Error())
	}
}

func (r *publicReadResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m, prior publicReadModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ChangedBlockPublicPolicy, m.ChangedRestrictPublicBuckets = prior.ChangedBlockPublicPolicy, prior.ChangedRestrictPublicBuckets
	verr, err := r.apply(ctx, &m, false)
	if err != nil {
		addFixError(&resp.Diagnostics, "Cannot update the public read", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	if verr != nil {
		resp.Diagnostics.AddError("Public read does not verify", verr.Error())
	}
}

func (r *publicReadResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m publicReadModel
	be := r.stateBackend(ctx, req.State, &m, &resp.Diagnostics)
	if be == nil {
		return
	}
	bucket := m.Bucket.ValueString()
	cur, _, err := be.r.BucketPolicy(ctx, bucket)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the bucket policy", err.Error())
		return
	}
	st, err := fix.FindStatement(cur, policy.KindBucket, m.Sid.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the bucket policy", err.Error())
		return
	}
	// Drift is shown as a change of prefixes to a marker value, so that the
	// plan updates the resource in place and the record of what this resource
	// lifted (restored on destroy) is kept; re-creating would lose it.
	drift := func(why string) {
		lv, d := types.ListValueFrom(ctx, types.StringType, []string{why})
		resp.Diagnostics.Append(d...)
		m.Prefixes = lv
	}
	var prefixes []string
	ok := st != nil
	if ok {
		prefixes, ok = fix.PublicReadPrefixes(*st, bucket, "")
	}
	switch {
	case st == nil:
		drift("<statement " + m.Sid.ValueString() + " removed outside Terraform>")
	case !ok:
		drift("<statement " + m.Sid.ValueString() + " changed outside Terraform>")
	case len(prefixes) == 0:
		m.Prefixes = types.ListNull(types.StringType)
	default:
		var old []string
		_ = m.Prefixes.ElementsAs(ctx, &old, false)
		if !sameSet(old, prefixes) {
			lv, d := types.ListValueFrom(ctx, types.StringType, prefixes)
			resp.Diagnostics.Append(d...)
			m.Prefixes = lv
		}
	}
	bb, _, err := be.r.BucketPublicAccessBlock(ctx, bucket)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the bucket's Block Public Access", err.Error())
		return
	}
	if bb != nil && bb.RestrictPublicBuckets && st != nil && ok {
		// Turned back on outside Terraform: anonymous reads are refused again.
		drift("<restrict_public_buckets turned back on outside Terraform>")
	}
	if m.ChangedBlockPublicPolicy.IsNull() || m.ChangedBlockPublicPolicy.IsUnknown() {
		m.ChangedBlockPublicPolicy = types.BoolValue(false)
	}
	if m.ChangedRestrictPublicBuckets.IsNull() || m.ChangedRestrictPublicBuckets.IsUnknown() {
		m.ChangedRestrictPublicBuckets = types.BoolValue(false)
	}
	m.ID = types.StringValue(bucket)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		if seen[s] == 0 {
			return false
		}
		seen[s]--
	}
	return true
}

func (r *publicReadResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m publicReadModel
	be := r.stateBackend(ctx, req.State, &m, &resp.Diagnostics)
	if be == nil {
		return
	}
	bucket, sid := m.Bucket.ValueString(), m.Sid.ValueString()
	defer lockTarget("s3:" + bucket)()
	// 1. The statement goes first: the restored settings then never meet a public policy of ours.
	_, err := updateBucketPolicy(ctx, be, bucket, func(cur *string) (string, bool, bool, error) {
		rm, err := fix.PlanRemove(cur, policy.KindBucket, sid)
		return rm.Doc, rm.Delete, rm.Changed, err
	}, func(_, after *string) error {
		if got, err := fix.FindStatement(after, policy.KindBucket, sid); err != nil {
			return err
		} else if got != nil {
			return errLostUpdate
		}
		return nil
	})
	if err != nil {
		addFixError(&resp.Diagnostics, "Cannot remove the public read statement", err)
		return
	}
	// 2. Restore what was lifted.
	bb, _, err := be.r.BucketPublicAccessBlock(ctx, bucket)
	if err != nil {
		resp.Diagnostics.AddError("Cannot restore Block Public Access", err.Error())
		return
	}
	if nb := fix.RestoreBPA(bb, m.ChangedBlockPublicPolicy.ValueBool(), m.ChangedRestrictPublicBuckets.ValueBool()); nb != nil {
		if err := retryWrite(ctx, func() error { return be.w.PutBucketPublicAccessBlock(ctx, bucket, *nb) }, nil); err != nil {
			resp.Diagnostics.AddError("Cannot restore Block Public Access", err.Error())
		}
	}
}

func (r *publicReadResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	bucket, sid, hasSid := strings.Cut(req.ID, "/")
	if bucket == "" || (hasSid && sid == "") {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%q: expected <bucket> or <bucket>/<sid>", req.ID))
		return
	}
	if !hasSid {
		sid = fix.DefaultPublicReadSid
	}
	setImported(ctx, resp, importAttr{"id", bucket}, importAttr{"bucket", bucket}, importAttr{"sid", sid},
		// Imported: nothing was changed by this resource, so nothing is restored on destroy.
		importAttr{"changed_block_public_policy", false}, importAttr{"changed_restrict_public_buckets", false})
}
