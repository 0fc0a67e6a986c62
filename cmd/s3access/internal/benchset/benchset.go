// Package benchset generates reproducible sets of S3 requests for benchmarks
// of the engine, of cmd/s3access and of the s3access_checks data source.
//
// Format (JSON Lines, the input format of `s3access check`): one request per
// line with the s3access_check argument names. All requests are against bucket
// "bench-data" owned by account 111111111111, with Block Public Access off; the
// bucket policy, identity policies and boundaries come from small pools, so a
// set exercises the policy cache the way a real plan does (many requests, few
// distinct documents). The mix: IAM users and role sessions of the bucket
// account, a role session of another account (222222222222), anonymous
// callers; GetObject, PutObject, DeleteObject, ListBucket (with and without
// s3:prefix) and GetObjectAcl; source IPs inside and outside the office range
// the bucket policy's NotIpAddress Deny pins; some requests through a VPC
// endpoint (no aws:SourceIp). The same seed always gives the same set.
package benchset

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"sort"
	"strings"
)

const (
	Bucket      = "bench-data"
	BucketOwner = "111111111111"
)

// BucketPolicy: office-only Deny (spec T42), public read of public/*, and a
// cross-account grant to a partner role.
var BucketPolicy = mustJSON(map[string]any{
	"Version": "2012-10-17",
	"Statement": []any{
		map[string]any{"Sid": "OfficeOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
			"Resource":  []string{"arn:aws:s3:::" + Bucket, "arn:aws:s3:::" + Bucket + "/*"},
			"Condition": map[string]any{"NotIpAddress": map[string]any{"aws:SourceIp": "198.51.100.0/24"}, "Null": map[string]any{"aws:SourceVpce": "true"}}},
		map[string]any{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
			"Resource": "arn:aws:s3:::" + Bucket + "/public/*"},
		map[string]any{"Sid": "PartnerRead", "Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::222222222222:role/partner"},
			"Action": []string{"s3:GetObject", "s3:ListBucket"}, "Resource": []string{"arn:aws:s3:::" + Bucket, "arn:aws:s3:::" + Bucket + "/shared/*"}},
	},
})

// Principal is one caller of the set with its policies.
type Principal struct {
	ARN                 string
	IdentityPolicies    []string
	PermissionsBoundary *string
}

func stmt(effect string, actions []string, resources []string, cond map[string]any) map[string]any {
	s := map[string]any{"Effect": effect, "Action": actions, "Resource": resources}
	if cond != nil {
		s["Condition"] = cond
	}
	return s
}

func doc(stmts ...map[string]any) string {
	list := make([]any, len(stmts))
	for i, s := range stmts {
		list[i] = s
	}
	return mustJSON(map[string]any{"Version": "2012-10-17", "Statement": list})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

var (
	bucketARN  = "arn:aws:s3:::" + Bucket
	objectsARN = "arn:aws:s3:::" + Bucket + "/*"
	boundary   = doc(stmt("Allow", []string{"s3:*"}, []string{"*"}, nil), stmt("Deny", []string{"s3:DeleteObject"}, []string{"arn:aws:s3:::*/audit/*"}, nil))
)

// Principals are the callers of a set, in a fixed order.
var Principals = []Principal{
	{ARN: "arn:aws:iam::111111111111:user/alice", IdentityPolicies: []string{
		doc(stmt("Allow", []string{"s3:Get*", "s3:List*"}, []string{bucketARN, objectsARN}, nil)),
		doc(stmt("Allow", []string{"s3:PutObject"}, []string{"arn:aws:s3:::" + Bucket + "/home/${aws:username}/*"}, nil)),
	}},
	{ARN: "arn:aws:iam::111111111111:user/bob", IdentityPolicies: []string{
		doc(stmt("Allow", []string{"s3:*"}, []string{bucketARN, objectsARN}, nil),
			stmt("Deny", []string{"s3:PutObject"}, []string{objectsARN}, map[string]any{"StringNotEqualsIfExists": map[string]any{"s3:x-amz-server-side-encryption": "AES256"}})),
	}, PermissionsBoundary: &boundary},
	{ARN: "arn:aws:sts::111111111111:assumed-role/etl/run-42", IdentityPolicies: []string{
		doc(stmt("Allow", []string{"s3:GetObject", "s3:PutObject"}, []string{"arn:aws:s3:::" + Bucket + "/etl/*", "arn:aws:s3:::" + Bucket + "/shared/*"}, nil),
			stmt("Allow", []string{"s3:ListBucket"}, []string{bucketARN}, map[string]any{"StringLike": map[string]any{"s3:prefix": []string{"etl/*", "shared/*"}}})),
	}},
	{ARN: "arn:aws:sts::111111111111:assumed-role/readonly/console", IdentityPolicies: []string{
		doc(stmt("Allow", []string{"s3:GetObject"}, []string{bucketARN}, nil)), // the bucket-vs-object mix-up
	}},
	{ARN: "arn:aws:sts::222222222222:assumed-role/partner/nightly", IdentityPolicies: []string{
		doc(stmt("Allow", []string{"s3:GetObject", "s3:ListBucket"}, []string{"*"}, nil)),
	}},
	{ARN: "anonymous"},
}

var (
	actions  = []string{"s3:GetObject", "s3:GetObject", "s3:GetObject", "s3:PutObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetObjectAcl"}
	prefixes = []string{"public/", "shared/", "etl/", "home/alice/", "home/bob/", "tmp/", "audit/", "reports/2024/"}
	ipsIn    = []string{"198.51.100.7", "198.51.100.23", "198.51.100.200"}
	ipsOut   = []string{"203.0.113.10", "192.0.2.55", "2001:db8::1"}
)

// Request is one generated request: the s3access_check argument names.
type Request struct {
	Principal           string              `json:"principal"`
	Action              string              `json:"action"`
	Bucket              string              `json:"bucket"`
	Key                 *string             `json:"key,omitempty"`
	IdentityPolicies    []json.RawMessage   `json:"identity_policies,omitempty"`
	PermissionsBoundary json.RawMessage     `json:"permissions_boundary,omitempty"`
	BucketAccountID     string              `json:"bucket_account_id"`
	BucketPolicy        json.RawMessage     `json:"bucket_policy"`
	BlockPublicAccess   map[string]bool     `json:"block_public_access"`
	Context             map[string][]string `json:"context,omitempty"`

	principal int // index into Principals
}

var noBPA = map[string]bool{"block_public_acls": false, "ignore_public_acls": false, "block_public_policy": false, "restrict_public_buckets": false}

// Generate returns n requests drawn with the given seed.
func Generate(n int, seed int64) []Request {
	rng := rand.New(rand.NewSource(seed))
	out := make([]Request, n)
	for i := range out {
		pi := rng.Intn(len(Principals))
		p := Principals[pi]
		r := Request{Principal: p.ARN, Action: actions[rng.Intn(len(actions))], Bucket: Bucket,
			BucketAccountID: BucketOwner, BlockPublicAccess: noBPA, principal: pi}
		ctx := map[string][]string{}
		if r.Action == "s3:ListBucket" {
			if rng.Intn(2) == 0 {
				ctx["s3:prefix"] = []string{prefixes[rng.Intn(len(prefixes))]}
			}
		} else {
			k := fmt.Sprintf("%sfile-%05d.csv", prefixes[rng.Intn(len(prefixes))], rng.Intn(100000))
			r.Key = &k
		}
		switch rng.Intn(10) {
		case 0:
			ctx["aws:SourceVpce"] = []string{"vpce-1a2b3c4d"}
		case 1, 2, 3:
			ctx["aws:SourceIp"] = []string{ipsOut[rng.Intn(len(ipsOut))]}
		default:
			ctx["aws:SourceIp"] = []string{ipsIn[rng.Intn(len(ipsIn))]}
		}
		r.Context = ctx
		out[i] = r
	}
	return out
}

// WriteJSONL writes requests as JSON Lines with every policy inline (as a JSON object).
func WriteJSONL(w io.Writer, reqs []Request) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	bp := json.RawMessage(BucketPolicy)
	for _, r := range reqs {
		p := Principals[r.principal]
		r.BucketPolicy = bp
		r.IdentityPolicies = nil
		for _, d := range p.IdentityPolicies {
			r.IdentityPolicies = append(r.IdentityPolicies, json.RawMessage(d))
		}
		if p.PermissionsBoundary != nil {
			r.PermissionsBoundary = json.RawMessage(*p.PermissionsBoundary)
		}
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

func hclString(s string) string {
	b, _ := json.Marshal(s)
	q := strings.ReplaceAll(string(b), "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}

// WriteChecksConfig writes a Terraform configuration with one s3access_checks
// data source holding the requests (the provider comes from a dev override).
func WriteChecksConfig(w io.Writer, reqs []Request) error {
	var b strings.Builder
	b.WriteString("# Generated by cmd/s3access/internal/benchset: one s3access_checks with " + fmt.Sprint(len(reqs)) + " requests.\n")
	b.WriteString("terraform {\n  required_providers {\n    s3access = { source = \"s3access/s3access\" }\n  }\n}\n\n")
	b.WriteString("data \"s3access_checks\" \"bench\" {\n")
	fmt.Fprintf(&b, "  bucket            = %q\n  bucket_account_id = %q\n  bucket_policy     = %s\n", Bucket, BucketOwner, hclString(BucketPolicy))
	b.WriteString("  block_public_access = { block_public_acls = false, ignore_public_acls = false, block_public_policy = false, restrict_public_buckets = false }\n")
	b.WriteString("  principals = {\n")
	for _, p := range Principals {
		if len(p.IdentityPolicies) == 0 {
			continue
		}
		fmt.Fprintf(&b, "    %s = {\n      identity_policies = [", hclString(p.ARN))
		for i, d := range p.IdentityPolicies {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(hclString(d))
		}
		b.WriteString("]\n")
		if p.PermissionsBoundary != nil {
			fmt.Fprintf(&b, "      permissions_boundary = %s\n", hclString(*p.PermissionsBoundary))
		}
		b.WriteString("    }\n")
	}
	b.WriteString("  }\n  requests = [\n")
	for _, r := range reqs {
		fmt.Fprintf(&b, "    { principal = %s, action = %q", hclString(r.Principal), r.Action)
		if r.Key != nil {
			fmt.Fprintf(&b, ", key = %s", hclString(*r.Key))
		}
		keys := make([]string, 0, len(r.Context))
		for k := range r.Context {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(", context = {")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %s = [%s]", hclString(k), hclString(r.Context[k][0]))
		}
		b.WriteString(" } },\n")
	}
	b.WriteString("  ]\n}\n\n")
	b.WriteString("output \"summary\" {\n  value = {\n    requests = length(data.s3access_checks.bench.results)\n")
	b.WriteString("    allowed  = length([for r in data.s3access_checks.bench.results : r if r.allowed])\n  }\n}\n")
	_, err := io.WriteString(w, b.String())
	return err
}
