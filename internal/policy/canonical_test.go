package policy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func mustParse(t testing.TB, doc string, kind Kind) *Policy {
	t.Helper()
	p, err := Parse(doc, kind)
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, doc)
	}
	return p
}

func TestCanonicalJSONForm(t *testing.T) {
	doc := `{"Statement":{"Condition":{"stringequals":{"aws:b":["y","x","x"],"AWS:a":true}},"Resource":["arn:aws:s3:::b/*","arn:aws:s3:::a","arn:aws:s3:::a"],
	  "Action":["s3:PutObject","S3:getobject","s3:GetObject"],"Principal":{"Service":"s3.amazonaws.com","AWS":["444455556666","*","111122223333"]},"Effect":"Allow","Sid":"X <y>"},"Id":"i","Version":"2012-10-17"}`
	p := mustParse(t, doc, KindBucket)
	got, err := p.CanonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Id":"i","Statement":[{"Sid":"X <y>","Effect":"Allow","Principal":{"AWS":["*","111122223333","444455556666"],"Service":["s3.amazonaws.com"]},` +
		`"Action":["S3:getobject","s3:PutObject"],"Resource":["arn:aws:s3:::a","arn:aws:s3:::b/*"],"Condition":{"StringEquals":{"AWS:a":["true"],"aws:b":["x","y"]}}}]}`
	if string(got) != want {
		t.Fatalf("canonical:\n got %s\nwant %s", got, want)
	}
	// Wildcard-only principal and Version/Id omission, NotX elements.
	p = mustParse(t, `{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"*"},"NotAction":"s3:Get*","NotResource":"arn:aws:s3:::b"}]}`, KindBucket)
	got, _ = p.CanonicalJSON()
	want = `{"Statement":[{"Effect":"Deny","NotPrincipal":"*","NotAction":["s3:Get*"],"NotResource":["arn:aws:s3:::b"]}]}`
	if string(got) != want {
		t.Fatalf("canonical:\n got %s\nwant %s", got, want)
	}
	var nilP *Policy
	if _, err := nilP.CanonicalJSON(); err == nil {
		t.Error("nil policy has canonical JSON")
	}
}

// Round trip: Parse -> CanonicalJSON -> Parse gives an equivalent policy, and
// canonical JSON is a fixed point.
func TestCanonicalRoundTrip(t *testing.T) {
	docs := []struct {
		doc  string
		kind Kind
	}{
		{bucketPolicy, KindBucket},
		{`{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, KindIdentity},
		{`{"Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` + strings.Repeat("0a", 32) + `","Federated":"accounts.google.com"},"Action":"s3:GetObject","Resource":"*",
		  "Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*","b"]},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]}`, KindBucket},
	}
	for _, d := range docs {
		p := mustParse(t, d.doc, d.kind)
		c1, err := p.CanonicalJSON()
		if err != nil {
			t.Fatal(err)
		}
		q := mustParse(t, string(c1), d.kind)
		if !Equivalent(p, q) {
			t.Errorf("round trip not equivalent:\n%s", c1)
		}
		c2, _ := q.CanonicalJSON()
		if string(c1) != string(c2) {
			t.Errorf("canonical JSON is not a fixed point:\n%s\n%s", c1, c2)
		}
		if !json.Valid(c1) {
			t.Errorf("invalid JSON %s", c1)
		}
	}
}

func TestEquivalent(t *testing.T) {
	base := `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":["red","blue"]}}},{"Sid":"B","Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}`
	cases := []struct {
		name, other string
		equal       bool
	}{
		{"same", base, true},
		{"reordered statements and lists, case of actions and keys", `{"Statement":[{"Sid":"B","Effect":"Deny","NotAction":["S3:*"],"Resource":["*","*"]},{"Condition":{"stringequals":{"AWS:principaltag/team":["blue","red","red"]}},"Resource":["arn:aws:s3:::b/*"],"Action":["S3:PUTOBJECT","s3:getobject"],"Effect":"Allow","Sid":"A"}],"Version":"2012-10-17"}`, true},
		{"version differs", strings.Replace(base, `"Version":"2012-10-17",`, ``, 1), false},
		{"id differs", strings.Replace(base, `{"Version"`, `{"Id":"x","Version"`, 1), false},
		{"resource case differs", strings.Replace(base, "b/*", "B/*", 1), false},
		{"condition value case differs", strings.Replace(base, `"red"`, `"Red"`, 1), false},
		{"effect differs", strings.Replace(base, `"Deny"`, `"Allow"`, 1), false},
		{"sid differs", strings.Replace(base, `"Sid":"B"`, `"Sid":"C"`, 1), false},
		{"statement missing", `{"Version":"2012-10-17","Statement":[{"Sid":"B","Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}`, false},
		{"NotAction vs Action", strings.Replace(base, `"NotAction"`, `"Action"`, 1), false},
		{"operator differs", strings.Replace(base, `StringEquals`, `StringLike`, 1), false},
		{"IfExists differs", strings.Replace(base, `StringEquals`, `StringEqualsIfExists`, 1), false},
	}
	a := mustParse(t, base, KindIdentity)
	for _, c := range cases {
		b := mustParse(t, c.other, KindIdentity)
		if Equivalent(a, b) != c.equal || Equivalent(b, a) != c.equal {
			t.Errorf("%s: Equivalent = %v, want %v", c.name, !c.equal, c.equal)
		}
	}
	if !Equivalent(nil, nil) || Equivalent(a, nil) || Equivalent(nil, a) {
		t.Error("nil handling")
	}
	// Principal forms "*" and {"AWS":"*"} are equivalent (spec 6.2).
	p1 := mustParse(t, `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}`, KindBucket)
	p2 := mustParse(t, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["*"]}]}`, KindBucket)
	if !Equivalent(p1, p2) || !StatementsEquivalent(p1.Statements[0], p2.Statements[0]) {
		t.Error(`"*" and {"AWS":"*"} not equivalent`)
	}
	p3 := mustParse(t, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"*"}]}`, KindBucket)
	if StatementsEquivalent(p1.Statements[0], p3.Statements[0]) {
		t.Error("wildcard equivalent to an account")
	}
	// An invalid operator makes a statement equivalent to nothing.
	bad := Statement{Effect: Allow, Action: []string{"*"}, Resource: []string{"*"}, Conditions: []Condition{{Operator: Operator{Raw: "Nope"}, Key: "k", Values: []string{"v"}}}}
	if StatementsEquivalent(bad, bad) {
		t.Error("invalid statement equivalent to itself")
	}
	pb := &Policy{Statements: []Statement{bad}}
	if Equivalent(pb, pb) {
		t.Error("invalid policy equivalent")
	}
}

func TestStatementJSONErrors(t *testing.T) {
	cases := []struct {
		name string
		c    []Condition
		msg  string
	}{
		{"bad operator", []Condition{{Operator: Operator{Raw: "Nope"}, Key: "k", Values: []string{"v"}}}, "unknown condition operator"},
		{"empty key", []Condition{{Operator: Operator{Raw: "StringEquals"}, Key: "", Values: []string{"v"}}}, "empty condition key"},
		{"no values", []Condition{{Operator: Operator{Raw: "StringEquals"}, Key: "k"}}, "no values"},
		{"dup key", []Condition{{Operator: Operator{Base: "StringEquals"}, Key: "k", Values: []string{"v"}}, {Operator: Operator{Raw: "stringequals"}, Key: "K", Values: []string{"w"}}}, "appears twice"},
	}
	for _, c := range cases {
		s := Statement{Index: 3, Sid: "S", Effect: Allow, Action: []string{"*"}, Resource: []string{"*"}, Conditions: c.c}
		_, err := s.JSON()
		var pe *Error
		if !errors.As(err, &pe) || pe.Statement != 3 || pe.Sid != "S" || pe.Element != "Condition" || !strings.Contains(pe.Message, c.msg) {
			t.Errorf("%s: %v", c.name, err)
		}
		if _, err := (&Policy{Statements: []Statement{s}}).CanonicalJSON(); err == nil {
			t.Errorf("%s: policy canonical JSON accepted", c.name)
		}
	}
	// Programmatic operator (Base set, no Raw) and a Raw-only operator both work.
	s := Statement{Sid: "S", Effect: Deny, Action: []string{"s3:*"}, Resource: []string{"*"}, Conditions: []Condition{
		{Operator: Operator{Base: "Bool"}, Key: "aws:SecureTransport", Values: []string{"false"}},
		{Operator: Operator{Raw: "forallvalues:stringequalsifexists"}, Key: "aws:TagKeys", Values: []string{"a"}},
	}}
	b, err := s.JSON()
	want := `{"Sid":"S","Effect":"Deny","Action":["s3:*"],"Resource":["*"],"Condition":{"Bool":{"aws:SecureTransport":["false"]},"ForAllValues:StringEqualsIfExists":{"aws:TagKeys":["a"]}}}`
	if err != nil || string(b) != want {
		t.Fatalf("got %s %v", b, err)
	}
}
