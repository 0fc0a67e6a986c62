package provider

// Live mode glue (ARCHITECTURE.md section 4): the provider settings become one
// lazily built, caching awsread reader per provider instance (so a plan reads
// each bucket and principal once, however many checks use it); read failures
// become warning diagnostics next to the decision "unknown".

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/s3access/terraform-provider-s3access/internal/awsread"
	"github.com/s3access/terraform-provider-s3access/internal/livecheck"
)

// liveMaxConcurrentReads bounds the AWS reads in flight per provider instance.
const liveMaxConcurrentReads = 8

type liveState struct {
	once   sync.Once
	reader awsread.Reader
	err    error
}

var (
	liveStates    sync.Map // *ProviderData -> *liveState
	liveOverrides sync.Map // *ProviderData -> awsread.Reader (tests)
)

// withLiveReader makes every provider instance read live through r instead of
// AWS (tests; r is wrapped in the per-instance cache like the real reader).
func withLiveReader(r awsread.Reader) Option {
	return WithConfigureHook(func(_ context.Context, d *ProviderData) error {
		liveOverrides.Store(d, r)
		return nil
	})
}

// liveSettings converts the provider settings for internal/awsread.
func liveSettings(d *ProviderData) awsread.Settings {
	s := awsread.Settings{
		Region:                   d.Region,
		Profile:                  d.Profile,
		SharedConfigFiles:        d.SharedConfigFiles,
		SharedCredentialsFiles:   d.SharedCredentialsFiles,
		Endpoints:                d.Endpoints,
		S3UsePathStyle:           d.S3UsePathStyle,
		ReadOrganizationPolicies: d.ReadOrganizationPolicies,
	}
	if d.AssumeRole != nil {
		s.AssumeRole = &awsread.AssumeRole{RoleARN: d.AssumeRole.RoleARN, SessionName: d.AssumeRole.SessionName, ExternalID: d.AssumeRole.ExternalID}
	}
	return s
}

// liveReader returns the provider instance's reader and options. The error
// says what is missing for live reads (unknown provider settings, invalid
// settings, no credentials); it is reported on the live attribute.
func liveReader(ctx context.Context, d *ProviderData) (awsread.Reader, livecheck.Options, error) {
	if d == nil {
		return nil, livecheck.Options{}, errors.New("the provider is not configured, so there are no AWS settings to read with")
	}
	opts := livecheck.Options{ReadOrganizationPolicies: d.ReadOrganizationPolicies}
	if len(d.UnknownAttributes) > 0 {
		return nil, opts, fmt.Errorf("the provider settings %s are not known yet (they depend on resources not created); "+
			"live reads need them: apply what they depend on first, or set them to known values", strings.Join(d.UnknownAttributes, ", "))
	}
	v, _ := liveStates.LoadOrStore(d, &liveState{})
	st := v.(*liveState)
	st.once.Do(func() {
		if o, ok := liveOverrides.Load(d); ok {
			st.reader = awsread.NewCached(o.(awsread.Reader), liveMaxConcurrentReads)
			return
		}
		s := liveSettings(d)
		if err := s.Validate(); err != nil {
			st.err = fmt.Errorf("the provider settings cannot be used for live reads: %w", err)
			return
		}
		c := awsread.NewClients(s)
		cfg, err := c.Config(context.WithoutCancel(ctx))
		if err != nil {
			st.err = fmt.Errorf("the AWS configuration cannot be loaded for live reads: %w", err)
			return
		}
		if cfg.Credentials == nil {
			st.err = errors.New(noCredentials)
			return
		}
		if _, err := cfg.Credentials.Retrieve(context.WithoutCancel(ctx)); err != nil {
			st.err = fmt.Errorf("%s (%v)", noCredentials, err)
			return
		}
		st.reader = awsread.NewCached(awsread.NewLive(c), liveMaxConcurrentReads)
	})
	return st.reader, opts, st.err
}

const noCredentials = "no usable AWS credentials for live reads: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, " +
	"or a profile (profile, shared_config_files, shared_credentials_files), or assume_role, in the provider configuration or its environment"

// addLiveWarnings adds one warning per failed read (deduplicated by seen):
// the decision is unknown and why. prefix, when not empty, names the request.
func addLiveWarnings(diags *diag.Diagnostics, rep *livecheck.Report, seen map[string]bool, prefix string) {
	for _, f := range rep.Failures {
		detail := fmt.Sprintf("The %s layer could not be read live: %s: %s. The decision is \"unknown\"; it was not evaluated with a guessed value. "+
			"Set %s in the configuration, or allow the provider's credentials to call %s.", f.Layer, f.Err.Operation, liveErrorText(f.Err), f.Input, f.Err.Operation)
		if seen != nil {
			if seen[detail] {
				continue
			}
			seen[detail] = true
		}
		if prefix != "" {
			detail = prefix + ": " + detail
		}
		diags.AddAttributeWarning(path.Root("live"), "Live read failed: "+f.Layer, detail)
	}
}

func liveErrorText(e *awsread.ReadError) string {
	code := e.Code
	if code == "" {
		code = "error"
	}
	if e.Err != nil {
		return code + ": " + e.Err.Error()
	}
	return code
}

// liveUnavailable reports, on the live attribute, why live reads cannot run.
func liveUnavailable(diags *diag.Diagnostics, err error) {
	diags.AddAttributeError(path.Root("live"), "Live mode cannot read AWS",
		err.Error()+". The check was not evaluated: evaluating offline while live reads were asked for could report access that AWS would refuse.")
}

// configuredData returns the provider data handed to a data source (nil
// before the provider is configured).
func configuredData(req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) *ProviderData {
	if req.ProviderData == nil {
		return nil
	}
	d, ok := req.ProviderData.(*ProviderData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("expected *ProviderData, got %T", req.ProviderData))
		return nil
	}
	return d
}
