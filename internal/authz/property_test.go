package authz

import (
	"math/rand"
	"reflect"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// Property tests (issue 3): random inputs drawn from pools that exercise
// every rule; fixed seed so failures reproduce.

var (
	propActions    = []string{"*", "s3:*", "s3:GetObject", "s3:Get*", "s3:?utObject", "s3:ListBucket", "iam:*", "S3:GETOBJECT"}
	propResources  = []string{"*", "arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*", "arn:aws:s3:::bkt*", "arn:aws:s3:::other/*", "arn:aws:s3:::bkt/home/${aws:username}/*", "arn:aws:s3:::bkt/${aws:PrincipalTag/team, 'k'}"}
	propPrincipals = []*policy.Principals{
		{Wildcard: true}, {AWS: []string{acctA}}, {AWS: []string{uA}}, {AWS: []string{rA}}, {AWS: []string{sA}},
		{AWS: []string{acctB}}, {AWS: []string{uB, rootA}}, {Service: []string{"cloudtrail.amazonaws.com"}}, {AWS: []string{fA}},
	}
	propConds = [][]policy.Condition{
		nil,
		{cnd("NotIpAddress", "aws:SourceIp", "198.51.100.0/24")},
		{cnd("IpAddress", "aws:SourceIp", "198.51.100.0/24")},
		{cnd("StringEquals", "aws:PrincipalTag/team", "red")},
		{cnd("StringNotEqualsIfExists", "aws:PrincipalOrgID", "o-abc")},
		{cnd("Bool", "aws:SecureTransport", "false")},
		{cnd("ForAllValues:StringEquals", "aws:TagKeys", "a")},
		{cnd("ForAnyValue:StringLike", "aws:TagKeys", "b*")},
		{cnd("ArnLike", "aws:PrincipalArn", "arn:aws:iam::111111111111:role/*")},
		{cnd("Null", "aws:PrincipalTag/team", "true"), cnd("NumericLessThan", "s3:TlsVersion", "1.2")},
	}
	propCallers  = []string{uA, sA, fA, rootA, uB, sB, "anonymous", "cloudtrail.amazonaws.com", rA}
	propRequests = [][2]string{{"s3:GetObject", objK}, {"s3:PutObject", "arn:aws:s3:::bkt/home/alice/x"}, {"s3:ListBucket", "arn:aws:s3:::bkt"}, {"iam:CreateUser", "arn:aws:iam::111111111111:user/x"}, {"s3:GetObject", "arn:aws:s3:::other/k"}}
)

func pick[T any](r *rand.Rand, s []T) T { return s[r.Intn(len(s))] }

func randStatement(r *rand.Rand, resourceBased bool) policy.Statement {
	st := policy.Statement{Effect: policy.Allow}
	if r.Intn(3) == 0 {
		st.Effect = policy.Deny
	}
	if r.Intn(6) == 0 {
		st.NotAction = []string{pick(r, propActions)}
	} else {
		st.Action = []string{pick(r, propActions), pick(r, propActions)}
	}
	if r.Intn(6) == 0 {
		st.NotResource = []string{pick(r, propResources)}
	} else {
		st.Resource = []string{pick(r, propResources)}
	}
	if resourceBased {
		if r.Intn(8) == 0 {
			st.NotPrincipal = pick(r, propPrincipals)
		} else {
			st.Principal = pick(r, propPrincipals)
		}
	}
	st.Conditions = pick(r, propConds)
	return st
}

func randPolicy(r *rand.Rand, resourceBased bool, n int) *policy.Policy {
	p := &policy.Policy{Version: policy.Version2012}
	if r.Intn(8) == 0 {
		p.Version = ""
	}
	for i := 0; i < n; i++ {
		st := randStatement(r, resourceBased)
		st.Index = i
		p.Statements = append(p.Statements, st)
	}
	return p
}

func randInput(t testing.TB, r *rand.Rand) *Input {
	caller := pick(r, propCallers)
	rq := pick(r, propRequests)
	acct := pick(r, []string{acctA, acctB})
	var kv []string
	if r.Intn(2) == 0 {
		kv = append(kv, "aws:SourceIp", pick(r, []string{"198.51.100.7", "203.0.113.10"}))
	}
	if r.Intn(2) == 0 {
		kv = append(kv, "aws:PrincipalTag/team", pick(r, []string{"red", "blue"}))
	}
	kv = append(kv, "aws:SecureTransport", pick(r, []string{"true", "false"}), "s3:TlsVersion", pick(r, []string{"1.1", "1.2"}))
	q := req(t, caller, rq[0], rq[1], acct, kv...)
	if r.Intn(2) == 0 {
		q.Context.SetMulti("aws:TagKeys", pick(r, [][]string{{}, {"a"}, {"a", "b"}, {"bz"}})...)
	}
	in := &Input{Request: q}
	for i := r.Intn(3); i > 0; i-- {
		in.Identity = append(in.Identity, randPolicy(r, false, 1+r.Intn(3)))
	}
	if r.Intn(2) == 0 {
		in.Resource = randPolicy(r, true, 1+r.Intn(4))
	}
	if r.Intn(4) == 0 {
		in.Boundary = randPolicy(r, false, 1+r.Intn(2))
	}
	if r.Intn(4) == 0 {
		in.Session = randPolicy(r, false, 1+r.Intn(2))
	}
	if r.Intn(4) == 0 {
		in.SCPs = [][]*policy.Policy{{randPolicy(r, false, 1+r.Intn(2))}, {randPolicy(r, false, 1)}}
	}
	if r.Intn(4) == 0 {
		in.RCPs = [][]*policy.Policy{{randPolicy(r, true, 1+r.Intn(2))}}
	}
	if r.Intn(5) == 0 {
		in.VPCE = randPolicy(r, true, 1+r.Intn(2))
	}
	if r.Intn(6) == 0 {
		in.ResourceGrants = []ResourceGrant{{Layer: LayerACL, Class: pick(r, []MatchClass{ClassDirect, ClassAccount})}}
	}
	return in
}

// allPolicies lists every policy of an input with whether it is resource-based.
func allPolicies(in *Input) (ps []*policy.Policy, rb []bool) {
	add := func(p *policy.Policy, r bool) {
		if p != nil {
			ps, rb = append(ps, p), append(rb, r)
		}
	}
	for _, p := range in.Identity {
		add(p, false)
	}
	add(in.Resource, true)
	add(in.Boundary, false)
	add(in.Session, false)
	add(in.VPCE, true)
	for _, l := range in.SCPs {
		for _, p := range l {
			add(p, false)
		}
	}
	for _, l := range in.RCPs {
		for _, p := range l {
			add(p, true)
		}
	}
	return
}

func TestPropertyAddDenyNeverAllows(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 3000; i++ {
		in := randInput(t, r)
		before := Evaluate(in)
		ps, rb := allPolicies(in)
		if len(ps) == 0 {
			continue
		}
		k := r.Intn(len(ps))
		st := randStatement(r, rb[k])
		st.Effect = policy.Deny
		st.Index = len(ps[k].Statements)
		ps[k].Statements = append(ps[k].Statements, st)
		after := Evaluate(in)
		if before.Decision != Allowed && after.Decision == Allowed {
			t.Fatalf("iteration %d: adding a Deny turned %s into allowed\n%s", i, before.Decision, dumpTrace(after))
		}
	}
}

func TestPropertyRemoveAllowNeverAllows(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for i := 0; i < 3000; i++ {
		in := randInput(t, r)
		before := Evaluate(in)
		ps, _ := allPolicies(in)
		if len(ps) == 0 {
			continue
		}
		p := ps[r.Intn(len(ps))]
		for j := range p.Statements {
			if p.Statements[j].Effect == policy.Allow {
				p.Statements = append(p.Statements[:j:j], p.Statements[j+1:]...)
				break
			}
		}
		after := Evaluate(in)
		if before.Decision != Allowed && after.Decision == Allowed {
			t.Fatalf("iteration %d: removing an Allow turned %s into allowed\n%s", i, before.Decision, dumpTrace(after))
		}
	}
}

func TestPropertyDeterministicAndOrderIndependent(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	allowed := 0
	for i := 0; i < 3000; i++ {
		in := randInput(t, r)
		a := Evaluate(in)
		b := Evaluate(in)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("iteration %d: two evaluations differ", i)
		}
		ps, _ := allPolicies(in)
		for _, p := range ps {
			// A policy is not edited in place once evaluated: the shuffle
			// works on a new Statements slice.
			p.Statements = append([]policy.Statement(nil), p.Statements...)
			r.Shuffle(len(p.Statements), func(x, y int) { p.Statements[x], p.Statements[y] = p.Statements[y], p.Statements[x] })
		}
		c := Evaluate(in)
		if a.Decision != c.Decision || a.Layer != c.Layer || !reflect.DeepEqual(a.MissingKeys, c.MissingKeys) || len(a.Matched()) != len(c.Matched()) {
			t.Fatalf("iteration %d: statement order changed the result: %s/%s vs %s/%s", i, a.Decision, a.Layer, c.Decision, c.Layer)
		}
		if a.Decision == Allowed {
			allowed++
		}
	}
	if allowed == 0 {
		t.Error("generator never produced an allowed request; the properties are vacuous")
	}
}
