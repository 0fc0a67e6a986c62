package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

var _ function.Function = (*bucketARNFunction)(nil)

// NewBucketARNFunction returns the bucket_arn function.
func NewBucketARNFunction() function.Function { return &bucketARNFunction{} }

type bucketARNFunction struct{}

func (f *bucketARNFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "bucket_arn"
}

func (f *bucketARNFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The ARN of an S3 bucket",
		MarkdownDescription: "Returns `arn:aws:s3:::BUCKET`, the resource of bucket actions such as `s3:ListBucket`. " +
			"The name is checked against the bucket naming rules; S3 bucket ARNs carry no region or account.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "bucket", MarkdownDescription: "Bucket name (not an ARN)."},
		},
		Return: function.StringReturn{},
	}
}

func (f *bucketARNFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var bucket string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &bucket))
	if resp.Error != nil {
		return
	}
	if err := s3model.ValidateBucketName(bucket); err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, s3model.BucketARN("aws", bucket)))
}
