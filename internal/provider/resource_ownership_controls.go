package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/s3access/terraform-provider-s3access/internal/awsread"
	"github.com/s3access/terraform-provider-s3access/internal/fix"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

var (
	_ resource.Resource                = (*ownershipControlsResource)(nil)
	_ resource.ResourceWithConfigure   = (*ownershipControlsResource)(nil)
	_ resource.ResourceWithImportState = (*ownershipControlsResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*ownershipControlsResource)(nil)
)

// NewOwnershipControlsResource returns the s3access_ownership_controls resource.
func NewOwnershipControlsResource() resource.Resource {
	return &ownershipControlsResource{fixResourceBase{typeSuffix: "_ownership_controls"}}
}

type ownershipControlsResource struct{ fixResourceBase }

type ownershipControlsModel struct {
	ID                      types.String `tfsdk:"id"`
	Bucket                  types.String `tfsdk:"bucket"`
	ObjectOwnership         types.String `tfsdk:"object_ownership"`
	MigrateACLGrants        types.Bool   `tfsdk:"migrate_acl_grants"`
	PreviousObjectOwnership types.String `tfsdk:"previous_object_ownership"`
	MigratedSids            types.List   `tfsdk:"migrated_sids"`
	PreviousACLGrants       types.List   `tfsdk:"previous_acl_grants"`
}

// noOwnershipControls is previous_object_ownership when the bucket had none.
const noOwnershipControls = "none"

func (r *ownershipControlsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Sets S3 Object Ownership on a bucket: `BucketOwnerEnforced` (the default: ACLs disabled, " +
			"the bucket owner owns every object) or `BucketOwnerPreferred`.\n\nWith `BucketOwnerEnforced`, ACLs stop " +
			"being evaluated. If the bucket ACL grants anyone but the owner, the plan fails with the list of grants and " +
			"what each one allows today. With `migrate_acl_grants = true` the resource first writes equivalent " +
			"bucket-policy statements (Sids starting `" + fix.DefaultMigrationSidPrefix + "`; per grantee, the " +
			"bucket-level actions on the bucket and `s3:PutObject` for `WRITE`; `LogDelivery` becomes the " +
			"`logging.s3.amazonaws.com` service principal). Public grants (`AllUsers`, `AuthenticatedUsers`) are never " +
			"migrated. Only the bucket ACL is examined: grants in object ACLs are disabled too.\n\nThe previous setting " +
			"is recorded and restored on destroy; the bucket ACL grants removed for the migration are put back and the " +
			"migrated statements removed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The bucket name, also the import ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"bucket": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Name of the bucket. Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"object_ownership": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(string(s3model.BucketOwnerEnforced)),
				MarkdownDescription: "`BucketOwnerEnforced` (default) or `BucketOwnerPreferred`.",
				Validators:          []validator.String{stringvalidator.OneOf(string(s3model.BucketOwnerEnforced), string(s3model.BucketOwnerPreferred))},
			},
			"migrate_acl_grants": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Before disabling ACLs, write bucket-policy statements equivalent to the bucket ACL's " +
					"non-public grants to others. Default `false`: such grants make the plan fail.",
			},
			"previous_object_ownership": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The setting found before this resource changed it (`" + noOwnershipControls + "` " +
					"when the bucket had no ownership controls); restored on destroy.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"previous_acl_grants": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Bucket ACL grants (`<grantee>:<PERMISSION>`) removed after `migrate_acl_grants` wrote " +
					"their policy equivalent (S3 refuses `BucketOwnerEnforced` while the ACL grants others); put back on destroy.",
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
			"migrated_sids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Sids of the bucket-policy statements written by `migrate_acl_grants`; removed on destroy.",
				PlanModifiers:       []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// planOwnership reads the bucket ACL (returned when read) and plans the change.
func planOwnership(ctx context.Context, be *awsBackend, bucket, target string, migrate bool) (fix.OwnershipPlan, *awsread.ACL, error) {
	in := fix.OwnershipInput{Bucket: bucket, Target: s3model.Ownership(target), Migrate: migrate}
	var acl *awsread.ACL
	if in.Target == s3model.BucketOwnerEnforced {
		var err error
		acl, _, err = be.r.BucketACL(ctx, bucket)
		if err != nil {
			return fix.OwnershipPlan{}, nil, fmt.Errorf("cannot read the bucket ACL, so it is unknown which grants BucketOwnerEnforced would disable: %w", err)
		}
		acct, _, err := be.r.CallerAccount(ctx)
		if err != nil {
			return fix.OwnershipPlan{}, nil, fmt.Errorf("cannot tell the bucket owner's account: %w", err)
		}
		in.ACLOwner, in.OwnerAccountID = acl.Owner, acct
		for _, g := range acl.Grants {
			if g.Grantee == acl.Owner {
				continue // the owner's own grant (its id may not be a 64-hex canonical id on S3-compatible servers)
			}
			in.Grants = append(in.Grants, g)
		}
	}
	plan, err := fix.PlanOwnership(in)
	return plan, acl, err
}

func (r *ownershipControlsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil || len(r.data.UnknownAttributes) > 0 {
		return
	}
	var m ownershipControlsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Bucket.IsUnknown() || m.ObjectOwnership.IsUnknown() || m.MigrateACLGrants.IsUnknown() {
		return
	}
	if !req.State.Raw.IsNull() {
		var prior ownershipControlsModel
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
		if prior.ObjectOwnership.Equal(m.ObjectOwnership) && prior.MigrateACLGrants.Equal(m.MigrateACLGrants) {
			return
		}
	}
	be := r.backend(&resp.Diagnostics)
	if be == nil {
		return
	}
	if _, _, err := planOwnership(ctx, be, m.Bucket.ValueString(), m.ObjectOwnership.ValueString(), m.MigrateACLGrants.ValueBool()); err != nil {
		addFixError(&resp.Diagnostics, "Object Ownership change refused", err)
	}
}

func (r *ownershipControlsResource) apply(ctx context.Context, m *ownershipControlsModel, create bool) error {
	be, err := backendFor(r.data)
	if err != nil {
		return err
	}
	bucket := m.Bucket.ValueString()
	defer lockTarget("s3:" + bucket)()
	if create {
		prev, _, err := be.r.OwnershipControls(ctx, bucket)
		if err != nil {
			return err
		}
		if prev == "" {
			prev = noOwnershipControls
		}
		m.PreviousObjectOwnership = types.StringValue(prev)
	}
	plan, acl, err := planOwnership(ctx, be, bucket, m.ObjectOwnership.ValueString(), m.MigrateACLGrants.ValueBool())
	if err != nil {
		return err
	}
	var removed []string
	if !m.PreviousACLGrants.IsNull() && !m.PreviousACLGrants.IsUnknown() {
		_ = m.PreviousACLGrants.ElementsAs(ctx, &removed, false)
	}
	var sids []string
	if !m.MigratedSids.IsNull() && !m.MigratedSids.IsUnknown() {
		_ = m.MigratedSids.ElementsAs(ctx, &sids, false)
	}
	// 1. Migration statements, all in one policy write, read back.
	if len(plan.Migration) > 0 {
		_, err := updateBucketPolicy(ctx, be, bucket, func(cur *string) (string, bool, bool, error) {
			doc, changed := "", false
			if cur != nil {
				doc = *cur
			}
			for _, st := range plan.Migration {
				if ex, err := fix.FindStatement(&doc, policy.KindBucket, st.Sid); err != nil {
					return "", false, false, err
				} else if ex != nil && !fix.SameStatement(*ex, st) && !contains(sids, st.Sid) {
					return "", false, false, &fix.Error{Field: "migrate_acl_grants", Msg: fmt.Sprintf("bucket %s already has a different statement with Sid %q; remove or rename it before migrating", bucket, st.Sid)}
				}
				put, err := fix.PlanPut(&doc, policy.KindBucket, st)
				if err != nil {
					return "", false, false, err
				}
				doc, changed = put.Doc, changed || put.Changed
			}
			return doc, false, changed, nil
		}, func(_, after *string) error {
			for _, st := range plan.Migration {
				got, err := fix.FindStatement(after, policy.KindBucket, st.Sid)
				if err != nil {
					return err
				}
				if got == nil || !fix.SameStatement(*got, st) {
					return errLostUpdate
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, st := range plan.Migration {
			if !contains(sids, st.Sid) {
				sids = append(sids, st.Sid)
			}
		}
	}
	lv, d := types.ListValueFrom(ctx, types.StringType, sids)
	if d.HasError() {
		return errors.New("migrated_sids: cannot build the list")
	}
	m.MigratedSids = lv
	// 2. S3 refuses BucketOwnerEnforced while the ACL grants others: with the
	// grants now in the policy, reset the ACL to the owner's own grant and
	// record what was removed (put back on destroy).
	if len(plan.Migration) > 0 && acl != nil {
		keep := awsread.ACL{Owner: acl.Owner}
		for _, g := range acl.Grants {
			if g.Grantee == acl.Owner {
				keep.Grants = append(keep.Grants, g)
				continue
			}
			if e := g.Grantee + ":" + g.Permission; !contains(removed, e) {
				removed = append(removed, e)
			}
		}
		if len(keep.Grants) == 0 {
			keep.Grants = []awsread.Grant{{Grantee: acl.Owner, Permission: s3model.PermFullControl}}
		}
		if err := retryWrite(ctx, func() error { return be.w.PutBucketACL(ctx, bucket, keep) }, nil); err != nil {
			return err
		}
	}
	rv, d := types.ListValueFrom(ctx, types.StringType, removed)
	if d.HasError() {
		return errors.New("previous_acl_grants: cannot build the list")
	}
	m.PreviousACLGrants = rv
	// 3. The setting, read back.
	target := m.ObjectOwnership.ValueString()
	if err := retryWrite(ctx, func() error { return be.w.PutOwnershipControls(ctx, bucket, target) }, nil); err != nil {
		return err
	}
	got, _, err := be.r.OwnershipControls(ctx, bucket)
	if err != nil {
		return err
	}
	if got != target {
		return fmt.Errorf("bucket %s: Object Ownership reads back %q after writing %q", bucket, got, target)
	}
	m.ID = types.StringValue(bucket)
	return nil
}

func containsGrant(l []awsread.Grant, g awsread.Grant) bool {
	for _, x := range l {
		if x == g {
			return true
		}
	}
	return false
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func (r *ownershipControlsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m ownershipControlsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.MigratedSids = types.ListNull(types.StringType)
	m.PreviousACLGrants = types.ListNull(types.StringType)
	if err := r.apply(ctx, &m, true); err != nil {
		addFixError(&resp.Diagnostics, "Cannot set Object Ownership", err)
		if !m.PreviousObjectOwnership.IsUnknown() && !m.MigratedSids.IsNull() && !m.PreviousACLGrants.IsNull() { // keep the record of what changed
			m.ID = m.Bucket
			resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		}
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *ownershipControlsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m, prior ownershipControlsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.PreviousObjectOwnership, m.MigratedSids, m.PreviousACLGrants = prior.PreviousObjectOwnership, prior.MigratedSids, prior.PreviousACLGrants
	if err := r.apply(ctx, &m, false); err != nil {
		addFixError(&resp.Diagnostics, "Cannot change Object Ownership", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *ownershipControlsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m ownershipControlsModel
	be := r.stateBackend(ctx, req.State, &m, &resp.Diagnostics)
	if be == nil {
		return
	}
	got, _, err := be.r.OwnershipControls(ctx, m.Bucket.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot read Object Ownership", err.Error())
		return
	}
	if m.PreviousObjectOwnership.IsNull() || m.PreviousObjectOwnership.IsUnknown() { // import: nothing to restore but the current value
		v := got
		if v == "" {
			v = noOwnershipControls
		}
		m.PreviousObjectOwnership = types.StringValue(v)
	}
	if got == "" {
		got = noOwnershipControls // drift: removed; the plan puts it back
	}
	m.ObjectOwnership = types.StringValue(got)
	if m.MigrateACLGrants.IsNull() || m.MigrateACLGrants.IsUnknown() {
		m.MigrateACLGrants = types.BoolValue(false)
	}
	if m.MigratedSids.IsNull() || m.MigratedSids.IsUnknown() {
		m.MigratedSids = types.ListValueMust(types.StringType, nil)
	}
	if m.PreviousACLGrants.IsNull() || m.PreviousACLGrants.IsUnknown() {
		m.PreviousACLGrants = types.ListValueMust(types.StringType, nil)
	}
	m.ID = m.Bucket
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *ownershipControlsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m ownershipControlsModel
	be := r.stateBackend(ctx, req.State, &m, &resp.Diagnostics)
	if be == nil {
		return
	}
	bucket := m.Bucket.ValueString()
	defer lockTarget("s3:" + bucket)()
	// 1. Restore the previous setting first (ACLs work again before the migrated statements go).
	prev := m.PreviousObjectOwnership.ValueString()
	var err error
	if prev == noOwnershipControls || prev == "" {
		err = retryWrite(ctx, func() error { return be.w.DeleteOwnershipControls(ctx, bucket) }, nil)
	} else {
		err = retryWrite(ctx, func() error { return be.w.PutOwnershipControls(ctx, bucket, prev) }, nil)
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot restore Object Ownership", err.Error())
		return
	}
	// 2. Put back the ACL grants removed for the migration.
	var removed []string
	_ = m.PreviousACLGrants.ElementsAs(ctx, &removed, false)
	if len(removed) > 0 {
		cur, _, err := be.r.BucketACL(ctx, bucket)
		if err != nil {
			resp.Diagnostics.AddError("Cannot restore the bucket ACL", err.Error())
			return
		}
		nacl := awsread.ACL{Owner: cur.Owner, Grants: append([]awsread.Grant(nil), cur.Grants...)}
		for _, e := range removed {
			grantee, perm, _ := strings.Cut(e, ":")
			g := awsread.Grant{Grantee: grantee, Permission: perm}
			if !containsGrant(nacl.Grants, g) {
				nacl.Grants = append(nacl.Grants, g)
			}
		}
		if err := retryWrite(ctx, func() error { return be.w.PutBucketACL(ctx, bucket, nacl) }, nil); err != nil {
			resp.Diagnostics.AddError("Cannot restore the bucket ACL", err.Error())
			return
		}
	}
	// 3. Remove the migrated statements.
	var sids []string
	_ = m.MigratedSids.ElementsAs(ctx, &sids, false)
	if len(sids) == 0 {
		return
	}
	_, err = updateBucketPolicy(ctx, be, bucket, func(cur *string) (string, bool, bool, error) {
		doc, changed, del := "", false, false
		if cur != nil {
			doc = *cur
		}
		for _, sid := range sids {
			if del {
				break
			}
			rm, err := fix.PlanRemove(&doc, policy.KindBucket, sid)
			if err != nil {
				return "", false, false, err
			}
			doc, del, changed = rm.Doc, rm.Delete, changed || rm.Changed
		}
		return doc, del, changed, nil
	}, func(_, after *string) error {
		for _, sid := range sids {
			if got, err := fix.FindStatement(after, policy.KindBucket, sid); err != nil {
				return err
			} else if got != nil {
				return errLostUpdate
			}
		}
		return nil
	})
	if err != nil {
		addFixError(&resp.Diagnostics, "Cannot remove the migrated statements", err)
	}
}

func (r *ownershipControlsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if strings.TrimSpace(req.ID) == "" || strings.Contains(req.ID, "/") {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%q: expected the bucket name", req.ID))
		return
	}
	setImported(ctx, resp, importAttr{"id", req.ID}, importAttr{"bucket", req.ID})
}
