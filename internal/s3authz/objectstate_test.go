package s3authz

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestObjectStateRefusals: the 403s of spec 2.7 that are not policy
// decisions: rejected with layer none, never allowed, root included.
func TestObjectStateRefusals(t *testing.T) {
	saved := now
	now = func() time.Time { return time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC) }
	defer func() { now = saved }()
	allowAll := pj(allowS(nil, "s3:*", "*"))
	del := func(principal string, ctx map[string][]string) func() *Request {
		return func() *Request {
			c := map[string][]string{"aws:SourceIp": {"203.0.113.10"}, "s3:versionid": {"v1"}}
			for k, v := range ctx {
				c[k] = v
			}
			return &Request{Principal: principal, Action: "s3:DeleteObject", Bucket: "bkt", Key: sp("k"), BucketAccountID: A,
				BlockPublicAccess: &BPA{}, IdentityPolicies: []string{allowAll}, Context: c}
		}
	}
	future, past := []string{"2030-01-01T00:00:00Z"}, []string{"2024-01-01T00:00:00Z"}
	get := func(principal string, ctx map[string][]string) func() *Request {
		return func() *Request {
			c := map[string][]string{"aws:SourceIp": {"203.0.113.10"}}
			for k, v := range ctx {
				c[k] = v
			}
			r := &Request{Principal: principal, Action: "s3:GetObject", Bucket: "bkt", Key: sp("k"), BucketAccountID: A,
				BlockPublicAccess: &BPA{}, Context: c,
				BucketPolicy: sp(pj(allowS("*", "s3:GetObject", "arn:aws:s3:::bkt/*")))}
			if principal != "anonymous" {
				r.IdentityPolicies = []string{allowAll}
			}
			return r
		}
	}
	put := func(action string, ctx map[string][]string) func() *Request {
		return func() *Request {
			c := map[string][]string{"aws:SourceIp": {"203.0.113.10"}}
			for k, v := range ctx {
				c[k] = v
			}
			return &Request{Principal: uA, Action: action, Bucket: "bkt", Key: sp("k"), BucketAccountID: A,
				BlockPublicAccess: &BPA{}, IdentityPolicies: []string{allowAll}, Context: c}
		}
	}
	ssec := []string{"AES256"}
	runAPCases(t, []apCase{
		{"T153: compliance retention, root", "2.7", del("arn:aws:iam::111111111111:root", map[string][]string{KeyObjectLockMode: {"COMPLIANCE"}, KeyObjectLockRetainUntil: future}), "rejected", "none", []string{"COMPLIANCE", "root user included"}, nil},
		{"compliance retention without a date is taken as in force", "2.7", del(uA, map[string][]string{KeyObjectLockMode: {"compliance"}}), "rejected", "none", []string{"taken as in force"}, nil},
		{"expired compliance retention", "2.7", del(uA, map[string][]string{KeyObjectLockMode: {"COMPLIANCE"}, KeyObjectLockRetainUntil: past}), "allowed", "identity", nil, nil},
		{"compliance retention does not block a delete without version id", "2.7", func() *Request {
			r := del(uA, map[string][]string{KeyObjectLockMode: {"COMPLIANCE"}, KeyObjectLockRetainUntil: future})()
			delete(r.Context, "s3:versionid")
			return r
		}, "allowed", "identity", nil, nil},
		{"governance retention without the bypass header", "2.7", del(uA, map[string][]string{KeyObjectLockMode: {"GOVERNANCE"}, KeyObjectLockRetainUntil: future}), "rejected", "none", []string{"x-amz-bypass-governance-retention"}, nil},
		{"governance retention with bypass and s3:BypassGovernanceRetention", "2.7", del(uA, map[string][]string{KeyObjectLockMode: {"GOVERNANCE"}, KeyObjectLockRetainUntil: future, KeyBypassGovernanceRetention: {"true"}}), "allowed", "identity", nil, nil},
		{"governance retention with bypass but without the permission", "2.7", func() *Request {
			r := del(uA, map[string][]string{KeyObjectLockMode: {"GOVERNANCE"}, KeyObjectLockRetainUntil: future, KeyBypassGovernanceRetention: {"true"}})()
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:DeleteObjectVersion", "arn:aws:s3:::bkt/*"))}
			return r
		}, "implicit_deny", "identity", []string{"s3:BypassGovernanceRetention"}, nil},
		{"legal hold", "2.7", del("arn:aws:iam::111111111111:root", map[string][]string{KeyObjectLegalHold: {"ON"}}), "rejected", "none", []string{"legal hold"}, nil},
		{"legal hold off", "2.7", del(uA, map[string][]string{KeyObjectLegalHold: {"OFF"}}), "allowed", "identity", nil, nil},
		{"T154: Requester Pays, cross-account, no header", "2.7", func() *Request {
			r := get(uBap, map[string][]string{KeyRequesterPays: {"true"}})()
			return r
		}, "rejected", "none", []string{"x-amz-request-payer"}, nil},
		{"Requester Pays, cross-account, with the header", "2.7", get(uBap, map[string][]string{KeyRequesterPays: {"true"}, KeyRequestPayer: {"requester"}}), "allowed", "bucket_policy", nil, nil},
		{"Requester Pays, bucket owner account without the header", "2.7", get(uA, map[string][]string{KeyRequesterPays: {"true"}}), "allowed", "identity", nil, nil},
		{"Requester Pays refuses anonymous callers", "2.7", get("anonymous", map[string][]string{KeyRequesterPays: {"true"}, KeyRequestPayer: {"requester"}}), "rejected", "none", []string{"anonymous"}, nil},
		{"Requester Pays off", "2.7", get(uBap, map[string][]string{KeyRequesterPays: {"false"}}), "allowed", "bucket_policy", nil, nil},
		{"T155: SSE-C PutObject on a bucket that blocks it", "2.7", put("s3:PutObject", map[string][]string{KeyBlockedEncryptionTypes: {"SSE-C"}, "s3:x-amz-server-side-encryption-customer-algorithm": ssec}), "rejected", "none", []string{"SSE-C"}, nil},
		{"SSE-C UploadPart on a bucket that blocks it", "2.7", put("UploadPart", map[string][]string{KeyBlockedEncryptionTypes: {"sse-c"}, "s3:x-amz-server-side-encryption-customer-algorithm": ssec}), "rejected", "none", nil, nil},
		{"SSE-S3 PutObject on a bucket that blocks SSE-C", "2.7", put("s3:PutObject", map[string][]string{KeyBlockedEncryptionTypes: {"SSE-C"}}), "allowed", "identity", nil, nil},
		{"SSE-C PutObject, nothing blocked", "2.7", put("s3:PutObject", map[string][]string{KeyBlockedEncryptionTypes: {"NONE"}, "s3:x-amz-server-side-encryption-customer-algorithm": ssec}), "allowed", "identity", nil, nil},
		{"SSE-C GetObject is a read, not blocked", "2.7", put("s3:GetObject", map[string][]string{KeyBlockedEncryptionTypes: {"SSE-C"}, "s3:x-amz-server-side-encryption-customer-algorithm": ssec}), "allowed", "identity", nil, nil},
	})
	for _, tc := range []struct {
		name string
		ctx  map[string][]string
		msg  string
	}{
		{"bad lock mode", map[string][]string{KeyObjectLockMode: {"STRICT"}}, "GOVERNANCE or COMPLIANCE"},
		{"bad date", map[string][]string{KeyObjectLockMode: {"COMPLIANCE"}, KeyObjectLockRetainUntil: {"tomorrow"}}, "RFC 3339"},
		{"date without mode", map[string][]string{KeyObjectLockRetainUntil: future}, KeyObjectLockMode},
		{"bad legal hold", map[string][]string{KeyObjectLegalHold: {"yes"}}, "ON or OFF"},
		{"bad requester pays", map[string][]string{KeyRequesterPays: {"yes"}}, "true or false"},
		{"bad request payer", map[string][]string{KeyRequestPayer: {"owner"}}, "requester"},
		{"bad encryption type", map[string][]string{KeyBlockedEncryptionTypes: {"SSE-KMS"}}, "SSE-C or NONE"},
		{"two modes", map[string][]string{KeyObjectLockMode: {"COMPLIANCE", "GOVERNANCE"}}, "exactly one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Evaluate(del(uA, tc.ctx)())
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != "context" || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("want InputError on context containing %q, got %v", tc.msg, err)
			}
		})
	}
}
