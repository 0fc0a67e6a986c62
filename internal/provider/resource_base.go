package provider

// What the four fix resources and the live-capable data sources share:
// Metadata from a type-name suffix, Configure keeping the provider data, the
// backend lookup, and the state/plan plumbing around one AWS change.

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// fixResourceBase is embedded by every fix resource: it names the resource
// type (provider type name + typeSuffix) and keeps the provider data.
type fixResourceBase struct {
	typeSuffix string
	data       *ProviderData
}

func (b *fixResourceBase) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + b.typeSuffix
}

func (b *fixResourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.data = providerData(req.ProviderData, &resp.Diagnostics)
}

// backend returns the AWS backend, or nil after adding an error to diags.
func (b *fixResourceBase) backend(diags *diag.Diagnostics) *awsBackend {
	be, err := backendFor(b.data)
	if err != nil {
		diags.AddError("AWS access is not available", err.Error())
		return nil
	}
	return be
}

// stateBackend reads the prior state into m and returns the AWS backend; nil
// means an error was added to diags (Read and Delete start with this).
func (b *fixResourceBase) stateBackend(ctx context.Context, state tfsdk.State, m any, diags *diag.Diagnostics) *awsBackend {
	diags.Append(state.Get(ctx, m)...)
	if diags.HasError() {
		return nil
	}
	return b.backend(diags)
}

// applyPlan reads the plan into a model, lets apply change AWS to match it and
// stores the model as the new state; a failure of apply is reported under
// summary and nothing is stored (Create and Update of the statement resources).
func applyPlan[M any](ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics, summary string, apply func(*M) error) {
	var m M
	diags.Append(plan.Get(ctx, &m)...)
	if diags.HasError() {
		return
	}
	if err := apply(&m); err != nil {
		addFixError(diags, summary, err)
		return
	}
	diags.Append(state.Set(ctx, &m)...)
}

// importAttr is one attribute an import ID sets.
type importAttr struct {
	name  string
	value any
}

// setImported sets the attributes an import ID decided in the imported state.
func setImported(ctx context.Context, resp *resource.ImportStateResponse, attrs ...importAttr) {
	for _, a := range attrs {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(a.name), a.value)...)
	}
}

// liveDataSourceBase is embedded by the data sources that can read live: it
// keeps the provider data (nil before the provider is configured; offline
// checks need nothing from it).
type liveDataSourceBase struct {
	data *ProviderData
}

func (b *liveDataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.data = providerData(req.ProviderData, &resp.Diagnostics)
}

// providerData returns the provider data handed to a resource or data source
// (nil before the provider is configured); any other type is an error.
func providerData(v any, diags *diag.Diagnostics) *ProviderData {
	if v == nil {
		return nil
	}
	d, ok := v.(*ProviderData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("expected *ProviderData, got %T", v))
		return nil
	}
	return d
}
