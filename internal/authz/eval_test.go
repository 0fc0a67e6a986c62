package authz

import (
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

func TestPrincipalMatchClasses(t *testing.T) {
	// spec 1.4 table and 6.2.
	fed := principalFrom(t, fA)
	fed.FederatingUserARN = uA
	role := principalFrom(t, rA)
	cases := []struct {
		spec    string
		p       Principal
		ps      policy.Principals
		layer   Layer
		forDeny bool
		want    MatchClass
	}{
		{"1.4 user ARN", principalFrom(t, uA), policy.Principals{AWS: []string{uA}}, LayerResource, false, ClassDirect},
		{"1.4 user with path", principalFrom(t, "arn:aws:iam::111111111111:user/div/alice"), policy.Principals{AWS: []string{"arn:aws:iam::111111111111:user/div/alice"}}, LayerResource, false, ClassDirect},
		{"6.2 user name case-sensitive", principalFrom(t, uA), policy.Principals{AWS: []string{"arn:aws:iam::111111111111:user/Alice"}}, LayerResource, false, ClassNone},
		{"1.4 other user", principalFrom(t, uA), policy.Principals{AWS: []string{uB}}, LayerResource, false, ClassNone},
		{"1.4 session ARN", principalFrom(t, sA), policy.Principals{AWS: []string{sA}}, LayerResource, false, ClassDirect},
		{"1.4 other session", principalFrom(t, sA), policy.Principals{AWS: []string{"arn:aws:sts::111111111111:assumed-role/app/s2"}}, LayerResource, false, ClassNone},
		{"1.4 role of session", principalFrom(t, sA), policy.Principals{AWS: []string{rA}}, LayerResource, false, ClassRoleOfSession},
		{"1.4 role with path (names unique per account)", principalFrom(t, sA), policy.Principals{AWS: []string{"arn:aws:iam::111111111111:role/team/app"}}, LayerResource, false, ClassRoleOfSession},
		{"1.4 role of other account", principalFrom(t, sB), policy.Principals{AWS: []string{rA}}, LayerResource, false, ClassNone},
		{"1.4 federated ARN", fed, policy.Principals{AWS: []string{fA}}, LayerResource, false, ClassDirect},
		{"1.4 user of federated", fed, policy.Principals{AWS: []string{uA}}, LayerResource, false, ClassUserOfFederated},
		{"1.4 wildcard", principalFrom(t, uB), policy.Principals{Wildcard: true}, LayerResource, false, ClassDirect},
		{"1.4 AWS *", principalFrom(t, uB), policy.Principals{AWS: []string{"*"}}, LayerResource, false, ClassDirect},
		{"1.4 account id", principalFrom(t, uA), policy.Principals{AWS: []string{acctA}}, LayerResource, false, ClassAccount},
		{"1.4 root ARN", principalFrom(t, sA), policy.Principals{AWS: []string{rootA}}, LayerResource, false, ClassAccount},
		{"1.4 account other", principalFrom(t, uA), policy.Principals{AWS: []string{acctB}}, LayerResource, false, ClassNone},
		{"1.4 strongest class wins", principalFrom(t, sA), policy.Principals{AWS: []string{acctA, rA, sA}}, LayerResource, false, ClassDirect},
		{"1.4 anonymous *", Principal{Kind: Anonymous}, policy.Principals{Wildcard: true}, LayerResource, false, ClassDirect},
		{"1.4 anonymous not an account", Principal{Kind: Anonymous}, policy.Principals{AWS: []string{acctA}}, LayerResource, false, ClassNone},
		{"1.4 service", principalFrom(t, "cloudtrail.amazonaws.com"), policy.Principals{Service: []string{"cloudtrail.amazonaws.com"}}, LayerResource, false, ClassDirect},
		{"1.4 other service", principalFrom(t, "cloudtrail.amazonaws.com"), policy.Principals{Service: []string{"logging.s3.amazonaws.com"}}, LayerResource, false, ClassNone},
		{"1.4 user is not a service", principalFrom(t, uA), policy.Principals{Service: []string{"cloudtrail.amazonaws.com"}}, LayerResource, false, ClassNone},
		{"1.4 canonical user", Principal{Kind: IAMUser, Account: acctA, ARN: uA, CanonicalID: strings.Repeat("ab", 32)}, policy.Principals{CanonicalUser: []string{strings.Repeat("AB", 32)}}, LayerResource, false, ClassAccount},
		{"1.4 canonical user unknown", principalFrom(t, uA), policy.Principals{CanonicalUser: []string{strings.Repeat("ab", 32)}}, LayerResource, false, ClassNone},
		{"1.4 unique id matches nothing", principalFrom(t, uA), policy.Principals{AWS: []string{"AIDAJQABLZS4A3QDU576Q"}}, LayerResource, false, ClassNone},
		{"6.2 partial wildcard matches nothing", principalFrom(t, rootA), policy.Principals{AWS: []string{"arn:aws:iam::*:root"}}, LayerResource, false, ClassNone},
		{"6.2 federated provider", principalFrom(t, sA), policy.Principals{Federated: []string{"accounts.google.com"}}, LayerResource, false, ClassNone},
		{"6.2 partition", principalFrom(t, uA), policy.Principals{AWS: []string{"arn:aws-cn:iam::111111111111:user/alice"}}, LayerResource, false, ClassNone},
		{"1.8 VPCE account = root only", principalFrom(t, uA), policy.Principals{AWS: []string{acctA}}, LayerVPCE, false, ClassNone},
		{"1.8 VPCE account root", principalFrom(t, rootA), policy.Principals{AWS: []string{acctA}}, LayerVPCE, false, ClassAccount},
		{"1.8 VPCE account Deny fails closed", principalFrom(t, uA), policy.Principals{AWS: []string{acctA}}, LayerVPCE, true, ClassAccount},
		{"1.1 role without session: Allow on a session", role, policy.Principals{AWS: []string{sA}}, LayerResource, false, ClassNone},
		{"1.1 role without session: Deny on a session", role, policy.Principals{AWS: []string{sA}}, LayerResource, true, ClassDirect},
	}
	for _, c := range cases {
		p := c.p
		if got := matchPrincipals(&c.ps, &p, c.layer, c.forDeny); got != c.want {
			t.Errorf("[%s] got %q, want %q", c.spec, got, c.want)
		}
	}
}

func TestEvaluatePolicyTrace(t *testing.T) {
	// Trace: every statement traced with its reason; no short-circuit (issue 3).
	p := mustParse(t, doc(
		`{"Sid":"Bucket","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt"}`,
		`{"Sid":"Act","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*"}`,
		`{"Sid":"Cond","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"red"}}}`,
		`{"Sid":"NA","Effect":"Allow","NotAction":"s3:GetObject","Resource":"*"}`,
		`{"Sid":"NR","Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::bkt/*"}`,
		`{"Sid":"Var","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/${aws:PrincipalTag/x}"}`,
		`{"Sid":"Ok","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::bkt/*"}`,
	), policy.KindInline)
	r := req(t, uA, "s3:GetObject", objK, "")
	pe := EvaluatePolicy(p, LayerIdentity, 3, &r)
	if len(pe.Traces) != 7 {
		t.Fatalf("got %d traces", len(pe.Traces))
	}
	want := map[string]string{
		"Bucket": reasonResource, "Act": reasonAction, "NA": reasonNotAction, "NR": reasonNotResource,
		"Ok": reasonMatched,
	}
	for _, tr := range pe.Traces {
		if w, ok := want[tr.Sid]; ok && tr.Reason != w {
			t.Errorf("%s: reason %q, want %q", tr.Sid, tr.Reason, w)
		}
		if tr.PolicyIndex != 3 || tr.Layer != LayerIdentity || tr.Stmt == nil {
			t.Errorf("%s: bad labels %+v", tr.Sid, tr)
		}
		if tr.Matched != (tr.Sid == "Ok") {
			t.Errorf("%s: matched=%v", tr.Sid, tr.Matched)
		}
	}
	cond := pe.Traces[2]
	if !cond.ActionMatched || !cond.ResourceMatched || cond.ConditionsMet || len(cond.MissingKeys) != 1 || !strings.Contains(cond.Reason, "missing") {
		t.Errorf("condition trace wrong: %+v", cond)
	}
	v := pe.Traces[5]
	if !strings.Contains(v.Reason, "aws:PrincipalTag/x") || len(v.MissingKeys) != 1 {
		t.Errorf("variable trace wrong: %+v", v)
	}
	if !pe.Allow || pe.Deny || pe.AllowClass != ClassDirect || len(pe.MissingKeys) != 2 {
		t.Errorf("summary wrong: allow=%v deny=%v class=%v missing=%v", pe.Allow, pe.Deny, pe.AllowClass, pe.MissingKeys)
	}
	if EvaluatePolicy(nil, LayerIdentity, 0, &r).Allow {
		t.Error("nil policy allowed")
	}
}

func TestFailClosed(t *testing.T) {
	// An unknown operator (not rejected because the policy was built by hand)
	// must never let a request through: Allow does not match, Deny matches.
	bad := []policy.Condition{{Operator: policy.Operator{Raw: "StringMaybe"}, Key: "aws:username", Values: []string{"alice"}}}
	mk := func(e policy.Effect) *policy.Policy {
		return &policy.Policy{Version: policy.Version2012, Statements: []policy.Statement{{Effect: e, Action: []string{"s3:*"}, Resource: []string{"*"}, Conditions: bad}}}
	}
	r := req(t, uA, "s3:GetObject", objK, "")
	if pe := EvaluatePolicy(mk(policy.Allow), LayerIdentity, 0, &r); pe.Allow || pe.Traces[0].Conditions != CondError {
		t.Errorf("unknown operator in Allow matched: %+v", pe.Traces[0])
	}
	pe := EvaluatePolicy(mk(policy.Deny), LayerIdentity, 0, &r)
	if !pe.Deny || !pe.Traces[0].FailClosed {
		t.Errorf("unknown operator in Deny did not match: %+v", pe.Traces[0])
	}
	res := Evaluate(&Input{Request: r, Identity: []*policy.Policy{mustParse(t, doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`), policy.KindInline), mk(policy.Deny)}})
	if res.Decision != ExplicitDeny || !strings.Contains(res.Reason, "fail closed") {
		t.Errorf("got %s: %s", res.Decision, res.Reason)
	}
	// Bad Effect / missing elements never match.
	odd := &policy.Policy{Statements: []policy.Statement{{Effect: "allow", Action: []string{"*"}, Resource: []string{"*"}}, {Effect: policy.Allow, Resource: []string{"*"}}, {Effect: policy.Allow, Action: []string{"*"}}}}
	pe = EvaluatePolicy(odd, LayerIdentity, 0, &r)
	if pe.Allow {
		t.Error("malformed statement matched")
	}
	for i, w := range []string{reasonEffect, reasonNoAction, reasonNoResource} {
		if pe.Traces[i].Reason != w {
			t.Errorf("stmt %d reason %q want %q", i, pe.Traces[i].Reason, w)
		}
	}
}

func TestNotPrincipal(t *testing.T) {
	// spec 6.2, 1.7, T118-T121.
	deny := func(list ...string) *policy.Policy {
		return &policy.Policy{Version: policy.Version2012, Statements: []policy.Statement{{Effect: policy.Deny, NotPrincipal: &policy.Principals{AWS: list}, Action: []string{"s3:*"}, Resource: []string{"*"}}}}
	}
	cases := []struct {
		spec     string
		p        Principal
		pol      *policy.Policy
		wantDeny bool
	}{
		{"T118 role ARN does not exempt its session", principalFrom(t, sA), deny(rA, rootA), true},
		{"6.2 session ARN exempts", principalFrom(t, sA), deny(sA, rA, rootA), false},
		{"T119 user exempt", principalFrom(t, uA), deny(uA, rootA), false},
		{"T119 other user denied", principalFrom(t, uB), deny(uA, rootA), true},
		{"T120 boundary: never exempt", func() Principal { p := principalFrom(t, uA); p.HasBoundary = true; return p }(), deny(uA, rootA), true},
		{"6.2 root exempt by account", principalFrom(t, rootA), deny(rootA), false},
		{"6.2 anonymous denied", Principal{Kind: Anonymous}, deny(uA), true},
		{"6.2 account alone does not exempt a user", principalFrom(t, uA), deny(acctA), true},
	}
	for _, c := range cases {
		r := Request{Principal: c.p, Action: "s3:GetObject", Resource: objK, Context: NewContext()}
		pe := EvaluatePolicy(c.pol, LayerResource, 0, &r)
		if pe.Deny != c.wantDeny {
			t.Errorf("[%s] deny=%v want %v (%s)", c.spec, pe.Deny, c.wantDeny, pe.Traces[0].Reason)
		}
	}
	// NotPrincipal + Allow grants everyone not listed (T121).
	allow := &policy.Policy{Version: policy.Version2012, Statements: []policy.Statement{{Effect: policy.Allow, NotPrincipal: &policy.Principals{AWS: []string{uB}}, Action: []string{"s3:GetObject"}, Resource: []string{"*"}}}}
	for _, pr := range []struct {
		p    Principal
		want bool
	}{{Principal{Kind: Anonymous}, true}, {principalFrom(t, uA), true}, {principalFrom(t, uB), false}} {
		r := Request{Principal: pr.p, Action: "s3:GetObject", Resource: objK, Context: NewContext()}
		pe := EvaluatePolicy(allow, LayerResource, 0, &r)
		if pe.Allow != pr.want || (pe.Allow && pe.AllowClass != ClassDirect) {
			t.Errorf("[T121] %s: allow=%v class=%v", pr.p.Kind, pe.Allow, pe.AllowClass)
		}
	}
}
