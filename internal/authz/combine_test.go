package authz

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

func bp(t *testing.T, stmts ...string) *policy.Policy {
	return mustParse(t, doc(stmts...), policy.KindBucket)
}

func TestEvaluateGrantRules(t *testing.T) {
	allowAll := `{"Effect":"Allow","Action":"*","Resource":"*"}`
	keyAllow := func(p string) string {
		return `{"Effect":"Allow","Principal":{"AWS":"` + p + `"},"Action":"kms:Decrypt","Resource":"*"}`
	}
	key := "arn:aws:kms:us-east-1:111111111111:key/k1"
	cases := []struct {
		spec      string
		in        func() *Input
		decision  Decision
		layer     Layer
		reasonHas string
	}{
		{"1.3 KMS: identity alone is not enough", func() *Input {
			return &Input{Request: req(t, uA, "kms:Decrypt", key, ""), Identity: ids(t, doc(allowAll)), Resource: mustParse(t, doc(`{"Effect":"Allow","Principal":{"AWS":"`+uB+`"},"Action":"kms:*","Resource":"*"}`), policy.KindKey), ResourceLayer: LayerKeyPolicy, ResourcePolicyRequired: true}
		}, ImplicitDeny, LayerKeyPolicy, "identity Allows alone"},
		{"1.3 KMS: account delegation + identity allow", func() *Input {
			return &Input{Request: req(t, uA, "kms:Decrypt", key, ""), Identity: ids(t, doc(allowAll)), Resource: mustParse(t, doc(keyAllow(rootA)), policy.KindKey), ResourceLayer: LayerKeyPolicy, ResourcePolicyRequired: true}
		}, Allowed, LayerIdentity, ""},
		{"1.3 KMS: account delegation without identity allow", func() *Input {
			return &Input{Request: req(t, uA, "kms:Decrypt", key, ""), Resource: mustParse(t, doc(keyAllow(rootA)), policy.KindKey), ResourceLayer: LayerKeyPolicy, ResourcePolicyRequired: true}
		}, ImplicitDeny, LayerIdentity, "grants the account"},
		{"1.3 KMS: direct key-policy grant", func() *Input {
			return &Input{Request: req(t, uA, "kms:Decrypt", key, ""), Resource: mustParse(t, doc(keyAllow(uA)), policy.KindKey), ResourceLayer: LayerKeyPolicy, ResourcePolicyRequired: true}
		}, Allowed, LayerKeyPolicy, ""},
		{"1.3 KMS: root of key account still needs the key policy", func() *Input {
			return &Input{Request: req(t, rootA, "kms:Decrypt", key, ""), ResourcePolicyRequired: true, ResourceLayer: LayerKeyPolicy}
		}, ImplicitDeny, LayerKeyPolicy, "must"},
		{"1.3 KMS: root with key-policy account grant", func() *Input {
			return &Input{Request: req(t, rootA, "kms:Decrypt", key, ""), Resource: mustParse(t, doc(keyAllow(rootA)), policy.KindKey), ResourcePolicyRequired: true, ResourceLayer: LayerKeyPolicy}
		}, Allowed, LayerKeyPolicy, ""},
		{"1.3 ACL grant to the account, cross-account with identity allow", func() *Input {
			return &Input{Request: req(t, uB, "s3:GetObject", objK, acctA), Identity: ids(t, doc(allowAll)), ResourceGrants: []ResourceGrant{{Layer: LayerACL, Class: ClassAccount, Description: "object ACL grants READ to B"}}}
		}, Allowed, LayerACL, ""},
		{"1.3 ACL AllUsers for anonymous", func() *Input {
			return &Input{Request: req(t, "anonymous", "s3:GetObject", objK, acctA), ResourceGrants: []ResourceGrant{{Class: ClassDirect, Description: "AllUsers READ"}}}
		}, Allowed, LayerACL, ""},
		{"1.3 account ACL grant does not reach anonymous", func() *Input {
			return &Input{Request: req(t, "anonymous", "s3:GetObject", objK, acctA), ResourceGrants: []ResourceGrant{{Class: ClassAccount}}}
		}, ImplicitDeny, LayerResource, ""},
		{"1.3 same-account ACL account grant alone is not enough", func() *Input {
			return &Input{Request: req(t, uA, "s3:GetObject", objK, ""), ResourceGrants: []ResourceGrant{{Class: ClassAccount}}}
		}, ImplicitDeny, LayerIdentity, ""},
		{"1.3 service principal granted", func() *Input {
			return &Input{Request: req(t, "cloudtrail.amazonaws.com", "s3:PutObject", objK, acctA), Resource: bp(t, `{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*"}`), SCPs: [][]*policy.Policy{{mustParse(t, doc(`{"Effect":"Deny","Action":"*","Resource":"*"}`), policy.KindSCP)}}}
		}, Allowed, LayerResource, "service"},
		{"1.3 service principal without grant", func() *Input {
			return &Input{Request: req(t, "cloudtrail.amazonaws.com", "s3:PutObject", objK, acctA)}
		}, ImplicitDeny, LayerResource, ""},
		{"1.3 root cross-account without grant", func() *Input {
			return &Input{Request: req(t, "arn:aws:iam::222222222222:root", "s3:GetObject", objK, acctA)}
		}, ImplicitDeny, LayerResource, ""},
		{"1.3 explicit deny order: RCP before identity", func() *Input {
			d := doc(`{"Effect":"Deny","Action":"*","Resource":"*"}`)
			return &Input{Request: req(t, uA, "s3:GetObject", objK, ""), Identity: ids(t, d), RCPs: [][]*policy.Policy{{mustParse(t, doc(`{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}`), policy.KindRCP)}}}
		}, ExplicitDeny, LayerRCP, "rcp level 0 policy 0 statement 0"},
		{"1.3 explicit deny beats guardrail implicit deny", func() *Input {
			return &Input{Request: req(t, uA, "s3:GetObject", objK, ""), Identity: ids(t, doc(`{"Sid":"D","Effect":"Deny","Action":"*","Resource":"*"}`)), SCPs: [][]*policy.Policy{{mustParse(t, doc(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`), policy.KindSCP)}}}
		}, ExplicitDeny, LayerIdentity, `Sid "D"`},
		{"1.6 empty SCP level denies (fail closed)", func() *Input {
			return &Input{Request: req(t, uA, "s3:GetObject", objK, ""), Identity: ids(t, doc(allowAll)), SCPs: [][]*policy.Policy{{}}}
		}, ImplicitDeny, LayerSCP, "level 0"},
		{"1.2 SCP not for anonymous", func() *Input {
			return &Input{Request: req(t, "anonymous", "s3:GetObject", objK, acctA), Resource: bp(t, `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`), SCPs: [][]*policy.Policy{{mustParse(t, doc(`{"Effect":"Deny","Action":"*","Resource":"*"}`), policy.KindSCP)}}}
		}, Allowed, LayerResource, ""},
		{"1.2 SCPExempt", func() *Input {
			return &Input{Request: req(t, uA, "s3:GetObject", objK, ""), Identity: ids(t, doc(allowAll)), SCPs: [][]*policy.Policy{{mustParse(t, doc(`{"Effect":"Deny","Action":"*","Resource":"*"}`), policy.KindSCP)}}, SCPExempt: true, SCPExemptReason: "management account"}
		}, Allowed, LayerIdentity, ""},
		{"1.8 VPCE deny", func() *Input {
			return &Input{Request: req(t, uA, "s3:GetObject", objK, ""), Identity: ids(t, doc(allowAll)), VPCE: mustParse(t, doc(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}`, `{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}`), policy.KindEndpoint)}
		}, ExplicitDeny, LayerVPCE, ""},
		{"1.3 same-account union: user of federated limited by session policy", func() *Input {
			r := req(t, fA, "s3:GetObject", objK, "")
			return &Input{Request: r, Resource: bp(t, `{"Effect":"Allow","Principal":{"AWS":"`+uA+`"},"Action":"s3:GetObject","Resource":"*"}`), Session: mustParse(t, doc(allowAll), policy.KindSession)}
		}, Allowed, LayerResource, "federating IAM user"},
		{"1.3 identity allow + boundary allow", func() *Input {
			return &Input{Request: req(t, sA, "s3:GetObject", objK, ""), Identity: ids(t, doc(allowAll)), Boundary: mustParse(t, doc(allowAll), policy.KindBoundary), Session: mustParse(t, doc(allowAll), policy.KindSession)}
		}, Allowed, LayerIdentity, ""},
		{"1.3 cross-account session policy ceiling", func() *Input {
			return &Input{Request: req(t, sB, "s3:GetObject", objK, acctA), Identity: ids(t, doc(allowAll)), Resource: bp(t, `{"Effect":"Allow","Principal":{"AWS":"`+sB+`"},"Action":"*","Resource":"*"}`), Session: mustParse(t, doc(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}`), policy.KindSession)}
		}, ImplicitDeny, LayerSession, ""},
		{"1.1 unknown principal kind", func() *Input {
			return &Input{Request: Request{Principal: Principal{Kind: "alien", Account: acctA}, Action: "s3:GetObject", Resource: objK}, Identity: ids(t, doc(allowAll))}
		}, ImplicitDeny, LayerNone, "unknown principal kind"},
	}
	for _, c := range cases {
		r := Evaluate(c.in())
		if r.Decision != c.decision || r.Layer != c.layer || !strings.Contains(r.Reason, c.reasonHas) {
			t.Errorf("[%s] got %s/%s %q, want %s/%s containing %q\n%s", c.spec, r.Decision, r.Layer, r.Reason, c.decision, c.layer, c.reasonHas, dumpTrace(r))
		}
	}
}

func TestEvaluateResultShape(t *testing.T) {
	// Result: every layer's verdict, every statement traced, missing keys sorted and unique.
	scpAllow := mustParse(t, doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`), policy.KindSCP)
	in := &Input{
		Request:   req(t, sA, "s3:GetObject", objK, ""),
		Identity:  ids(t, doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/z":"1"}}}`), doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)),
		Resource:  bp(t, `{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"v"},"Null":{"aws:PrincipalTag/a":"false"}}}`),
		Boundary:  mustParse(t, doc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/z":"1"}}}`), policy.KindBoundary),
		SCPs:      [][]*policy.Policy{{scpAllow}, {scpAllow}},
		RCPs:      [][]*policy.Policy{{mustParse(t, doc(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}`), policy.KindRCP)}},
		RCPExempt: true, RCPExemptReason: "AWS managed key",
		ResourceGrants: []ResourceGrant{{Layer: LayerACL, Class: ClassAccount, Description: "bucket ACL"}},
	}
	r := Evaluate(in)
	if r.Decision != ImplicitDeny || r.Layer != LayerBoundary {
		t.Fatalf("got %s/%s: %s", r.Decision, r.Layer, r.Reason)
	}
	if len(r.Statements()) != 6 || r.NumStatements() != 6 {
		t.Errorf("statements traced: %d, want 6 (RCP exempt: not evaluated)", len(r.Statements()))
	}
	want := []string{"aws:PrincipalTag/a", "aws:PrincipalTag/z", "aws:SourceVpce"}
	if !reflect.DeepEqual(r.MissingKeys, want) || !sort.StringsAreSorted(r.MissingKeys) {
		t.Errorf("missing keys %v, want %v", r.MissingKeys, want)
	}
	got := map[Layer]LayerVerdict{}
	for _, l := range r.Layers() {
		got[l.Layer] = l.Result
		if l.Detail == "" {
			t.Errorf("layer %s has no detail", l.Layer)
		}
	}
	wantL := map[Layer]LayerVerdict{LayerRCP: VerdictNotApplicable, LayerSCP: VerdictAllow, LayerVPCE: VerdictNotApplicable, LayerResource: VerdictNoMatch, LayerACL: VerdictAllow, LayerIdentity: VerdictAllow, LayerBoundary: VerdictNoMatch, LayerSession: VerdictNotApplicable}
	if !reflect.DeepEqual(got, wantL) {
		t.Errorf("layers %v, want %v", got, wantL)
	}
	if len(r.Matched()) != 3 { // two SCP allows + identity s3:*
		t.Errorf("matched %d", len(r.Matched()))
	}
	// ResourceDenyExempt (spec 1.9): the trace keeps the deny, the decision ignores it.
	in2 := &Input{Request: req(t, rootA, "s3:PutBucketPolicy", "arn:aws:s3:::bkt", ""), Resource: bp(t, `{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}`), ResourceDenyExempt: true}
	r2 := Evaluate(in2)
	if r2.Decision != Allowed || r2.Layer != LayerRoot || len(r2.Matched()) != 1 {
		t.Errorf("root bypass: %s/%s", r2.Decision, r2.Layer)
	}
	for _, l := range r2.Layers() {
		if l.Layer == LayerResource && !strings.Contains(l.Detail, "ignored") {
			t.Errorf("resource layer detail %q", l.Detail)
		}
	}
}

func TestContext(t *testing.T) {
	c := NewContext()
	c.Set("aws:PrincipalTag/Team", "red")
	c.Set("aws:TagKeys", "a", "b")
	c.SetMulti("s3:RequestObjectTagKeys")
	if v, ok := c.Get("AWS:principaltag/TEAM"); !ok || v.Values[0] != "red" || v.Multi {
		t.Errorf("case-insensitive get failed: %v %v", v, ok)
	}
	long := "aws:PrincipalTag/" + strings.Repeat("X", 200)
	c.Set(long, "v")
	if _, ok := c.Get(strings.ToLower(long)); !ok {
		t.Error("long key not found")
	}
	if v, _ := c.Get("aws:tagkeys"); !v.Multi || len(v.Values) != 2 {
		t.Error("several values must be multivalued")
	}
	if v, ok := c.Get("s3:requestobjecttagkeys"); !ok || !v.Multi || len(v.Values) != 0 {
		t.Error("empty set must be present")
	}
	keys := c.Keys()
	if len(keys) != 4 || keys[0] != "aws:PrincipalTag/Team" {
		t.Errorf("keys %v", keys)
	}
	cl := c.Clone()
	c.Set("aws:principaltag/team")
	if _, ok := c.Get("aws:PrincipalTag/Team"); ok {
		t.Error("Set with no values must delete")
	}
	if _, ok := cl.Get("aws:PrincipalTag/Team"); !ok || cl.Len() != 4 {
		t.Error("clone shares state")
	}
	var nilc *Context
	if _, ok := nilc.Get("x"); ok || nilc.Len() != 0 || nilc.Keys() != nil || nilc.Clone().Len() != 0 {
		t.Error("nil context")
	}
	nilc.Delete("x")
	var zero Context
	zero.Set("k", "v")
	if _, ok := zero.Get("K"); !ok {
		t.Error("zero context")
	}
	if n := testing.AllocsPerRun(50, func() { c.Get("AWS:TagKeys") }); n != 0 {
		t.Errorf("Get allocates %v", n)
	}
}

func TestFillPrincipalKeys(t *testing.T) {
	// spec 6.7 table and 6.8.
	get := func(c *Context, k string) string {
		v, ok := c.Get(k)
		if !ok {
			return "<absent>"
		}
		return strings.Join(v.Values, ",")
	}
	cases := []struct {
		p    string
		want map[string]string
	}{
		{uA, map[string]string{"aws:username": "alice", "aws:PrincipalArn": uA, "aws:PrincipalType": "User", "aws:PrincipalAccount": acctA, "aws:PrincipalIsAWSService": "false"}},
		{sA, map[string]string{"aws:username": "<absent>", "aws:PrincipalArn": rA, "aws:PrincipalType": "AssumedRole"}},
		{fA, map[string]string{"aws:PrincipalArn": fA, "aws:PrincipalType": "FederatedUser", "aws:userid": acctA + ":alice"}},
		{rootA, map[string]string{"aws:PrincipalType": "Account", "aws:userid": acctA, "aws:PrincipalArn": rootA}},
		{"anonymous", map[string]string{"aws:PrincipalAccount": "anonymous", "aws:PrincipalType": "Anonymous", "aws:PrincipalArn": "<absent>", "aws:PrincipalIsAWSService": "<absent>"}},
		{"cloudtrail.amazonaws.com", map[string]string{"aws:PrincipalIsAWSService": "true", "aws:PrincipalServiceName": "cloudtrail.amazonaws.com"}},
	}
	for _, c := range cases {
		ctx := NewContext()
		ctx.FillPrincipalKeys(principalFrom(t, c.p))
		for k, w := range c.want {
			if g := get(ctx, k); g != w {
				t.Errorf("%s: %s = %q, want %q", c.p, k, g, w)
			}
		}
	}
	ctx := NewContext()
	ctx.Set("aws:username", "preset")
	ctx.FillPrincipalKeys(principalFrom(t, uA))
	if get(ctx, "aws:username") != "preset" {
		t.Error("FillPrincipalKeys overwrote a caller value")
	}
}

func TestExpandVars(t *testing.T) {
	// spec 6.7.
	ctx := ctxOf("aws:username=alice", "aws:PrincipalTag/p=a*b", "aws:TagKeys=x|y")
	cases := []struct {
		in, out  string
		resolved bool
	}{
		{"home/${aws:username}/*", "home/alice/*", true},
		{"home/${AWS:UserName}/*", "home/alice/*", true},
		{"${aws:PrincipalTag/team, 'company-wide'}", "company-wide", true},
		{"${aws:PrincipalTag/team,'x y'}", "x y", true},
		{"${*}${?}${$}", "*?$", true},
		{"${aws:PrincipalTag/p}", "a*b", true},
		{"${aws:TagKeys}", "", false},
		{"${aws:missing}", "", false},
		{"${}", "", false},
		{"${aws:x, unquoted}", "", false},
		{"a${b", "a${b", true},
		{"plain", "plain", true},
	}
	for _, c := range cases {
		e := expandVars(c.in, ctx)
		if e.resolved() != c.resolved || (c.resolved && e.s != c.out) {
			t.Errorf("expand(%q) = %q resolved=%v, want %q %v", c.in, e.s, e.resolved(), c.out, c.resolved)
		}
	}
	e := expandVars("x/${aws:PrincipalTag/p}/*", ctx)
	if glob(e.s, "x/aXXb/q", false, e.lit) || !glob(e.s, "x/a*b/q", false, e.lit) {
		t.Error("substituted * must be literal, trailing * a wildcard")
	}
}

func TestNearMisses(t *testing.T) {
	// Trace (issue 3): statements that almost matched and why not.
	in := &Input{
		Request: req(t, uA, "s3:GetObject", objK, ""),
		Identity: ids(t, doc(
			`{"Sid":"Bucket","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt"}`,
			`{"Sid":"Tag","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"red"}}}`,
			`{"Sid":"Other","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*"}`)),
		Resource: bp(t, `{"Sid":"Bob","Effect":"Allow","Principal":{"AWS":"`+uB+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`),
	}
	r := Evaluate(in)
	if r.Decision != ImplicitDeny || r.Layer != LayerIdentity {
		t.Fatalf("got %s/%s", r.Decision, r.Layer)
	}
	var sids []string
	for _, s := range r.NearMisses() {
		sids = append(sids, s.Sid)
	}
	if !reflect.DeepEqual(sids, []string{"Bob", "Bucket", "Tag"}) {
		t.Errorf("near misses %v", sids)
	}
	if !reflect.DeepEqual(r.MissingKeys, []string{"aws:PrincipalTag/team"}) {
		t.Errorf("missing %v", r.MissingKeys)
	}
}
