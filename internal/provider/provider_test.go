package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// settingsDataSource is a test-only data source (s3access_test_settings) that exposes the ProviderData it
// received, so tests can observe what Configure stored.
type settingsDataSource struct{ data *ProviderData }

type settingsModel struct {
	Region                   types.String `tfsdk:"region"`
	Profile                  types.String `tfsdk:"profile"`
	SharedConfigFiles        types.List   `tfsdk:"shared_config_files"`
	SharedCredentialsFiles   types.List   `tfsdk:"shared_credentials_files"`
	RoleARN                  types.String `tfsdk:"role_arn"`
	SessionName              types.String `tfsdk:"session_name"`
	ExternalID               types.String `tfsdk:"external_id"`
	Endpoints                types.Map    `tfsdk:"endpoints"`
	S3UsePathStyle           types.Bool   `tfsdk:"s3_use_path_style"`
	ReadOrganizationPolicies types.Bool   `tfsdk:"read_organization_policies"`
}

func newSettingsDataSource() datasource.DataSource { return &settingsDataSource{} }

func (d *settingsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_test_settings"
}

func (d *settingsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := dsschema.StringAttribute{Computed: true}
	list := dsschema.ListAttribute{Computed: true, ElementType: types.StringType}
	resp.Schema = dsschema.Schema{Attributes: map[string]dsschema.Attribute{
		"region": str, "profile": str, "role_arn": str, "session_name": str, "external_id": str,
		"shared_config_files": list, "shared_credentials_files": list,
		"endpoints":                  dsschema.MapAttribute{Computed: true, ElementType: types.StringType},
		"s3_use_path_style":          dsschema.BoolAttribute{Computed: true},
		"read_organization_policies": dsschema.BoolAttribute{Computed: true},
	}}
}

func (d *settingsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*ProviderData)
	if !ok {
		resp.Diagnostics.AddError("unexpected provider data", fmt.Sprintf("%T", req.ProviderData))
		return
	}
	d.data = data
}

func (d *settingsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		resp.Diagnostics.AddError("provider not configured", "no ProviderData")
		return
	}
	p := d.data
	m := settingsModel{
		Region: types.StringValue(p.Region), Profile: types.StringValue(p.Profile),
		S3UsePathStyle: types.BoolValue(p.S3UsePathStyle), ReadOrganizationPolicies: types.BoolValue(p.ReadOrganizationPolicies),
		RoleARN: types.StringNull(), SessionName: types.StringNull(), ExternalID: types.StringNull(),
	}
	if p.AssumeRole != nil {
		m.RoleARN = types.StringValue(p.AssumeRole.RoleARN)
		m.SessionName = types.StringValue(p.AssumeRole.SessionName)
		m.ExternalID = types.StringValue(p.AssumeRole.ExternalID)
	}
	var diags diag.Diagnostics
	m.SharedConfigFiles, diags = types.ListValueFrom(ctx, types.StringType, p.SharedConfigFiles)
	resp.Diagnostics.Append(diags...)
	m.SharedCredentialsFiles, diags = types.ListValueFrom(ctx, types.StringType, p.SharedCredentialsFiles)
	resp.Diagnostics.Append(diags...)
	m.Endpoints, diags = types.MapValueFrom(ctx, types.StringType, p.Endpoints)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// failingServer returns a server that fails the test on any request: configuring the provider must not
// contact any endpoint (ARCHITECTURE.md section 2: "Nothing is contacted unless a data source or resource
// needs AWS").
func failingServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		t.Errorf("unexpected AWS call during provider configuration: %s %s", r.Method, r.URL)
		http.Error(w, "no calls expected", http.StatusTeapot)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// TestProviderConfigureEveryAttributeOffline: ARCHITECTURE.md section 2, provider configuration. Every
// attribute set, credentials files and profile that do not exist, endpoints on a server that fails the test
// if contacted: the plan succeeds, the data source sees the settings, and no request is made.
func TestProviderConfigureEveryAttributeOffline(t *testing.T) {
	srv, hits := failingServer(t)
	dir := t.TempDir()
	missingConfig := dir + "/no-such-config"
	missingCreds := dir + "/no-such-credentials"
	roleARN := "arn:aws:iam::123456789012:role/team/s3access-reader"

	var mu sync.Mutex
	var seen []ProviderData
	hook := WithConfigureHook(func(_ context.Context, d *ProviderData) error {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, *d)
		return nil
	})

	endpoints := map[string]string{}
	var endpointLines []string
	for i, svc := range EndpointServices {
		u := fmt.Sprintf("%s/%s%d", srv.URL, svc, i)
		endpoints[svc] = u
		endpointLines = append(endpointLines, fmt.Sprintf("    %s = %q", svc, u))
	}
	config := fmt.Sprintf(`
provider "s3access" {
  region                     = "eu-west-3"
  profile                    = "no-such-profile"
  shared_config_files        = [%q]
  shared_credentials_files   = [%q]
  s3_use_path_style          = true
  read_organization_policies = true
  assume_role {
    role_arn     = %q
    session_name = "plan-check"
    external_id  = "ext-1234"
  }
  endpoints {
%s
  }
}

data "s3access_test_settings" "this" {}
`, missingConfig, missingCreds, roleARN, strings.Join(endpointLines, "\n"))

	const ds = "data.s3access_test_settings.this"
	checks := []resource.TestCheckFunc{
		resource.TestCheckResourceAttr(ds, "region", "eu-west-3"),
		resource.TestCheckResourceAttr(ds, "profile", "no-such-profile"),
		resource.TestCheckResourceAttr(ds, "shared_config_files.#", "1"),
		resource.TestCheckResourceAttr(ds, "shared_config_files.0", missingConfig),
		resource.TestCheckResourceAttr(ds, "shared_credentials_files.0", missingCreds),
		resource.TestCheckResourceAttr(ds, "s3_use_path_style", "true"),
		resource.TestCheckResourceAttr(ds, "read_organization_policies", "true"),
		resource.TestCheckResourceAttr(ds, "role_arn", roleARN),
		resource.TestCheckResourceAttr(ds, "session_name", "plan-check"),
		resource.TestCheckResourceAttr(ds, "external_id", "ext-1234"),
		resource.TestCheckResourceAttr(ds, "endpoints.%", fmt.Sprint(len(EndpointServices))),
	}
	for svc, u := range endpoints {
		checks = append(checks, resource.TestCheckResourceAttr(ds, "endpoints."+svc, u))
	}
	checks = append(checks, func(*terraform.State) error {
		mu.Lock()
		defer mu.Unlock()
		if len(seen) == 0 {
			return fmt.Errorf("Configure was never called")
		}
		want := ProviderData{
			Version: "test", Region: "eu-west-3", Profile: "no-such-profile",
			SharedConfigFiles: []string{missingConfig}, SharedCredentialsFiles: []string{missingCreds},
			AssumeRole: &AssumeRoleSettings{RoleARN: roleARN, SessionName: "plan-check", ExternalID: "ext-1234"},
			Endpoints:  endpoints, S3UsePathStyle: true, ReadOrganizationPolicies: true,
		}
		for i, got := range seen {
			if !reflect.DeepEqual(got, want) {
				return fmt.Errorf("Configure call %d stored\n%+v\nwant\n%+v", i, got, want)
			}
		}
		return nil
	})

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactoriesWith(hook, WithDataSources(newSettingsDataSource)),
		Steps:                    []resource.TestStep{{Config: config, Check: resource.ComposeAggregateTestCheckFunc(checks...)}},
	})
	if n := hits.Load(); n != 0 {
		t.Fatalf("provider made %d request(s) to the endpoints during configuration", n)
	}
}

// TestProviderConfigureEmpty: every attribute is optional; an empty provider block yields zero settings
// (SDK defaults apply later, lazily).
func TestProviderConfigureEmpty(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactoriesWith(WithDataSources(newSettingsDataSource)),
		Steps: []resource.TestStep{{
			Config: `
provider "s3access" {}
data "s3access_test_settings" "this" {}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.s3access_test_settings.this", "region", ""),
				resource.TestCheckNoResourceAttr("data.s3access_test_settings.this", "role_arn"),
				resource.TestCheckResourceAttr("data.s3access_test_settings.this", "endpoints.%", "0"),
				resource.TestCheckResourceAttr("data.s3access_test_settings.this", "s3_use_path_style", "false"),
				resource.TestCheckResourceAttr("data.s3access_test_settings.this", "read_organization_policies", "false"),
			),
		}},
	})
}

// TestProviderConfigureInvalid: invalid settings are plan errors naming the attribute (fail closed).
func TestProviderConfigureInvalid(t *testing.T) {
	cases := []struct {
		name, body string
		want       string
	}{
		{"role_arn is a user ARN", `assume_role { role_arn = "arn:aws:iam::123456789012:user/alice" }`, `(?s)Invalid IAM role ARN.*not a role`},
		{"role_arn is not an ARN", `assume_role { role_arn = "s3access-reader" }`, `(?s)Invalid IAM role ARN.*not an IAM role ARN`},
		{"role_arn of another service", `assume_role { role_arn = "arn:aws:s3:::role/x" }`, `(?s)Invalid IAM role ARN.*service is "s3"`},
		{"role_arn with short account", `assume_role { role_arn = "arn:aws:iam::1234:role/x" }`, `(?s)Invalid IAM role ARN.*12-digit`},
		{"role_arn missing", `assume_role { session_name = "abc" }`, `(?s)role_arn.*required`},
		{"two assume_role blocks", `
  assume_role { role_arn = "arn:aws:iam::123456789012:role/a" }
  assume_role { role_arn = "arn:aws:iam::123456789012:role/b" }`, `(?s)assume_role.*at most 1`},
		{"session_name too short", `assume_role {
    role_arn     = "arn:aws:iam::123456789012:role/a"
    session_name = "x"
  }`, `(?s)session_name.*2 to 64`},
		{"endpoint without scheme", `endpoints { s3 = "s3.example.com" }`, `(?s)Invalid endpoint URL.*scheme ""`},
		{"endpoint with ftp scheme", `endpoints { iam = "ftp://iam.example.com" }`, `(?s)Invalid endpoint URL.*scheme "ftp"`},
		{"endpoint with credentials", `endpoints { sts = "https://user:pw@sts.example.com" }`, `(?s)Invalid endpoint URL.*credentials`},
		{"endpoint with query", `endpoints { kms = "https://kms.example.com/?x=1" }`, `(?s)Invalid endpoint URL.*query`},
		{"endpoint not a URL", `endpoints { organizations = "http://[::1" }`, `(?s)Invalid endpoint URL`},
		{"region not a region", `region = "Frankfurt"`, `(?s)region.*AWS region name`},
		{"empty profile", `profile = ""`, `(?s)profile.*length`},
		{"empty config file list", `shared_config_files = []`, `(?s)shared_config_files.*at least 1`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviderFactoriesWith(WithDataSources(newSettingsDataSource)),
				Steps: []resource.TestStep{{
					Config:      "provider \"s3access\" {\n  " + tc.body + "\n}\ndata \"s3access_test_settings\" \"this\" {}\n",
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

func TestCheckRoleARN(t *testing.T) {
	cases := []struct {
		in   string
		ok   bool
		want string
	}{
		{"arn:aws:iam::123456789012:role/reader", true, ""},
		{"arn:aws:iam::123456789012:role/path/to/reader", true, ""},
		{"arn:aws-us-gov:iam::123456789012:role/r+=,.@-_", true, ""},
		{"arn:aws:iam::123456789012:role/", false, "role name"},
		{"arn:aws:iam::123456789012:role/path/", false, "role name"},
		{"arn:aws:iam::123456789012:user/alice", false, "not a role"},
		{"arn:aws:sts::123456789012:assumed-role/r/s", false, "service is \"sts\""},
		{"arn:aws:iam:us-east-1:123456789012:role/r", false, "empty region"},
		{"arn:aws:iam::12345678901a:role/r", false, "12-digit"},
		{"arn:aws:iam::123456789012:role/" + strings.Repeat("a", 65), false, "role name"},
		{"arn:aws:iam::123456789012:role/bad name", false, "role name"},
		{"", false, "not an IAM role ARN"},
	}
	for _, tc := range cases {
		got := checkRoleARN(tc.in)
		if tc.ok != (got == "") || (!tc.ok && !strings.Contains(got, tc.want)) {
			t.Errorf("checkRoleARN(%q) = %q, want ok=%v containing %q", tc.in, got, tc.ok, tc.want)
		}
	}
}

func TestCheckEndpointURL(t *testing.T) {
	cases := []struct {
		in   string
		ok   bool
		want string
	}{
		{"https://s3.us-east-1.amazonaws.com", true, ""},
		{"http://127.0.0.1:7070", true, ""},
		{"http://[::1]:7070/base/", true, ""},
		{"127.0.0.1:7070", false, "first path segment"},
		{"s3.example.com", false, "scheme \"\""},
		{"https://", false, "no host"},
		{"https://:443", false, "no host"},
		{"https://a:b@s3.example.com", false, "credentials"},
		{"https://s3.example.com/#frag", false, "query or fragment"},
		{"https://s3.example.com/?", false, "query or fragment"},
		{"https:opaque", false, "no host"},
		{"http://[::1", false, "not a usable endpoint URL"},
	}
	for _, tc := range cases {
		got := checkEndpointURL(tc.in)
		if tc.ok != (got == "") || (!tc.ok && !strings.Contains(got, tc.want)) {
			t.Errorf("checkEndpointURL(%q) = %q, want ok=%v containing %q", tc.in, got, tc.ok, tc.want)
		}
	}
}

// TestProviderSchema: the configuration surface of ARCHITECTURE.md section 2, each attribute documented.
func TestProviderSchema(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	var resp fwprovider.SchemaResponse
	p.Schema(ctx, fwprovider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema diagnostics: %v", resp.Diagnostics)
	}
	if d := resp.Schema.ValidateImplementation(ctx); d.HasError() {
		t.Fatalf("schema invalid: %v", d)
	}
	var got []string
	for name, a := range resp.Schema.Attributes {
		got = append(got, name)
		if a.GetMarkdownDescription() == "" {
			t.Errorf("attribute %s has no MarkdownDescription", name)
		}
		if !a.IsOptional() || a.IsRequired() {
			t.Errorf("attribute %s must be optional", name)
		}
	}
	for name, b := range resp.Schema.Blocks {
		lb, ok := b.(schema.ListNestedBlock)
		if !ok {
			t.Fatalf("block %s is %T, want ListNestedBlock", name, b)
		}
		if b.GetMarkdownDescription() == "" {
			t.Errorf("block %s has no MarkdownDescription", name)
		}
		for an, a := range lb.NestedObject.Attributes {
			got = append(got, name+"."+an)
			if a.GetMarkdownDescription() == "" {
				t.Errorf("attribute %s.%s has no MarkdownDescription", name, an)
			}
		}
	}
	want := []string{"assume_role.external_id", "assume_role.role_arn", "assume_role.session_name",
		"endpoints.iam", "endpoints.kms", "endpoints.organizations", "endpoints.s3", "endpoints.s3control", "endpoints.sts",
		"profile", "read_organization_policies", "region", "s3_use_path_style", "shared_config_files", "shared_credentials_files"}
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("schema attributes\n got %v\nwant %v", got, want)
	}
}

// TestProviderConfigureUnknownValues: a setting unknown at plan time (from a resource not yet created) is
// recorded in UnknownAttributes instead of being replaced by a default; once known it is stored.
func TestProviderConfigureUnknownValues(t *testing.T) {
	var mu sync.Mutex
	var seen []ProviderData
	hook := WithConfigureHook(func(_ context.Context, d *ProviderData) error {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, *d)
		return nil
	})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactoriesWith(hook, WithDataSources(newSettingsDataSource)),
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "region" {
  input = "eu-north-1"
}
provider "s3access" {
  region = terraform_data.region.output
  endpoints {
    s3 = "http://127.0.0.1:1/${terraform_data.region.output}"
  }
}
data "s3access_test_settings" "this" {}
`,
			Check: func(*terraform.State) error {
				mu.Lock()
				defer mu.Unlock()
				var sawUnknown, sawKnown bool
				for _, d := range seen {
					switch {
					case reflect.DeepEqual(d.UnknownAttributes, []string{"endpoints.s3", "region"}):
						if d.Region != "" || len(d.Endpoints) != 0 {
							return fmt.Errorf("unknown settings were given values: %+v", d)
						}
						sawUnknown = true
					case len(d.UnknownAttributes) == 0 && d.Region == "eu-north-1" &&
						d.Endpoints["s3"] == "http://127.0.0.1:1/eu-north-1":
						sawKnown = true
					default:
						return fmt.Errorf("unexpected provider data %+v", d)
					}
				}
				if !sawUnknown || !sawKnown {
					return fmt.Errorf("want one configuration with unknown region and one with it known; got %+v", seen)
				}
				return nil
			},
		}},
	})
}

// TestProviderConfigureHookError: a failing configure hook (a fake that cannot start) is a configuration
// error, never a silently unconfigured provider.
func TestProviderConfigureHookError(t *testing.T) {
	hook := WithConfigureHook(func(context.Context, *ProviderData) error { return fmt.Errorf("fake reader unavailable") })
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactoriesWith(hook, WithDataSources(newSettingsDataSource)),
		Steps: []resource.TestStep{{
			Config:      "provider \"s3access\" {}\ndata \"s3access_test_settings\" \"this\" {}\n",
			ExpectError: regexp.MustCompile(`(?s)Provider configuration hook failed.*fake reader unavailable`),
		}},
	})
}
