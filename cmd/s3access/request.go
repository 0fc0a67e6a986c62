package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

// policyDoc is a policy given either as a JSON string (what jsonencode()
// produces) or as a JSON object; both become the document text.
type policyDoc string

func (p *policyDoc) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*p = policyDoc(s)
		return nil
	case len(b) > 0 && b[0] == '{':
		// The document text as written (the decoder has checked its syntax).
		*p = policyDoc(b)
		return nil
	}
	return fmt.Errorf("a policy must be a JSON object or a string holding one, not %s", b)
}

// stringOrList accepts a context value as a list of strings or one string.
type stringOrList []string

func (s *stringOrList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("a context value must be a list of strings")
	}
	if many == nil {
		many = []string{}
	}
	*s = many
	return nil
}

type bpaJSON struct {
	BlockPublicAcls       bool `json:"block_public_acls"`
	IgnorePublicAcls      bool `json:"ignore_public_acls"`
	BlockPublicPolicy     bool `json:"block_public_policy"`
	RestrictPublicBuckets bool `json:"restrict_public_buckets"`
}

type grantJSON struct {
	Grantee    string `json:"grantee"`
	Permission string `json:"permission"`
}

type aclJSON struct {
	Canned string      `json:"canned"`
	Grants []grantJSON `json:"grants"`
}

type encryptionJSON struct {
	SSE              string     `json:"sse"`
	KMSKeyARN        string     `json:"kms_key_arn"`
	KeyPolicy        *policyDoc `json:"key_policy"`
	BucketKeyEnabled bool       `json:"bucket_key_enabled"`
}

// inputRequest is one request; its field names are exactly the arguments of
// the s3access_check data source. "id" is an optional label echoed in the result.
type inputRequest struct {
	ID                       json.RawMessage         `json:"id"`
	Principal                *string                 `json:"principal"`
	Action                   *string                 `json:"action"`
	Bucket                   *string                 `json:"bucket"`
	Key                      *string                 `json:"key"`
	IdentityPolicies         []policyDoc             `json:"identity_policies"`
	PermissionsBoundary      *policyDoc              `json:"permissions_boundary"`
	SessionPolicy            *policyDoc              `json:"session_policy"`
	ServiceControlPolicies   [][]policyDoc           `json:"service_control_policies"`
	ResourceControlPolicies  [][]policyDoc           `json:"resource_control_policies"`
	VPCEndpointPolicy        *policyDoc              `json:"vpc_endpoint_policy"`
	BucketAccountID          string                  `json:"bucket_account_id"`
	BucketPolicy             *policyDoc              `json:"bucket_policy"`
	BlockPublicAccess        *bpaJSON                `json:"block_public_access"`
	AccountBlockPublicAccess *bpaJSON                `json:"account_block_public_access"`
	ObjectOwnership          string                  `json:"object_ownership"`
	BucketACL                *aclJSON                `json:"bucket_acl"`
	ObjectACL                *aclJSON                `json:"object_acl"`
	ObjectOwnerAccountID     string                  `json:"object_owner_account_id"`
	Encryption               *encryptionJSON         `json:"encryption"`
	Context                  map[string]stringOrList `json:"context"`
	Live                     bool                    `json:"live"`
}

// badInput is invalid input of one request: Field is the argument (with its
// index), "" when the request as a whole is unreadable.
type badInput struct {
	Field   string
	Message string
}

func (e *badInput) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// decodeRequest parses one JSON request strictly: unknown fields, wrong types
// and missing required arguments are errors.
func decodeRequest(raw []byte) (*inputRequest, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var in inputRequest
	if err := dec.Decode(&in); err != nil {
		return nil, readError(err)
	}
	if dec.More() {
		return nil, &badInput{Message: "cannot read the request: trailing data after the JSON object"}
	}
	return &in, in.validate()
}

// readError describes an error of json.Decoder.Decode on one request.
func readError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return &badInput{Field: te.Field, Message: "expected " + te.Type.String() + ", got JSON " + te.Value}
	}
	return &badInput{Message: "cannot read the request: " + err.Error()}
}

// validate checks what the JSON types cannot: required arguments, live mode.
func (in *inputRequest) validate() error {
	for _, req := range []struct {
		name string
		v    *string
	}{{"principal", in.Principal}, {"action", in.Action}, {"bucket", in.Bucket}} {
		if req.v == nil {
			return &badInput{Field: req.name, Message: "required argument missing"}
		}
	}
	if in.Live {
		return &badInput{Field: "live", Message: "live mode is not available yet; the request was not evaluated"}
	}
	return nil
}

func docs(ps []policyDoc) []string {
	if ps == nil {
		return nil
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}

func nestedDocs(ps [][]policyDoc) [][]string {
	if ps == nil {
		return nil
	}
	out := make([][]string, len(ps))
	for i, p := range ps {
		out[i] = docs(p)
		if out[i] == nil {
			out[i] = []string{}
		}
	}
	return out
}

func optDoc(p *policyDoc) *string {
	if p == nil {
		return nil
	}
	s := string(*p)
	return &s
}

func (b *bpaJSON) engine() *s3authz.BPA {
	if b == nil {
		return nil
	}
	return &s3authz.BPA{
		BlockPublicAcls:       b.BlockPublicAcls,
		IgnorePublicAcls:      b.IgnorePublicAcls,
		BlockPublicPolicy:     b.BlockPublicPolicy,
		RestrictPublicBuckets: b.RestrictPublicBuckets,
	}
}

func (a *aclJSON) engine() *s3authz.ACL {
	if a == nil {
		return nil
	}
	acl := &s3authz.ACL{Canned: a.Canned}
	for _, g := range a.Grants {
		acl.Grants = append(acl.Grants, s3authz.Grant{Grantee: g.Grantee, Permission: g.Permission})
	}
	return acl
}

// engineRequest converts a decoded request to the engine's input.
func (in *inputRequest) engineRequest() *s3authz.Request {
	r := &s3authz.Request{
		Principal:                *in.Principal,
		Action:                   *in.Action,
		Bucket:                   *in.Bucket,
		Key:                      in.Key,
		IdentityPolicies:         docs(in.IdentityPolicies),
		PermissionsBoundary:      optDoc(in.PermissionsBoundary),
		SessionPolicy:            optDoc(in.SessionPolicy),
		ServiceControlPolicies:   nestedDocs(in.ServiceControlPolicies),
		ResourceControlPolicies:  nestedDocs(in.ResourceControlPolicies),
		VPCEndpointPolicy:        optDoc(in.VPCEndpointPolicy),
		BucketAccountID:          in.BucketAccountID,
		BucketPolicy:             optDoc(in.BucketPolicy),
		BlockPublicAccess:        in.BlockPublicAccess.engine(),
		AccountBlockPublicAccess: in.AccountBlockPublicAccess.engine(),
		ObjectOwnership:          in.ObjectOwnership,
		BucketACL:                in.BucketACL.engine(),
		ObjectACL:                in.ObjectACL.engine(),
		ObjectOwnerAccountID:     in.ObjectOwnerAccountID,
	}
	if e := in.Encryption; e != nil {
		r.Encryption = &s3authz.Encryption{SSE: e.SSE, KMSKeyARN: e.KMSKeyARN, KeyPolicy: optDoc(e.KeyPolicy), BucketKeyEnabled: e.BucketKeyEnabled}
	}
	if in.Context != nil {
		r.Context = make(map[string][]string, len(in.Context))
		for k, v := range in.Context {
			r.Context[k] = v
		}
	}
	return r
}

// ---- output ----

type layerJSON struct {
	Layer  string `json:"layer"`
	Result string `json:"result"`
	Detail string `json:"detail"`
}

type matchedJSON struct {
	Layer          string `json:"layer"`
	PolicyIndex    int    `json:"policy_index"`
	StatementIndex int    `json:"statement_index"`
	Sid            string `json:"sid"`
	Effect         string `json:"effect"`
}

// output is one result line: the computed attribute names of s3access_check,
// or "error" (and "field") for bad input.
type output struct {
	ID                 json.RawMessage `json:"id,omitempty"`
	Index              int             `json:"index"`
	Allowed            bool            `json:"allowed"`
	Decision           string          `json:"decision,omitempty"`
	DecidingLayer      string          `json:"deciding_layer,omitempty"`
	Explanation        string          `json:"explanation,omitempty"`
	Layers             []layerJSON     `json:"layers,omitempty"`
	MatchedStatements  []matchedJSON   `json:"matched_statements,omitempty"`
	MissingContextKeys []string        `json:"missing_context_keys,omitempty"`
	Suggestions        []string        `json:"suggestions,omitempty"`
	ResourceARN        string          `json:"resource_arn,omitempty"`
	Error              string          `json:"error,omitempty"`
	Field              string          `json:"field,omitempty"`
}

func resultOutput(id json.RawMessage, index int, r *s3authz.Result) *output {
	o := &output{
		ID:                 id,
		Index:              index,
		Allowed:            r.Decision == "allowed" && r.Allowed,
		Decision:           r.Decision,
		DecidingLayer:      r.DecidingLayer,
		Explanation:        r.Explanation,
		Layers:             make([]layerJSON, len(r.Layers)),
		MatchedStatements:  make([]matchedJSON, len(r.MatchedStatements)),
		MissingContextKeys: r.MissingContextKeys,
		Suggestions:        r.Suggestions,
		ResourceARN:        r.ResourceARN,
	}
	for i, l := range r.Layers {
		o.Layers[i] = layerJSON{Layer: l.Layer, Result: l.Result, Detail: l.Detail}
	}
	for i, s := range r.MatchedStatements {
		o.MatchedStatements[i] = matchedJSON{Layer: s.Layer, PolicyIndex: s.PolicyIndex, StatementIndex: s.StatementIndex, Sid: s.Sid, Effect: s.Effect}
	}
	return o
}

// errorOutput describes bad input; InputErrors of the engine keep their argument path.
func errorOutput(id json.RawMessage, index int, err error) *output {
	o := &output{ID: id, Index: index, Error: err.Error()}
	var bi *badInput
	var ie *s3authz.InputError
	switch {
	case errors.As(err, &bi):
		o.Field, o.Error = bi.Field, bi.Message
	case errors.As(err, &ie):
		o.Field = ie.Field
		switch {
		case ie.Index >= 0 && (ie.Field == "service_control_policies" || ie.Field == "resource_control_policies"):
			// nested lists: the engine encodes outer*1000+inner
			o.Field += "[" + strconv.Itoa(ie.Index/1000) + "][" + strconv.Itoa(ie.Index%1000) + "]"
		case ie.Index >= 0:
			o.Field += "[" + strconv.Itoa(ie.Index) + "]"
		}
		o.Error = ie.Err.Error()
	}
	return o
}
