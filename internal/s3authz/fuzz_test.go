package s3authz

import (
	"fmt"
	"strings"
	"testing"
)

var (
	fzPrincipals = []string{uA, "arn:aws:sts::111111111111:assumed-role/app/s1", "arn:aws:iam::111111111111:role/app", "arn:aws:iam::222222222222:user/bob",
		"111111111111", "222222222222", "anonymous", "cloudtrail.amazonaws.com", "arn:aws:sts::111111111111:federated-user/alice"}
	fzActions = []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject", "s3:PutBucketPolicy", "s3:GetBucketPolicy", "HeadObject", "CopyObject", "UploadPart", "s3:PutObjectAcl", "s3:ListAllMyBuckets"}
	fzStmtAct = []string{"s3:*", "*", "s3:GetObject", "s3:Get*", "s3:PutObject", "s3:ListBucket", "kms:*", "kms:Decrypt", "s3:*Policy", "s3:?utObject"}
	fzRes     = []string{"*", "arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*", "arn:aws:s3:::*", "arn:aws:s3:::b*", "arn:aws:s3:::bkt/k", "arn:aws:s3:::other/*"}
	fzPrinc   = []string{`"*"`, `{"AWS":"*"}`, `{"AWS":"111111111111"}`, `{"AWS":"arn:aws:iam::222222222222:user/bob"}`, `{"AWS":"arn:aws:iam::111111111111:role/app"}`, `{"Service":"cloudtrail.amazonaws.com"}`}
	fzConds   = []string{"", `,"Condition":{"Bool":{"aws:SecureTransport":"false"}}`, `,"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}`,
		`,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, `,"Condition":{"StringEqualsIfExists":{"aws:PrincipalTag/t":"x"}}`, `,"Condition":{"Null":{"s3:x-amz-acl":"true"}}`}
	fzCanned    = []string{"", "private", "public-read", "authenticated-read", "bucket-owner-full-control"}
	fzOwnership = []string{"", "ObjectWriter", "BucketOwnerPreferred", "BucketOwnerEnforced"}
)

type fzReader struct {
	b []byte
	i int
}

func (r *fzReader) n(max int) int {
	if r.i >= len(r.b) {
		return 0
	}
	v := int(r.b[r.i]) % max
	r.i++
	return v
}

func (r *fzReader) pick(s []string) string { return s[r.n(len(s))] }

func (r *fzReader) policy(resourceSide bool) string {
	var sts []string
	for i, n := 0, 1+r.n(3); i < n; i++ {
		eff := "Allow"
		if r.n(3) == 0 {
			eff = "Deny"
		}
		p := ""
		if resourceSide {
			p = `"Principal":` + r.pick(fzPrinc) + `,`
		}
		sts = append(sts, fmt.Sprintf(`{"Effect":%q,%s"Action":%q,"Resource":%q%s}`, eff, p, r.pick(fzStmtAct), r.pick(fzRes), r.pick(fzConds)))
	}
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(sts, ",") + `]}`
}

func fuzzRequest(data []byte) *Request {
	r := &fzReader{b: data}
	req := &Request{Principal: r.pick(fzPrincipals), Action: r.pick(fzActions), Bucket: "bkt", BucketAccountID: "111111111111"}
	if r.n(2) == 0 {
		req.Key = sp("k")
	}
	for i, n := 0, r.n(3); i < n; i++ {
		req.IdentityPolicies = append(req.IdentityPolicies, r.policy(false))
	}
	if r.n(2) == 0 {
		req.BucketPolicy = sp(r.policy(true))
	}
	if r.n(4) == 0 {
		req.PermissionsBoundary = sp(r.policy(false))
	}
	if r.n(4) == 0 {
		req.SessionPolicy = sp(r.policy(false))
	}
	if r.n(4) == 0 {
		req.ServiceControlPolicies = [][]string{{r.policy(false)}}
	}
	if r.n(4) == 0 {
		req.VPCEndpointPolicy = sp(r.policy(true))
	}
	req.BlockPublicAccess = &BPA{BlockPublicAcls: r.n(2) == 0, IgnorePublicAcls: r.n(2) == 0, BlockPublicPolicy: r.n(2) == 0, RestrictPublicBuckets: r.n(2) == 0}
	req.ObjectOwnership = r.pick(fzOwnership)
	req.ObjectACL = &ACL{Canned: r.pick(fzCanned)}
	if r.n(3) == 0 {
		req.ObjectOwnerAccountID = "222222222222"
	}
	if r.n(3) == 0 {
		req.Encryption = &Encryption{SSE: "aws:kms", KMSKeyARN: K, BucketKeyEnabled: r.n(2) == 0}
		if r.n(3) != 0 {
			kp := r.policy(true)
			req.Encryption.KeyPolicy = &kp
		}
	}
	req.Context = map[string][]string{"s3:x-amz-copy-source": {"/bkt/a"}}
	if r.n(3) == 0 {
		req.Context["aws:SecureTransport"] = []string{"false"}
	}
	if r.n(3) == 0 {
		req.Context["s3:x-amz-acl"] = []string{r.pick(fzCanned[1:])}
	}
	if r.n(3) == 0 {
		req.Context["aws:SourceVpce"] = []string{"vpce-1"}
	}
	return req
}

// FuzzEvaluate: random policies and settings never panic and never yield
// "allowed" while an explicit Deny statement matches (spec 1.3 step 1), apart
// from the documented root bypass of the bucket-policy APIs (spec 1.9).
func FuzzEvaluate(f *testing.F) {
	for _, s := range []string{"", "\x00\x01\x02\x03", "\x05\x01\x00\x01\x00\x00\x01\x00\x02", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4\xf3\xf2\xf1\xf0",
		"\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req := fuzzRequest(data)
		res, err := Evaluate(req)
		if err != nil {
			return
		}
		if res.Allowed != (res.Decision == "allowed") {
			t.Fatalf("Allowed=%v decision=%s", res.Allowed, res.Decision)
		}
		if !res.Allowed {
			return
		}
		rootBypass := (req.Principal == "111111111111") && (req.Action == "s3:PutBucketPolicy" || req.Action == "s3:GetBucketPolicy")
		for _, m := range res.MatchedStatements {
			if m.Effect == "Deny" && (!rootBypass || m.Layer != "bucket_policy") {
				t.Fatalf("allowed although %s policy %d statement %d (Deny) matches\n%s", m.Layer, m.PolicyIndex, m.StatementIndex, res.Explanation)
			}
		}
	})
}

// BenchmarkEvaluate: a realistic request with cached policies: a role session
// with two identity policies, a bucket policy with a NotIpAddress deny and a
// public read, a boundary, an SCP chain and SSE-KMS.
func BenchmarkEvaluate(b *testing.B) {
	req := benchRequest()
	res, err := Evaluate(req)
	if err != nil || !res.Allowed {
		b.Fatalf("%v %+v", err, res)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Evaluate(req); err != nil {
			b.Fatal(err)
		}
	}
}

func benchRequest() *Request {
	return &Request{
		Principal: "arn:aws:sts::111111111111:assumed-role/app/s1", Action: "s3:GetObject", Bucket: "bkt", Key: sp("reports/2024/q1.csv"),
		IdentityPolicies: []string{
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/reports/*"]},{"Effect":"Allow","Action":"kms:Decrypt","Resource":"` + K + `"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::*secret*"},{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/uploads/${aws:PrincipalTag/team}/*"}]}`,
		},
		PermissionsBoundary:    sp(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","kms:*"],"Resource":"*"}]}`),
		ServiceControlPolicies: [][]string{{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}, {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`}},
		BucketPolicy: sp(`{"Version":"2012-10-17","Statement":[{"Sid":"Office","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"NotIpAddress":{"aws:SourceIp":"198.51.100.0/24"}}},` +
			`{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/public/*"}]}`),
		BlockPublicAccess: &BPA{},
		Encryption:        &Encryption{SSE: "aws:kms", KMSKeyARN: K, KeyPolicy: sp(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]}`)},
		Context:           map[string][]string{"aws:SourceIp": {"198.51.100.7"}, "aws:PrincipalTag/team": {"red"}},
	}
}
