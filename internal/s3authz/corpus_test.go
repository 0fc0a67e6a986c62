package s3authz

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// corpusCase is one scenario of spec section 7 (testdata/corpus/README.md).
type corpusCase struct {
	ID     string          `json:"id"`
	Spec   string          `json:"spec"`
	Title  string          `json:"title"`
	Input  json.RawMessage `json:"input"`
	Expect struct {
		Decision      string `json:"decision"`
		DecidingLayer string `json:"deciding_layer"`
		ErrorField    string `json:"error_field"`
	} `json:"expect"`
}

// doc accepts a policy as a JSON string or a JSON object.
type doc struct{ s *string }

func (d *doc) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		d.s = &s
		return nil
	}
	c := string(b)
	d.s = &c
	return nil
}

type bpaJSON struct {
	BlockPublicAcls       bool `json:"block_public_acls"`
	IgnorePublicAcls      bool `json:"ignore_public_acls"`
	BlockPublicPolicy     bool `json:"block_public_policy"`
	RestrictPublicBuckets bool `json:"restrict_public_buckets"`
}

type aclJSON struct {
	Canned string `json:"canned"`
	Grants []struct {
		Grantee    string `json:"grantee"`
		Permission string `json:"permission"`
	} `json:"grants"`
}

// checkInput mirrors the s3access_check arguments (ARCHITECTURE section 2).
type checkInput struct {
	Principal                string              `json:"principal"`
	Action                   string              `json:"action"`
	Bucket                   string              `json:"bucket"`
	Key                      *string             `json:"key"`
	IdentityPolicies         []doc               `json:"identity_policies"`
	PermissionsBoundary      doc                 `json:"permissions_boundary"`
	SessionPolicy            doc                 `json:"session_policy"`
	ServiceControlPolicies   [][]doc             `json:"service_control_policies"`
	ResourceControlPolicies  [][]doc             `json:"resource_control_policies"`
	VPCEndpointPolicy        doc                 `json:"vpc_endpoint_policy"`
	BucketAccountID          string              `json:"bucket_account_id"`
	BucketPolicy             doc                 `json:"bucket_policy"`
	BlockPublicAccess        *bpaJSON            `json:"block_public_access"`
	AccountBlockPublicAccess *bpaJSON            `json:"account_block_public_access"`
	ObjectOwnership          string              `json:"object_ownership"`
	BucketACL                *aclJSON            `json:"bucket_acl"`
	ObjectACL                *aclJSON            `json:"object_acl"`
	ObjectOwnerAccountID     string              `json:"object_owner_account_id"`
	Encryption               *encJSON            `json:"encryption"`
	Context                  map[string][]string `json:"context"`
}

type encJSON struct {
	SSE              string `json:"sse"`
	KMSKeyARN        string `json:"kms_key_arn"`
	KeyPolicy        doc    `json:"key_policy"`
	BucketKeyEnabled bool   `json:"bucket_key_enabled"`
}

func (b *bpaJSON) engine() *BPA {
	if b == nil {
		return nil
	}
	return &BPA{BlockPublicAcls: b.BlockPublicAcls, IgnorePublicAcls: b.IgnorePublicAcls, BlockPublicPolicy: b.BlockPublicPolicy, RestrictPublicBuckets: b.RestrictPublicBuckets}
}

func (a *aclJSON) engine() *ACL {
	if a == nil {
		return nil
	}
	out := &ACL{Canned: a.Canned}
	for _, g := range a.Grants {
		out.Grants = append(out.Grants, Grant{Grantee: g.Grantee, Permission: g.Permission})
	}
	return out
}

func chainOf(in [][]doc) [][]string {
	var out [][]string
	for _, lvl := range in {
		var l []string
		for _, d := range lvl {
			l = append(l, *d.s)
		}
		out = append(out, l)
	}
	return out
}

func (c *checkInput) request() *Request {
	r := &Request{
		Principal: c.Principal, Action: c.Action, Bucket: c.Bucket, Key: c.Key,
		PermissionsBoundary: c.PermissionsBoundary.s, SessionPolicy: c.SessionPolicy.s,
		ServiceControlPolicies: chainOf(c.ServiceControlPolicies), ResourceControlPolicies: chainOf(c.ResourceControlPolicies),
		VPCEndpointPolicy: c.VPCEndpointPolicy.s, BucketAccountID: c.BucketAccountID, BucketPolicy: c.BucketPolicy.s,
		BlockPublicAccess: c.BlockPublicAccess.engine(), AccountBlockPublicAccess: c.AccountBlockPublicAccess.engine(),
		ObjectOwnership: c.ObjectOwnership, BucketACL: c.BucketACL.engine(), ObjectACL: c.ObjectACL.engine(),
		ObjectOwnerAccountID: c.ObjectOwnerAccountID, Context: c.Context,
	}
	for _, d := range c.IdentityPolicies {
		r.IdentityPolicies = append(r.IdentityPolicies, *d.s)
	}
	if e := c.Encryption; e != nil {
		r.Encryption = &Encryption{SSE: e.SSE, KMSKeyARN: e.KMSKeyARN, KeyPolicy: e.KeyPolicy.s, BucketKeyEnabled: e.BucketKeyEnabled}
	}
	return r
}

func loadCorpus(t testing.TB) ([]corpusCase, map[string]string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "7.*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	// regressions.json: red-team findings (R01...), same format, spec
	// section in "spec".
	files = append(files, filepath.Join("testdata", "corpus", "regressions.json"))
	var all []corpusCase
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cs []corpusCase
		if err := json.Unmarshal(b, &cs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		all = append(all, cs...)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "corpus", "skip.json"))
	if err != nil {
		t.Fatal(err)
	}
	var skips []struct{ ID, Reason string }
	if err := json.Unmarshal(b, &skips); err != nil {
		t.Fatal(err)
	}
	skip := map[string]string{}
	for _, s := range skips {
		skip[s.ID] = s.Reason
	}
	return all, skip
}

func (c corpusCase) decode(t testing.TB) *Request {
	var ci checkInput
	dec := json.NewDecoder(strings.NewReader(string(c.Input)))
	dec.DisallowUnknownFields() // the corpus must use exactly the argument names
	if err := dec.Decode(&ci); err != nil {
		t.Fatalf("%s: input: %v", c.ID, err)
	}
	return ci.request()
}

// TestCorpus runs every case of spec section 7 (testdata/corpus).
func TestCorpus(t *testing.T) {
	cases, skip := loadCorpus(t)
	ids := map[string]bool{}
	for _, c := range cases {
		if ids[c.ID] {
			t.Errorf("duplicate case id %s", c.ID)
		}
		ids[c.ID] = true
	}
	// every spec row T01-T157 is either a case (T42, T64a...) or skipped
	for i := 1; i <= 157; i++ {
		id := "T" + pad2(i)
		found := skip[id] != ""
		for cid := range ids {
			if cid == id || (strings.HasPrefix(cid, id) && len(cid) > len(id) && cid[len(id)] >= 'a' && cid[len(id)] <= 'z') {
				found = true
			}
		}
		if !found {
			t.Errorf("spec row %s has no corpus case and is not in skip.json", id)
		}
	}
	var skipped []string
	for id := range skip {
		skipped = append(skipped, id)
	}
	sort.Strings(skipped)
	for _, id := range skipped {
		t.Logf("skipped %s: %s", id, skip[id])
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			if r, ok := skip[c.ID]; ok {
				t.Skip(r)
			}
			req := c.decode(t)
			res, err := Evaluate(req)
			if c.Expect.ErrorField != "" {
				var ie *InputError
				if !errors.As(err, &ie) || ie.Field != c.Expect.ErrorField {
					t.Fatalf("spec %s %s (%s): want InputError on %s, got %v", c.Spec, c.ID, c.Title, c.Expect.ErrorField, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("spec %s %s (%s): %v", c.Spec, c.ID, c.Title, err)
			}
			if res.Decision != c.Expect.Decision || res.DecidingLayer != c.Expect.DecidingLayer {
				t.Errorf("spec %s %s (%s): got %s/%s, want %s/%s\n%s", c.Spec, c.ID, c.Title, res.Decision, res.DecidingLayer, c.Expect.Decision, c.Expect.DecidingLayer, res.Explanation)
			}
			if res.Allowed != (res.Decision == "allowed") {
				t.Errorf("Allowed=%v with decision %s", res.Allowed, res.Decision)
			}
			if res.Decision != "allowed" && len(res.Suggestions) == 0 {
				t.Errorf("%s: a denial without a suggestion", c.ID)
			}
		})
	}
}

func pad2(i int) string {
	s := itoa(i)
	if len(s) < 2 {
		return "0" + s
	}
	return s
}
