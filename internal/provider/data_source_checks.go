package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/s3access/terraform-provider-s3access/internal/awsread"
	"github.com/s3access/terraform-provider-s3access/internal/livecheck"
	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

var (
	_ datasource.DataSource              = (*checksDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*checksDataSource)(nil)
)

// NewChecksDataSource returns the s3access_checks data source.
func NewChecksDataSource() datasource.DataSource { return &checksDataSource{} }

type checksDataSource struct{ liveDataSourceBase }

type principalModel struct {
	IdentityPolicies    []types.String `tfsdk:"identity_policies"`
	PermissionsBoundary types.String   `tfsdk:"permissions_boundary"`
	SessionPolicy       types.String   `tfsdk:"session_policy"`
}

type checkRequestModel struct {
	Principal types.String `tfsdk:"principal"`
	Action    types.String `tfsdk:"action"`
	Key       types.String `tfsdk:"key"`
	Context   contextModel `tfsdk:"context"`
	Expect    types.String `tfsdk:"expect"`
}

type checkResultModel struct {
	Principal  types.String `tfsdk:"principal"`
	Action     types.String `tfsdk:"action"`
	Key        types.String `tfsdk:"key"`
	Expect     types.String `tfsdk:"expect"`
	AsExpected types.Bool   `tfsdk:"as_expected"`
	resultModel
}

type checksModel struct {
	Principals map[string]principalModel `tfsdk:"principals"`
	Requests   []checkRequestModel       `tfsdk:"requests"`
	resourceSideModel

	Results       []checkResultModel `tfsdk:"results"`
	AllAllowed    types.Bool         `tfsdk:"all_allowed"`
	AllAsExpected types.Bool         `tfsdk:"all_as_expected"`
	Failures      []types.String     `tfsdk:"failures"`
}

func (d *checksDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_checks"
}

func (d *checksDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resultAttrs := mergeAttrs(resultAttributes(), map[string]schema.Attribute{
		"principal":   schema.StringAttribute{Computed: true, MarkdownDescription: "The request's principal."},
		"action":      schema.StringAttribute{Computed: true, MarkdownDescription: "The request's action."},
		"key":         schema.StringAttribute{Computed: true, MarkdownDescription: "The request's key (null for bucket actions)."},
		"expect":      schema.StringAttribute{Computed: true, MarkdownDescription: "The request's expectation (null when none was given)."},
		"as_expected": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the decision met `expect`; null when no expectation was given. `denied` is met by `implicit_deny`, `explicit_deny` and `rejected`, never by `unknown`."},
	})
	resp.Schema = schema.Schema{
		MarkdownDescription: "Decides many S3 requests against one bucket in one plan: the resource side (bucket policy, Block Public Access, ACLs, " +
			"encryption, organization policies) is given once, each principal's policies once in `principals`, and every request names a principal, " +
			"an action, an optional key and context, and what it expects. Negative assertions (`expect = \"denied\"`, e.g. \"the public must not read " +
			"this\") are first-class. Each policy document is parsed once per plan, however many requests use it.",
		Attributes: mergeAttrs(resourceSideAttributes(), map[string]schema.Attribute{
			"principals": schema.MapNestedAttribute{
				Optional: true,
				MarkdownDescription: "Policies of each principal, keyed by the principal exactly as the requests name it. A request whose principal has no " +
					"entry is evaluated with no identity policy, boundary or session policy (right for `anonymous`, service principals and root users; " +
					"for an IAM principal a warning is shown, since a typo would otherwise make every `denied` expectation pass).",
				NestedObject: schema.NestedAttributeObject{Attributes: principalSideAttributes()},
			},
			"requests": schema.ListNestedAttribute{
				Required:            true,
				MarkdownDescription: "The requests to decide, in order; `results` has one entry per request in the same order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"principal": schema.StringAttribute{Required: true, MarkdownDescription: "The caller, in any form `s3access_check` accepts."},
					"action":    schema.StringAttribute{Required: true, MarkdownDescription: "One action, e.g. `s3:GetObject`."},
					"key":       schema.StringAttribute{Optional: true, MarkdownDescription: "Object key; required for object actions, rejected for bucket actions."},
					"context": schema.MapAttribute{
						Optional:            true,
						ElementType:         types.ListType{ElemType: types.StringType},
						MarkdownDescription: "Context keys of this request; they replace the same keys of the shared `context`.",
					},
					"expect": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "`allowed` or `denied`. Unset: the request is reported but asserts nothing.",
						Validators:          []validator.String{stringvalidator.OneOf("allowed", "denied")},
					},
				}},
			},
			"results": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "One result per request, in request order, with the computed attributes of `s3access_check`.",
				NestedObject:        schema.NestedAttributeObject{Attributes: resultAttrs},
			},
			"all_allowed":     schema.BoolAttribute{Computed: true, MarkdownDescription: "True when every request is allowed."},
			"all_as_expected": schema.BoolAttribute{Computed: true, MarkdownDescription: "True when every request with an `expect` met it."},
			"failures": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "One line per request that did not meet its `expect`: which request, what was expected, the decision and the first line of its explanation. Empty when all are as expected.",
			},
		}),
	}
}

// checksRoot maps the engine's argument names to their place in s3access_checks.
func checksRoot(principal string, i int) fieldRoot {
	return func(field string) path.Path {
		switch field {
		case "identity_policies", "permissions_boundary", "session_policy":
			return path.Root("principals").AtMapKey(principal).AtName(field)
		case "principal", "action", "key", "context":
			return path.Root("requests").AtListIndex(i).AtName(field)
		}
		return path.Root(field)
	}
}

// needsPrincipalEntry reports whether a principal without an entry in
// principals is probably a mistake (an IAM user, role or session).
func needsPrincipalEntry(p string) bool {
	if p == "anonymous" || !strings.HasPrefix(p, "arn:") {
		return false // anonymous, account id (root) or service principal
	}
	return !strings.HasSuffix(p, ":root")
}

func (d *checksDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m checksModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	live := m.Live.ValueBool()
	var reader awsread.Reader
	var opts livecheck.Options
	if live {
		var err error
		if reader, opts, err = liveReader(ctx, d.data); err != nil {
			liveUnavailable(&resp.Diagnostics, err)
			return
		}
	}
	liveSeen := map[string]bool{}
	shared := m.request()
	m.Results = make([]checkResultModel, 0, len(m.Requests))
	m.Failures = []types.String{}
	allAllowed, allAsExpected := true, true
	warned, reported := map[string]bool{}, map[string]bool{}
	for i, rq := range m.Requests {
		principal := rq.Principal.ValueString()
		r := shared
		r.Principal = principal
		r.Action = rq.Action.ValueString()
		r.Key = optString(rq.Key)
		r.Context = mergeContext(shared.Context, contextMap(rq.Context))
		if p, ok := m.Principals[principal]; ok {
			r.IdentityPolicies = stringList(p.IdentityPolicies)
			r.PermissionsBoundary = optString(p.PermissionsBoundary)
			r.SessionPolicy = optString(p.SessionPolicy)
		} else if !live && needsPrincipalEntry(principal) && !warned[principal] {
			warned[principal] = true
			resp.Diagnostics.AddAttributeWarning(path.Root("requests").AtListIndex(i).AtName("principal"),
				"Principal without policies",
				fmt.Sprintf("%s has no entry in principals, so it is evaluated with no identity policy: it can only be allowed by the bucket side. "+
					"If it has policies, add them under principals[%q].", principal, principal))
		}
		var res *s3authz.Result
		var err error
		if live {
			var rep *livecheck.Report
			if rep, err = livecheck.Check(ctx, reader, &r, opts); err == nil {
				addLiveWarnings(&resp.Diagnostics, rep, liveSeen, fmt.Sprintf("requests[%d] (%s %s)", i, principal, r.Action))
				res = rep.Result
			}
		} else {
			res, err = evaluateChecked(&r)
		}
		if err != nil {
			// An error in a shared argument is reported once, not once per request.
			if !reported[err.Error()] {
				reported[err.Error()] = true
				addEngineError(&resp.Diagnostics, err, checksRoot(principal, i), fmt.Sprintf("requests[%d] (%s %s)", i, principal, r.Action))
			}
			continue
		}
		out := checkResultModel{
			Principal:   rq.Principal,
			Action:      rq.Action,
			Key:         rq.Key,
			Expect:      rq.Expect,
			AsExpected:  types.BoolNull(),
			resultModel: newResultModel(res),
		}
		allowed := out.Allowed.ValueBool()
		allAllowed = allAllowed && allowed
		if !rq.Expect.IsNull() {
			ok := meetsExpectation(rq.Expect.ValueString(), res.Decision, allowed)
			out.AsExpected = types.BoolValue(ok)
			if !ok {
				allAsExpected = false
				m.Failures = append(m.Failures, types.StringValue(failureLine(i, rq, res.Decision, res.DecidingLayer, res.Explanation)))
			}
		}
		m.Results = append(m.Results, out)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	m.AllAllowed = types.BoolValue(allAllowed)
	m.AllAsExpected = types.BoolValue(allAsExpected)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// meetsExpectation: "denied" is met by a definite refusal only; unknown meets nothing.
func meetsExpectation(expect, decision string, allowed bool) bool {
	switch expect {
	case "allowed":
		return allowed
	case "denied":
		return !allowed && (decision == "implicit_deny" || decision == "explicit_deny" || decision == "rejected")
	}
	return false
}

func failureLine(i int, rq checkRequestModel, decision, layer, explanation string) string {
	target := rq.Action.ValueString()
	if !rq.Key.IsNull() {
		target += " on key " + rq.Key.ValueString()
	}
	first, _, _ := strings.Cut(explanation, "\n")
	return fmt.Sprintf("requests[%d]: %s %s: expected %s, got %s (deciding layer %s): %s",
		i, rq.Principal.ValueString(), target, rq.Expect.ValueString(), decision, layer, first)
}
