package authz

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// Differential tests (issue 3, performance): the compiled matchers must give
// exactly the Result of the reference (uncompiled) matchers, trace included,
// on the property-test generator's inputs, on inputs mutated after a first
// evaluation (compiled forms gone stale), and on the spec 7 corpus.

// reusedResult is passed to EvaluateInto by every diffCheck.
var reusedResult Result

func evalRef(in *Input) *Result { return evaluateInto(in, nil, true) }

// resultView is everything a Result tells, traces spelled out.
type resultView struct {
	Decision    Decision
	Layer       Layer
	Reason      string
	Layers      []LayerResult
	MissingKeys []string
	Statements  []StatementTrace
	NearMisses  []StatementTrace
}

func viewOf(r *Result) resultView {
	v := resultView{Decision: r.Decision, Layer: r.Layer, Reason: r.Reason, Layers: r.Layers(), MissingKeys: r.MissingKeys, Statements: r.Statements(), NearMisses: r.NearMisses()}
	if len(v.Layers) == 0 {
		v.Layers = nil
	}
	return v
}
func evalFast(in *Input) *Result { return evaluateInto(in, nil, false) }

// extraConds widens the generator's condition pool with the pre-parsed
// families and their error paths (spec 6.6: unparseable values fail closed).
var extraConds = [][]policy.Condition{
	{cnd("NumericLessThan", "s3:TlsVersion", "1.2")},
	{cnd("NumericGreaterThanEquals", "s3:TlsVersion", "x1")},
	{cnd("NumericEquals", "aws:SourceIp", "1")},
	{cnd("DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z")},
	{cnd("DateGreaterThan", "aws:CurrentTime", "not-a-date")},
	{cnd("DateEquals", "aws:SourceIp", "2020-01-01")},
	{cnd("Bool", "aws:SecureTransport", "TRUE")},
	{cnd("Bool", "aws:SecureTransport", "yes")},
	{cnd("BinaryEquals", "s3:x", "aGVsbG8=")},
	{cnd("BinaryEquals", "s3:x", "%%%")},
	{cnd("IpAddress", "aws:SourceIp", "198.51.100.7", "2001:db8::/32")},
	{cnd("NotIpAddress", "aws:SourceIp", "bad-cidr")},
	{cnd("IpAddress", "aws:SecureTransport", "0.0.0.0/0")},
	{cnd("StringFrobs", "aws:SourceIp", "x")},
	{cnd("ForAnyValue:StringEquals", "aws:TagKeys", "a", "${aws:username}")},
	{cnd("StringLike", "aws:PrincipalArn", "*${aws:username}*")},
	{cnd("ArnLike", "aws:PrincipalArn", "arn:aws:iam::${aws:PrincipalAccount}:*")},
	{cnd("NullIfExists", "aws:PrincipalTag/team", "false")},
	{cnd("Null", "aws:PrincipalTag/team", "maybe")},
	{cnd("ForAllValues:NumericLessThan", "aws:TagKeys", "3")},
}

// widen replaces some statements' conditions with the extra pool and adds
// action/resource/principal shapes the generator does not produce.
func widen(r *rand.Rand, in *Input) {
	ctx := in.Request.Context
	ctx.Set("s3:x", pick(r, []string{"hello", "aGVsbG8=", "aGk=", "%%"}))
	ctx.Set("aws:CurrentTime", pick(r, []string{"2024-05-01T10:00:00Z", "1700000000", "2031-01-01", "never"}))
	if r.Intn(3) == 0 {
		ctx.SetMulti("aws:TagKeys", "1", "2", pick(r, []string{"5", "x"}))
	}
	if r.Intn(4) == 0 {
		// Variable values with wildcards are literal text (spec 6.7).
		ctx.Set("aws:username", pick(r, []string{"al*ce", "a?b", "alice", ""}))
	}
	ps, _ := allPolicies(in)
	for _, p := range ps {
		for i := range p.Statements {
			st := &p.Statements[i]
			if r.Intn(3) == 0 {
				st.Conditions = pick(r, extraConds)
			}
			if r.Intn(5) == 0 && st.Action != nil {
				st.Action = append(st.Action, pick(r, []string{"s3", "s3:Get?bject", "S3:*object", "s3:g*t*", "*:GetObject", "s3:getobject", "s3*:Get*", "s3:Get", "S3:Put", "s:GetObject"}))
			}
			if r.Intn(5) == 0 && st.Resource != nil {
				st.Resource = append(st.Resource, pick(r, []string{"arn:aws:s3:::bkt/?", "arn:aws:s3:::bkt/k", "arn:aws:s3:::b?t/*", "arn:aws:s3:::*/*", "arn:aws:s3:::bkt/${aws:username",
					"arn:aws:s3:::${aws:username}*", "arn:aws:s3:::bkt/${aws:username}/?*", "arn:aws:s3:::bkt/*${aws:username}*", "arn:aws:s3:::bkt/home/${aws:username, 'x'}*"}))
			}
			if r.Intn(5) == 0 && st.Principal != nil {
				st.Principal = pick(r, []*policy.Principals{{AWS: []string{"arn:aws:iam::111111111111:user/*"}}, {AWS: []string{"AIDAEXAMPLE", uA}}, {AWS: []string{"arn:aws-cn:iam::111111111111:root"}}, {CanonicalUser: []string{"abc"}}})
			}
		}
	}
}

func diffCheck(t *testing.T, what string, in *Input) *Result {
	t.Helper()
	want := evalRef(in)
	got := evalFast(in)
	wv := viewOf(want)
	if !reflect.DeepEqual(viewOf(got), wv) {
		t.Fatalf("%s: compiled and reference results differ\ncompiled:\n%s\nreference:\n%s", what, dumpTrace(got), dumpTrace(want))
	}
	// A second compiled run (cache warm) must agree too, and so must a run
	// reusing the buffers of every previous result (EvaluateInto).
	if again := evalFast(in); !reflect.DeepEqual(viewOf(again), wv) {
		t.Fatalf("%s: warm compiled result differs\n%s", what, dumpTrace(again))
	}
	reused := EvaluateInto(in, &reusedResult)
	if !reflect.DeepEqual(viewOf(reused), wv) {
		t.Fatalf("%s: EvaluateInto with a reused result differs\n%s", what, dumpTrace(reused))
	}
	return want
}

func TestDifferentialRandom(t *testing.T) {
	r := rand.New(rand.NewSource(42))
	decisions := map[Decision]int{}
	for i := 0; i < 4000; i++ {
		in := randInput(t, r)
		if i%2 == 1 {
			widen(r, in)
		}
		res := diffCheck(t, "random input", in)
		decisions[res.Decision]++
		// Mutate after the first evaluation: the compiled forms are stale.
		ps, rb := allPolicies(in)
		if len(ps) == 0 {
			continue
		}
		p := ps[r.Intn(len(ps))]
		// Policies are not edited in place once evaluated (compiled.go):
		// every change below works on a new Statements slice, as a caller
		// building a changed policy would.
		p.Statements = append([]policy.Statement(nil), p.Statements...)
		switch r.Intn(4) {
		case 0:
			r.Shuffle(len(p.Statements), func(x, y int) { p.Statements[x], p.Statements[y] = p.Statements[y], p.Statements[x] })
		case 1:
			st := randStatement(r, rb[0])
			st.Index = len(p.Statements)
			p.Statements = append(p.Statements, st)
		case 2:
			if st := &p.Statements[0]; st.Action != nil {
				st.Action = append([]string{pick(r, propActions)}, st.Action[1:]...)
			}
			if st := &p.Statements[0]; len(st.Conditions) > 0 {
				c := append([]policy.Condition(nil), st.Conditions...)
				c[0].Values = []string{"203.0.113.0/24"}
				st.Conditions = c
			}
		case 3:
			if p.Version == policy.Version2012 {
				p.Version = ""
			} else {
				p.Version = policy.Version2012
			}
		}
		diffCheck(t, "mutated input", in)
	}
	for _, d := range []Decision{Allowed, ImplicitDeny, ExplicitDeny} {
		if decisions[d] == 0 {
			t.Errorf("generator never produced %s; the differential test is too narrow", d)
		}
	}
}

func TestDifferentialCorpus(t *testing.T) {
	for _, c := range loadCorpus(t) {
		diffCheck(t, c.ID, buildInput(t, c))
	}
	diffCheck(t, "benchmark input", benchInput(t))
}

// The compiled action and resource matchers agree with MatchAction and
// MatchResource (spec 6.3, 6.5), including case folding, '?', long actions
// (beyond the stack buffer) and non-ASCII text.
func compiledActionMatch(pattern, action string) bool {
	var ra reqAction
	ra.init(action)
	c := compileAction(pattern)
	return c.match(&ra, ra.full())
}

func compiledResourceMatch(pattern, arn string) bool {
	var ra reqAction
	ok, _ := matchResources([]cResource{compileResource(pattern, false)}, arn, false, nil, &ra)
	return ok
}

var (
	diffActionPats = []string{"*", "s3:*", "S3:Get*", "s3:GetObject", "s3:getobject", "s3:Get", "s3:G?tObject", "s3:*Object", "s3:*o*", "s3", ":", "s3:", "*:*", "s?:*",
		"s3:" + strings.Repeat("X", 70) + "*", "s3:é*", "s3:*\u212a"}
	diffActions = []string{"s3:GetObject", "S3:GETOBJECT", "s3:PutObject", "s3:GetObjectAcl", "s3control:GetObject", "s3", "s3:", ":", "",
		"s3:" + strings.Repeat("x", 70) + "y", "s3:éa", "s3:k"}
	diffResPats = []string{"*", "arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*", "arn:aws:s3:::*log*/*", "arn:aws:s3:::b*t*k*", "*/*", "**", "arn:aws:s3:::bkt/?", "arn:*:s3:::*", "a*a", "*a*a*"}
	diffRes     = []string{"arn:aws:s3:::bkt", "arn:aws:s3:::bkt/k", "arn:aws:s3:::logs/x", "arn:aws:s3:::bkt/", "a", "aa", "aaa", "", "arn:aws:s3:::blatk/kk"}
)

func TestCompiledMatchersAgree(t *testing.T) {
	for _, p := range diffActionPats {
		for _, a := range diffActions {
			if got, want := compiledActionMatch(p, a), MatchAction(p, a); got != want {
				t.Errorf("action %q vs %q: compiled %v, reference %v", p, a, got, want)
			}
		}
	}
	for _, p := range diffResPats {
		for _, r := range diffRes {
			if got, want := compiledResourceMatch(p, r), MatchResource(p, r); got != want {
				t.Errorf("resource %q vs %q: compiled %v, reference %v", p, r, got, want)
			}
		}
	}
}

func FuzzCompiledMatchers(f *testing.F) {
	for i, p := range diffActionPats {
		f.Add(p, diffActions[i%len(diffActions)])
	}
	for i, p := range diffResPats {
		f.Add(p, diffRes[i%len(diffRes)])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if got, want := compiledActionMatch(pattern, s), MatchAction(pattern, s); got != want {
			t.Fatalf("action %q vs %q: compiled %v, reference %v", pattern, s, got, want)
		}
		if got, want := compiledResourceMatch(pattern, s), MatchResource(pattern, s); got != want {
			t.Fatalf("resource %q vs %q: compiled %v, reference %v", pattern, s, got, want)
		}
	})
}

// The compiled cache is shared: concurrent evaluations of the same parsed
// policies (s3access_checks evaluates in parallel) give the reference result.
func TestCompiledConcurrent(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	var ins []*Input
	var wants []*Result
	for i := 0; i < 200; i++ {
		in := randInput(t, r)
		ins, wants = append(ins, in), append(wants, evalRef(in))
	}
	done := make(chan string, 4)
	for g := 0; g < 4; g++ {
		go func(g int) {
			for k := range ins {
				i := (k + g*50) % len(ins)
				if got := evalFast(ins[i]); !reflect.DeepEqual(viewOf(got), viewOf(wants[i])) {
					done <- "input " + ins[i].Request.Action + " differs"
					return
				}
			}
			done <- ""
		}(g)
	}
	for g := 0; g < 4; g++ {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}

// Large requests outgrow the Result's inline arrays (alloc.go): more than
// 16 statements, 10 policies, 4 extension records, 4 strings and 8 layers
// (grant layers, a custom resource layer name). Small and large inputs
// alternate, so that EvaluateInto reuses grown buffers for both.
func TestDifferentialLarge(t *testing.T) {
	r := rand.New(rand.NewSource(99))
	sizes := map[string]int{}
	for i := 0; i < 600; i++ {
		in := randInput(t, r)
		if i%3 != 0 {
			for k := 3 + r.Intn(5); k > 0; k-- {
				in.Identity = append(in.Identity, randPolicy(r, false, 1+r.Intn(6)))
			}
			in.Resource = randPolicy(r, true, 1+r.Intn(12))
			in.SCPs = [][]*policy.Policy{{randPolicy(r, false, 1+r.Intn(3)), randPolicy(r, false, 1)}, {randPolicy(r, false, 2)}, {randPolicy(r, false, 1+r.Intn(2))}}
			if r.Intn(2) == 0 {
				in.ResourceLayer = pick(r, []Layer{LayerAccessPoint, LayerKeyPolicy, "custom_resource_layer"})
			}
			for g := r.Intn(4); g > 0; g-- {
				in.ResourceGrants = append(in.ResourceGrants, ResourceGrant{Layer: pick(r, []Layer{LayerACL, "grant_a", "grant_b", ""}), Class: pick(r, []MatchClass{ClassDirect, ClassAccount}), Description: pick(r, []string{"object ACL", "bucket ACL"})})
			}
		}
		widen(r, in)
		res := diffCheck(t, "large input", in)
		switch n := res.NumStatements(); {
		case n > resultTraces:
			sizes["statements"]++
		}
		if res.ns > resultStrs {
			sizes["strings"]++
		}
		if res.nx > resultExts {
			sizes["exts"]++
		}
		if len(res.plan.ents) > 10 {
			sizes["policies"]++
		}
		if res.NumLayers() > resultLayers {
			sizes["layers"]++
		}
		if len(res.Statements()) != res.NumStatements() || len(res.Matched()) != res.NumMatched() {
			t.Fatalf("counts disagree")
		}
		var each []StatementTrace
		res.EachMatched(func(st StatementTrace) { each = append(each, st) })
		if !reflect.DeepEqual(each, res.Matched()) {
			t.Fatalf("EachMatched differs from Matched")
		}
	}
	for _, k := range []string{"statements", "layers", "strings", "exts", "policies"} {
		if sizes[k] == 0 {
			t.Errorf("no input outgrew the inline %s", k)
		}
	}
}
