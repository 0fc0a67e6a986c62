package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

var _ function.Function = (*objectARNFunction)(nil)

// NewObjectARNFunction returns the object_arn function.
func NewObjectARNFunction() function.Function { return &objectARNFunction{} }

type objectARNFunction struct{}

func (f *objectARNFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "object_arn"
}

func (f *objectARNFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The ARN of S3 objects",
		MarkdownDescription: "Returns `arn:aws:s3:::BUCKET/KEY`, the resource of object actions such as `s3:GetObject`. " +
			"The key is used verbatim, so `\"*\"` or `\"reports/*\"` give the policy pattern for every object or every object under a prefix.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "bucket", MarkdownDescription: "Bucket name (not an ARN)."},
			function.StringParameter{Name: "key", MarkdownDescription: "Object key or key pattern, e.g. `reports/*`; must not be empty or start with `/`."},
		},
		Return: function.StringReturn{},
	}
}

func (f *objectARNFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var bucket, key string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &bucket, &key))
	if resp.Error != nil {
		return
	}
	if err := s3model.ValidateBucketName(bucket); err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	if err := s3model.ValidateObjectKey(key); err != nil {
		resp.Error = function.NewArgumentFuncError(1, err.Error())
		return
	}
	if strings.HasPrefix(key, "/") {
		resp.Error = function.NewArgumentFuncError(1, "key "+key+": S3 keys do not start with '/'; write "+strings.TrimLeft(key, "/"))
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, s3model.ObjectARN("aws", bucket, key)))
}
