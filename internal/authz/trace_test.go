package authz

import (
	"fmt"
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// A policy of more than 63 statements has no per-action plan (its
// statements are matched one by one): the traces must be those of the
// reference path, and every statement must be traced.
func TestLongPolicyTraced(t *testing.T) {
	var stmts []string
	for i := 0; i < 70; i++ {
		act := "s3:PutObject"
		if i%7 == 3 {
			act = "s3:Get*"
		}
		stmts = append(stmts, fmt.Sprintf(`{"Effect":"Allow","Action":%q,"Resource":"arn:aws:s3:::bkt/p%d/*","Condition":{"StringEquals":{"aws:PrincipalTag/k%d":"v"}}}`, act, i%5, i%3))
	}
	stmts = append(stmts, `{"Sid":"Last","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/p1/*"}`)
	in := &Input{Identity: ids(t, doc(stmts...))}
	in.Request = req(t, uA, "s3:GetObject", "arn:aws:s3:::bkt/p1/x", "")
	res := diffCheck(t, "70-statement policy", in)
	if res.NumStatements() != 71 || res.Decision != Allowed {
		t.Fatalf("%d statements, %s", res.NumStatements(), res.Decision)
	}
	last := res.Statements()[70]
	if last.Sid != "Last" || !last.Matched || last.StatementIndex != 70 {
		t.Fatalf("last trace %+v", last)
	}
	if strings.Join(res.MissingKeys, ",") != "aws:PrincipalTag/k0,aws:PrincipalTag/k1" {
		t.Fatalf("missing keys %v", res.MissingKeys)
	}
}

// Layers, LayerAt and Verdict agree, for the usual layer names and for a
// resource layer name given by the caller.
func TestLayerVerdicts(t *testing.T) {
	in := benchInput(t)
	in.ResourceLayer = "custom_resource_layer"
	in.ResourceGrants = []ResourceGrant{{Layer: "grant_layer", Class: ClassAccount, Description: "a grant"}}
	res := Evaluate(in)
	layers := res.Layers()
	if len(layers) != res.NumLayers() || len(layers) != 8 {
		t.Fatalf("%d layers", len(layers))
	}
	for i, l := range layers {
		if res.LayerAt(i) != l {
			t.Errorf("LayerAt(%d) = %+v, Layers()[%d] = %+v", i, res.LayerAt(i), i, l)
		}
		if v, ok := res.Verdict(l.Layer); !ok || v != l.Result {
			t.Errorf("Verdict(%s) = %s %v, want %s", l.Layer, v, ok, l.Result)
		}
	}
	if _, ok := res.Verdict("nope"); ok {
		t.Error("Verdict of an absent layer")
	}
	if layers[3].Layer != "custom_resource_layer" || layers[4].Layer != "grant_layer" || layers[4].Detail != "a grant" {
		t.Errorf("layers %+v", layers)
	}
	for _, st := range res.Statements() {
		if st.Layer == LayerResource {
			t.Errorf("resource-policy trace not named by ResourceLayer: %+v", st)
		}
	}
	var named int
	for _, st := range res.Statements() {
		if st.Layer == "custom_resource_layer" {
			named++
		}
	}
	if named != 4 {
		t.Errorf("%d traces in the custom layer, want 4", named)
	}
}

// The reasons recorded by reference to a compiled condition read the same
// as the reference evaluator's, also after the compiled form was dropped
// from the cache (condReason compiles it again).
func TestConditionReasonByReference(t *testing.T) {
	in := benchInput(t)
	res := Evaluate(in)
	var reasons []string
	for _, st := range res.Statements() {
		if strings.HasPrefix(st.Reason, "condition ") {
			reasons = append(reasons, st.Reason)
		}
	}
	if len(reasons) == 0 {
		t.Fatal("no condition reason in the benchmark request")
	}
	compiledCache.Clear()
	var again []string
	for _, st := range res.Statements() {
		if strings.HasPrefix(st.Reason, "condition ") {
			again = append(again, st.Reason)
		}
	}
	if strings.Join(reasons, "|") != strings.Join(again, "|") {
		t.Fatalf("reasons changed after the cache was cleared:\n%v\n%v", reasons, again)
	}
}

// Two inputs with the same policies share an evaluation plan; the cached
// explicit-deny reason must still name each input's own resource layer.
func TestDenyReasonNamesEachResourceLayer(t *testing.T) {
	base := benchInput(t)
	base.Request.Context.Set("aws:SourceIp", "203.0.113.10")
	for _, l := range []Layer{LayerResource, LayerAccessPoint, "custom_layer", LayerResource} {
		in := *base // the same policies: the same plan
		in.ResourceLayer = l
		inp := &in
		res := Evaluate(inp)
		want := "explicit deny: " + string(l) + " policy 0 statement 0 (Sid \"Office\")"
		if res.Decision != ExplicitDeny || res.Reason != want || res.Layer != l {
			t.Errorf("layer %s: %s/%s %q, want %q", l, res.Decision, res.Layer, res.Reason, want)
		}
	}
}

// Plans are shared by inputs with the same policies and only by those.
func TestPlanCacheKeys(t *testing.T) {
	a := benchInput(t)
	b := *a
	b.Identity = append([]*policy.Policy(nil), a.Identity...)
	b.Identity[1] = ids(t, doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`))[0]
	c := *a
	c.SCPs = [][]*policy.Policy{a.SCPs[0], nil, a.SCPs[2]} // a level without policies
	pa := planFor(a)
	if planFor(a) != pa {
		t.Error("the same input got a new plan")
	}
	// (pb or pc may take pa's cache slot: the cache is direct-mapped.)
	pb, pc := planFor(&b), planFor(&c)
	if pa == pb || pa == pc || pb == pc {
		t.Fatal("different inputs share a plan")
	}
	for _, x := range []struct {
		pl *plan
		in *Input
		ok bool
	}{{pa, a, true}, {pa, &b, false}, {pa, &c, false}, {pc, &c, true}, {pb, a, false}} {
		var k keyBuf
		inputKey(x.in, &k)
		if got := equalKey(x.pl.key, k.w[:k.n]); got != x.ok {
			t.Errorf("key match = %v, want %v", got, x.ok)
		}
	}
	// An input too large for a cached plan still evaluates, with a plan of its own.
	big := *a
	want := 16
	for i := 0; i < 60; i++ {
		p := a.Identity[i%len(a.Identity)]
		big.Identity = append(big.Identity, p)
		want += len(p.Statements)
	}
	if pl := planFor(&big); pl.key != nil || planFor(&big) == pl {
		t.Error("a large input got a cached plan")
	}
	res := diffCheck(t, "large identity list", &big)
	if res.NumStatements() != want {
		t.Errorf("%d statements traced, want %d", res.NumStatements(), want)
	}
	diffCheck(t, "level without policies", &c)
}
