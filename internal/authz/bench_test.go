package authz

import (
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// benchInput is a realistic request: three identity policies with wildcards
// and conditions, a bucket policy with a NotIpAddress deny, a public read and
// a cross-account grant, an SCP chain and a boundary. Policies are parsed once.
func benchInput(b testing.TB) *Input {
	idp := []string{
		doc(`{"Sid":"Read","Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}`,
			`{"Sid":"Home","Effect":"Allow","Action":"s3:*Object","Resource":"arn:aws:s3:::bkt/home/${aws:username}/*"}`,
			`{"Sid":"NoLogs","Effect":"Deny","Action":"s3:*","Resource":["arn:aws:s3:::*log*","arn:aws:s3:::*log*/*"]}`),
		doc(`{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/uploads/*","Condition":{"StringEquals":{"s3:x-amz-server-side-encryption":"aws:kms"},"Bool":{"aws:SecureTransport":"true"}}}`,
			`{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}`,
			`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"},"StringEquals":{"aws:PrincipalTag/locked":"true"}}}`),
		doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/team/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":["red","blue"]},"ForAnyValue:StringLike":{"aws:TagKeys":["proj*"]}}}`),
	}
	bpDoc := doc(
		`{"Sid":"Office","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"NotIpAddress":{"aws:SourceIp":["198.51.100.0/24","2001:db8::/32"]},"Bool":{"aws:ViaAWSService":"false"}}}`,
		`{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`,
		`{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/public/*"}`,
		`{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::222222222222:root","arn:aws:iam::111111111111:role/app"]},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}`)
	full := mustParse(b, doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`), policy.KindSCP)
	in := &Input{
		Identity: ids(b, idp...),
		Resource: mustParse(b, bpDoc, policy.KindBucket),
		Boundary: mustParse(b, doc(`{"Effect":"Allow","Action":["s3:*","ec2:*"],"Resource":"*"}`), policy.KindBoundary),
		SCPs:     [][]*policy.Policy{{full}, {full, mustParse(b, doc(`{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}`), policy.KindSCP)}, {full}},
	}
	in.Request = req(b, uA, "s3:GetObject", "arn:aws:s3:::bkt/home/alice/report.csv", "",
		"aws:SourceIp", "198.51.100.7", "aws:SecureTransport", "true", "aws:ViaAWSService", "false", "aws:PrincipalTag/team", "red")
	in.Request.Context.SetMulti("aws:TagKeys", "project", "owner")
	return in
}

func TestBenchInputAllowed(t *testing.T) {
	r := Evaluate(benchInput(t))
	if r.Decision != Allowed || r.Layer != LayerIdentity {
		t.Fatalf("benchmark request is %s/%s: %s", r.Decision, r.Layer, r.Reason)
	}
}

func BenchmarkEvaluate(b *testing.B) {
	in := benchInput(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if Evaluate(in).Decision != Allowed {
			b.Fatal("not allowed")
		}
	}
}

// BenchmarkEvaluateReuse is the many-requests path (s3access_checks): the
// result buffers are reused between requests.
func BenchmarkEvaluateReuse(b *testing.B) {
	in := benchInput(b)
	res := &Result{}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if EvaluateInto(in, res).Decision != Allowed {
			b.Fatal("not allowed")
		}
	}
}

func TestEvaluateIntoReuse(t *testing.T) {
	in := benchInput(t)
	res := EvaluateInto(in, nil)
	want := Evaluate(in)
	in2 := benchInput(t)
	in2.Request.Context.Set("aws:SourceIp", "203.0.113.10")
	if got := EvaluateInto(in2, res); got.Decision != ExplicitDeny || got.Layer != LayerResource {
		t.Fatalf("reuse: %s/%s", got.Decision, got.Layer)
	}
	again := EvaluateInto(in, res)
	as, ws := again.Statements(), want.Statements()
	if again.Decision != want.Decision || len(as) != len(ws) || len(again.MissingKeys) != len(want.MissingKeys) {
		t.Fatalf("reuse changed the result")
	}
	for i := range ws {
		a, w := as[i], ws[i]
		if a.Matched != w.Matched || a.Reason != w.Reason || a.Sid != w.Sid || len(a.MissingKeys) != len(w.MissingKeys) {
			t.Fatalf("statement %d differs after reuse", i)
		}
	}
}

func BenchmarkEvaluateDenied(b *testing.B) {
	in := benchInput(b)
	in.Request.Context.Set("aws:SourceIp", "203.0.113.10")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if Evaluate(in).Decision != ExplicitDeny {
			b.Fatal("not denied")
		}
	}
}

func BenchmarkMatchResource(b *testing.B) {
	for i := 0; i < b.N; i++ {
		MatchResource("arn:aws:s3:::*log*/*", "arn:aws:s3:::bkt/home/alice/report.csv")
	}
}

// BenchmarkEvaluateExplain is Evaluate followed by spelling out every
// statement trace (what an explanation reads), the cost of the full trace.
func BenchmarkEvaluateExplain(b *testing.B) {
	in := benchInput(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := Evaluate(in)
		if len(r.Statements()) != 16 {
			b.Fatal("traces")
		}
	}
}

// benchSet is a set of 96 realistic requests against the benchmark's
// policies: callers (the user, a session of a role, another account's
// user, the account root, anonymous), S3 and EC2 actions, objects in and
// out of the granted prefixes, bucket-level actions, Internet and office
// addresses, with and without TLS and tags.
func benchSet(b testing.TB) []*Input {
	base := benchInput(b)
	callers := []string{uA, sA, uB, rootA, "anonymous"}
	actions := [][2]string{
		{"s3:GetObject", "arn:aws:s3:::bkt/home/alice/report.csv"},
		{"s3:GetObject", "arn:aws:s3:::bkt/public/index.html"},
		{"s3:GetObject", "arn:aws:s3:::bkt/team/plan.txt"},
		{"s3:PutObject", "arn:aws:s3:::bkt/uploads/a.bin"},
		{"s3:PutObject", "arn:aws:s3:::bkt/home/alice/notes.txt"},
		{"s3:DeleteObject", "arn:aws:s3:::bkt/home/bob/x"},
		{"s3:ListBucket", "arn:aws:s3:::bkt"},
		{"s3:GetObject", "arn:aws:s3:::app-logs/2026/12/05/x.log"},
		{"s3:DeleteBucket", "arn:aws:s3:::bkt"},
		{"ec2:DescribeInstances", "*"},
		{"s3:GetObjectAcl", "arn:aws:s3:::bkt/home/alice/report.csv"},
		{"s3:PutObjectAcl", "arn:aws:s3:::bkt/public/index.html"},
	}
	ips := []string{"198.51.100.7", "203.0.113.10", "2001:db8::1", "192.0.2.44"}
	var set []*Input
	for i := 0; i < 96; i++ {
		in := *base
		a := actions[i%len(actions)]
		kv := []string{"aws:SourceIp", ips[i%len(ips)], "aws:SecureTransport", []string{"true", "true", "false"}[i%3], "aws:ViaAWSService", "false"}
		if i%2 == 0 {
			kv = append(kv, "aws:PrincipalTag/team", []string{"red", "green"}[i/2%2])
		}
		if i%5 == 0 {
			kv = append(kv, "s3:x-amz-server-side-encryption", "aws:kms")
		}
		in.Request = req(b, callers[i%len(callers)], a[0], a[1], "", kv...)
		set = append(set, &in)
	}
	return set
}

// BenchmarkEvaluateSet decides the request set of benchSet round robin
// (one decision per iteration).
func BenchmarkEvaluateSet(b *testing.B) {
	set := benchSet(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r := Evaluate(set[i%len(set)]); r.Decision == "" {
			b.Fatal("no decision")
		}
	}
}

// TestBenchSetDecisions keeps the request set realistic: it must produce
// allowed, explicitly denied and implicitly denied requests, and agree with
// the reference evaluator.
func TestBenchSetDecisions(t *testing.T) {
	seen := map[Decision]int{}
	for _, in := range benchSet(t) {
		seen[diffCheck(t, "bench set", in).Decision]++
	}
	for _, d := range []Decision{Allowed, ExplicitDeny, ImplicitDeny} {
		if seen[d] == 0 {
			t.Errorf("the benchmark set has no %s request: %v", d, seen)
		}
	}
	t.Logf("decisions: %v", seen)
}

// The allocations of an evaluation are part of its cost (issue 3): one
// Result for Evaluate (the deny reason is cached per plan), none for
// EvaluateInto with a reused Result. (A count, not a timing.)
func TestEvaluateAllocations(t *testing.T) {
	in := benchInput(t)
	denied := benchInput(t)
	denied.Request.Context.Set("aws:SourceIp", "203.0.113.10")
	Evaluate(in)
	Evaluate(denied) // (plans, compiled forms and reasons built)
	res := &Result{}
	for _, c := range []struct {
		name string
		f    func()
		want float64
	}{
		{"Evaluate", func() { Evaluate(in) }, 1},
		{"Evaluate denied", func() { Evaluate(denied) }, 1},
		{"EvaluateInto reused", func() { EvaluateInto(in, res) }, 0},
		{"EvaluateInto reused, denied", func() { EvaluateInto(denied, res) }, 0},
	} {
		if got := testing.AllocsPerRun(200, c.f); got != c.want {
			t.Errorf("%s: %v allocations per run, want %v", c.name, got, c.want)
		}
	}
}
