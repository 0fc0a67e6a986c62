package policy

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const bucketPolicy = `{
  "Version": "2012-10-17",
  "Id": "ExamplePolicy",
  "Statement": [
    {
      "Sid": "Allow cross account read",
      "Effect": "Allow",
      "Principal": {"AWS": ["arn:aws:iam::111122223333:role/reader", "444455556666"]},
      "Action": ["s3:GetObject", "s3:GetObjectVersion"],
      "Resource": "arn:aws:s3:::bkt/*"
    },
    {
      "Sid": "DenyInsecureTransport",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*"],
      "Condition": {"Bool": {"aws:SecureTransport": false}, "NumericLessThan": {"s3:TlsVersion": 1.2}}
    },
    {
      "Sid": "DenyOutsideVpce",
      "Effect": "Deny",
      "Principal": {"AWS": "*"},
      "NotAction": "s3:GetBucketPolicy",
      "NotResource": "arn:aws:s3:::other/*",
      "Condition": {"StringNotEqualsIfExists": {"aws:SourceVpce": ["vpce-1a2b", "vpce-3c4d"], "aws:PrincipalAccount": "111122223333"}}
    }
  ]
}`

// Spec 6.1/6.2/6.6: a realistic bucket policy parses into the model.
func TestParseBucketPolicy(t *testing.T) {
	p, err := Parse(bucketPolicy, KindBucket)
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != Version2012 || p.ID != "ExamplePolicy" || p.Kind != KindBucket || p.SingleStatement || len(p.Statements) != 3 {
		t.Fatalf("document fields: %+v", p)
	}
	s0, s1, s2 := p.Statements[0], p.Statements[1], p.Statements[2]
	if s0.Index != 0 || s0.Sid != "Allow cross account read" || s0.Effect != Allow ||
		!reflect.DeepEqual(s0.Principal, &Principals{AWS: []string{"arn:aws:iam::111122223333:role/reader", "444455556666"}}) ||
		!reflect.DeepEqual(s0.Action, []string{"s3:GetObject", "s3:GetObjectVersion"}) || s0.NotAction != nil ||
		!reflect.DeepEqual(s0.Resource, []string{"arn:aws:s3:::bkt/*"}) || s0.Conditions != nil {
		t.Errorf("statement 0: %+v", s0)
	}
	if s1.Index != 1 || s1.Effect != Deny || !reflect.DeepEqual(s1.Principal, &Principals{Wildcard: true}) {
		t.Errorf("statement 1: %+v", s1)
	}
	wantC1 := []Condition{
		{Operator: Operator{Raw: "Bool", Base: "Bool"}, Key: "aws:SecureTransport", Values: []string{"false"}},
		{Operator: Operator{Raw: "NumericLessThan", Base: "NumericLessThan"}, Key: "s3:TlsVersion", Values: []string{"1.2"}},
	}
	if !reflect.DeepEqual(s1.Conditions, wantC1) {
		t.Errorf("statement 1 conditions: %+v", s1.Conditions)
	}
	if !reflect.DeepEqual(s2.Principal, &Principals{Wildcard: true}) || !reflect.DeepEqual(s2.NotAction, []string{"s3:GetBucketPolicy"}) || s2.Action != nil ||
		!reflect.DeepEqual(s2.NotResource, []string{"arn:aws:s3:::other/*"}) || s2.Resource != nil {
		t.Errorf("statement 2: %+v", s2)
	}
	op := Operator{Raw: "StringNotEqualsIfExists", Base: "StringNotEquals", IfExists: true}
	wantC2 := []Condition{ // keys sorted case-insensitively within the operator
		{Operator: op, Key: "aws:PrincipalAccount", Values: []string{"111122223333"}},
		{Operator: op, Key: "aws:SourceVpce", Values: []string{"vpce-1a2b", "vpce-3c4d"}},
	}
	if !reflect.DeepEqual(s2.Conditions, wantC2) {
		t.Errorf("statement 2 conditions: %+v", s2.Conditions)
	}
}

// Spec 6.1: Version forms, Statement as object, identity policy without Principal.
func TestParseDocumentForms(t *testing.T) {
	cases := []struct {
		name, doc string
		kind      Kind
		version   string
		single    bool
		n         int
	}{
		{"2012", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, KindIdentity, Version2012, false, 1},
		{"2008", `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`, KindInline, Version2008, true, 1},
		{"absent", `{"Statement":{"Effect":"Deny","NotAction":"*","NotResource":"*"}}`, KindSCP, "", true, 1},
		{"session", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Allow","Action":"s3:List*","Resource":"*"}]}`, KindSession, "", false, 2},
		{"boundary", `{"Version":"2012-10-17","Statement":[{"Sid":"A1","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, KindBoundary, Version2012, false, 1},
		{"key", `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`, KindKey, Version2012, false, 1},
		{"endpoint", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`, KindEndpoint, "", false, 1},
		{"accesspoint", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/u"},"Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/*"}]}`, KindAccessPoint, "", false, 1},
		{"rcp", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}]}`, KindRCP, Version2012, false, 1},
		{"rcp aws star", `{"Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}]}`, KindRCP, "", false, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse(c.doc, c.kind)
			if err != nil {
				t.Fatal(err)
			}
			if p.Version != c.version || p.SingleStatement != c.single || len(p.Statements) != c.n {
				t.Fatalf("got %+v", p)
			}
			for i, s := range p.Statements {
				if s.Index != i {
					t.Errorf("statement %d has Index %d", i, s.Index)
				}
				if c.kind.ResourceBased() == (s.Principal == nil && s.NotPrincipal == nil) {
					t.Errorf("statement %d principal presence wrong for %s", i, c.kind)
				}
			}
			if p.VariablesEnabled() != (c.version == Version2012) {
				t.Errorf("VariablesEnabled = %v", p.VariablesEnabled())
			}
		})
	}
	var nilP *Policy
	if nilP.VariablesEnabled() {
		t.Error("nil policy has variables enabled")
	}
}

// Spec 6.2: every Principal form.
func TestParsePrincipalForms(t *testing.T) {
	wrap := func(p string) string {
		return `{"Statement":[{"Effect":"Allow","Principal":` + p + `,"Action":"s3:GetObject","Resource":"*"}]}`
	}
	cu := strings.Repeat("ab", 32)
	cases := []struct {
		principal string
		want      Principals
	}{
		{`"*"`, Principals{Wildcard: true}},
		{`{"AWS":"*"}`, Principals{Wildcard: true}},
		{`{"AWS":["*","123456789012"]}`, Principals{Wildcard: true, AWS: []string{"123456789012"}}},
		{`{"AWS":"123456789012"}`, Principals{AWS: []string{"123456789012"}}},
		{`{"AWS":["arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:user/p/u","arn:aws:iam::123456789012:role/r","arn:aws:sts::123456789012:assumed-role/r/s1","arn:aws:sts::123456789012:federated-user/fu","AIDACKCEVSQ6C2EXAMPLE"]}`,
			Principals{AWS: []string{"arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:user/p/u", "arn:aws:iam::123456789012:role/r", "arn:aws:sts::123456789012:assumed-role/r/s1", "arn:aws:sts::123456789012:federated-user/fu", "AIDACKCEVSQ6C2EXAMPLE"}}},
		{`{"Service":"cloudtrail.amazonaws.com"}`, Principals{Service: []string{"cloudtrail.amazonaws.com"}}},
		{`{"Service":["logging.s3.amazonaws.com","*"]}`, Principals{Service: []string{"logging.s3.amazonaws.com", "*"}}},
		{`{"Federated":"accounts.google.com"}`, Principals{Federated: []string{"accounts.google.com"}}},
		{`{"Federated":["arn:aws:iam::123456789012:saml-provider/Okta","arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]}`,
			Principals{Federated: []string{"arn:aws:iam::123456789012:saml-provider/Okta", "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}}},
		{`{"CanonicalUser":"` + cu + `"}`, Principals{CanonicalUser: []string{cu}}},
		{`{"AWS":"123456789012","Service":"s3.amazonaws.com"}`, Principals{AWS: []string{"123456789012"}, Service: []string{"s3.amazonaws.com"}}},
	}
	for _, c := range cases {
		t.Run(c.principal, func(t *testing.T) {
			p, err := Parse(wrap(c.principal), KindBucket)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*p.Statements[0].Principal, c.want) {
				t.Fatalf("got %+v, want %+v", *p.Statements[0].Principal, c.want)
			}
		})
	}
}

// Spec 6.6: operator parsing into Qualifier/Base/IfExists.
func TestParseOperator(t *testing.T) {
	cases := []struct {
		raw, q, base string
		ifx          bool
		canon        string
		neg          bool
	}{
		{"StringEquals", "", "StringEquals", false, "StringEquals", false},
		{"StringNotEqualsIfExists", "", "StringNotEquals", true, "StringNotEqualsIfExists", true},
		{"ForAnyValue:StringLike", "ForAnyValue", "StringLike", false, "ForAnyValue:StringLike", false},
		{"ForAllValues:StringNotEqualsIgnoreCaseIfExists", "ForAllValues", "StringNotEqualsIgnoreCase", true, "ForAllValues:StringNotEqualsIgnoreCaseIfExists", true},
		{"stringequals", "", "StringEquals", false, "StringEquals", false},
		{"forallvalues:arnlike", "ForAllValues", "ArnLike", false, "ForAllValues:ArnLike", false},
		{"NotIpAddressIfExists", "", "NotIpAddress", true, "NotIpAddressIfExists", true},
		{"Null", "", "Null", false, "Null", false},
		{"BinaryEquals", "", "BinaryEquals", false, "BinaryEquals", false},
		{"DateGreaterThanEquals", "", "DateGreaterThanEquals", false, "DateGreaterThanEquals", false},
		{"NumericNotEqualsIfExists", "", "NumericNotEquals", true, "NumericNotEqualsIfExists", true},
		{"ArnNotLike", "", "ArnNotLike", false, "ArnNotLike", true},
	}
	for _, c := range cases {
		op, err := ParseOperator(c.raw)
		if err != nil {
			t.Errorf("%s: %v", c.raw, err)
			continue
		}
		if op.Raw != c.raw || op.Qualifier != c.q || op.Base != c.base || op.IfExists != c.ifx || op.Canonical() != c.canon || op.Negated() != c.neg {
			t.Errorf("%s: got %+v canon %q neg %v", c.raw, op, op.Canonical(), op.Negated())
		}
	}
	for _, bad := range []string{"", "StringEqual", "NullIfExists", "ForAllValues:Null", "ForSomeValues:StringEquals", "IfExists", "StringEqualsIfExistsIfExists", "ForAnyValue:"} {
		if op, err := ParseOperator(bad); err == nil {
			t.Errorf("%q accepted as %+v", bad, op)
		}
	}
}

// Spec 6.1-6.6 validation: every error names the statement, Sid and element.
func TestParseErrors(t *testing.T) {
	st := func(body string) string { return `{"Version":"2012-10-17","Statement":[` + body + `]}` }
	ok := `{"Sid":"First","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},`
	okB := `{"Sid":"First","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},`
	bp := func(extra string) string {
		return st(okB + `{"Sid":"S1","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"` + extra + `}`)
	}
	cond := func(c string) string { return bp(`,"Condition":` + c) }
	cases := []struct {
		name    string
		doc     string
		kind    Kind
		stmt    int
		sid     string
		element string
		msg     string
	}{
		// document level
		{"invalid json", `{"Statement":[}`, KindIdentity, -1, "", "", "invalid JSON"},
		{"truncated", `{"Statement":[`, KindIdentity, -1, "", "", "invalid JSON"},
		{"trailing data", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}} {}`, KindIdentity, -1, "", "", "after the JSON document"},
		{"not utf8", "{\"Id\":\"\xff\"}", KindIdentity, -1, "", "", "UTF-8"},
		{"too deep", `{"Statement":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, KindIdentity, -1, "", "", "nested too deeply"},
		{"not object", `[]`, KindIdentity, -1, "", "", "must be a JSON object"},
		{"unknown kind", `{}`, Kind("trust"), -1, "", "", "unknown policy kind"},
		{"unknown top key", `{"Version":"2012-10-17","Statement":[],"Extra":1}`, KindIdentity, -1, "", "Extra", "unknown top-level key"},
		{"lower-case top key", `{"version":"2012-10-17"}`, KindIdentity, -1, "", "version", "unknown top-level key"},
		{"duplicate top key", `{"Version":"2012-10-17","Version":"2012-10-17"}`, KindIdentity, -1, "", "Version", "duplicate key"},
		{"bad version", `{"Version":"2012-10-18","Statement":[]}`, KindIdentity, -1, "", "Version", "must be"},
		{"version number", `{"Version":2012,"Statement":[]}`, KindIdentity, -1, "", "Version", "must be a string"},
		{"id number", `{"Id":1,"Statement":[]}`, KindIdentity, -1, "", "Id", "must be a string"},
		{"no statement", `{"Version":"2012-10-17"}`, KindIdentity, -1, "", "Statement", "missing"},
		{"empty statement", `{"Statement":[]}`, KindIdentity, -1, "", "Statement", "at least one"},
		{"statement string", `{"Statement":"x"}`, KindIdentity, -1, "", "Statement", "object or an array"},
		{"statement item string", st(ok + `"x"`), KindIdentity, 1, "", "", "statement must be an object"},
		// statement keys
		{"unknown stmt key", st(ok + `{"Sid":"B","Effect":"Allow","Action":"*","Resource":"*","Actions":"x"}`), KindIdentity, 1, "B", "Actions", "unknown statement key"},
		{"duplicate stmt key", st(ok + `{"Sid":"B","Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}`), KindIdentity, 1, "B", "Effect", "duplicate key"},
		{"sid not string", st(ok + `{"Sid":1,"Effect":"Allow","Action":"*","Resource":"*"}`), KindIdentity, 1, "", "Sid", "must be a string"},
		{"sid space identity", st(ok + `{"Sid":"My Sid","Effect":"Allow","Action":"*","Resource":"*"}`), KindIdentity, 1, "My Sid", "Sid", "only A-Z"},
		{"sid dash scp", st(`{"Sid":"a-b","Effect":"Deny","Action":"*","Resource":"*"}`), KindSCP, 0, "a-b", "Sid", "only A-Z"},
		{"sid control bucket", st(`{"Sid":"a\tb","Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}`), KindBucket, 0, "a\tb", "Sid", "control characters"},
		{"duplicate sid", st(ok + `{"Sid":"First","Effect":"Deny","Action":"*","Resource":"*"}`), KindIdentity, 1, "First", "Sid", "duplicate Sid (also statement 0)"},
		// Effect
		{"effect missing", st(ok + `{"Sid":"B","Action":"*","Resource":"*"}`), KindIdentity, 1, "B", "Effect", "missing"},
		{"effect lower", st(ok + `{"Sid":"B","Effect":"allow","Action":"*","Resource":"*"}`), KindIdentity, 1, "B", "Effect", "case-sensitive"},
		{"effect bool", st(ok + `{"Sid":"B","Effect":true,"Action":"*","Resource":"*"}`), KindIdentity, 1, "B", "Effect", "got true"},
		// Principal placement
		{"principal in identity", st(ok + `{"Sid":"B","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}`), KindIdentity, 1, "B", "Principal", "not allowed in a identity policy"},
		{"notprincipal in scp", st(`{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"*","Resource":"*"}`), KindSCP, 0, "", "NotPrincipal", "not allowed"},
		{"principal missing bucket", st(okB + `{"Sid":"B","Effect":"Allow","Action":"*","Resource":"*"}`), KindBucket, 1, "B", "Principal", "missing"},
		{"principal missing endpoint", st(`{"Effect":"Allow","Action":"*","Resource":"*"}`), KindEndpoint, 0, "", "Principal", "missing"},
		{"both principals", st(`{"Effect":"Deny","Principal":"*","NotPrincipal":"*","Action":"*","Resource":"*"}`), KindBucket, 0, "", "NotPrincipal", "both Principal and NotPrincipal"},
		{"rcp principal not star", st(`{"Effect":"Deny","Principal":{"AWS":"123456789012"},"Action":"*","Resource":"*"}`), KindRCP, 0, "", "Principal", "must be \"*\""},
		{"rcp notprincipal", st(`{"Effect":"Deny","NotPrincipal":"*","Action":"*","Resource":"*"}`), KindRCP, 0, "", "NotPrincipal", "not supported"},
		// Principal values
		{"principal string acct", st(`{"Sid":"P","Effect":"Allow","Principal":"123456789012","Action":"*","Resource":"*"}`), KindBucket, 0, "P", "Principal", "must be \"*\""},
		{"principal number", st(`{"Effect":"Allow","Principal":5,"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal", "got number"},
		{"principal empty obj", st(`{"Effect":"Allow","Principal":{},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal", "empty object"},
		{"principal unknown type", st(`{"Effect":"Allow","Principal":{"Aws":"*"},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal.Aws", "unknown principal type"},
		{"principal dup type", st(`{"Effect":"Allow","Principal":{"AWS":"*","AWS":"*"},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal.AWS", "duplicate key"},
		{"principal partial wildcard (T140)", st(okB + `{"Sid":"W","Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::*:root"]},"Action":"s3:GetObject","Resource":"*"}`), KindBucket, 1, "W", "Principal.AWS[1]", "partial wildcard"},
		{"principal user wildcard", st(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/*"},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal.AWS", "partial wildcard"},
		{"principal 11 digits", st(`{"Effect":"Allow","Principal":{"AWS":"12345678901"},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal.AWS", "12 digits"},
		{"principal bad arn", st(`{"Effect":"Allow","NotPrincipal":{"AWS":["arn:aws:iam::123456789012"]},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "NotPrincipal.AWS[0]", "malformed ARN"},
		{"principal empty list", st(`{"Effect":"Allow","Principal":{"AWS":[]},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal.AWS", "empty array"},
		{"principal list number", st(`{"Effect":"Allow","Principal":{"AWS":[123456789012]},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal.AWS[0]", "must be a string"},
		{"principal object value", st(`{"Effect":"Allow","Principal":{"AWS":{}},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal.AWS", "string or an array"},
		{"service bad", st(`{"Effect":"Allow","Principal":{"Service":"CloudTrail"},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal.Service", "service principal must look like"},
		{"service wildcard", st(`{"Effect":"Allow","Principal":{"Service":["s3.amazonaws.com","*.amazonaws.com"]},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal.Service[1]", "partial wildcards"},
		{"federated bad", st(`{"Effect":"Allow","Principal":{"Federated":"not a domain"},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal.Federated", "identity provider domain"},
		{"federated wildcard", st(`{"Effect":"Allow","Principal":{"Federated":"*.google.com"},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal.Federated", "partial wildcards"},
		{"federated arn role", st(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:role/r"},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal.Federated", "saml-provider"},
		{"federated arn malformed", st(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam"},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal.Federated", "malformed"},
		{"canonical short", st(`{"Effect":"Allow","Principal":{"CanonicalUser":"abc"},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal.CanonicalUser", "64 hexadecimal"},
		{"canonical nonhex", st(`{"Effect":"Allow","Principal":{"CanonicalUser":"` + strings.Repeat("g", 64) + `"},"Action":"*","Resource":"*"}`), KindBucket, 0, "", "Principal.CanonicalUser", "64 hexadecimal"},
		// Action
		{"both actions", st(ok + `{"Sid":"B","Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}`), KindIdentity, 1, "B", "NotAction", "both Action and NotAction"},
		{"no action", st(ok + `{"Sid":"B","Effect":"Allow","Resource":"*"}`), KindIdentity, 1, "B", "Action", "missing"},
		{"empty action", st(ok + `{"Sid":"B","Effect":"Allow","Action":[],"Resource":"*"}`), KindIdentity, 1, "B", "Action", "empty array"},
		{"action no colon", st(ok + `{"Sid":"B","Effect":"Allow","Action":["s3:GetObject","s3*"],"Resource":"*"}`), KindIdentity, 1, "B", "Action[1]", "service:ActionName"},
		{"action empty name", st(`{"Effect":"Allow","Action":"s3:","Resource":"*"}`), KindIdentity, 0, "", "Action", "service:ActionName"},
		{"action wildcard prefix", st(`{"Effect":"Allow","NotAction":"*:Get*","Resource":"*"}`), KindIdentity, 0, "", "NotAction", "service prefix"},
		{"action bad char", st(`{"Effect":"Allow","Action":"s3:Get Object","Resource":"*"}`), KindIdentity, 0, "", "Action", "invalid character"},
		{"action variable", st(`{"Effect":"Allow","Action":"s3:${aws:username}","Resource":"*"}`), KindIdentity, 0, "", "Action", "invalid character"},
		{"action number", st(`{"Effect":"Allow","Action":1,"Resource":"*"}`), KindIdentity, 0, "", "Action", "string or an array"},
		// Resource
		{"both resources", st(`{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}`), KindIdentity, 0, "", "NotResource", "both Resource and NotResource"},
		{"no resource", st(`{"Effect":"Allow","Action":"*"}`), KindIdentity, 0, "", "Resource", "missing"},
		{"no resource scp", st(`{"Effect":"Deny","Action":"*"}`), KindSCP, 0, "", "Resource", "missing"},
		{"no resource key", st(`{"Effect":"Allow","Principal":"*","Action":"kms:*"}`), KindKey, 0, "", "Resource", "missing"},
		{"resource not arn", st(`{"Effect":"Allow","Action":"*","Resource":"bkt/*"}`), KindIdentity, 0, "", "Resource", "must be \"*\" or an ARN"},
		{"resource short arn", st(`{"Effect":"Allow","Action":"*","NotResource":["arn:aws:s3:::b","arn:aws:s3"]}`), KindIdentity, 0, "", "NotResource[1]", "must be \"*\" or an ARN"},
		{"resource service wildcard", st(`{"Effect":"Allow","Action":"*","Resource":"arn:aws:*:::b"}`), KindIdentity, 0, "", "Resource", "service segment"},
		{"resource empty list", st(`{"Effect":"Allow","Action":"*","Resource":[]}`), KindIdentity, 0, "", "Resource", "empty array"},
		// Condition
		{"condition not object", bp(`,"Condition":[]`), KindBucket, 1, "S1", "Condition", "must be an object"},
		{"unknown operator", cond(`{"StringEqualz":{"aws:x":"a"}}`), KindBucket, 1, "S1", "Condition.StringEqualz", "unknown condition operator"},
		{"null ifexists", cond(`{"NullIfExists":{"aws:x":"true"}}`), KindBucket, 1, "S1", "Condition.NullIfExists", "IfExists"},
		{"duplicate operator", cond(`{"StringEquals":{"aws:x":"a"},"StringEquals":{"aws:y":"b"}}`), KindBucket, 1, "S1", "Condition.StringEquals", "appears twice"},
		{"duplicate operator case", cond(`{"StringEquals":{"aws:x":"a"},"stringEquals":{"aws:y":"b"}}`), KindBucket, 1, "S1", "Condition.stringEquals", "appears twice"},
		{"operator block not object", cond(`{"StringEquals":"a"}`), KindBucket, 1, "S1", "Condition.StringEquals", "must be an object"},
		{"operator block empty", cond(`{"StringEquals":{}}`), KindBucket, 1, "S1", "Condition.StringEquals", "at least one"},
		{"empty key", cond(`{"StringEquals":{"":"a"}}`), KindBucket, 1, "S1", "Condition.StringEquals.", "empty condition key"},
		{"duplicate key", cond(`{"StringEquals":{"aws:x":"a","aws:x":"b"}}`), KindBucket, 1, "S1", "Condition.StringEquals.aws:x", "duplicate key"},
		{"duplicate key case", cond(`{"StringEquals":{"aws:x":"a","AWS:X":"b"}}`), KindBucket, 1, "S1", "Condition.StringEquals.AWS:X", "case-insensitive"},
		{"null value", cond(`{"StringEquals":{"aws:x":null}}`), KindBucket, 1, "S1", "Condition.StringEquals.aws:x", "got null"},
		{"object value", cond(`{"StringEquals":{"aws:x":["a",{}]}}`), KindBucket, 1, "S1", "Condition.StringEquals.aws:x[1]", "got object"},
		{"nested array", cond(`{"StringEquals":{"aws:x":[["a"]]}}`), KindBucket, 1, "S1", "Condition.StringEquals.aws:x[0]", "got array"},
		{"empty values", cond(`{"StringEquals":{"aws:x":[]}}`), KindBucket, 1, "S1", "Condition.StringEquals.aws:x", "empty array"},
		{"ip not cidr", cond(`{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","10.0.0.0/33"]}}`), KindBucket, 1, "S1", "Condition.IpAddress.aws:SourceIp[1]", "IPv4/IPv6"},
		{"ip word", cond(`{"NotIpAddressIfExists":{"aws:SourceIp":"office"}}`), KindBucket, 1, "S1", "Condition.NotIpAddressIfExists.aws:SourceIp", "IPv4/IPv6"},
		{"ip zone", cond(`{"IpAddress":{"aws:SourceIp":"fe80::1%eth0"}}`), KindBucket, 1, "S1", "Condition.IpAddress.aws:SourceIp", "IPv4/IPv6"},
		{"ip mapped", cond(`{"IpAddress":{"aws:SourceIp":"::ffff:10.0.0.0/104"}}`), KindBucket, 1, "S1", "Condition.IpAddress.aws:SourceIp", "IPv4/IPv6"},
		{"ip mapped addr", cond(`{"IpAddress":{"aws:SourceIp":"::ffff:10.0.0.1"}}`), KindBucket, 1, "S1", "Condition.IpAddress.aws:SourceIp", "IPv4/IPv6"},
		{"numeric word", cond(`{"NumericLessThan":{"s3:max-keys":"ten"}}`), KindBucket, 1, "S1", "Condition.NumericLessThan.s3:max-keys", "needs a number"},
		{"numeric bool", cond(`{"NumericEquals":{"s3:max-keys":true}}`), KindBucket, 1, "S1", "Condition.NumericEquals.s3:max-keys", "needs a number"},
		{"numeric variable", cond(`{"NumericEquals":{"s3:max-keys":"${aws:x}"}}`), KindBucket, 1, "S1", "Condition.NumericEquals.s3:max-keys", "needs a number"},
		{"numeric exponent empty", cond(`{"NumericEquals":{"s3:max-keys":"1e"}}`), KindBucket, 1, "S1", "Condition.NumericEquals.s3:max-keys", "needs a number"},
		{"numeric dot", cond(`{"NumericEquals":{"s3:max-keys":"."}}`), KindBucket, 1, "S1", "Condition.NumericEquals.s3:max-keys", "needs a number"},
		{"date word", cond(`{"DateGreaterThan":{"aws:CurrentTime":"yesterday"}}`), KindBucket, 1, "S1", "Condition.DateGreaterThan.aws:CurrentTime", "ISO 8601"},
		{"date month 13", cond(`{"DateLessThan":{"aws:CurrentTime":"2024-13-01"}}`), KindBucket, 1, "S1", "Condition.DateLessThan.aws:CurrentTime", "ISO 8601"},
		{"bool word", cond(`{"Bool":{"aws:SecureTransport":"yes"}}`), KindBucket, 1, "S1", "Condition.Bool.aws:SecureTransport", "\"true\" or \"false\""},
		{"bool capital", cond(`{"Bool":{"aws:SecureTransport":"True"}}`), KindBucket, 1, "S1", "Condition.Bool.aws:SecureTransport", "\"true\" or \"false\""},
		{"null word", cond(`{"Null":{"aws:x":"absent"}}`), KindBucket, 1, "S1", "Condition.Null.aws:x", "\"true\" or \"false\""},
		{"null number", cond(`{"Null":{"aws:x":1}}`), KindBucket, 1, "S1", "Condition.Null.aws:x", "\"true\" or \"false\""},
		{"binary bad", cond(`{"BinaryEquals":{"aws:x":"***"}}`), KindBucket, 1, "S1", "Condition.BinaryEquals.aws:x", "base64"},
		{"binary empty", cond(`{"BinaryEquals":{"aws:x":""}}`), KindBucket, 1, "S1", "Condition.BinaryEquals.aws:x", "base64"},
		// size limits (whitespace excluded)
		{"identity too big", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::` + strings.Repeat("a", 6144) + `"}]}`, KindIdentity, -1, "", "", "exceeds the identity policy limit of 6144"},
		{"scp too big", `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"arn:aws:s3:::` + strings.Repeat("a", 5100) + `"}]}`, KindSCP, -1, "", "", "limit of 5120"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse(c.doc, c.kind)
			if err == nil {
				t.Fatalf("accepted: %+v", p)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if pe.Statement != c.stmt || pe.Sid != c.sid || pe.Element != c.element {
				t.Errorf("place: got statement %d sid %q element %q, want %d %q %q (%v)", pe.Statement, pe.Sid, pe.Element, c.stmt, c.sid, c.element, err)
			}
			if !strings.Contains(pe.Message, c.msg) {
				t.Errorf("message %q does not contain %q", pe.Message, c.msg)
			}
		})
	}
}

// Size limits: whitespace outside strings does not count; whitespace inside does.
func TestParseSizeLimits(t *testing.T) {
	build := func(kind Kind, n int, pad string) string {
		base := `{"Statement":[{"Effect":"Deny",` + map[bool]string{true: `"Principal":"*",`, false: ``}[kind.ResourceBased()] + `"Action":"*","Resource":"arn:aws:s3:::"}]}`
		fill := n - len(base)
		return strings.Replace(base, `"arn:aws:s3:::"`, pad+`"arn:aws:s3:::`+strings.Repeat("a", fill)+`"`, 1)
	}
	for _, kind := range []Kind{KindIdentity, KindBoundary, KindInline, KindSession, KindBucket, KindAccessPoint, KindKey, KindSCP, KindRCP, KindEndpoint} {
		lim := SizeLimit(kind)
		if lim == 0 {
			t.Fatalf("%s has no limit", kind)
		}
		exact := build(kind, lim, strings.Repeat(" \n\t", 1000))
		if PackedLength(exact) != lim {
			t.Fatalf("%s: packed length %d, want %d", kind, PackedLength(exact), lim)
		}
		if _, err := Parse(exact, kind); err != nil {
			t.Errorf("%s at the limit (with whitespace): %v", kind, err)
		}
		over := build(kind, lim+1, "")
		if _, err := Parse(over, kind); err == nil || !strings.Contains(err.Error(), itoa(lim+1)) || !strings.Contains(err.Error(), itoa(lim)) {
			t.Errorf("%s one over the limit: %v", kind, err)
		}
	}
	if got := PackedLength(`{ "a b" : "c\" d" }`); got != 15 {
		t.Errorf("PackedLength = %d, want 15", got)
	}
	if SizeLimit(Kind("x")) != 0 || Kind("x").Valid() {
		t.Error("unknown kind has a limit")
	}
}

// Spec 6.6: values as JSON numbers/booleans; dates and IPs accepted forms.
func TestParseConditionValues(t *testing.T) {
	cases := []struct {
		op, val string
		want    []string
	}{
		{"StringEquals", `["a", 1, true, false, 2.50]`, []string{"a", "1", "true", "false", "2.50"}},
		{"NumericLessThanEquals", `"-1.5e3"`, []string{"-1.5e3"}},
		{"NumericEquals", `10`, []string{"10"}},
		{"DateGreaterThan", `["2024-01-02T03:04:05Z", "2024-01-02", "2024", "2024-05", "2024-01-02T03:04+02:00", "2024-01-02T03:04:05.123Z", "2024-01-02T03:04:05", "1700000000"]`,
			[]string{"2024-01-02T03:04:05Z", "2024-01-02", "2024", "2024-05", "2024-01-02T03:04+02:00", "2024-01-02T03:04:05.123Z", "2024-01-02T03:04:05", "1700000000"}},
		{"Bool", `true`, []string{"true"}},
		{"Null", `"false"`, []string{"false"}},
		{"IpAddress", `["10.0.0.0/8", "192.0.2.1", "2001:db8::/32", "2001:db8::1"]`, []string{"10.0.0.0/8", "192.0.2.1", "2001:db8::/32", "2001:db8::1"}},
		{"BinaryEquals", `"QmluYXJ5VmFsdWU="`, []string{"QmluYXJ5VmFsdWU="}},
		{"ArnLike", `"arn:aws:iam::${aws:PrincipalAccount}:role/*"`, []string{"arn:aws:iam::${aws:PrincipalAccount}:role/*"}},
	}
	for _, c := range cases {
		doc := `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"` + c.op + `":{"k:x":` + c.val + `}}}}`
		p, err := Parse(doc, KindIdentity)
		if err != nil {
			t.Errorf("%s %s: %v", c.op, c.val, err)
			continue
		}
		if got := p.Statements[0].Conditions[0].Values; !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q want %q", c.op, got, c.want)
		}
	}
}

func TestParseDateAndIPValues(t *testing.T) {
	d, err := ParseDateValue("2024-01-02T03:04+02:00")
	if err != nil || d.Format("2006-01-02T15:04Z07:00") != "2024-01-02T01:04Z" {
		t.Errorf("date = %v %v", d, err)
	}
	d, err = ParseDateValue("2024")
	if err != nil || d.Format("2006-01-02") != "2024-01-01" {
		t.Errorf("year = %v %v", d, err)
	}
	d, err = ParseDateValue("0")
	if err != nil || d.Unix() != 0 {
		t.Errorf("epoch 0 = %v %v", d, err)
	}
	if _, err := ParseDateValue("1700000000000"); err == nil {
		t.Error("13-digit epoch (milliseconds) accepted")
	}
	d, err = ParseDateValue("86400")
	if err != nil || d.Format("2006-01-02") != "1970-01-02" {
		t.Errorf("epoch = %v %v", d, err)
	}
	for _, c := range []struct{ in, want string }{{"192.0.2.1", "192.0.2.1/32"}, {"10.1.2.3/8", "10.0.0.0/8"}, {"2001:db8::1", "2001:db8::1/128"}} {
		p, err := ParseIPValue(c.in)
		if err != nil || p.String() != c.want {
			t.Errorf("%s = %v %v", c.in, p, err)
		}
	}
}

// T121: legacy Allow + NotPrincipal is accepted with a warning.
func TestNotPrincipalAllowWarning(t *testing.T) {
	doc := `{"Statement":[{"Sid":"Legacy","Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/b"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}]}`
	p, err := Parse(doc, KindBucket)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) != 1 || p.Warnings[0].Statement != 0 || p.Warnings[0].Sid != "Legacy" || p.Warnings[0].Element != "NotPrincipal" {
		t.Fatalf("warnings: %+v", p.Warnings)
	}
	if p.Statements[0].NotPrincipal == nil || p.Statements[0].Principal != nil {
		t.Fatal("NotPrincipal not kept")
	}
	p, err = Parse(strings.Replace(doc, `"Allow"`, `"Deny"`, 1), KindBucket)
	if err != nil || len(p.Warnings) != 0 {
		t.Fatalf("deny NotPrincipal: %v %+v", err, p.Warnings)
	}
}

func TestErrorString(t *testing.T) {
	cases := []struct {
		e    Error
		want string
	}{
		{Error{Statement: -1, Message: "m"}, "policy: m"},
		{Error{Statement: -1, Element: "Version", Message: "m"}, "policy, Version: m"},
		{Error{Statement: 0, Element: "Effect", Message: "m"}, "statement 0, Effect: m"},
		{Error{Statement: 12, Sid: "S", Element: "Action[1]", Message: "m"}, "statement 12 (Sid \"S\"), Action[1]: m"},
	}
	for _, c := range cases {
		if got := c.e.Error(); got != c.want {
			t.Errorf("got %q want %q", got, c.want)
		}
	}
	if itoa(-42) != "-42" {
		t.Error(itoa(-42))
	}
}
