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

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/s3access/terraform-provider-s3access/internal/awsread"
	"github.com/s3access/terraform-provider-s3access/internal/livecheck"
)

// liveMaxConcurrentReads bounds the AWS reads in flight per provider instance.
const liveMaxConcurrentReads = 8

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
	reader, err := d.liveReaderOnce(ctx)
	return reader, opts, err
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
