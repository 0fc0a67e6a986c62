// Package provider is the Terraform glue of s3access: the provider, its data sources, resources and
// functions. It holds no authorization logic; that lives in the engine packages under internal/.
package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const (
	// TypeName is the provider type name: every data source, resource and function is prefixed with it.
	TypeName = "s3access"
	// Address is the provider's registry source address.
	Address = "registry.terraform.io/s3access/s3access"
)

// EndpointServices lists the services that the endpoints block can override, in schema order.
var EndpointServices = []string{"s3", "s3control", "iam", "sts", "kms", "organizations"}

// DataSources lists the data sources the provider serves. Append one line per data source.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewCheckDataSource,
		NewChecksDataSource,
		NewPolicyLintDataSource,
		NewBucketExposureDataSource,
		NewPolicyDocumentDataSource,
	}
}

// Resources lists the resources the provider serves. Append one line per resource.
func Resources() []func() resource.Resource {
	return []func() resource.Resource{
		NewBucketPolicyStatementResource,
		NewPublicReadResource,
		NewOwnershipControlsResource,
		NewKMSKeyAccessResource,
	}
}

// Functions lists the provider-defined functions. Append one line per function.
func Functions() []func() function.Function {
	return []func() function.Function{
		NewBucketARNFunction,
		NewObjectARNFunction,
		NewIsPublicPolicyFunction,
		NewLintPolicyFunction,
	}
}

// ProviderData is the validated provider configuration, handed to every data source and resource as
// DataSourceData / ResourceData (type *ProviderData). Configuring the provider only fills this struct:
// nothing here contacts AWS or resolves credentials. Live reads turn it into an AWS SDK config lazily.
type ProviderData struct {
	// Version is the provider version ("dev", "test" or a release).
	Version string

	Region                 string
	Profile                string
	SharedConfigFiles      []string
	SharedCredentialsFiles []string
	// AssumeRole is nil when no assume_role block is configured.
	AssumeRole *AssumeRoleSettings
	// Endpoints maps a service name of EndpointServices to its URL; only configured services are present.
	Endpoints                map[string]string
	S3UsePathStyle           bool
	ReadOrganizationPolicies bool

	// UnknownAttributes names provider attributes whose value was not known during configuration (for
	// example derived from a resource not yet created). Live reads must refuse to run with a clear error
	// naming them rather than fall back to defaults; offline evaluation does not need them.
	UnknownAttributes []string
}

// AssumeRoleSettings mirrors the assume_role block.
type AssumeRoleSettings struct {
	RoleARN     string
	SessionName string
	ExternalID  string
}

// Option adjusts a provider instance; used by tests to inject fakes and extra data sources.
type Option func(*S3AccessProvider)

// WithConfigureHook registers a function run at the end of Configure on the finished ProviderData,
// before it is handed to data sources and resources. Tests use it to inject fakes (e.g. an AWS reader).
// An error returned by the hook becomes a provider configuration error.
func WithConfigureHook(hook func(ctx context.Context, data *ProviderData) error) Option {
	return func(p *S3AccessProvider) { p.configureHook = hook }
}

// WithDataSources adds data sources to the ones returned by DataSources (tests only).
func WithDataSources(extra ...func() datasource.DataSource) Option {
	return func(p *S3AccessProvider) { p.extraDataSources = append(p.extraDataSources, extra...) }
}

// WithResources adds resources to the ones returned by Resources (tests only).
func WithResources(extra ...func() resource.Resource) Option {
	return func(p *S3AccessProvider) { p.extraResources = append(p.extraResources, extra...) }
}

// S3AccessProvider implements the s3access provider.
type S3AccessProvider struct {
	version          string
	configureHook    func(ctx context.Context, data *ProviderData) error
	extraDataSources []func() datasource.DataSource
	extraResources   []func() resource.Resource
}

var (
	_ provider.Provider              = (*S3AccessProvider)(nil)
	_ provider.ProviderWithFunctions = (*S3AccessProvider)(nil)
)

// New returns the provider factory used by main and by tests.
func New(version string) func() provider.Provider {
	return NewWithOptions(version)
}

// NewWithOptions returns a provider factory with options applied to every instance (tests use it to
// inject fakes).
func NewWithOptions(version string, opts ...Option) func() provider.Provider {
	return func() provider.Provider {
		p := &S3AccessProvider{version: version}
		for _, o := range opts {
			o(p)
		}
		return p
	}
}

// Metadata implements provider.Provider.
func (p *S3AccessProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = TypeName
	resp.Version = p.version
}

var (
	regionPattern      = regexp.MustCompile(`^[a-z]{2}(-[a-z0-9]+)+-[0-9]+$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	externalIDPattern  = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
)

// Schema implements provider.Provider. ARCHITECTURE.md section 2, "Provider configuration".
func (p *S3AccessProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	endpointAttrs := map[string]schema.Attribute{}
	for _, svc := range EndpointServices {
		endpointAttrs[svc] = schema.StringAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("URL of the %s API to use instead of the AWS default endpoint, "+
				"for example `http://127.0.0.1:7070` for a local test server. Must be an absolute `http` or `https` URL.", endpointTitle(svc)),
			Validators: []validator.String{endpointURLValidator{}},
		}
	}

	resp.Schema = schema.Schema{
		MarkdownDescription: "The `s3access` provider decides offline, at plan time, whether a principal can perform an " +
			"Amazon S3 action, evaluating IAM policies, the bucket policy, Block Public Access, ACLs and Object Ownership, " +
			"SCPs and RCPs, VPC endpoint policies and SSE-KMS key policies. It explains which layer and statement decided " +
			"and suggests the fix.\n\n" +
			"Every argument is optional. Configuring the provider never contacts AWS and never needs credentials: " +
			"credentials are resolved lazily with the AWS SDK's default chain, and only when a data source reads live " +
			"state (`live = true`) or a resource changes a bucket or key.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "AWS region used for live reads, for example `us-east-1`. Defaults to the SDK's " +
					"resolution (`AWS_REGION`, then the profile's region).",
				Validators: []validator.String{stringvalidator.RegexMatches(regionPattern,
					"must be an AWS region name such as us-east-1")},
			},
			"profile": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Named profile of the shared configuration and credentials files used for live reads.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"shared_config_files": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Paths of shared configuration files to read instead of the default " +
					"(`~/.aws/config`). Read only when a live read needs credentials.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"shared_credentials_files": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Paths of shared credentials files to read instead of the default " +
					"(`~/.aws/credentials`). Read only when a live read needs credentials.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"s3_use_path_style": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Address buckets with path-style URLs (`https://host/bucket/key`) instead of " +
					"virtual-hosted style. Needed by most local S3-compatible servers. Default `false`.",
			},
			"read_organization_policies": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Let live reads fetch service control policies and resource control policies from " +
					"AWS Organizations. Member accounts usually cannot read them; when `false` (the default) live checks " +
					"say in their explanation that SCPs and RCPs were not evaluated unless given in configuration.",
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.ListNestedBlock{
				MarkdownDescription: "Role to assume (with STS AssumeRole) for live reads and fixes. At most one block.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"role_arn": schema.StringAttribute{
							Required: true,
							MarkdownDescription: "ARN of the IAM role to assume, for example " +
								"`arn:aws:iam::123456789012:role/s3access-reader`.",
							Validators: []validator.String{roleARNValidator{}},
						},
						"session_name": schema.StringAttribute{
							Optional: true,
							MarkdownDescription: "Session name of the assumed-role session (2 to 64 characters of " +
								"letters, digits and `+=,.@-_`). Default chosen by the SDK.",
							Validators: []validator.String{stringvalidator.RegexMatches(sessionNamePattern,
								"must be 2 to 64 characters of letters, digits and +=,.@-_")},
						},
						"external_id": schema.StringAttribute{
							Optional: true,
							MarkdownDescription: "External ID required by the role's trust policy (2 to 1224 characters of " +
								"letters, digits and `+=,.@:/-_`).",
							Validators: []validator.String{stringvalidator.LengthBetween(2, 1224), stringvalidator.RegexMatches(externalIDPattern,
								"must be 2 to 1224 characters of letters, digits and +=,.@:/-_")},
						},
					},
				},
			},
			"endpoints": schema.ListNestedBlock{
				MarkdownDescription: "Custom service endpoints, for local S3-compatible servers or VPC endpoints. At most one block.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject:        schema.NestedBlockObject{Attributes: endpointAttrs},
			},
		},
	}
}

func endpointTitle(svc string) string {
	switch svc {
	case "s3":
		return "Amazon S3"
	case "s3control":
		return "Amazon S3 Control"
	case "iam":
		return "AWS IAM"
	case "sts":
		return "AWS STS"
	case "kms":
		return "AWS KMS"
	case "organizations":
		return "AWS Organizations"
	}
	return svc
}

type providerModel struct {
	Region                   types.String          `tfsdk:"region"`
	Profile                  types.String          `tfsdk:"profile"`
	SharedConfigFiles        types.List            `tfsdk:"shared_config_files"`
	SharedCredentialsFiles   types.List            `tfsdk:"shared_credentials_files"`
	S3UsePathStyle           types.Bool            `tfsdk:"s3_use_path_style"`
	ReadOrganizationPolicies types.Bool            `tfsdk:"read_organization_policies"`
	AssumeRole               []assumeRoleModel     `tfsdk:"assume_role"`
	Endpoints                []endpointsBlockModel `tfsdk:"endpoints"`
}

type assumeRoleModel struct {
	RoleARN     types.String `tfsdk:"role_arn"`
	SessionName types.String `tfsdk:"session_name"`
	ExternalID  types.String `tfsdk:"external_id"`
}

type endpointsBlockModel struct {
	S3            types.String `tfsdk:"s3"`
	S3Control     types.String `tfsdk:"s3control"`
	IAM           types.String `tfsdk:"iam"`
	STS           types.String `tfsdk:"sts"`
	KMS           types.String `tfsdk:"kms"`
	Organizations types.String `tfsdk:"organizations"`
}

func (e endpointsBlockModel) byService() map[string]types.String {
	return map[string]types.String{
		"s3": e.S3, "s3control": e.S3Control, "iam": e.IAM, "sts": e.STS, "kms": e.KMS, "organizations": e.Organizations,
	}
}

// Configure implements provider.Provider. It validates and stores the settings; it never contacts AWS.
func (p *S3AccessProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	data := &ProviderData{Version: p.version, Endpoints: map[string]string{}}
	unknown := func(name string, v interface{ IsUnknown() bool }) bool {
		if v.IsUnknown() {
			data.UnknownAttributes = append(data.UnknownAttributes, name)
			return true
		}
		return false
	}

	if !unknown("region", cfg.Region) {
		data.Region = cfg.Region.ValueString()
	}
	if !unknown("profile", cfg.Profile) {
		data.Profile = cfg.Profile.ValueString()
	}
	if !unknown("shared_config_files", cfg.SharedConfigFiles) && !cfg.SharedConfigFiles.IsNull() {
		resp.Diagnostics.Append(cfg.SharedConfigFiles.ElementsAs(ctx, &data.SharedConfigFiles, false)...)
	}
	if !unknown("shared_credentials_files", cfg.SharedCredentialsFiles) && !cfg.SharedCredentialsFiles.IsNull() {
		resp.Diagnostics.Append(cfg.SharedCredentialsFiles.ElementsAs(ctx, &data.SharedCredentialsFiles, false)...)
	}
	if !unknown("s3_use_path_style", cfg.S3UsePathStyle) {
		data.S3UsePathStyle = cfg.S3UsePathStyle.ValueBool()
	}
	if !unknown("read_organization_policies", cfg.ReadOrganizationPolicies) {
		data.ReadOrganizationPolicies = cfg.ReadOrganizationPolicies.ValueBool()
	}
	if len(cfg.AssumeRole) > 1 {
		resp.Diagnostics.AddAttributeError(path.Root("assume_role"), "Too many assume_role blocks",
			"At most one assume_role block may be configured.")
	}
	if len(cfg.AssumeRole) == 1 {
		ar := cfg.AssumeRole[0]
		data.AssumeRole = &AssumeRoleSettings{}
		if !unknown("assume_role.role_arn", ar.RoleARN) {
			data.AssumeRole.RoleARN = ar.RoleARN.ValueString()
		}
		if !unknown("assume_role.session_name", ar.SessionName) {
			data.AssumeRole.SessionName = ar.SessionName.ValueString()
		}
		if !unknown("assume_role.external_id", ar.ExternalID) {
			data.AssumeRole.ExternalID = ar.ExternalID.ValueString()
		}
	}
	if len(cfg.Endpoints) > 1 {
		resp.Diagnostics.AddAttributeError(path.Root("endpoints"), "Too many endpoints blocks",
			"At most one endpoints block may be configured.")
	}
	if len(cfg.Endpoints) == 1 {
		for svc, v := range cfg.Endpoints[0].byService() {
			if unknown("endpoints."+svc, v) || v.IsNull() {
				continue
			}
			// The schema validator already checked the URL; checking again keeps Configure fail-closed
			// when called without prior validation (e.g. by a future caller of this method).
			if msg := checkEndpointURL(v.ValueString()); msg != "" {
				resp.Diagnostics.AddAttributeError(path.Root("endpoints").AtListIndex(0).AtName(svc),
					"Invalid endpoint URL", msg)
				continue
			}
			data.Endpoints[svc] = v.ValueString()
		}
	}
	sort.Strings(data.UnknownAttributes)
	if resp.Diagnostics.HasError() {
		return
	}

	if p.configureHook != nil {
		if err := p.configureHook(ctx, data); err != nil {
			resp.Diagnostics.AddError("Provider configuration hook failed", err.Error())
			return
		}
	}
	resp.DataSourceData = data
	resp.ResourceData = data
	resp.EphemeralResourceData = data
}

// DataSources implements provider.Provider.
func (p *S3AccessProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return append(DataSources(), p.extraDataSources...)
}

// Resources implements provider.Provider.
func (p *S3AccessProvider) Resources(_ context.Context) []func() resource.Resource {
	return append(Resources(), p.extraResources...)
}

// Functions implements provider.ProviderWithFunctions.
func (p *S3AccessProvider) Functions(_ context.Context) []func() function.Function {
	return Functions()
}

// roleARNValidator accepts only IAM role ARNs: arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME.
type roleARNValidator struct{}

func (roleARNValidator) Description(_ context.Context) string {
	return "value must be an IAM role ARN such as arn:aws:iam::123456789012:role/NAME"
}

func (v roleARNValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (roleARNValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := checkRoleARN(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid IAM role ARN", msg)
	}
}

var (
	accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)
	roleNamePattern  = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	rolePathPattern  = regexp.MustCompile(`^/([\x21-\x7e]*/)?$`)
)

// checkRoleARN returns "" for a valid IAM role ARN, else a message naming the problem.
func checkRoleARN(s string) string {
	bad := func(why string) string {
		return fmt.Sprintf("%q is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME): %s", s, why)
	}
	a, err := arn.Parse(s)
	if err != nil {
		return bad(err.Error())
	}
	if a.Service != "iam" {
		return bad(fmt.Sprintf("service is %q, not iam", a.Service))
	}
	if a.Region != "" {
		return bad("IAM ARNs have an empty region field")
	}
	if !accountIDPattern.MatchString(a.AccountID) {
		return bad(fmt.Sprintf("account %q is not a 12-digit account id", a.AccountID))
	}
	rest, ok := strings.CutPrefix(a.Resource, "role/")
	if !ok {
		return bad(fmt.Sprintf("resource %q is not a role (role/NAME)", a.Resource))
	}
	i := strings.LastIndex(rest, "/")
	rolePath, name := "/"+rest[:i+1], rest[i+1:]
	if !roleNamePattern.MatchString(name) {
		return bad(fmt.Sprintf("role name %q must be 1 to 64 characters of letters, digits and +=,.@-_", name))
	}
	if !rolePathPattern.MatchString(rolePath) {
		return bad(fmt.Sprintf("role path %q is invalid", rolePath))
	}
	return ""
}

// endpointURLValidator accepts absolute http(s) URLs with a host, without credentials, query or fragment.
type endpointURLValidator struct{}

func (endpointURLValidator) Description(_ context.Context) string {
	return "value must be an absolute http or https URL such as https://s3.example.com"
}

func (v endpointURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (endpointURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := checkEndpointURL(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid endpoint URL", msg)
	}
}

// checkEndpointURL returns "" for a usable endpoint URL, else a message naming the problem.
func checkEndpointURL(s string) string {
	bad := func(why string) string {
		return fmt.Sprintf("%q is not a usable endpoint URL (absolute http or https URL such as https://s3.example.com): %s", s, why)
	}
	u, err := url.Parse(s)
	if err != nil {
		return bad(err.Error())
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return bad(fmt.Sprintf("scheme %q is not http or https", u.Scheme))
	}
	if u.Host == "" || u.Hostname() == "" {
		return bad("no host")
	}
	if u.User != nil {
		return bad("credentials must not be embedded in the URL")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return bad("a query or fragment is not allowed")
	}
	if u.Opaque != "" {
		return bad("not a hierarchical URL")
	}
	return ""
}
