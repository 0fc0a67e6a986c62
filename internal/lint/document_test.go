package lint

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

const (
	keyARN   = "arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111"
	roleA    = "arn:aws:sts::111111111111:assumed-role/app/s1"
	roleB    = "arn:aws:iam::222222222222:role/app"
	sessionB = "arn:aws:sts::222222222222:assumed-role/app/s1"
)

var noBPA = &s3authz.BPA{}

type probe struct {
	action, bucket string
	key            *string
	prefix         *string // s3:prefix for ListBucket
	want           bool
	why            string
}

func k(s string) *string { return &s }

// probes returns the declared requests (want true) and their neighbours (want false).
func probes(access string, prefixes []string) []probe {
	in := "data/" // a key under the declared prefix
	if len(prefixes) > 0 {
		in = prefixes[0]
	}
	read := access == AccessRead || access == AccessReadWrite
	write := access == AccessWrite || access == AccessReadWrite
	list := access == AccessList || read
	ps := []probe{
		{"s3:GetObject", "bkt", k(in + "a.csv"), nil, read, "read inside the prefix"},
		{"s3:PutObject", "bkt", k(in + "a.csv"), nil, write, "write inside the prefix"},
		{"s3:ListBucket", "bkt", nil, k(in), list, "list the prefix"},
		{"s3:GetObject", "other-bkt", k(in + "a.csv"), nil, false, "other bucket"},
		{"s3:PutObject", "other-bkt", k(in + "a.csv"), nil, false, "write to other bucket"},
		{"s3:ListBucket", "other-bkt", nil, k(in), false, "list other bucket"},
		{"s3:DeleteObject", "bkt", k(in + "a.csv"), nil, false, "delete was never declared"},
		{"s3:PutObjectAcl", "bkt", k(in + "a.csv"), nil, false, "ACL change was never declared"},
		{"s3:PutBucketPolicy", "bkt", nil, nil, false, "bucket policy change"},
	}
	if len(prefixes) > 0 {
		ps = append(ps,
			probe{"s3:GetObject", "bkt", k("private/a.csv"), nil, false, "read outside the prefixes"},
			probe{"s3:PutObject", "bkt", k("private/a.csv"), nil, false, "write outside the prefixes"},
			probe{"s3:ListBucket", "bkt", nil, k("private/"), false, "list outside the prefixes"},
			probe{"s3:ListBucket", "bkt", nil, k(""), false, "list the bucket root"},
		)
	}
	return ps
}

func decide(t *testing.T, req *s3authz.Request) bool {
	t.Helper()
	res, err := s3authz.Evaluate(req)
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	return res.Allowed
}

func wrapStatements(t *testing.T, stmts string, extra ...string) string {
	t.Helper()
	var l []json.RawMessage
	if err := json.Unmarshal([]byte(stmts), &l); err != nil {
		t.Fatalf("statements %q: %v", stmts, err)
	}
	for _, e := range extra {
		l = append(l, json.RawMessage(e))
	}
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": l})
	return string(b)
}

// TestPolicyDocumentProved: the generated policies allow exactly the declared
// access and deny the neighbouring requests (other prefix, other bucket,
// write when read was asked, ...), decided by the s3authz engine; same
// account, cross account (identity + bucket policy), with and without SSE-KMS.
func TestPolicyDocumentProved(t *testing.T) {
	defaultKeyPolicy := `{"Sid":"EnableIAM","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}`
	for _, access := range AccessLevels {
		for _, prefixes := range [][]string{nil, {"reports/", "exports/2024/"}} {
			for _, kms := range []bool{false, true} {
				for _, crossAccount := range []bool{false, true} {
					name := access + "/prefixes=" + itoa(len(prefixes)) + map[bool]string{true: "/kms", false: ""}[kms] + map[bool]string{true: "/cross", false: "/same"}[crossAccount]
					t.Run(name, func(t *testing.T) {
						in := DocumentInput{Bucket: "bkt", Prefixes: prefixes, Access: access}
						if kms {
							in.KMSKeyARN = keyARN
						}
						caller := roleA
						if crossAccount {
							in.PrincipalARN = roleB
							caller = sessionB
						}
						docs, err := PolicyDocument(in)
						if err != nil {
							t.Fatal(err)
						}
						// The generated policies lint clean of errors and warnings.
						if r, _ := Lint(docs.IdentityPolicy, "identity", Options{}); r.ErrorCount+r.WarningCount > 0 {
							t.Errorf("identity policy lints: %v", r.Findings)
						}
						var bucketPolicy *string
						if crossAccount {
							bp := wrapStatements(t, docs.BucketPolicyStatements)
							if r, _ := Lint(bp, "bucket", Options{BucketAccountID: own}); r.ErrorCount+r.WarningCount > 0 {
								t.Errorf("bucket policy lints: %v", r.Findings)
							}
							bucketPolicy = &bp
						} else if docs.BucketPolicyStatements != "" {
							t.Errorf("no principal given, but bucket-policy statements: %s", docs.BucketPolicyStatements)
						}
						var enc *s3authz.Encryption
						if kms {
							kp := `{"Version":"2012-10-17","Statement":[` + defaultKeyPolicy + `]}`
							if crossAccount && docs.KeyPolicyStatements != "" {
								kp = wrapStatements(t, docs.KeyPolicyStatements, defaultKeyPolicy)
							}
							enc = &s3authz.Encryption{SSE: "aws:kms", KMSKeyARN: keyARN, KeyPolicy: &kp}
						}
						for _, p := range probes(access, prefixes) {
							req := &s3authz.Request{
								Principal: caller, Action: p.action, Bucket: p.bucket, Key: p.key,
								IdentityPolicies: []string{docs.IdentityPolicy}, BucketAccountID: own,
								BucketPolicy: bucketPolicy, BlockPublicAccess: noBPA, Encryption: enc,
							}
							if p.prefix != nil {
								req.Context = map[string][]string{"s3:prefix": {*p.prefix}}
							}
							if got := decide(t, req); got != p.want {
								t.Errorf("%s %s %v (%s): allowed=%v, want %v", p.action, p.bucket, deref(p.key, p.prefix), p.why, got, p.want)
							}
						}
					})
				}
			}
		}
	}
}

func deref(a, b *string) string {
	if a != nil {
		return *a
	}
	if b != nil {
		return "prefix=" + *b
	}
	return ""
}

func TestPolicyDocumentShape(t *testing.T) {
	d, err := PolicyDocument(DocumentInput{Bucket: "bkt", Prefixes: []string{"reports/"}, Access: AccessRead, KMSKeyARN: keyARN, OtherAccountID: other})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"Resource":"arn:aws:s3:::bkt"`, `"StringLike":{"s3:prefix":["reports/*"]}`, `"Resource":"arn:aws:s3:::bkt/reports/*"`, `"kms:ViaService":"s3.us-east-1.amazonaws.com"`} {
		if !strings.Contains(d.IdentityPolicy, want) {
			t.Errorf("identity policy lacks %s: %s", want, d.IdentityPolicy)
		}
	}
	if !strings.Contains(d.BucketPolicyStatements, `"Principal":{"AWS":"arn:aws:iam::222222222222:root"}`) {
		t.Errorf("bucket statements: %s", d.BucketPolicyStatements)
	}
	if !strings.Contains(d.KeyPolicyStatements, `"Action":["kms:Decrypt"]`) || strings.Contains(d.KeyPolicyStatements, "GenerateDataKey") {
		t.Errorf("key statements for read: %s", d.KeyPolicyStatements)
	}
}

func TestPolicyDocumentBadInput(t *testing.T) {
	for _, c := range []struct {
		in    DocumentInput
		field string
	}{
		{DocumentInput{Bucket: "Bad_Bucket", Access: "read"}, "bucket"},
		{DocumentInput{Bucket: "bkt", Access: "admin"}, "access"},
		{DocumentInput{Bucket: "bkt", Access: "read", Prefixes: []string{"a/*"}}, "prefixes[0]"},
		{DocumentInput{Bucket: "bkt", Access: "read", Prefixes: []string{"ok/", ""}}, "prefixes[1]"},
		{DocumentInput{Bucket: "bkt", Access: "read", Prefixes: []string{"/abs"}}, "prefixes[0]"},
		{DocumentInput{Bucket: "bkt", Access: "read", KMSKeyARN: "alias/aws/s3"}, "kms_key_arn"},
		{DocumentInput{Bucket: "bkt", Access: "read", KMSKeyARN: "arn:aws:kms:us-east-1:111111111111:alias/app"}, "kms_key_arn"},
		{DocumentInput{Bucket: "bkt", Access: "read", PrincipalARN: "*"}, "principal_arn"},
		{DocumentInput{Bucket: "bkt", Access: "read", PrincipalARN: "arn:aws:iam::*:role/x"}, "principal_arn"},
		{DocumentInput{Bucket: "bkt", Access: "read", OtherAccountID: "12345"}, "other_account_id"},
		{DocumentInput{Bucket: "bkt", Access: "read", PrincipalARN: roleB, OtherAccountID: "333333333333"}, "other_account_id"},
	} {
		_, err := PolicyDocument(c.in)
		var de *DocumentError
		if !errors.As(err, &de) || de.Field != c.field {
			t.Errorf("%+v: want error on %s, got %v", c.in, c.field, err)
		}
	}
}
