package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

// recorder replaces the engine in tests of the command's own plumbing
// (reading, translating, writing, exit status): it records the requests it
// gets and answers with the result given for the action.
type recorder struct {
	got     []*s3authz.Request
	results map[string]*s3authz.Result
	err     error
}

func (r *recorder) evaluate(req *s3authz.Request) (*s3authz.Result, error) {
	r.got = append(r.got, req)
	if r.err != nil {
		return nil, r.err
	}
	res, ok := r.results[req.Action]
	if !ok {
		return nil, errors.New("recorder: no result for " + req.Action)
	}
	return res, nil
}

func useRecorder(t *testing.T, r *recorder) {
	t.Helper()
	old := evaluate
	evaluate = r.evaluate
	t.Cleanup(func() { evaluate = old })
}

var (
	resAllowed = &s3authz.Result{Allowed: true, Decision: "allowed", DecidingLayer: "identity",
		Explanation: "allowed: identity policy 0 statement 0 allows s3:GetObject", ResourceARN: "arn:aws:s3:::bkt/k",
		Layers:            []s3authz.LayerResult{{Layer: "identity", Result: "allow", Detail: "statement 0"}},
		MatchedStatements: []s3authz.MatchedStatement{{Layer: "identity", PolicyIndex: 0, StatementIndex: 0, Sid: "Read", Effect: "Allow"}}}
	resDenied = &s3authz.Result{Decision: "implicit_deny", DecidingLayer: "identity",
		Explanation: "implicit deny: no identity policy allows s3:PutObject\nsecond line", ResourceARN: "arn:aws:s3:::bkt/k",
		Suggestions: []string{"add to an identity policy: {\"Effect\":\"Allow\"}"}, MissingContextKeys: []string{"aws:SourceIp"}}
	// Allowed=true with a non-allowed decision must never print allowed (fail closed).
	resInconsistent = &s3authz.Result{Allowed: true, Decision: "unknown", DecidingLayer: "kms"}
)

func newRecorder() *recorder {
	return &recorder{results: map[string]*s3authz.Result{
		"s3:GetObject": resAllowed, "s3:PutObject": resDenied, "s3:DeleteObject": resInconsistent,
	}}
}

const reqGet = `{"principal":"arn:aws:iam::111111111111:user/alice","action":"s3:GetObject","bucket":"bkt","key":"k"}`
const reqPut = `{"principal":"arn:aws:iam::111111111111:user/alice","action":"s3:PutObject","bucket":"bkt","key":"k"}`

func runCLI(t *testing.T, input string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"check"}, args...), strings.NewReader(input), &out, &errb)
	return code, out.String(), errb.String()
}

func decodeLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("output line is not JSON: %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// Issue 5: one request, a JSON array, or JSON Lines; exit 0 allowed, 1 denied, 2 bad input.
func TestRunInputFormsAndExitStatus(t *testing.T) {
	cases := []struct {
		name      string
		input     string
		wantCode  int
		wantLines int
		decisions []string
	}{
		{"single allowed", reqGet, 0, 1, []string{"allowed"}},
		{"single denied", reqPut, 1, 1, []string{"implicit_deny"}},
		{"array", "[" + reqGet + ",\n" + reqPut + "]", 1, 2, []string{"allowed", "implicit_deny"}},
		{"json lines", reqGet + "\n" + reqGet + "\n", 0, 2, []string{"allowed", "allowed"}},
		{"unknown decision with allowed=true is not allowed", `{"principal":"anonymous","action":"s3:DeleteObject","bucket":"bkt","key":"k"}`, 1, 1, []string{"unknown"}},
		{"bad request among good ones wins with 2", reqGet + "\n" + `{"principal":"x","action":"s3:GetObject"}` + "\n" + reqPut, 2, 3, []string{"allowed", "", "implicit_deny"}},
		{"empty input", "  \n", 2, 0, nil},
		{"syntax error", `{"principal":`, 2, 0, nil},
		{"array syntax error", "[" + reqGet + ",", 2, 1, []string{"allowed"}},
		{"trailing data after array", "[" + reqGet + "] {}", 2, 1, []string{"allowed"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			useRecorder(t, newRecorder())
			code, out, _ := runCLI(t, tc.input)
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d; output:\n%s", code, tc.wantCode, out)
			}
			lines := decodeLines(t, out)
			if len(lines) != tc.wantLines {
				t.Fatalf("%d result lines, want %d:\n%s", len(lines), tc.wantLines, out)
			}
			for i, l := range lines {
				if idx, ok := l["index"].(float64); !ok || int(idx) != i {
					t.Errorf("line %d has index %v", i, l["index"])
				}
				d, _ := l["decision"].(string)
				if d != tc.decisions[i] {
					t.Errorf("line %d decision %q, want %q", i, d, tc.decisions[i])
				}
				if l["allowed"] != (d == "allowed") {
					t.Errorf("line %d: allowed=%v with decision %q", i, l["allowed"], d)
				}
			}
		})
	}
}

// The output uses the computed attribute names of s3access_check (ARCHITECTURE.md section 2).
func TestOutputFieldNames(t *testing.T) {
	useRecorder(t, newRecorder())
	_, out, _ := runCLI(t, `{"id":"T01","principal":"arn:aws:iam::111111111111:user/alice","action":"s3:GetObject","bucket":"bkt","key":"k"}`)
	lines := decodeLines(t, out)
	for _, k := range []string{"id", "allowed", "decision", "deciding_layer", "explanation", "layers", "matched_statements", "resource_arn"} {
		if _, ok := lines[0][k]; !ok {
			t.Errorf("output lacks %q: %s", k, out)
		}
	}
	if lines[0]["id"] != "T01" {
		t.Errorf("id not echoed: %v", lines[0]["id"])
	}
	list, _ := lines[0]["matched_statements"].([]any)
	if len(list) == 0 {
		t.Fatalf("no matched statements: %s", out)
	}
	ms, ok := list[0].(map[string]any)
	if !ok {
		t.Fatalf("matched_statements[0] is %T, want an object", list[0])
	}
	for _, k := range []string{"layer", "policy_index", "statement_index", "sid", "effect"} {
		if _, ok := ms[k]; !ok {
			t.Errorf("matched statement lacks %q", k)
		}
	}
}

// Field names are exactly the data source's arguments; policies as objects or strings.
func TestTranslation(t *testing.T) {
	rec := newRecorder()
	useRecorder(t, rec)
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}]}`
	polString, _ := json.Marshal(pol)
	input := `{"principal":"arn:aws:sts::111111111111:assumed-role/app/s1","action":"s3:GetObject","bucket":"bkt","key":"a/b",
	 "identity_policies":[` + pol + `,` + string(polString) + `],
	 "permissions_boundary":` + pol + `, "session_policy":` + string(polString) + `,
	 "service_control_policies":[[` + pol + `],[]], "resource_control_policies":[[` + string(polString) + `]],
	 "vpc_endpoint_policy":` + pol + `, "bucket_account_id":"222222222222", "bucket_policy":` + pol + `,
	 "block_public_access":{"block_public_acls":true,"restrict_public_buckets":true},
	 "account_block_public_access":{"ignore_public_acls":true,"block_public_policy":true},
	 "object_ownership":"ObjectWriter",
	 "bucket_acl":{"canned":"private"},
	 "object_acl":{"grants":[{"grantee":"AllUsers","permission":"READ"}]},
	 "object_owner_account_id":"333333333333",
	 "encryption":{"sse":"aws:kms","kms_key_arn":"arn:aws:kms:us-east-1:111111111111:key/k1","key_policy":` + pol + `,"bucket_key_enabled":true},
	 "context":{"aws:SourceIp":["203.0.113.7"],"aws:SecureTransport":"false"}}`
	if code, out, errs := runCLI(t, input); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	key := "a/b"
	want := &s3authz.Request{
		Principal: "arn:aws:sts::111111111111:assumed-role/app/s1", Action: "s3:GetObject", Bucket: "bkt", Key: &key,
		IdentityPolicies: []string{pol, pol}, PermissionsBoundary: &pol, SessionPolicy: &pol,
		ServiceControlPolicies: [][]string{{pol}, {}}, ResourceControlPolicies: [][]string{{pol}},
		VPCEndpointPolicy: &pol, BucketAccountID: "222222222222", BucketPolicy: &pol,
		BlockPublicAccess:        &s3authz.BPA{BlockPublicAcls: true, RestrictPublicBuckets: true},
		AccountBlockPublicAccess: &s3authz.BPA{IgnorePublicAcls: true, BlockPublicPolicy: true},
		ObjectOwnership:          "ObjectWriter",
		BucketACL:                &s3authz.ACL{Canned: "private"},
		ObjectACL:                &s3authz.ACL{Grants: []s3authz.Grant{{Grantee: "AllUsers", Permission: "READ"}}},
		ObjectOwnerAccountID:     "333333333333",
		Encryption:               &s3authz.Encryption{SSE: "aws:kms", KMSKeyARN: "arn:aws:kms:us-east-1:111111111111:key/k1", KeyPolicy: &pol, BucketKeyEnabled: true},
		Context:                  map[string][]string{"aws:SourceIp": {"203.0.113.7"}, "aws:SecureTransport": {"false"}},
	}
	if len(rec.got) != 1 {
		t.Fatalf("%d engine calls", len(rec.got))
	}
	if !reflect.DeepEqual(rec.got[0], want) {
		g, _ := json.MarshalIndent(rec.got[0], "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("engine got\n%s\nwant\n%s", g, w)
	}
}

// Unset arguments stay unset (nil), so the engine applies its documented defaults.
func TestTranslationDefaults(t *testing.T) {
	rec := newRecorder()
	useRecorder(t, rec)
	runCLI(t, `{"principal":"anonymous","action":"s3:ListBucket","bucket":"bkt"}`)
	if len(rec.got) != 1 {
		t.Fatalf("%d engine calls", len(rec.got))
	}
	g := rec.got[0]
	if g.Key != nil || g.BucketPolicy != nil || g.BlockPublicAccess != nil || g.AccountBlockPublicAccess != nil ||
		g.Encryption != nil || g.IdentityPolicies != nil || g.ServiceControlPolicies != nil || g.Context != nil || g.ObjectOwnership != "" {
		t.Errorf("unset arguments were filled in: %+v", g)
	}
}

// Bad input: exit 2 and an error naming the argument; the engine is not called.
func TestBadInput(t *testing.T) {
	cases := []struct {
		name, input, field, msg string
	}{
		{"unknown field (typo)", `{"principal":"anonymous","action":"s3:GetObject","bucket":"b","key":"k","identity_policy":[]}`, "", `unknown field "identity_policy"`},
		{"missing principal", `{"action":"s3:GetObject","bucket":"b"}`, "principal", "required"},
		{"missing bucket", `{"principal":"anonymous","action":"s3:GetObject"}`, "bucket", "required"},
		{"policy is a number", `{"principal":"anonymous","action":"s3:GetObject","bucket":"b","bucket_policy":5}`, "", "JSON object or a string"},
		{"policy is an array", `{"principal":"anonymous","action":"s3:GetObject","bucket":"b","identity_policies":[[1]]}`, "", "JSON object or a string"},
		{"wrong type", `{"principal":"anonymous","action":"s3:GetObject","bucket":"b","block_public_access":{"block_public_acls":"yes"}}`, "block_public_access.block_public_acls", "expected bool"},
		{"context not strings", `{"principal":"anonymous","action":"s3:GetObject","bucket":"b","context":{"aws:SourceIp":[1]}}`, "", "list of strings"},
		{"live mode", `{"principal":"anonymous","action":"s3:GetObject","bucket":"b","live":true}`, "live", "not available"},
		{"not an object", `"hello"`, "", "cannot read"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder()
			useRecorder(t, rec)
			code, out, _ := runCLI(t, tc.input)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if len(rec.got) != 0 {
				t.Errorf("engine called on bad input")
			}
			l := decodeLines(t, out)
			if len(l) != 1 {
				t.Fatalf("want one error line, got %q", out)
			}
			if f, _ := l[0]["field"].(string); f != tc.field {
				t.Errorf("field %q, want %q", f, tc.field)
			}
			if e, _ := l[0]["error"].(string); !strings.Contains(e, tc.msg) {
				t.Errorf("error %q does not contain %q", e, tc.msg)
			}
			if l[0]["allowed"] != false {
				t.Errorf("bad input reported allowed")
			}
		})
	}
}

// Engine input errors keep the argument and index (nested ones for SCP/RCP lists).
func TestEngineInputError(t *testing.T) {
	cases := []struct {
		ie    *s3authz.InputError
		field string
	}{
		{&s3authz.InputError{Field: "identity_policies", Index: 1, Err: &policy.Error{Statement: 2, Sid: "Read", Element: "Condition.StringEqualz", Message: "unknown condition operator"}}, "identity_policies[1]"},
		{&s3authz.InputError{Field: "bucket_policy", Index: -1, Err: errors.New("not JSON")}, "bucket_policy"},
		{&s3authz.InputError{Field: "service_control_policies", Index: 2001, Err: errors.New("bad")}, "service_control_policies[2][1]"},
	}
	for _, tc := range cases {
		rec := newRecorder()
		rec.err = tc.ie
		useRecorder(t, rec)
		code, out, _ := runCLI(t, reqGet)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2", tc.field, code)
		}
		l := decodeLines(t, out)
		if l[0]["field"] != tc.field {
			t.Errorf("field %v, want %s", l[0]["field"], tc.field)
		}
		if e, _ := l[0]["error"].(string); e != tc.ie.Err.Error() {
			t.Errorf("error %q, want %q", e, tc.ie.Err.Error())
		}
	}
}

func TestExplain(t *testing.T) {
	useRecorder(t, newRecorder())
	code, out, _ := runCLI(t, reqPut+"\n"+`{"principal":"x"}`, "--explain")
	if code != 2 {
		t.Errorf("exit %d", code)
	}
	for _, want := range []string{
		"request 0: arn:aws:iam::111111111111:user/alice s3:PutObject arn:aws:s3:::bkt/k",
		"DENIED (implicit_deny, deciding layer: identity)",
		"  implicit deny: no identity policy allows s3:PutObject\n  second line",
		"missing context keys: aws:SourceIp",
		`fix: add to an identity policy: {"Effect":"Allow"}`,
		"request 1",
		"BAD INPUT: action: required argument missing",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("--explain output lacks %q:\n%s", want, out)
		}
	}
}

func TestUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(nil, strings.NewReader(""), &out, &errb); code != 2 || !strings.Contains(errb.String(), "usage") {
		t.Errorf("no args: %d %q", code, errb.String())
	}
	if code := run([]string{"check", "--nope"}, strings.NewReader(""), &out, &errb); code != 2 {
		t.Errorf("bad flag: %d", code)
	}
	if code := run([]string{"check", "/nonexistent/file.json"}, strings.NewReader(""), &out, &errb); code != 2 {
		t.Errorf("missing file: %d", code)
	}
	out.Reset()
	if code := run([]string{"help"}, strings.NewReader(""), &out, &errb); code != 0 || !strings.Contains(out.String(), "s3access check") {
		t.Errorf("help: %d %q", code, out.String())
	}
}
