package policy

import (
	"errors"
	"strings"
	"testing"
)

func mustStatement(t *testing.T, js string, kind Kind) Statement {
	t.Helper()
	s, err := ParseStatement(js, kind)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseStatement(t *testing.T) {
	s := mustStatement(t, `{"Sid":"AllowRead","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, KindBucket)
	if s.Sid != "AllowRead" || s.Effect != Allow || s.Principal == nil || s.Index != 0 {
		t.Fatalf("got %+v", s)
	}
	cases := []struct {
		js      string
		kind    Kind
		stmt    int
		element string
	}{
		{`{"Effect":"Allow"`, KindBucket, 0, ""},
		{`{"Sid":"X","Effect":"Allow","Action":"*","Resource":"*"}`, KindBucket, 0, "Principal"},
		{`{"Sid":"X","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}`, KindIdentity, 0, "Principal"},
		{`{}`, Kind("nope"), -1, ""},
	}
	for _, c := range cases {
		_, err := ParseStatement(c.js, c.kind)
		var pe *Error
		if !errors.As(err, &pe) || pe.Statement != c.stmt || pe.Element != c.element {
			t.Errorf("%s: %v", c.js, err)
		}
	}
}

func TestMergeStatement(t *testing.T) {
	newStmt := mustStatement(t, `{"Sid":"DenyHTTP","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, KindBucket)

	// Insert into an existing policy: appended, others kept.
	out, err := MergeStatement(bucketPolicy, KindBucket, newStmt)
	if err != nil {
		t.Fatal(err)
	}
	orig := mustParse(t, bucketPolicy, KindBucket)
	got := mustParse(t, out, KindBucket)
	if len(got.Statements) != 4 || got.Version != orig.Version || got.ID != orig.ID {
		t.Fatalf("insert: %s", out)
	}
	for i := range orig.Statements {
		if !StatementsEquivalent(orig.Statements[i], got.Statements[i]) {
			t.Errorf("insert changed statement %d", i)
		}
	}
	if !StatementsEquivalent(got.Statements[3], newStmt) || got.Statements[3].Index != 3 {
		t.Errorf("inserted statement: %+v", got.Statements[3])
	}

	// Merging the same statement again is idempotent.
	again, err := MergeStatement(out, KindBucket, newStmt)
	if err != nil || again != out {
		t.Fatalf("not idempotent: %v\n%s\n%s", err, out, again)
	}

	// Replace in place by Sid.
	repl := mustStatement(t, `{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}`, KindBucket)
	out, err = MergeStatement(bucketPolicy, KindBucket, repl)
	if err != nil {
		t.Fatal(err)
	}
	got = mustParse(t, out, KindBucket)
	if len(got.Statements) != 3 || !StatementsEquivalent(got.Statements[1], repl) ||
		!StatementsEquivalent(got.Statements[0], orig.Statements[0]) || !StatementsEquivalent(got.Statements[2], orig.Statements[2]) {
		t.Fatalf("replace: %s", out)
	}

	// Empty document starts a new policy.
	out, err = MergeStatement("  \n", KindBucket, newStmt)
	if err != nil {
		t.Fatal(err)
	}
	got = mustParse(t, out, KindBucket)
	if got.Version != Version2012 || len(got.Statements) != 1 || !StatementsEquivalent(got.Statements[0], newStmt) {
		t.Fatalf("new: %s", out)
	}
}

func TestMergeStatementErrors(t *testing.T) {
	good := mustStatement(t, `{"Sid":"S","Effect":"Allow","Action":"*","Resource":"*"}`, KindIdentity)
	noSid := good
	noSid.Sid = ""
	big := good
	big.Resource = []string{"arn:aws:s3:::" + strings.Repeat("x", 7000)}
	withPrincipal := good
	withPrincipal.Principal = &Principals{Wildcard: true}
	cases := []struct {
		name string
		doc  string
		kind Kind
		s    Statement
		elem string
		msg  string
	}{
		{"no sid", "", KindIdentity, noSid, "Sid", "needs a Sid"},
		{"bad doc", "{", KindIdentity, good, "", "invalid JSON"},
		{"bad kind", "", Kind("x"), good, "", "unknown policy kind"},
		{"too big", "", KindIdentity, big, "", "exceeds"},
		{"principal in identity", "", KindIdentity, withPrincipal, "Principal", "not allowed"},
		{"bucket needs principal", "", KindBucket, good, "Principal", "missing"},
	}
	for _, c := range cases {
		_, err := MergeStatement(c.doc, c.kind, c.s)
		var pe *Error
		if !errors.As(err, &pe) || pe.Element != c.elem || !strings.Contains(pe.Message, c.msg) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	bad := good
	bad.Conditions = []Condition{{Operator: Operator{Raw: "Nope"}, Key: "k", Values: []string{"v"}}}
	if _, err := MergeStatement("", KindIdentity, bad); err == nil {
		t.Error("invalid condition merged")
	}
}

func TestRemoveStatement(t *testing.T) {
	orig := mustParse(t, bucketPolicy, KindBucket)
	out, empty, err := RemoveStatement(bucketPolicy, KindBucket, "DenyInsecureTransport")
	if err != nil || empty {
		t.Fatal(err, empty)
	}
	got := mustParse(t, out, KindBucket)
	if len(got.Statements) != 2 || !StatementsEquivalent(got.Statements[0], orig.Statements[0]) || !StatementsEquivalent(got.Statements[1], orig.Statements[2]) || got.Statements[1].Index != 1 {
		t.Fatalf("remove: %s", out)
	}
	// Absent Sid: unchanged.
	same, empty, err := RemoveStatement(bucketPolicy, KindBucket, "Nope")
	if err != nil || empty || same != bucketPolicy {
		t.Fatal("absent Sid changed the document")
	}
	// Removing the last statement.
	one := `{"Statement":{"Sid":"Only","Effect":"Allow","Action":"*","Resource":"*"}}`
	out, empty, err = RemoveStatement(one, KindIdentity, "Only")
	if err != nil || !empty || out != "" {
		t.Fatalf("last: %q %v %v", out, empty, err)
	}
	if _, _, err := RemoveStatement("{", KindIdentity, "x"); err == nil {
		t.Error("invalid doc accepted")
	}
	if _, _, err := RemoveStatement(one, KindIdentity, ""); err == nil {
		t.Error("empty Sid accepted")
	}
}
