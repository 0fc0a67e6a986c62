package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/s3access/terraform-provider-s3access/internal/lint"
)

var _ function.Function = (*isPublicPolicyFunction)(nil)

// NewIsPublicPolicyFunction returns the is_public_policy function.
func NewIsPublicPolicyFunction() function.Function { return &isPublicPolicyFunction{} }

type isPublicPolicyFunction struct{}

func (f *isPublicPolicyFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "is_public_policy"
}

func (f *isPublicPolicyFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Whether a bucket policy is public",
		MarkdownDescription: "Returns `true` when a bucket policy is public by the S3 Block Public Access definition: an Allow statement " +
			"whose principal is `*` (or `NotPrincipal`, or a federated principal) and that no fixed-value condition on the caller " +
			"(`aws:PrincipalOrgID`, `aws:SourceVpce`, `aws:SourceIp` /8 or narrower, ...) pins. An invalid policy is an error.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "policy", MarkdownDescription: "Bucket policy JSON."},
		},
		Return: function.BoolReturn{},
	}
}

func (f *isPublicPolicyFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var doc string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &doc))
	if resp.Error != nil {
		return
	}
	pub, err := lint.IsPublicPolicy(doc)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "invalid bucket policy: "+err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, pub))
}
