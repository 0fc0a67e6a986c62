package s3authz

import (
	"encoding/json"
	"strings"
	"testing"
)

// addStatement appends a statement (JSON) to a policy document (nil: new policy).
func addStatement(t *testing.T, doc *string, stmt string) *string {
	t.Helper()
	var p map[string]any
	if doc == nil {
		p = map[string]any{"Version": "2012-10-17", "Statement": []any{}}
	} else if err := json.Unmarshal([]byte(*doc), &p); err != nil {
		t.Fatal(err)
	}
	var s any
	if err := json.Unmarshal([]byte(stmt), &s); err != nil {
		t.Fatal(err)
	}
	list, ok := p["Statement"].([]any)
	if !ok {
		list = []any{p["Statement"]}
	}
	p["Statement"] = append(list, s)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	return &out
}

func removeStatement(t *testing.T, doc string, idx int) string {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatal(err)
	}
	list, ok := p["Statement"].([]any)
	if !ok {
		// A single statement may be written as an object (spec 6.1).
		list = []any{p["Statement"]}
	}
	if idx < 0 || idx >= len(list) {
		t.Fatalf("remove statement %d: the policy has %d statements", idx, len(list))
	}
	p["Statement"] = append(list[:idx:idx], list[idx+1:]...)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// applyFix applies one machine-readable fix to a request; false if it cannot.
func applyFix(t *testing.T, r *Request, f Fix) bool {
	t.Helper()
	switch f.Kind {
	case "add_statement":
		switch f.Layer {
		case "identity":
			r.IdentityPolicies = append(r.IdentityPolicies, *addStatement(t, nil, f.Statement))
		case "bucket_policy":
			r.BucketPolicy = addStatement(t, r.BucketPolicy, f.Statement)
		case "permissions_boundary":
			r.PermissionsBoundary = addStatement(t, r.PermissionsBoundary, f.Statement)
		case "session_policy":
			r.SessionPolicy = addStatement(t, r.SessionPolicy, f.Statement)
		case "kms":
			r.Encryption.KeyPolicy = addStatement(t, r.Encryption.KeyPolicy, f.Statement)
		default:
			return false
		}
	case "remove_statement":
		switch f.Layer {
		case "bucket_policy":
			s := removeStatement(t, *r.BucketPolicy, f.StatementIndex)
			r.BucketPolicy = &s
			if strings.Contains(s, `"Statement":[]`) {
				r.BucketPolicy = nil // the last statement goes with the policy
			}
		case "identity":
			r.IdentityPolicies[f.PolicyIndex] = removeStatement(t, r.IdentityPolicies[f.PolicyIndex], f.StatementIndex)
		default:
			return false
		}
	case "set_bpa":
		target := &r.BlockPublicAccess
		if f.Level == "account" {
			target = &r.AccountBlockPublicAccess
		}
		if *target == nil {
			*target = &BPA{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
			if f.Level == "account" {
				*target = &BPA{}
			}
		}
		b := *target
		switch f.Setting {
		case "block_public_acls":
			b.BlockPublicAcls = false
		case "ignore_public_acls":
			b.IgnorePublicAcls = false
		case "block_public_policy":
			b.BlockPublicPolicy = false
		case "restrict_public_buckets":
			b.RestrictPublicBuckets = false
		}
	case "set_ownership":
		r.ObjectOwnership = f.Setting
	default:
		return false
	}
	return true
}

// TestClassic403Causes: the five classic causes of spec 7.2 decide at the
// expected layer, and applying the engine's own suggestions makes the request
// allowed.
func TestClassic403Causes(t *testing.T) {
	causes := []struct {
		cause string
		layer string
		ids   []string
	}{
		{"missing identity permission", "identity", []string{"T06", "T08", "T26", "T112", "T113", "T129", "T145", "T146"}},
		{"bucket-policy explicit deny", "bucket_policy", []string{"T04", "T42", "T44", "T46", "T48", "T90", "T105"}},
		{"Block Public Access", "block_public_access", []string{"T56", "T57", "T61", "T63", "T73", "T77"}},
		{"KMS permission missing", "kms", []string{"T91", "T93", "T95", "T96b", "T98", "T100"}},
		{"cross-account object ownership", "object_ownership", []string{"T83", "T87"}},
	}
	cases, _ := loadCorpus(t)
	byID := map[string]corpusCase{}
	for _, c := range cases {
		byID[c.ID] = c
	}
	for _, cs := range causes {
		for _, id := range cs.ids {
			t.Run(id, func(t *testing.T) {
				c, ok := byID[id]
				if !ok {
					t.Fatalf("no corpus case %s", id)
				}
				req := c.decode(t)
				res, err := Evaluate(req)
				if err != nil {
					t.Fatal(err)
				}
				if res.Allowed || res.DecidingLayer != cs.layer {
					t.Fatalf("spec 7.2 %s (%s): got %s/%s, want a denial at %s", id, cs.cause, res.Decision, res.DecidingLayer, cs.layer)
				}
				if id == "T100" { // aws/s3 cannot be shared: the fix is a different key
					if len(res.Suggestions) == 0 || !strings.Contains(res.Suggestions[0], "customer managed key") {
						t.Fatalf("T100 suggestions: %q", res.Suggestions)
					}
					return
				}
				applied := 0
				for round := 0; round < 3 && !res.Allowed; round++ {
					for _, f := range res.Fixes {
						if applyFix(t, req, f) {
							applied++
							break
						}
					}
					if res, err = Evaluate(req); err != nil {
						t.Fatal(err)
					}
				}
				if applied == 0 || !res.Allowed {
					t.Fatalf("spec 7.2 %s: after %d suggested fixes still %s/%s\n%s", id, applied, res.Decision, res.DecidingLayer, res.Explanation)
				}
			})
		}
	}
}
