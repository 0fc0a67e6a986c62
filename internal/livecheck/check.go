package livecheck

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/awsread"
	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

// Report is the outcome of one live check.
type Report struct {
	// Result is the engine's result with every layer's detail ending in
	// "source: ..." or, when a read failed, the "unknown" result.
	Result *s3authz.Result
	// Request is the filled request (nil when reads failed).
	Request *s3authz.Request
	Sources Sources
	// Failures are the reads that failed, deciding layer first.
	Failures []Failure
}

// layerOrder is the order of the engine's layers list.
var layerOrder = []string{"identity", "bucket_policy", "acl", "permissions_boundary", "session_policy", "scp", "rcp",
	"vpc_endpoint", "block_public_access", "object_ownership", "kms"}

func layerRank(l string) int {
	if l == "none" {
		return -1 // the bucket owner is unknown: nothing can be decided
	}
	for i, x := range layerOrder {
		if x == l {
			return i
		}
	}
	return len(layerOrder)
}

// layerInputs lists, per layer, the inputs whose sources its detail reports.
var layerInputs = map[string][]string{
	"identity":             {InIdentityPolicies},
	"bucket_policy":        {InBucketPolicy, InBucketAccountID},
	"acl":                  {InBucketACL, InObjectACL, InObjectOwnerAccountID},
	"permissions_boundary": {InPermissionsBoundary},
	"session_policy":       {InSessionPolicy},
	"scp":                  {InSCPs},
	"rcp":                  {InRCPs},
	"vpc_endpoint":         {InVPCEndpointPolicy},
	"block_public_access":  {InBlockPublicAccess, InAccountBPA},
	"object_ownership":     {InObjectOwnership},
	"kms":                  {InEncryption, InKeyPolicy},
}

// inputLayer maps an engine InputError field to its layer.
var inputLayer = map[string]string{
	"identity_policies": "identity", "permissions_boundary": "permissions_boundary", "session_policy": "session_policy",
	"service_control_policies": "scp", "resource_control_policies": "rcp", "vpc_endpoint_policy": "vpc_endpoint",
	"bucket_policy": "bucket_policy", "bucket_account_id": "none", "block_public_access": "block_public_access",
	"account_block_public_access": "block_public_access", "object_ownership": "object_ownership",
	"bucket_acl": "acl", "object_acl": "acl", "object_owner_account_id": "acl", "encryption": "kms",
}

// LayerSource renders where a layer's inputs came from, e.g.
// "bucket_policy: live: s3:GetBucketPolicy; bucket_account_id: config".
func (s Sources) LayerSource(layer string) string {
	var parts []string
	for _, in := range layerInputs[layer] {
		if v, ok := s[in]; ok {
			parts = append(parts, in+": "+string(v))
		}
	}
	return strings.Join(parts, "; ")
}

// Check fills req through r and decides it. The error is an
// *s3authz.InputError for invalid configuration (as offline) or the context's
// error; failed reads are not errors: they give the decision "unknown" with
// the layer, the API and the AWS error in the explanation, and are listed in
// Report.Failures.
func Check(ctx context.Context, r awsread.Reader, req *s3authz.Request, opts Options) (*Report, error) {
	if req == nil {
		return nil, &s3authz.InputError{Field: "request", Index: -1, Err: errors.New("no request")}
	}
	// Validate the configuration before reading anything: a bad action,
	// principal or policy is the user's error, not an unknown. The bucket
	// owner may be filled live; validate with a placeholder then.
	probe := *req
	if strings.TrimSpace(probe.BucketAccountID) == "" {
		probe.BucketAccountID = "000000000000"
	}
	resourceARN, err := s3authz.Validate(&probe)
	if err != nil {
		return nil, err
	}
	filled, src, err := Fill(ctx, r, req, opts)
	rep := &Report{Sources: src}
	var rf ReadFailures
	switch {
	case errors.As(err, &rf):
		rep.Failures = rf
		rep.Result = unknownResult(resourceARN, rf, src)
		return rep, nil
	case err != nil:
		return nil, err
	}
	rep.Request = filled
	res, err := s3authz.Evaluate(filled)
	if err != nil {
		var ie *s3authz.InputError
		if !errors.As(err, &ie) {
			return nil, err
		}
		field, _, _ := strings.Cut(ie.Field, ".")
		if s, ok := src[field]; !ok || !s.IsLive() {
			return nil, err // a configuration error the probe could not see
		}
		// A value read live that the engine cannot use: unknown, never a guess.
		layer := inputLayer[field]
		if layer == "" {
			layer = "none"
		}
		f := Failure{Layer: layer, Input: field, Err: &awsread.ReadError{Layer: field, Operation: strings.TrimPrefix(string(src[field]), "live: "),
			Code: "UnusableValue", Err: fmt.Errorf("the value read cannot be evaluated: %w", ie)}}
		rep.Failures = []Failure{f}
		rep.Result = unknownResult(resourceARN, rep.Failures, src)
		return rep, nil
	}
	annotate(res, src, req.Principal)
	rep.Result = res
	return rep, nil
}

// annotate appends each layer's sources to its detail and says in the
// explanation which layers were not evaluated.
func annotate(res *s3authz.Result, src Sources, principal string) {
	for i := range res.Layers {
		if s := src.LayerSource(res.Layers[i].Layer); s != "" {
			res.Layers[i].Detail += " (source: " + s + ")"
		}
	}
	var notes []string
	if src[InSCPs] == srcOrgNotRead || src[InRCPs] == srcOrgNotRead {
		notes = append(notes, "SCPs and RCPs were not evaluated: they are not set in the configuration and the provider does not read them (read_organization_policies = false).")
	}
	if src[InSessionPolicy] == srcNoSession && (strings.Contains(principal, ":assumed-role/") || strings.Contains(principal, ":federated-user/")) {
		notes = append(notes, "The session policy cannot be read from AWS and was taken as none; set session_policy if the session was created with one.")
	}
	if len(notes) > 0 {
		res.Explanation = strings.TrimRight(res.Explanation, "\n") + "\n" + strings.Join(notes, "\n")
	}
}

// unknownResult is the result of a check whose inputs could not all be read.
func unknownResult(resourceARN string, fs []Failure, src Sources) *s3authz.Result {
	first := fs[0]
	res := &s3authz.Result{
		Allowed:       false,
		Decision:      "unknown",
		DecidingLayer: first.Layer,
		ResourceARN:   resourceARN,
	}
	var b strings.Builder
	fmt.Fprintf(&b, "unknown: the %s layer could not be read live, so the request was not evaluated (a layer is never guessed).\n", layerLabel(first.Layer))
	failedLayer := map[string][]string{}
	for _, f := range fs {
		fmt.Fprintf(&b, "- %s (%s): %s\n", layerLabel(f.Layer), f.Input, describe(f.Err))
		failedLayer[f.Layer] = append(failedLayer[f.Layer], describe(f.Err))
		res.Suggestions = append(res.Suggestions, suggestion(f))
	}
	res.Explanation = strings.TrimRight(b.String(), "\n")
	for _, l := range layerOrder {
		lr := s3authz.LayerResult{Layer: l}
		if msgs, ok := failedLayer[l]; ok {
			lr.Result = "unknown"
			lr.Detail = "cannot be read live: " + strings.Join(msgs, "; ")
		} else {
			lr.Result = "not_applicable"
			lr.Detail = "not evaluated: the decision is unknown"
		}
		if s := src.LayerSource(l); s != "" {
			lr.Detail += " (source: " + s + ")"
		}
		res.Layers = append(res.Layers, lr)
	}
	return res
}

func layerLabel(l string) string {
	if l == "none" {
		return "bucket owner (bucket_account_id)"
	}
	return l
}

// describe names the API and the AWS error code.
func describe(e *awsread.ReadError) string {
	var b strings.Builder
	b.WriteString(e.Operation)
	switch {
	case e.Code == codeNotRead:
		b.WriteString(" is not read live")
	case e.Code != "":
		b.WriteString(" failed with " + e.Code)
	default:
		b.WriteString(" failed")
	}
	switch {
	case e.AccessDenied:
		b.WriteString(" (access denied to the provider's credentials)")
	case e.NotImplemented:
		b.WriteString(" (not implemented by the endpoint)")
	case e.NotFound:
		b.WriteString(" (not found)")
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func suggestion(f Failure) string {
	what := f.Input
	switch {
	case f.Err.AccessDenied:
		return fmt.Sprintf("allow the provider's credentials to call %s, or set %s in the configuration", f.Err.Operation, what)
	case f.Err.NotImplemented:
		return fmt.Sprintf("the endpoint does not implement %s: set %s in the configuration", f.Err.Operation, what)
	case f.Err.Code == codeNotRead:
		return fmt.Sprintf("set %s in the configuration (live mode does not call %s)", what, f.Err.Operation)
	}
	return fmt.Sprintf("set %s in the configuration, or fix the live read (%s)", what, f.Err.Operation)
}
