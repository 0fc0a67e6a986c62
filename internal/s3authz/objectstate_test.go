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

// TestPutObjectRetentionUnderLock: PutObjectRetention on an object version
// under an active Object Lock retention depends on the new retain-until
// date (spec 2.7): extending is allowed, shortening COMPLIANCE is refused
// for everyone, shortening GOVERNANCE needs the bypass header and
// s3:BypassGovernanceRetention; without the dates the decision is unknown
// (it was allowed).
func TestPutObjectRetentionUnderLock(t *testing.T) {
	saved := now
	now = func() time.Time { return time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC) }
	defer func() { now = saved }()
	allowAll := pj(allowS(nil, "s3:*", "*"))
	ret := func(principal string, ctx map[string][]string) func() *Request {
		return func() *Request {
			c := map[string][]string{"aws:SourceIp": {"203.0.113.10"}}
			for k, v := range ctx {
				c[k] = v
			}
			return &Request{Principal: principal, Action: "PutObjectRetention", Bucket: "bkt", Key: sp("k"), BucketAccountID: A,
				BlockPublicAccess: &BPA{}, IdentityPolicies: []string{allowAll}, Context: c}
		}
	}
	lock := func(mode string, kv ...string) map[string][]string {
		c := map[string][]string{KeyObjectLockMode: {mode}}
		for i := 0; i+1 < len(kv); i += 2 {
			c[kv[i]] = []string{kv[i+1]}
		}
		return c
	}
	const cur, later, earlier, past = "2030-01-01T00:00:00Z", "2031-01-01T00:00:00Z", "2029-01-01T00:00:00Z", "2024-01-01T00:00:00Z"
	newKey, curKey := "context."+KeyNewObjectLockRetainUntil, "context."+KeyObjectLockRetainUntil
	root := "arn:aws:iam::111111111111:root"
	runAPCases(t, []apCase{
		{"compliance, new date not given: unknown", "2.7", ret(uA, lock("COMPLIANCE", KeyObjectLockRetainUntil, cur)), "unknown", "none", []string{newKey}, nil},
		{"governance, new date not given: unknown", "2.7", ret(uA, lock("GOVERNANCE", KeyObjectLockRetainUntil, cur)), "unknown", "none", []string{newKey}, nil},
		{"compliance without a current date (taken as in force), new date given: unknown", "2.7", ret(uA, lock("COMPLIANCE", KeyNewObjectLockRetainUntil, later)), "unknown", "none", []string{curKey}, nil},
		{"compliance, extended: allowed", "2.7", ret(uA, lock("COMPLIANCE", KeyObjectLockRetainUntil, cur, KeyNewObjectLockRetainUntil, later)), "allowed", "identity", nil, nil},
		{"compliance, same date: allowed", "2.7", ret(uA, lock("COMPLIANCE", KeyObjectLockRetainUntil, cur, KeyNewObjectLockRetainUntil, cur)), "allowed", "identity", nil, nil},
		{"compliance, shortened, root: rejected", "2.7", ret(root, lock("COMPLIANCE", KeyObjectLockRetainUntil, cur, KeyNewObjectLockRetainUntil, earlier)), "rejected", "none", []string{"COMPLIANCE", "root user included"}, nil},
		{"compliance, shortened with the bypass header: rejected", "2.7", ret(uA, lock("COMPLIANCE", KeyObjectLockRetainUntil, cur, KeyNewObjectLockRetainUntil, earlier, KeyBypassGovernanceRetention, "true")), "rejected", "none", []string{"COMPLIANCE"}, nil},
		{"governance, shortened without the bypass header: rejected", "2.7", ret(uA, lock("GOVERNANCE", KeyObjectLockRetainUntil, cur, KeyNewObjectLockRetainUntil, earlier)), "rejected", "none", []string{"x-amz-bypass-governance-retention"}, nil},
		{"governance, shortened with bypass and s3:BypassGovernanceRetention: allowed", "2.7", ret(uA, lock("GOVERNANCE", KeyObjectLockRetainUntil, cur, KeyNewObjectLockRetainUntil, earlier, KeyBypassGovernanceRetention, "true")), "allowed", "identity", nil, nil},
		{"governance, shortened with bypass but without the permission: implicit deny", "2.7", func() *Request {
			r := ret(uA, lock("GOVERNANCE", KeyObjectLockRetainUntil, cur, KeyNewObjectLockRetainUntil, earlier, KeyBypassGovernanceRetention, "true"))()
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:PutObjectRetention", "arn:aws:s3:::bkt/*"))}
			return r
		}, "implicit_deny", "identity", []string{"s3:BypassGovernanceRetention"}, nil},
		{"governance, extended without bypass: allowed", "2.7", ret(uA, lock("GOVERNANCE", KeyObjectLockRetainUntil, cur, KeyNewObjectLockRetainUntil, later)), "allowed", "identity", nil, nil},
		{"new date in the past: rejected", "2.7", ret(uA, lock("GOVERNANCE", KeyObjectLockRetainUntil, past, KeyNewObjectLockRetainUntil, past)), "rejected", "none", []string{"not in the future"}, nil},
		{"expired retention, new date not given: allowed", "2.7", ret(uA, lock("COMPLIANCE", KeyObjectLockRetainUntil, past)), "allowed", "identity", nil, nil},
		{"no retention: allowed", "2.7", ret(uA, map[string][]string{}), "allowed", "identity", nil, nil},
		{"policies deny: the deny, not unknown", "2.7", func() *Request {
			r := ret(uA, lock("COMPLIANCE", KeyObjectLockRetainUntil, cur))()
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", "arn:aws:s3:::bkt/*"))}
			return r
		}, "implicit_deny", "identity", nil, nil},
	})
	t.Run("unknown names the missing input", func(t *testing.T) {
		res, err := Evaluate(ret(uA, lock("COMPLIANCE", KeyObjectLockRetainUntil, cur))())
		if err != nil {
			t.Fatal(err)
		}
		if res.Allowed || res.Decision != "unknown" || len(res.Fixes) != 1 || res.Fixes[0].Kind != "input" || res.Fixes[0].Setting != newKey {
			t.Errorf("allowed %v decision %s fixes %+v: want unknown with one input fix naming %s", res.Allowed, res.Decision, res.Fixes, newKey)
		}
	})
	t.Run("bad new date", func(t *testing.T) {
		_, err := Evaluate(ret(uA, lock("COMPLIANCE", KeyNewObjectLockRetainUntil, "soon"))())
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != "context" || !strings.Contains(err.Error(), KeyNewObjectLockRetainUntil) {
			t.Fatalf("want InputError on context naming %s, got %v", KeyNewObjectLockRetainUntil, err)
		}
	})
}
