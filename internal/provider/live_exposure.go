package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/s3access/terraform-provider-s3access/internal/lint"
	"github.com/s3access/terraform-provider-s3access/internal/livecheck"
	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

var _ datasource.DataSourceWithConfigure = (*bucketExposureDataSource)(nil)

// fillExposureLive reads what m leaves unset (bucket policy, bucket and
// account Block Public Access, Object Ownership, the bucket ACL when ACLs are
// enabled, the bucket owner) into in. Exposure has no "unknown" answer, so a
// read that fails is an error on live naming the layer, the API and the AWS
// error; false means an error was reported.
func fillExposureLive(ctx context.Context, data *ProviderData, m *bucketExposureModel, in *lint.ExposureInput, diags *diag.Diagnostics) bool {
	reader, _, err := liveReader(ctx, data)
	if err != nil {
		liveUnavailable(diags, err)
		return false
	}
	req := &s3authz.Request{
		Principal: "anonymous", Action: "s3:ListBucket", Bucket: in.Bucket, BucketAccountID: in.BucketAccountID,
		BucketPolicy: optString(m.BucketPolicy), BlockPublicAccess: m.BlockPublicAccess.engine(),
		AccountBlockPublicAccess: m.AccountBlockPublicAccess.engine(), ObjectOwnership: in.ObjectOwnership, BucketACL: m.BucketACL.engine(),
	}
	out, _, err := livecheck.Fill(ctx, reader, req, livecheck.Options{})
	if err != nil {
		var rf livecheck.ReadFailures
		if !errors.As(err, &rf) {
			diags.AddAttributeError(path.Root("live"), "Live read failed", err.Error())
			return false
		}
		for _, f := range rf {
			diags.AddAttributeError(path.Root("live"), "Live read failed: "+f.Layer,
				fmt.Sprintf("%s (%s): %s. The exposure was not computed: a layer is never guessed. Set %s in the configuration, or allow the provider's credentials to call %s.",
					f.Layer, f.Err.Operation, liveErrorText(f.Err), f.Input, f.Err.Operation))
		}
		return false
	}
	in.BucketAccountID = out.BucketAccountID
	in.BucketPolicy = ""
	if out.BucketPolicy != nil {
		in.BucketPolicy = *out.BucketPolicy
	}
	in.BPA = out.BlockPublicAccess
	in.AccountBPA = out.AccountBlockPublicAccess
	in.ObjectOwnership = out.ObjectOwnership
	if m.BucketACL == nil && out.BucketACL != nil {
		in.BucketACL = &lint.ACL{Canned: out.BucketACL.Canned}
		in.BucketACL.Grants = append(in.BucketACL.Grants, out.BucketACL.Grants...)
	}
	return true
}
