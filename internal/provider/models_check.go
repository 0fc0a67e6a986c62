package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

// This file holds what s3access_check and s3access_checks share: the Terraform
// models of the request arguments and computed attributes, their schemas, and
// the translation to and from the engine's s3authz.Request / s3authz.Result.

// Vocabularies of ARCHITECTURE.md section 2 that arguments are validated against.
var (
	objectOwnershipVals = []string{"BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"}
	aclPermissionVals   = []string{"READ", "WRITE", "READ_ACP", "WRITE_ACP", "FULL_CONTROL"}
	sseValues           = []string{"AES256", "aws:kms", "aws:kms:dsse"}
)

type bpaModel struct {
	BlockPublicAcls       types.Bool `tfsdk:"block_public_acls"`
	IgnorePublicAcls      types.Bool `tfsdk:"ignore_public_acls"`
	BlockPublicPolicy     types.Bool `tfsdk:"block_public_policy"`
	RestrictPublicBuckets types.Bool `tfsdk:"restrict_public_buckets"`
}

type grantModel struct {
	Grantee    types.String `tfsdk:"grantee"`
	Permission types.String `tfsdk:"permission"`
}

type aclModel struct {
	Canned types.String `tfsdk:"canned"`
	Grants []grantModel `tfsdk:"grants"`
}

type encryptionModel struct {
	SSE              types.String `tfsdk:"sse"`
	KMSKeyARN        types.String `tfsdk:"kms_key_arn"`
	KeyPolicy        types.String `tfsdk:"key_policy"`
	BucketKeyEnabled types.Bool   `tfsdk:"bucket_key_enabled"`
}

// resourceSideModel: the arguments that describe the bucket side and the
// organization, shared by s3access_check and s3access_checks.
type resourceSideModel struct {
	Bucket                   types.String     `tfsdk:"bucket"`
	ServiceControlPolicies   [][]types.String `tfsdk:"service_control_policies"`
	ResourceControlPolicies  [][]types.String `tfsdk:"resource_control_policies"`
	VPCEndpointPolicy        types.String     `tfsdk:"vpc_endpoint_policy"`
	BucketAccountID          types.String     `tfsdk:"bucket_account_id"`
	BucketPolicy             types.String     `tfsdk:"bucket_policy"`
	BlockPublicAccess        *bpaModel        `tfsdk:"block_public_access"`
	AccountBlockPublicAccess *bpaModel        `tfsdk:"account_block_public_access"`
	ObjectOwnership          types.String     `tfsdk:"object_ownership"`
	BucketACL                *aclModel        `tfsdk:"bucket_acl"`
	ObjectACL                *aclModel        `tfsdk:"object_acl"`
	ObjectOwnerAccountID     types.String     `tfsdk:"object_owner_account_id"`
	Encryption               *encryptionModel `tfsdk:"encryption"`
	Context                  contextModel     `tfsdk:"context"`
	Live                     types.Bool       `tfsdk:"live"`
}

type contextModel = map[string][]types.String

type layerModel struct {
	Layer  types.String `tfsdk:"layer"`
	Result types.String `tfsdk:"result"`
	Detail types.String `tfsdk:"detail"`
}

type matchedStatementModel struct {
	Layer          types.String `tfsdk:"layer"`
	PolicyIndex    types.Int64  `tfsdk:"policy_index"`
	StatementIndex types.Int64  `tfsdk:"statement_index"`
	Sid            types.String `tfsdk:"sid"`
	Effect         types.String `tfsdk:"effect"`
}

// resultModel: the computed attributes of ARCHITECTURE.md section 2.
type resultModel struct {
	Allowed            types.Bool              `tfsdk:"allowed"`
	Decision           types.String            `tfsdk:"decision"`
	DecidingLayer      types.String            `tfsdk:"deciding_layer"`
	Explanation        types.String            `tfsdk:"explanation"`
	Layers             []layerModel            `tfsdk:"layers"`
	MatchedStatements  []matchedStatementModel `tfsdk:"matched_statements"`
	MissingContextKeys []types.String          `tfsdk:"missing_context_keys"`
	Suggestions        []types.String          `tfsdk:"suggestions"`
	ResourceARN        types.String            `tfsdk:"resource_arn"`
}

// ---- conversions to the engine ----

func optString(v types.String) *string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	s := v.ValueString()
	return &s
}

func stringList(vs []types.String) []string {
	if vs == nil {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.ValueString()
	}
	return out
}

func nestedStrings(vs [][]types.String) [][]string {
	if vs == nil {
		return nil
	}
	out := make([][]string, len(vs))
	for i, v := range vs {
		out[i] = stringList(v)
		if out[i] == nil {
			out[i] = []string{}
		}
	}
	return out
}

func (m *bpaModel) engine() *s3authz.BPA {
	if m == nil {
		return nil
	}
	return &s3authz.BPA{
		BlockPublicAcls:       m.BlockPublicAcls.ValueBool(),
		IgnorePublicAcls:      m.IgnorePublicAcls.ValueBool(),
		BlockPublicPolicy:     m.BlockPublicPolicy.ValueBool(),
		RestrictPublicBuckets: m.RestrictPublicBuckets.ValueBool(),
	}
}

func (m *aclModel) engine() *s3authz.ACL {
	if m == nil {
		return nil
	}
	acl := &s3authz.ACL{Canned: m.Canned.ValueString()}
	for _, g := range m.Grants {
		acl.Grants = append(acl.Grants, s3authz.Grant{Grantee: g.Grantee.ValueString(), Permission: g.Permission.ValueString()})
	}
	return acl
}

func (m *encryptionModel) engine() *s3authz.Encryption {
	if m == nil {
		return nil
	}
	return &s3authz.Encryption{
		SSE:              m.SSE.ValueString(),
		KMSKeyARN:        m.KMSKeyARN.ValueString(),
		KeyPolicy:        optString(m.KeyPolicy),
		BucketKeyEnabled: m.BucketKeyEnabled.ValueBool(),
	}
}

// contextMap converts the context argument. A null element inside a key's
// list is an error rather than an empty string, so nothing is silently matched.
func contextMap(c contextModel) map[string][]string {
	if c == nil {
		return nil
	}
	out := make(map[string][]string, len(c))
	for k, vs := range c {
		out[k] = stringList(vs)
		if out[k] == nil {
			out[k] = []string{}
		}
	}
	return out
}

// mergeContext returns base overlaid with over (per key, over wins).
func mergeContext(base, over map[string][]string) map[string][]string {
	if len(over) == 0 {
		return base
	}
	if len(base) == 0 {
		return over
	}
	out := make(map[string][]string, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

// request builds the resource side of an engine request; the caller fills the principal side.
func (m *resourceSideModel) request() s3authz.Request {
	return s3authz.Request{
		Bucket:                   m.Bucket.ValueString(),
		ServiceControlPolicies:   nestedStrings(m.ServiceControlPolicies),
		ResourceControlPolicies:  nestedStrings(m.ResourceControlPolicies),
		VPCEndpointPolicy:        optString(m.VPCEndpointPolicy),
		BucketAccountID:          m.BucketAccountID.ValueString(),
		BucketPolicy:             optString(m.BucketPolicy),
		BlockPublicAccess:        m.BlockPublicAccess.engine(),
		AccountBlockPublicAccess: m.AccountBlockPublicAccess.engine(),
		ObjectOwnership:          m.ObjectOwnership.ValueString(),
		BucketACL:                m.BucketACL.engine(),
		ObjectACL:                m.ObjectACL.engine(),
		ObjectOwnerAccountID:     m.ObjectOwnerAccountID.ValueString(),
		Encryption:               m.Encryption.engine(),
		Context:                  contextMap(m.Context),
	}
}

// ---- conversions from the engine ----

func stringValues(in []string) []types.String {
	out := make([]types.String, len(in))
	for i, s := range in {
		out[i] = types.StringValue(s)
	}
	return out
}

func newResultModel(r *s3authz.Result) resultModel {
	m := resultModel{
		// allowed is derived from the decision, never trusted on its own.
		Allowed:            types.BoolValue(r.Decision == "allowed" && r.Allowed),
		Decision:           types.StringValue(r.Decision),
		DecidingLayer:      types.StringValue(r.DecidingLayer),
		Explanation:        types.StringValue(r.Explanation),
		Layers:             make([]layerModel, len(r.Layers)),
		MatchedStatements:  make([]matchedStatementModel, len(r.MatchedStatements)),
		MissingContextKeys: stringValues(r.MissingContextKeys),
		Suggestions:        stringValues(r.Suggestions),
		ResourceARN:        types.StringValue(r.ResourceARN),
	}
	for i, l := range r.Layers {
		m.Layers[i] = layerModel{Layer: types.StringValue(l.Layer), Result: types.StringValue(l.Result), Detail: types.StringValue(l.Detail)}
	}
	for i, s := range r.MatchedStatements {
		m.MatchedStatements[i] = matchedStatementModel{
			Layer:          types.StringValue(s.Layer),
			PolicyIndex:    types.Int64Value(int64(s.PolicyIndex)),
			StatementIndex: types.Int64Value(int64(s.StatementIndex)),
			Sid:            types.StringValue(s.Sid),
			Effect:         types.StringValue(s.Effect),
		}
	}
	return m
}

// ---- schemas ----

func bpaAttribute(desc string) schema.SingleNestedAttribute {
	b := func(d string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, MarkdownDescription: d + " Unset: false."}
	}
	return schema.SingleNestedAttribute{
		Optional:            true,
		MarkdownDescription: desc,
		Attributes: map[string]schema.Attribute{
			"block_public_acls":       b("Reject requests that set a public ACL."),
			"ignore_public_acls":      b("Ignore public ACL grants when deciding."),
			"block_public_policy":     b("Reject a new bucket policy that is public."),
			"restrict_public_buckets": b("Only AWS service principals and principals of the bucket owner's account are served by a public bucket policy."),
		},
	}
}

func aclAttribute(desc string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional:            true,
		MarkdownDescription: desc + " Only evaluated when Object Ownership is not `BucketOwnerEnforced` (ACLs enabled).",
		Attributes: map[string]schema.Attribute{
			"canned": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Canned ACL, e.g. `private`, `public-read`, `authenticated-read`, `bucket-owner-read`, `bucket-owner-full-control`.",
			},
			"grants": schema.ListNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Explicit grants.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"grantee": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "12-digit account id, 64-hex canonical user id, `AllUsers`, `AuthenticatedUsers` or `LogDelivery`.",
					},
					"permission": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "`READ`, `WRITE`, `READ_ACP`, `WRITE_ACP` or `FULL_CONTROL`.",
						Validators:          []validator.String{stringvalidator.OneOf(aclPermissionVals...)},
					},
				}},
			},
		},
	}
}

const policyJSONHint = " A JSON document, e.g. from `jsonencode()` or `data.aws_iam_policy_document.x.json`."

// resourceSideAttributes returns the schema of resourceSideModel.
func resourceSideAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"bucket": schema.StringAttribute{Required: true, MarkdownDescription: "Bucket name (not an ARN)."},
		"service_control_policies": schema.ListAttribute{
			Optional:            true,
			ElementType:         types.ListType{ElemType: types.StringType},
			MarkdownDescription: "The caller's service control policies, one inner list per level of the organization (root, each OU, the account); every level must allow. Empty or unset: the caller is not in an organization." + policyJSONHint,
		},
		"resource_control_policies": schema.ListAttribute{
			Optional:            true,
			ElementType:         types.ListType{ElemType: types.StringType},
			MarkdownDescription: "The bucket owner's resource control policies, same shape as `service_control_policies`.",
		},
		"vpc_endpoint_policy": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Set when the request goes through a VPC endpoint: the endpoint policy." + policyJSONHint,
		},
		"bucket_account_id": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "12-digit account id of the bucket owner. Unset: the principal's account.",
		},
		"bucket_policy": schema.StringAttribute{Optional: true, MarkdownDescription: "The bucket policy." + policyJSONHint},
		"block_public_access": bpaAttribute("Bucket-level Block Public Access. Unset: all four settings true (the AWS default for new buckets). " +
			"When the object is given, its unset settings are false."),
		"account_block_public_access": bpaAttribute("Account-level Block Public Access of the bucket owner. Unset: all false."),
		"object_ownership": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "S3 Object Ownership: `BucketOwnerEnforced` (default; ACLs disabled), `BucketOwnerPreferred` or `ObjectWriter`.",
			Validators:          []validator.String{stringvalidator.OneOf(objectOwnershipVals...)},
		},
		"bucket_acl": aclAttribute("The bucket ACL."),
		"object_acl": aclAttribute("The object ACL."),
		"object_owner_account_id": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Account that owns the object (the uploader under `ObjectWriter`). Unset: `bucket_account_id`.",
		},
		"encryption": schema.SingleNestedAttribute{
			Optional:            true,
			MarkdownDescription: "How the object is encrypted (for reads) or the bucket default encryption (for writes). Unset: SSE-S3.",
			Attributes: map[string]schema.Attribute{
				"sse": schema.StringAttribute{
					Optional:            true,
					MarkdownDescription: "`AES256` (default), `aws:kms` or `aws:kms:dsse`. With KMS the key policy and the caller's `kms:` permissions decide too.",
					Validators:          []validator.String{stringvalidator.OneOf(sseValues...)},
				},
				"kms_key_arn":        schema.StringAttribute{Optional: true, MarkdownDescription: "ARN of the KMS key (or an `alias/aws/s3` ARN for the AWS managed key)."},
				"key_policy":         schema.StringAttribute{Optional: true, MarkdownDescription: "The key policy. Unset with `aws:kms`: the decision is `unknown`." + policyJSONHint},
				"bucket_key_enabled": schema.BoolAttribute{Optional: true, MarkdownDescription: "S3 Bucket Key in use (the KMS encryption context is then the bucket ARN)."},
			},
		},
		"context": schema.MapAttribute{
			Optional:    true,
			ElementType: types.ListType{ElemType: types.StringType},
			MarkdownDescription: "Request context keys and their values, e.g. `{ \"aws:SourceIp\" = [\"203.0.113.7\"] }`. " +
				"Defaults: `aws:SecureTransport` is `true`; keys derived from the principal (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:username`, `aws:userid` ...) and from the request (`s3:ResourceAccount`) are filled in. " +
				"Keys that conditions read but that are not given are reported in `missing_context_keys`; a key the engine does not know is an error.",
		},
		"live": schema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Default false: decide offline from the arguments only. `true`: read every layer not set here from AWS with the provider's settings " +
				"and credentials: the bucket policy, bucket and account Block Public Access, Object Ownership, the bucket and object ACLs " +
				"(when ACLs are enabled), the object's or the bucket default encryption and the KMS key policy, the principal's identity policies and permissions " +
				"boundary, and SCPs and RCPs only with the provider's `read_organization_policies = true` (otherwise the explanation says they were not evaluated). " +
				"The bucket owner, when `bucket_account_id` is unset, is the account of the provider's credentials. Every entry of `layers` ends its `detail` with " +
				"where its inputs came from, e.g. `(source: bucket_policy: live: s3:GetBucketPolicy; bucket_account_id: config)`. A layer that cannot be read " +
				"(access denied, not implemented, throttled after retries) makes the decision `unknown`, names the layer, the API and the AWS error, and adds a " +
				"warning; it is never guessed. Without usable AWS settings or credentials `live = true` is an error on this attribute.",
		},
	}
}

// principalSideAttributes: identity_policies, permissions_boundary, session_policy.
func principalSideAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"identity_policies": schema.ListAttribute{
			Optional:            true,
			ElementType:         types.StringType,
			MarkdownDescription: "Identity policies attached to the principal (user and its groups, or the role of a session)." + policyJSONHint,
		},
		"permissions_boundary": schema.StringAttribute{Optional: true, MarkdownDescription: "The permissions boundary of the user or role." + policyJSONHint},
		"session_policy":       schema.StringAttribute{Optional: true, MarkdownDescription: "The session policy of a role session or federated user." + policyJSONHint},
	}
}

func layerAttrs() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"layer":  schema.StringAttribute{Computed: true, MarkdownDescription: "Layer name (the `deciding_layer` vocabulary)."},
		"result": schema.StringAttribute{Computed: true, MarkdownDescription: "`allow`, `deny`, `no_match`, `not_applicable` or `unknown`."},
		"detail": schema.StringAttribute{Computed: true, MarkdownDescription: "Why, in one line."},
	}
}

// resultAttributes returns the computed attributes of resultModel.
func resultAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"allowed":        schema.BoolAttribute{Computed: true, MarkdownDescription: "True only when `decision` is `allowed`."},
		"decision":       schema.StringAttribute{Computed: true, MarkdownDescription: "`allowed`, `implicit_deny`, `explicit_deny`, `rejected` (S3 refuses before policy evaluation, e.g. 405) or `unknown` (an input needed to decide is missing)."},
		"deciding_layer": schema.StringAttribute{Computed: true, MarkdownDescription: "The layer that decided: `identity`, `bucket_policy`, `acl`, `permissions_boundary`, `session_policy`, `scp`, `rcp`, `vpc_endpoint`, `block_public_access`, `object_ownership`, `kms`, `root` or `none`."},
		"explanation":    schema.StringAttribute{Computed: true, MarkdownDescription: "Multi-line explanation naming the deciding layer and statement and the fix; fit for `error_message`."},
		"layers": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "Every layer's own verdict.",
			NestedObject:        schema.NestedAttributeObject{Attributes: layerAttrs()},
		},
		"matched_statements": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "Statements that matched the request.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"layer":           schema.StringAttribute{Computed: true, MarkdownDescription: "Layer of the policy."},
				"policy_index":    schema.Int64Attribute{Computed: true, MarkdownDescription: "Index of the policy within its argument (e.g. `identity_policies[1]`), 0 for single policies."},
				"statement_index": schema.Int64Attribute{Computed: true, MarkdownDescription: "Index of the statement in the policy."},
				"sid":             schema.StringAttribute{Computed: true, MarkdownDescription: "Sid of the statement, empty when it has none."},
				"effect":          schema.StringAttribute{Computed: true, MarkdownDescription: "`Allow` or `Deny`."},
			}},
		},
		"missing_context_keys": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Condition keys that policies read and the request did not supply."},
		"suggestions":          schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Concrete fixes: the statement to add, the setting to change."},
		"resource_arn":         schema.StringAttribute{Computed: true, MarkdownDescription: "The ARN evaluated (bucket or object)."},
	}
}

func mergeAttrs(ms ...map[string]schema.Attribute) map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
