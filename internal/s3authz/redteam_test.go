package s3authz

import (
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// Red-team properties (spec 1.3, 6.4, 8.3): generated requests over small
// pools of principals, actions, policies and context values, checked against
// metamorphic rules that must hold whatever the engine's answer is:
//
//   - Allowed == (Decision == "allowed"), and an error never comes with a result;
//   - adding a Deny statement to any policy layer never turns a denial into an
//     allow (explicit deny wins, spec 6.4);
//   - adding an Allow to a guardrail (boundary, session, SCP, VPCE) never turns
//     an allow into a denial is NOT assumed; only deny-monotonicity is;
//   - a Deny-everything statement in the bucket policy leaves nothing allowed
//     except the bucket owner's root on the bucket-policy APIs (spec 1.9);
//   - a Deny-everything SCP leaves nothing allowed for principals SCPs govern
//     (spec 1.6: not anonymous, services, management account, service-linked roles);
//   - malformed input is an *InputError, never an allowed result (fail closed).

var (
	rtPrincipals = []string{
		"arn:aws:iam::111111111111:user/alice", "arn:aws:sts::111111111111:assumed-role/app/s1",
		"arn:aws:iam::111111111111:role/app", "arn:aws:sts::111111111111:federated-user/alice",
		"111111111111", "arn:aws:iam::222222222222:user/bob", "arn:aws:sts::222222222222:assumed-role/app/s9",
		"222222222222", "anonymous", "cloudtrail.amazonaws.com",
	}
	rtActions = []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetBucketPolicy", "s3:PutBucketAcl", "HeadObject", "GetObjectAttributes"}
	rtPrinc   = []string{`"*"`, `{"AWS":"*"}`, `{"AWS":"111111111111"}`, `{"AWS":"222222222222"}`, `{"AWS":"arn:aws:iam::111111111111:role/app"}`,
		`{"AWS":"arn:aws:sts::111111111111:assumed-role/app/s1"}`, `{"AWS":"arn:aws:iam::111111111111:user/alice"}`,
		`{"AWS":"arn:aws:iam::222222222222:user/bob"}`, `{"Service":"cloudtrail.amazonaws.com"}`}
	rtRes = []string{`"*"`, `"arn:aws:s3:::bkt/*"`, `"arn:aws:s3:::bkt"`, `["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]`, `"arn:aws:s3:::bkt*"`,
		`"arn:aws:s3:::bkt/${aws:username}*"`, `"arn:aws:s3:::bkt/k?y"`}
	rtAct  = []string{`"s3:*"`, `"*"`, `"s3:Get*"`, `["s3:GetObject","s3:ListBucket"]`, `"s3:PutObject"`, `"s3:?etObject"`}
	rtCond = []string{``, `,"Condition":{"Bool":{"aws:SecureTransport":"false"}}`, `,"Condition":{"NotIpAddress":{"aws:SourceIp":"198.51.100.0/24"}}`,
		`,"Condition":{"StringEquals":{"aws:PrincipalAccount":"111111111111"}}`, `,"Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc"}}`,
		`,"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}`, `,"Condition":{"ForAllValues:StringEquals":{"aws:PrincipalOrgPaths":["o-abc/r-1/"]}}`,
		`,"Condition":{"Null":{"aws:SourceVpce":"true"}}`}
	rtIPs = []string{"203.0.113.10", "198.51.100.7", "::ffff:198.51.100.7", "2001:db8::1"}
)

func rtPick(r *rand.Rand, xs []string) string { return xs[r.Intn(len(xs))] }

func rtStmt(r *rand.Rand, effect string, principal bool) string {
	s := `{"Effect":"` + effect + `","Action":` + rtPick(r, rtAct) + `,"Resource":` + rtPick(r, rtRes)
	if principal {
		s += `,"Principal":` + rtPick(r, rtPrinc)
	}
	return s + rtPick(r, rtCond) + "}"
}

func rtPolicy(r *rand.Rand, principal bool) string {
	n := 1 + r.Intn(3)
	var st []string
	for i := 0; i < n; i++ {
		eff := "Allow"
		if r.Intn(4) == 0 {
			eff = "Deny"
		}
		st = append(st, rtStmt(r, eff, principal))
	}
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(st, ",") + `]}`
}

func rtStr(s string) *string { return &s }

func rtRequest(r *rand.Rand) *Request {
	req := &Request{
		Principal:         rtPick(r, rtPrincipals),
		Action:            rtPick(r, rtActions),
		Bucket:            "bkt",
		BucketAccountID:   "111111111111",
		BlockPublicAccess: &BPA{RestrictPublicBuckets: r.Intn(3) == 0},
		Context:           map[string][]string{},
	}
	if strings.Contains(strings.ToLower(req.Action), "object") {
		req.Key = rtStr(rtPick(r, []string{"k", "key", "alice/x", "k y"}))
	}
	if r.Intn(4) != 0 {
		req.IdentityPolicies = []string{rtPolicy(r, false)}
	}
	if r.Intn(3) != 0 {
		req.BucketPolicy = rtStr(rtPolicy(r, true))
	}
	if r.Intn(5) == 0 {
		req.PermissionsBoundary = rtStr(rtPolicy(r, false))
	}
	if r.Intn(5) == 0 {
		req.SessionPolicy = rtStr(rtPolicy(r, false))
	}
	if r.Intn(4) == 0 {
		req.ServiceControlPolicies = [][]string{{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}, {rtPolicy(r, false)}}
	}
	if r.Intn(4) == 0 {
		req.ObjectOwnership = rtPick(r, []string{"ObjectWriter", "BucketOwnerPreferred"})
		req.ObjectACL = &ACL{Canned: rtPick(r, []string{"private", "public-read", "authenticated-read", "bucket-owner-read"})}
		if r.Intn(2) == 0 {
			req.ObjectOwnerAccountID = "222222222222"
		}
	}
	switch r.Intn(4) {
	case 0:
		req.Context["aws:SourceVpce"] = []string{"vpce-1a2b"}
		req.VPCEndpointPolicy = rtStr(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`)
	default:
		req.Context["aws:SourceIp"] = []string{rtPick(r, rtIPs)}
	}
	if r.Intn(5) == 0 {
		req.Context["aws:SecureTransport"] = []string{"false"}
	}
	if r.Intn(5) == 0 {
		req.Context["aws:PrincipalOrgPaths"] = []string{"o-abc/r-1/", "o-abc/r-1/ou-1/"}
	}
	return req
}

func rtClone(q *Request) *Request {
	c := *q
	c.IdentityPolicies = append([]string(nil), q.IdentityPolicies...)
	c.ServiceControlPolicies = append([][]string(nil), q.ServiceControlPolicies...)
	c.Context = map[string][]string{}
	for k, v := range q.Context {
		c.Context[k] = v
	}
	return &c
}

// rtAddDeny adds stmt to a policy document (or makes a new one).
func rtAddDeny(doc *string, stmt string) *string {
	if doc == nil {
		return rtStr(`{"Version":"2012-10-17","Statement":[` + stmt + `]}`)
	}
	s := *doc
	i := strings.LastIndex(s, "]")
	return rtStr(s[:i] + "," + stmt + s[i:])
}

func rtDesc(q *Request) string {
	k := "<nil>"
	if q.Key != nil {
		k = *q.Key
	}
	bp, pb := "<nil>", "<nil>"
	if q.BucketPolicy != nil {
		bp = *q.BucketPolicy
	}
	if q.PermissionsBoundary != nil {
		pb = *q.PermissionsBoundary
	}
	return fmt.Sprintf("principal=%s action=%s key=%s ctx=%v\n id=%v\n bp=%s\n pb=%s scp=%v own=%s/%v",
		q.Principal, q.Action, k, q.Context, q.IdentityPolicies, bp, pb, q.ServiceControlPolicies, q.ObjectOwnership, q.ObjectOwnerAccountID)
}

func rtEval(t *testing.T, q *Request) *Result {
	t.Helper()
	res, err := Evaluate(q)
	if err != nil {
		if res != nil {
			t.Fatalf("error %v came with a result", err)
		}
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Fatalf("error is not an *InputError: %v", err)
		}
		return nil
	}
	if res.Allowed != (res.Decision == "allowed") {
		t.Fatalf("Allowed=%v with decision %s\n%s", res.Allowed, res.Decision, rtDesc(q))
	}
	return res
}

const rtN = 1500

// TestRedTeamDenyMonotonic: a Deny added to any layer never turns a denial
// into an allow, and never turns an explicit deny into a weaker class.
func TestRedTeamDenyMonotonic(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	checked := 0
	for i := 0; i < rtN; i++ {
		q := rtRequest(r)
		before := rtEval(t, q)
		if before == nil {
			continue
		}
		deny := rtStmt(r, "Deny", false)
		denyP := rtStmt(r, "Deny", true)
		for _, mut := range []struct {
			name string
			f    func(*Request)
		}{
			{"identity", func(c *Request) {
				if len(c.IdentityPolicies) == 0 {
					c.IdentityPolicies = []string{*rtAddDeny(nil, deny)}
				} else {
					c.IdentityPolicies[0] = *rtAddDeny(&c.IdentityPolicies[0], deny)
				}
			}},
			{"bucket", func(c *Request) { c.BucketPolicy = rtAddDeny(c.BucketPolicy, denyP) }},
			{"boundary", func(c *Request) {
				if c.PermissionsBoundary != nil {
					c.PermissionsBoundary = rtAddDeny(c.PermissionsBoundary, deny)
				}
			}},
			{"session", func(c *Request) {
				if c.SessionPolicy != nil {
					c.SessionPolicy = rtAddDeny(c.SessionPolicy, deny)
				}
			}},
		} {
			c := rtClone(q)
			mut.f(c)
			after := rtEval(t, c)
			if after == nil {
				continue
			}
			checked++
			if before.Decision != "allowed" && after.Decision == "allowed" {
				t.Errorf("spec 6.4: a Deny added to %s turned %s into allowed\n%s\nadded %s", mut.name, before.Decision, rtDesc(q), deny+" / "+denyP)
			}
			if before.Decision == "explicit_deny" && (after.Decision == "implicit_deny" || after.Decision == "allowed") {
				t.Errorf("spec 6.4: a Deny added to %s weakened explicit_deny to %s\n%s", mut.name, after.Decision, rtDesc(q))
			}
		}
	}
	if checked < rtN {
		t.Fatalf("only %d mutated requests evaluated", checked)
	}
}

// TestRedTeamDenyAll: a bucket-policy Deny of everything to everyone leaves
// nothing allowed except the owner's root on the bucket-policy APIs (spec
// 1.9); an SCP Deny of everything leaves nothing allowed for governed callers.
func TestRedTeamDenyAll(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	denyAll := `{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}`
	scpDeny := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*"}]}`
	n := 0
	for i := 0; i < rtN; i++ {
		q := rtRequest(r)
		c := rtClone(q)
		c.BucketPolicy = rtAddDeny(c.BucketPolicy, denyAll)
		if res := rtEval(t, c); res != nil {
			n++
			rootBypass := (c.Principal == "111111111111") && strings.Contains(strings.ToLower(c.Action), "bucketpolicy")
			if res.Allowed && !rootBypass {
				t.Errorf("spec 1.3: allowed despite a bucket-policy Deny of everything\n%s", rtDesc(c))
			}
		}
		c = rtClone(q)
		c.ServiceControlPolicies = [][]string{{scpDeny}}
		if res := rtEval(t, c); res != nil {
			exempt := c.Principal == "anonymous" || c.Principal == "cloudtrail.amazonaws.com"
			if res.Allowed && !exempt {
				t.Errorf("spec 1.6: allowed despite an SCP Deny of everything\n%s", rtDesc(c))
			}
		}
	}
	if n == 0 {
		t.Fatal("no request evaluated")
	}
}

// TestRedTeamMalformed: malformed input is an InputError naming the
// argument, never a decision (fail closed).
func TestRedTeamMalformed(t *testing.T) {
	good := func() *Request {
		return &Request{Principal: "arn:aws:iam::111111111111:user/alice", Action: "s3:GetObject", Bucket: "bkt", Key: rtStr("k"),
			IdentityPolicies:  []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
			BlockPublicAccess: &BPA{}, Context: map[string][]string{"aws:SourceIp": {"203.0.113.10"}}}
	}
	if res := rtEval(t, good()); res == nil || !res.Allowed {
		t.Fatal("the unmutated request must be allowed (else the cases below prove nothing)")
	}
	cases := []struct {
		spec, name, field string
		f                 func(*Request)
	}{
		{"6.1", "bucket policy not JSON", "bucket_policy", func(q *Request) { q.BucketPolicy = rtStr(`{"Statement":[`) }},
		{"6.1", "Effect in lower case", "bucket_policy", func(q *Request) {
			q.BucketPolicy = rtStr(`{"Statement":[{"Effect":"deny","Principal":"*","Action":"*","Resource":"*"}]}`)
		}},
		{"6.6", "unknown operator in a Deny", "bucket_policy", func(q *Request) {
			q.BucketPolicy = rtStr(`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEqualz":{"aws:SourceIp":"x"}}}]}`)
		}},
		{"6.6", "NaN in a Numeric condition", "identity_policies", func(q *Request) {
			q.IdentityPolicies = append(q.IdentityPolicies, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:TlsVersion":"NaN"}}}]}`)
		}},
		{"6.2", "partial wildcard principal in a Deny", "bucket_policy", func(q *Request) {
			q.BucketPolicy = rtStr(`{"Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"*","Resource":"*"}]}`)
		}},
		{"1.1", "principal with a bad account", "principal", func(q *Request) { q.Principal = "arn:aws:iam::11111111111:user/alice" }},
		{"1.1", "principal that is a wildcard", "principal", func(q *Request) { q.Principal = "*" }},
		{"2.1", "object action without a key", "key", func(q *Request) { q.Key = nil }},
		{"6.8", "context key unknown", "context", func(q *Request) { q.Context["aws:SourceIP2"] = []string{"x"} }},
		{"6.8", "SecureTransport not a bool", "context", func(q *Request) { q.Context["aws:SecureTransport"] = []string{"yes"} }},
		{"6.8", "PrincipalAccount contradicting the principal", "context", func(q *Request) { q.Context["aws:PrincipalAccount"] = []string{"222222222222"} }},
		{"6.8", "username contradicting the principal", "context", func(q *Request) { q.Context["aws:username"] = []string{"bob"} }},
		{"1.8", "SourceIp through a VPC endpoint", "context", func(q *Request) { q.Context["aws:SourceVpce"] = []string{"vpce-1"} }},
		{"4.1", "unknown Object Ownership", "object_ownership", func(q *Request) { q.ObjectOwnership = "BucketOwner" }},
		{"5.1", "unknown SSE", "encryption", func(q *Request) { q.Encryption = &Encryption{SSE: "aws:kmz"} }},
		{"1.6", "SCP not JSON", "service_control_policies", func(q *Request) { q.ServiceControlPolicies = [][]string{{"nope"}} }},
		{"1.1", "bucket owner not an account id", "bucket_account_id", func(q *Request) { q.BucketAccountID = "1111" }},
	}
	for _, c := range cases {
		q := good()
		c.f(q)
		res, err := Evaluate(q)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != c.field {
			allowed := res != nil && res.Allowed
			t.Errorf("spec %s %s: want InputError on %s, got err=%v allowed=%v", c.spec, c.name, c.field, err, allowed)
		}
	}
}
