package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/s3access/terraform-provider-s3access/internal/lint"
)

var _ function.Function = (*lintPolicyFunction)(nil)

// NewLintPolicyFunction returns the lint_policy function.
func NewLintPolicyFunction() function.Function { return &lintPolicyFunction{} }

type lintPolicyFunction struct{}

func (f *lintPolicyFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "lint_policy"
}

func (f *lintPolicyFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Lint a policy document",
		MarkdownDescription: "Returns the findings of `s3access_policy_lint` for a policy: a list of objects " +
			"`{code, severity, statement_index, sid, message, fix}`. The kind is detected: a policy whose statements name a " +
			"`Principal` is linted as a bucket policy, any other as an identity policy (use the data source to choose the kind or " +
			"to enable the cross-account checks). A policy the parser rejects gives `invalid-policy` findings, not an error.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "policy", MarkdownDescription: "Policy JSON."},
		},
		Return: function.ListReturn{ElementType: types.ObjectType{AttrTypes: findingAttrTypes}},
	}
}

func (f *lintPolicyFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var doc string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &doc))
	if resp.Error != nil {
		return
	}
	r, err := lint.Lint(doc, lint.DetectKind(doc), lint.Options{})
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	l, err := findingsValue(r.Findings)
	if err != nil {
		resp.Error = function.NewFuncError(err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, l))
}
