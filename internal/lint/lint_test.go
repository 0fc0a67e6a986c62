package lint

import (
	"os"
	"strings"
	"testing"
)

// doc builds a 2012-10-17 policy from statement JSON objects.
func doc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

const (
	own   = "111111111111" // spec 7.1 account A, owns bkt
	other = "222222222222" // account B
)

func has(r *Result, code string) (Finding, bool) {
	for _, f := range r.Findings {
		if f.Code == code {
			return f, true
		}
	}
	return Finding{}, false
}

// TestCodes: every lint code has a case that must produce it and a close
// variant (the corrected policy) that must not. Spec sections in the names.
func TestCodes(t *testing.T) {
	cases := []struct {
		name, code, kind string
		bad, good        string
		stmt             int // statement index expected on the finding (-1: document)
		sev              Severity
	}{
		{"6.1 JSON", CodeInvalidPolicy, "identity", `{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}]}`,
			doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`), 0, SeverityError},
		{"6.5 resource not an ARN", CodeInvalidARN, "identity", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"bkt/*"}`),
			doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`), 0, SeverityError},
		{"2.1 invalid bucket name", CodeInvalidARN, "identity", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::My_Bucket/*"}`),
			doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bucket/*"}`), 0, SeverityError},
		{"6.2 partial wildcard principal", CodeInvalidPrincipal, "bucket", doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`),
			doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`), 0, SeverityError},
		{"6.6 unknown operator", CodeInvalidCondition, "identity", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEqual":{"aws:PrincipalTag/team":"x"}}}`),
			doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"x"}}}`), 0, SeverityError},
		{"2.1 account in bucket ARN", CodeS3ARNAccountID, "identity", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3::111111111111:bkt/*"}`),
			doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`), 0, SeverityError},
		{"2.3 T112 object action on bucket ARN", CodeObjectActionBucketARN, "identity", doc(`{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":"arn:aws:s3:::bkt"}`),
			doc(`{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}`), 0, SeverityError},
		{"2.3 T113 bucket action on object ARN", CodeBucketActionObjectARN, "identity", doc(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt/*"}`),
			doc(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt"}`), 0, SeverityError},
		{"2.3 resource-less action scoped", CodeActionNeedsStar, "identity", doc(`{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::bkt"}`),
			doc(`{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}`), 0, SeverityError},
		{"2.2 API name as action", CodeUnknownAction, "identity", doc(`{"Effect":"Allow","Action":"s3:HeadObject","Resource":"arn:aws:s3:::bkt/*"}`),
			doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`), 0, SeverityError},
		{"6.3 wildcard matching nothing", CodeWildcardMatchesNothing, "identity", doc(`{"Effect":"Allow","Action":"s3:Fetch*","Resource":"arn:aws:s3:::bkt/*"}`),
			doc(`{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::bkt/*"}`), 0, SeverityError},
		{"6.1 no Version", CodeMissingVersion, "identity", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}]}`,
			doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`), -1, SeverityWarning},
		{"6.1 2008 Version", CodeOldVersion, "identity", `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}]}`,
			doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`), -1, SeverityInfo},
		{"6.7 T variables under 2008", CodeVariableNotSubstituted, "identity", `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/home/${aws:username}/*"}]}`,
			doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/home/${aws:username}/*"}`), 0, SeverityError},
		{"6.2 Allow NotPrincipal", CodeAllowNotPrincipal, "bucket", doc(`{"Effect":"Allow","NotPrincipal":{"AWS":"222222222222"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`),
			doc(`{"Effect":"Deny","NotPrincipal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`), 0, SeverityError},
		{"6.1 Principal in identity policy", CodePrincipalNotAllowed, "identity", doc(`{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`),
			doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`), 0, SeverityError},
		{"6.2 CanonicalUser in key policy", CodePrincipalNotAllowed, "key", doc(`{"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"kms:Decrypt","Resource":"*"}`),
			doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:Decrypt","Resource":"*"}`), 0, SeverityError},
		{"1.6 RCP principal", CodePrincipalNotAllowed, "rcp", doc(`{"Effect":"Deny","Principal":{"AWS":"222222222222"},"Action":"s3:*","Resource":"*"}`),
			doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc"}}}`), 0, SeverityError},
		{"6.1 bucket statement without principal", CodeMissingPrincipal, "bucket", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`),
			doc(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`), 0, SeverityError},
		{"3.3 T55 public grant", CodePublicGrant, "bucket", doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`),
			doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}`), 0, SeverityWarning},
		{"3.3 public write", CodePublicWrite, "bucket", doc(`{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bkt/*"}`),
			doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`), 0, SeverityError},
		{"1.4 cross-account grant", CodeCrossAccountGrant, "bucket", doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`),
			doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`), 0, SeverityInfo},
		{"4.4 T83 cross-account put", CodeCrossAccountPut, "bucket", doc(`{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*"}`),
			doc(`{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}`), 0, SeverityInfo},
		{"breadth s3:*", CodeBroadAction, "identity", doc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*"}`),
			doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`), 0, SeverityWarning},
		{"breadth resource *", CodeBroadResource, "identity", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`),
			doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`), 0, SeverityWarning},
		{"6.3 Allow NotAction", CodeAllowNotAction, "identity", doc(`{"Effect":"Allow","NotAction":"s3:DeleteObject","Resource":"arn:aws:s3:::bkt/*"}`),
			doc(`{"Effect":"Deny","NotAction":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`), 0, SeverityWarning},
		{"6.6 IpAddress on string key", CodeConditionTypeMismatch, "identity", doc(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt","Condition":{"IpAddress":{"s3:prefix":"10.0.0.0/8"}}}`),
			doc(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`), 0, SeverityError},
		{"6.6 Date on non-date key", CodeConditionTypeMismatch, "identity", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2030-01-01","aws:SourceIp":"2030-01-01"}}}`),
			doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2030-01-01"}}}`), 0, SeverityError},
		{"6.6 unknown condition key", CodeConditionKeyUnknown, "identity", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"IpAddress":{"aws:SourceIP4":"10.0.0.0/8"}}}`),
			doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"IpAddress":{"aws:SourceIP":"10.0.0.0/8"}}}`), 0, SeverityError},
		{"2.3 key no listed action supports", CodeConditionKeyUnused, "identity", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringLike":{"s3:prefix":"home/*"}}}`),
			doc(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt","Condition":{"StringLike":{"s3:prefix":"home/*"}}}`), 0, SeverityWarning},
		{"6.6 multivalued without set operator", CodeSetOperatorNeeded, "identity", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringLike":{"aws:PrincipalOrgPaths":"o-abc/r-1/ou-1/*"}}}`),
			doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-abc/r-1/ou-1/*"}}}`), 0, SeverityWarning},
		{"6.6 ForAllValues with Allow", CodeForAllValuesAllow, "identity", doc(`{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["team"]}}}`),
			doc(`{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["team"]},"Null":{"s3:RequestObjectTagKeys":"false"}}}`), 0, SeverityWarning},
		{"6.6 Null on always-present key", CodeNullMisuse, "identity", doc(`{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Null":{"aws:SecureTransport":"true"}}}`),
			doc(`{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`), 0, SeverityWarning},
		{"6.6 Null contradicting", CodeNullMisuse, "identity", doc(`{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"Null":{"s3:x-amz-server-side-encryption":"true"},"StringEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}`),
			doc(`{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"Null":{"s3:x-amz-server-side-encryption":"false"},"StringEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}`), 0, SeverityWarning},
		{"6.1 duplicate Sid", CodeDuplicateSid, "identity", doc(`{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`, `{"Sid":"Read","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt"}`),
			doc(`{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`, `{"Sid":"List","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt"}`), 1, SeverityError},
		{"redundant statement", CodeRedundantStatement, "identity", doc(`{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::bkt/*"}`, `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/reports/*"}`),
			doc(`{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::bkt/*"}`, `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/reports/*"}`), 1, SeverityInfo},
		{"shadowed statement", CodeShadowedStatement, "identity", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/secret/*"}`, `{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*"}`),
			doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/secret/*"}`, `{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`), 0, SeverityWarning},
		{"1.9 owner lockout", CodeOwnerLockout, "bucket", doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}`),
			doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/admin"}}}`), 0, SeverityError},
		{"T42 NotIpAddress deny", CodeSourceIPDeny, "bucket", doc(`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"NotIpAddress":{"aws:SourceIp":"198.51.100.0/24"}}}`),
			doc(`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"NotIpAddress":{"aws:SourceIp":"198.51.100.0/24"},"Null":{"aws:SourceVpce":"true"}}}`), 0, SeverityWarning},
		{"managed policy size", CodeManagedPolicySize, "identity", bigPolicy(7000), bigPolicy(5000), -1, SeverityWarning},
	}
	covered := map[string]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			covered[c.code] = true
			r, err := Lint(c.bad, c.kind, Options{BucketAccountID: own})
			if err != nil {
				t.Fatal(err)
			}
			f, ok := has(r, c.code)
			if !ok {
				t.Fatalf("want %s, got %v", c.code, r.Findings)
			}
			if f.StatementIndex != c.stmt || f.Severity != c.sev {
				t.Errorf("finding %v: want statement %d severity %s", f, c.stmt, c.sev)
			}
			if f.Message == "" || f.Fix == "" {
				t.Errorf("finding without message or fix: %+v", f)
			}
			g, err := Lint(c.good, c.kind, Options{BucketAccountID: own})
			if err != nil {
				t.Fatal(err)
			}
			if f, ok := has(g, c.code); ok {
				t.Errorf("corrected policy still reports %v", f)
			}
		})
	}
	for _, ci := range Codes() {
		if !covered[ci.Code] {
			t.Errorf("code %s has no test case", ci.Code)
		}
	}
}

func bigPolicy(n int) string {
	var sts []string
	for i := 0; len(strings.Join(sts, ",")) < n-100; i++ {
		sts = append(sts, `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/p`+itoa(i)+`/*"}`)
	}
	return doc(sts...)
}

// TestCodesDocumented: the policy_lint page lists every code (the table is in
// templates/data-sources/s3access_policy_lint.md.tmpl).
func TestCodesDocumented(t *testing.T) {
	b, err := os.ReadFile("../../templates/data-sources/s3access_policy_lint.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Codes() {
		if !strings.Contains(string(b), "| `"+c.Code+"` |") {
			t.Errorf("code %s missing from the policy_lint page", c.Code)
		}
	}
}

func BenchmarkLintBucketPolicy(b *testing.B) {
	p := doc(`{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::www.example.com/*"}`,
		`{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/app"},"Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::www.example.com","arn:aws:s3:::www.example.com/*"],"Condition":{"StringLike":{"s3:prefix":"shared/*"}}}`,
		`{"Sid":"OfficeOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::www.example.com","arn:aws:s3:::www.example.com/*"],"Condition":{"NotIpAddress":{"aws:SourceIp":"198.51.100.0/24"}}}`)
	for i := 0; i < b.N; i++ {
		if _, err := Lint(p, "bucket", Options{BucketAccountID: own}); err != nil {
			b.Fatal(err)
		}
	}
}
