package authz

import (
	"reflect"
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

func cnd(op, key string, values ...string) policy.Condition {
	o, err := policy.ParseOperator(op)
	if err != nil {
		o = policy.Operator{Raw: op}
	}
	return policy.Condition{Operator: o, Key: key, Values: values}
}

// ctxOf builds a context: "k=v" single, "k=v1|v2" multivalued, "k=[]" empty set, "k=[v]" one-element set.
func ctxOf(kv ...string) *Context {
	c := NewContext()
	for _, s := range kv {
		i := strings.IndexByte(s, '=')
		k, v := s[:i], s[i+1:]
		switch {
		case v == "[]":
			c.SetMulti(k)
		case strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]"):
			c.SetMulti(k, strings.Split(v[1:len(v)-1], "|")...)
		case strings.Contains(v, "|"):
			c.Set(k, strings.Split(v, "|")...)
		default:
			c.Set(k, v)
		}
	}
	return c
}

func TestEvalConditions(t *testing.T) {
	T, F, E := CondTrue, CondFalse, CondError
	cases := []struct {
		spec  string
		conds []policy.Condition
		ctx   []string
		vars  bool
		want  CondResult
	}{
		// String family.
		{"6.6 StringEquals", []policy.Condition{cnd("StringEquals", "aws:username", "alice")}, []string{"aws:username=alice"}, true, T},
		{"T137 StringEquals case-sensitive", []policy.Condition{cnd("StringEquals", "aws:username", "johndoe")}, []string{"aws:username=JohnDoe"}, true, F},
		{"T137 IgnoreCase", []policy.Condition{cnd("StringEqualsIgnoreCase", "aws:username", "johndoe")}, []string{"aws:username=JohnDoe"}, true, T},
		{"6.6 StringNotEqualsIgnoreCase", []policy.Condition{cnd("StringNotEqualsIgnoreCase", "aws:username", "johndoe")}, []string{"aws:username=JohnDoe"}, true, F},
		{"T138 StringEquals * literal", []policy.Condition{cnd("StringEquals", "s3:prefix", "home/*")}, []string{"s3:prefix=home/x"}, true, F},
		{"T138 literal value", []policy.Condition{cnd("StringEquals", "s3:prefix", "home/*")}, []string{"s3:prefix=home/*"}, true, T},
		{"T138 StringLike", []policy.Condition{cnd("StringLike", "s3:prefix", "home/*")}, []string{"s3:prefix=home/x"}, true, T},
		{"6.6 StringLike case-sensitive", []policy.Condition{cnd("StringLike", "s3:prefix", "home/*")}, []string{"s3:prefix=Home/x"}, true, F},
		{"6.6 StringNotLike", []policy.Condition{cnd("StringNotLike", "s3:prefix", "home/*", "tmp/*")}, []string{"s3:prefix=tmp/x"}, true, F},
		{"6.6 values OR", []policy.Condition{cnd("StringEquals", "aws:PrincipalTag/dept", "hr", "fin")}, []string{"aws:PrincipalTag/dept=fin"}, true, T},
		{"6.6 negated values NOR", []policy.Condition{cnd("StringNotEquals", "aws:PrincipalAccount", acctA, acctB)}, []string{"aws:PrincipalAccount=" + acctB}, true, F},
		{"T135 negated NOR", []policy.Condition{cnd("StringNotEquals", "aws:PrincipalAccount", acctA, acctB)}, []string{"aws:PrincipalAccount=" + acctC}, true, T},
		{"T134 keys AND", []policy.Condition{cnd("StringEquals", "aws:PrincipalTag/dept", "hr", "fin"), cnd("StringEquals", "aws:PrincipalAccount", acctA)}, []string{"aws:PrincipalTag/dept=ops", "aws:PrincipalAccount=" + acctA}, true, F},
		{"T134 keys AND", []policy.Condition{cnd("StringEquals", "aws:PrincipalTag/dept", "hr", "fin"), cnd("StringEquals", "aws:PrincipalAccount", acctA)}, []string{"aws:PrincipalTag/dept=fin", "aws:PrincipalAccount=" + acctA}, true, T},
		{"T136 key names case-insensitive", []policy.Condition{cnd("StringNotEquals", "AWS:SOURCEVPCE", "vpce-1a2b")}, []string{"aws:SourceVpce=vpce-1a2b"}, true, F},
		{"6.6 tag key part case-insensitive", []policy.Condition{cnd("StringEquals", "aws:PrincipalTag/Team", "red")}, []string{"aws:principaltag/TEAM=red"}, true, T},
		// Missing keys.
		{"T129 positive on missing", []policy.Condition{cnd("StringEquals", "aws:PrincipalTag/team", "red")}, nil, true, F},
		{"T128 negated on missing", []policy.Condition{cnd("StringNotEquals", "aws:PrincipalTag/team", "red")}, nil, true, T},
		{"T127 IfExists on missing", []policy.Condition{cnd("StringEqualsIfExists", "aws:PrincipalTag/team", "red")}, nil, true, T},
		{"T127 IfExists present", []policy.Condition{cnd("StringEqualsIfExists", "aws:PrincipalTag/team", "red")}, []string{"aws:PrincipalTag/team=blue"}, true, F},
		{"T44 NotIpAddress on missing", []policy.Condition{cnd("NotIpAddress", "aws:SourceIp", "198.51.100.0/24")}, nil, true, T},
		{"T45 IpAddress on missing", []policy.Condition{cnd("IpAddress", "aws:SourceIp", "198.51.100.0/24")}, nil, true, F},
		{"6.6 ArnNotLike on missing", []policy.Condition{cnd("ArnNotLike", "aws:SourceArn", "arn:aws:s3:::x")}, nil, true, T},
		{"6.6 NumericNotEquals on missing", []policy.Condition{cnd("NumericNotEquals", "s3:max-keys", "10")}, nil, true, T},
		{"6.6 DateNotEquals on missing", []policy.Condition{cnd("DateNotEquals", "aws:CurrentTime", "2024-01-01T00:00:00Z")}, nil, true, T},
		{"6.6 NotIpAddressIfExists missing", []policy.Condition{cnd("NotIpAddressIfExists", "aws:SourceIp", "198.51.100.0/24")}, nil, true, T},
		// Null.
		{"6.6 Null true absent", []policy.Condition{cnd("Null", "aws:TokenIssueTime", "true")}, nil, true, T},
		{"6.6 Null true present", []policy.Condition{cnd("Null", "aws:TokenIssueTime", "true")}, []string{"aws:TokenIssueTime=2024-01-01T00:00:00Z"}, true, F},
		{"6.6 Null false present", []policy.Condition{cnd("Null", "aws:TokenIssueTime", "false")}, []string{"aws:TokenIssueTime=x"}, true, T},
		{"6.6 Null false absent", []policy.Condition{cnd("Null", "aws:TokenIssueTime", "false")}, nil, true, F},
		{"6.6 Null bad value", []policy.Condition{cnd("Null", "k", "maybe")}, nil, true, E},
		// Numeric.
		{"T47 NumericLessThan", []policy.Condition{cnd("NumericLessThan", "s3:TlsVersion", "1.2")}, []string{"s3:TlsVersion=1.1"}, true, T},
		{"T47", []policy.Condition{cnd("NumericLessThan", "s3:TlsVersion", "1.2")}, []string{"s3:TlsVersion=1.2"}, true, F},
		{"6.6 NumericLessThanEquals", []policy.Condition{cnd("NumericLessThanEquals", "s3:max-keys", "10")}, []string{"s3:max-keys=10"}, true, T},
		{"6.6 NumericGreaterThan", []policy.Condition{cnd("NumericGreaterThan", "s3:max-keys", "10")}, []string{"s3:max-keys=10"}, true, F},
		{"6.6 NumericGreaterThanEquals", []policy.Condition{cnd("NumericGreaterThanEquals", "s3:max-keys", "10")}, []string{"s3:max-keys=11"}, true, T},
		{"6.6 NumericEquals decimal", []policy.Condition{cnd("NumericEquals", "s3:TlsVersion", "1.20")}, []string{"s3:TlsVersion=1.2"}, true, T},
		{"6.6 NumericNotEquals", []policy.Condition{cnd("NumericNotEquals", "s3:max-keys", "10")}, []string{"s3:max-keys=10"}, true, F},
		{"6.6 numeric bad request value fails closed", []policy.Condition{cnd("NumericLessThan", "s3:TlsVersion", "1.2")}, []string{"s3:TlsVersion=abc"}, true, E},
		{"6.6 numeric bad policy value fails closed", []policy.Condition{{Operator: policy.Operator{Raw: "NumericLessThan", Base: "NumericLessThan"}, Key: "s3:TlsVersion", Values: []string{"x"}}}, []string{"s3:TlsVersion=1"}, true, E},
		// Date.
		{"6.6 DateLessThan ISO", []policy.Condition{cnd("DateLessThan", "aws:CurrentTime", "2024-06-01T00:00:00Z")}, []string{"aws:CurrentTime=2024-05-31T23:59:59Z"}, true, T},
		{"6.6 DateGreaterThan epoch vs ISO", []policy.Condition{cnd("DateGreaterThan", "aws:CurrentTime", "1717200000")}, []string{"aws:CurrentTime=2024-06-01T00:00:01Z"}, true, T},
		{"6.6 DateEquals offset", []policy.Condition{cnd("DateEquals", "aws:CurrentTime", "2024-06-01T02:00:00+02:00")}, []string{"aws:CurrentTime=2024-06-01T00:00:00Z"}, true, T},
		{"6.6 Date date-only", []policy.Condition{cnd("DateGreaterThanEquals", "aws:CurrentTime", "2024-06-01")}, []string{"aws:CurrentTime=2024-06-01T00:00:00Z"}, true, T},
		{"6.6 DateLessThanEquals fractional", []policy.Condition{cnd("DateLessThanEquals", "aws:CurrentTime", "2024-06-01T00:00:00.500Z")}, []string{"aws:CurrentTime=2024-06-01T00:00:01Z"}, true, F},
		{"6.6 DateNotEquals", []policy.Condition{cnd("DateNotEquals", "aws:CurrentTime", "2024-06-01")}, []string{"aws:CurrentTime=2024-06-02"}, true, T},
		{"6.6 Date bad request", []policy.Condition{cnd("DateLessThan", "aws:CurrentTime", "2024-06-01")}, []string{"aws:CurrentTime=yesterday"}, true, E},
		// Bool.
		{"T46 Bool", []policy.Condition{cnd("Bool", "aws:SecureTransport", "false")}, []string{"aws:SecureTransport=false"}, true, T},
		{"T46 Bool", []policy.Condition{cnd("Bool", "aws:SecureTransport", "false")}, []string{"aws:SecureTransport=true"}, true, F},
		{"6.6 Bool case", []policy.Condition{cnd("Bool", "aws:SecureTransport", "TRUE")}, []string{"aws:SecureTransport=true"}, true, T},
		{"T33 Bool on missing", []policy.Condition{cnd("Bool", "aws:PrincipalIsAWSService", "false")}, nil, true, F},
		{"T37 BoolIfExists", []policy.Condition{cnd("BoolIfExists", "aws:SecureTransport", "false")}, []string{"aws:SecureTransport=false"}, true, T},
		// Binary.
		{"6.6 BinaryEquals", []policy.Condition{cnd("BinaryEquals", "k", "aGVsbG8=")}, []string{"k=aGVsbG8="}, true, T},
		{"6.6 BinaryEquals raw", []policy.Condition{cnd("BinaryEquals", "k", "aGVsbG8=")}, []string{"k=hello!"}, true, F},
		{"6.6 BinaryEquals bad", []policy.Condition{{Operator: policy.Operator{Raw: "BinaryEquals", Base: "BinaryEquals"}, Key: "k", Values: []string{"!!"}}}, []string{"k=x"}, true, E},
		// IP.
		{"T42 NotIpAddress outside", []policy.Condition{cnd("NotIpAddress", "aws:SourceIp", "198.51.100.0/24")}, []string{"aws:SourceIp=203.0.113.10"}, true, T},
		{"T43 NotIpAddress inside", []policy.Condition{cnd("NotIpAddress", "aws:SourceIp", "198.51.100.0/24")}, []string{"aws:SourceIp=198.51.100.7"}, true, F},
		{"6.6 bare address = /32", []policy.Condition{cnd("IpAddress", "aws:SourceIp", "198.51.100.7")}, []string{"aws:SourceIp=198.51.100.7"}, true, T},
		{"6.6 bare address = /32", []policy.Condition{cnd("IpAddress", "aws:SourceIp", "198.51.100.7")}, []string{"aws:SourceIp=198.51.100.8"}, true, F},
		{"6.6 IPv6", []policy.Condition{cnd("IpAddress", "aws:SourceIp", "2001:db8::/32")}, []string{"aws:SourceIp=2001:db8::1"}, true, T},
		{"6.6 IPv4 never in IPv6 range", []policy.Condition{cnd("IpAddress", "aws:SourceIp", "::/0")}, []string{"aws:SourceIp=198.51.100.7"}, true, F},
		{"6.6 IPv4-mapped range", []policy.Condition{cnd("IpAddress", "aws:SourceIp", "::ffff:0:0/96")}, []string{"aws:SourceIp=198.51.100.7"}, true, F},
		{"6.6 IP bad request value fails closed", []policy.Condition{cnd("NotIpAddress", "aws:SourceIp", "198.51.100.0/24")}, []string{"aws:SourceIp=not-an-ip"}, true, E},
		{"6.6 IP host bits masked", []policy.Condition{cnd("IpAddress", "aws:SourceIp", "198.51.100.77/24")}, []string{"aws:SourceIp=198.51.100.1"}, true, T},
		// ARN.
		{"T139 ArnLike", []policy.Condition{cnd("ArnLike", "aws:SourceArn", "arn:aws:someservice:*:111122223333:finance/*")}, []string{"aws:SourceArn=arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}, true, F},
		{"T139 StringLike", []policy.Condition{cnd("StringLike", "aws:SourceArn", "arn:aws:someservice:*:111122223333:finance/*")}, []string{"aws:SourceArn=arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}, true, T},
		{"T18 ArnEquals", []policy.Condition{cnd("ArnEquals", "aws:PrincipalArn", rA)}, []string{"aws:PrincipalArn=" + rA}, true, T},
		{"6.6 ArnNotEquals", []policy.Condition{cnd("ArnNotEquals", "aws:PrincipalArn", rA)}, []string{"aws:PrincipalArn=" + rA}, true, F},
		// Set operators.
		{"T130 ForAllValues missing", []policy.Condition{cnd("ForAllValues:StringEquals", "s3:RequestObjectTagKeys", "project")}, nil, true, T},
		{"T130 ForAllValues empty", []policy.Condition{cnd("ForAllValues:StringEquals", "s3:RequestObjectTagKeys", "project")}, []string{"s3:RequestObjectTagKeys=[]"}, true, T},
		{"T130 ForAllValues extra", []policy.Condition{cnd("ForAllValues:StringEquals", "s3:RequestObjectTagKeys", "project")}, []string{"s3:RequestObjectTagKeys=project|owner"}, true, F},
		{"6.6 ForAllValues subset", []policy.Condition{cnd("ForAllValues:StringEquals", "s3:RequestObjectTagKeys", "project", "owner", "x")}, []string{"s3:RequestObjectTagKeys=project|owner"}, true, T},
		{"T131 ForAnyValue missing", []policy.Condition{cnd("ForAnyValue:StringEquals", "s3:RequestObjectTagKeys", "project")}, nil, true, F},
		{"6.6 ForAnyValue empty", []policy.Condition{cnd("ForAnyValue:StringEquals", "s3:RequestObjectTagKeys", "project")}, []string{"s3:RequestObjectTagKeys=[]"}, true, F},
		{"6.6 ForAnyValue one", []policy.Condition{cnd("ForAnyValue:StringEquals", "s3:RequestObjectTagKeys", "project")}, []string{"s3:RequestObjectTagKeys=owner|project"}, true, T},
		{"6.6 ForAnyValue negated per value", []policy.Condition{cnd("ForAnyValue:StringNotEquals", "aws:TagKeys", "a", "b")}, []string{"aws:TagKeys=a|c"}, true, T},
		{"6.6 ForAnyValue negated per value", []policy.Condition{cnd("ForAnyValue:StringNotEquals", "aws:TagKeys", "a", "b")}, []string{"aws:TagKeys=a|b"}, true, F},
		{"6.6 ForAllValues negated", []policy.Condition{cnd("ForAllValues:StringNotLike", "aws:TagKeys", "sys*")}, []string{"aws:TagKeys=a|sysx"}, true, F},
		{"6.6 set op on single value", []policy.Condition{cnd("ForAnyValue:StringEquals", "aws:username", "alice")}, []string{"aws:username=alice"}, true, T},
		{"6.6 ForAnyValue IfExists missing", []policy.Condition{cnd("ForAnyValue:StringEqualsIfExists", "aws:TagKeys", "a")}, nil, true, T},
		{"T132 ForAllValues wrong org", []policy.Condition{cnd("ForAllValues:StringEquals", "aws:PrincipalOrgID", "o-abc")}, []string{"aws:PrincipalOrgID=o-xyz"}, true, F},
		// 8.2 item 10 is unsettled: fail closed (an Allow does not match, a Deny does; R06).
		{"T133 plain op vs multivalued", []policy.Condition{cnd("StringEquals", "s3:RequestObjectTagKeys", "project")}, []string{"s3:RequestObjectTagKeys=project|owner"}, true, E},
		{"T133 plain op vs multivalued negated", []policy.Condition{cnd("StringNotEquals", "s3:RequestObjectTagKeys", "x")}, []string{"s3:RequestObjectTagKeys=project|owner"}, true, E},
		{"T133 plain op vs one-element set", []policy.Condition{cnd("StringEquals", "s3:RequestObjectTagKeys", "project")}, []string{"s3:RequestObjectTagKeys=[project]"}, true, T},
		// Variables in condition values.
		{"6.7 variable in value", []policy.Condition{cnd("StringEquals", "s3:prefix", "home/${aws:username}/")}, []string{"aws:username=alice", "s3:prefix=home/alice/"}, true, T},
		{"6.7 variables off (2008)", []policy.Condition{cnd("StringEquals", "s3:prefix", "home/${aws:username}/")}, []string{"aws:username=alice", "s3:prefix=home/alice/"}, false, F},
		{"6.7 unresolved positive fails", []policy.Condition{cnd("StringLike", "s3:prefix", "home/${aws:username}/*")}, []string{"s3:prefix=home/alice/x"}, true, F},
		{"6.7 unresolved negated succeeds", []policy.Condition{cnd("StringNotLike", "s3:prefix", "home/${aws:username}/*")}, []string{"s3:prefix=home/alice/x"}, true, T},
		{"6.7 substituted * is literal", []policy.Condition{cnd("StringLike", "s3:prefix", "${aws:PrincipalTag/p}")}, []string{"aws:PrincipalTag/p=*", "s3:prefix=anything"}, true, F},
		{"6.7 default value", []policy.Condition{cnd("StringEquals", "s3:prefix", "${aws:PrincipalTag/team, 'shared'}")}, []string{"s3:prefix=shared"}, true, T},
		{"6.7 ARN variable", []policy.Condition{cnd("ArnLike", "aws:SourceArn", "arn:aws:s3:::${aws:username}-*")}, []string{"aws:username=alice", "aws:SourceArn=arn:aws:s3:::alice-logs"}, true, T},
		{"6.7 no variables in numeric", []policy.Condition{{Operator: policy.Operator{Raw: "NumericEquals", Base: "NumericEquals"}, Key: "n", Values: []string{"${x}"}}}, []string{"n=1", "x=1"}, true, E},
		// Fail closed.
		{"6.6 unknown operator", []policy.Condition{cnd("StringSortOf", "k", "v")}, []string{"k=v"}, true, E},
		{"6.6 unknown qualifier", []policy.Condition{{Operator: policy.Operator{Raw: "ForSome:StringEquals", Qualifier: "ForSome", Base: "StringEquals"}, Key: "k", Values: []string{"v"}}}, []string{"k=v"}, true, E},
		{"6.6 false AND error = false", []policy.Condition{cnd("StringSortOf", "k", "v"), cnd("StringEquals", "k", "w")}, []string{"k=v"}, true, F},
		{"6.6 no conditions", nil, nil, true, T},
	}
	for _, c := range cases {
		got, _, reason := EvaluateConditions(c.conds, ctxOf(c.ctx...), c.vars)
		if got != c.want {
			t.Errorf("[%s] got %v want %v (reason %q)", c.spec, got, c.want, reason)
		}
		ok, _, _ := EvalConditions(c.conds, ctxOf(c.ctx...), c.vars)
		if ok != (c.want == CondTrue) {
			t.Errorf("[%s] EvalConditions ok=%v", c.spec, ok)
		}
		if got != CondTrue && reason == "" {
			t.Errorf("[%s] no reason for %v", c.spec, got)
		}
	}
}

func TestEvalConditionsMissingKeys(t *testing.T) {
	// spec 6.6 / trace: keys read and absent are reported, once, all of them (no short-circuit).
	conds := []policy.Condition{
		cnd("StringEquals", "aws:PrincipalTag/team", "red"),
		cnd("NotIpAddress", "aws:SourceIp", "10.0.0.0/8"),
		cnd("StringEquals", "aws:principaltag/TEAM", "red"),
		cnd("StringLike", "s3:prefix", "${aws:username}/*"),
		cnd("StringEquals", "aws:PrincipalAccount", acctA),
	}
	_, missing, _ := EvalConditions(conds, ctxOf("s3:prefix=x", "aws:PrincipalAccount="+acctA), true)
	want := []string{"aws:PrincipalTag/team", "aws:SourceIp", "aws:username"}
	if !reflect.DeepEqual(missing, want) {
		t.Errorf("missing = %v, want %v", missing, want)
	}
}

var sinkOK bool

func BenchmarkParseIPv4Fast(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_, sinkOK = parseIPv4Fast("198.51.100.7")
	}
}

func TestParseIPv4FastCases(t *testing.T) {
	for s, ok := range map[string]bool{"198.51.100.7": true, "0.0.0.0": true, "255.255.255.255": true, "256.1.1.1": false, "1.256.1.1": false, "1.1.999.1": false,
		"01.2.3.4": false, "1.2.3.04": false, "1.2.3": false, "1.2.3.4.5": false, " 1.2.3.4": false, "1..2.3": false, "1.2.3.": false, ".1.2.3": false, "1.2.3.4 ": false, "1234.1.1.1": false} {
		a, got := parseIPv4Fast(s)
		if got != ok || (ok && a.String() != s) {
			t.Errorf("parseIPv4Fast(%q) = %v %v", s, a, got)
		}
	}
}
