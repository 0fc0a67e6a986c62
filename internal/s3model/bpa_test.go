package s3model

import (
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

const acctA = "111111111111"
const acctB = "222222222222"

// cond builds a condition from an operator as written ("ForAnyValue:StringEqualsIfExists").
func cond(op, key string, vals ...string) policy.Condition {
	o := policy.Operator{Raw: op}
	rest := op
	if q, r, ok := strings.Cut(op, ":"); ok {
		o.Qualifier, rest = q, r
	}
	if b, ok := strings.CutSuffix(rest, "IfExists"); ok {
		rest, o.IfExists = b, true
	}
	o.Base = rest
	return policy.Condition{Operator: o, Key: key, Values: vals}
}

func star() *policy.Principals { return &policy.Principals{Wildcard: true} }

func stmt(effect policy.Effect, pr *policy.Principals, action string, conds ...policy.Condition) policy.Statement {
	return policy.Statement{Effect: effect, Principal: pr, Action: []string{action}, Resource: []string{"arn:aws:s3:::bkt/*"}, Conditions: conds}
}

func pol(sts ...policy.Statement) *policy.Policy {
	for i := range sts {
		sts[i].Index = i
	}
	return &policy.Policy{Version: policy.Version2012, Kind: policy.KindBucket, Statements: sts}
}

// Spec 7.8 T61-T71: is the new bucket (or access point) policy public?
func TestPolicyPublicitySpecCases(t *testing.T) {
	getStar := func(c ...policy.Condition) *policy.Policy {
		return pol(stmt(policy.Allow, star(), "s3:GetObject", c...))
	}
	tests := []struct {
		id     string
		p      *policy.Policy
		opt    PublicityOptions
		public bool
	}{
		{"T61", getStar(), PublicityOptions{}, true},
		{"T62", getStar(cond("StringEquals", "aws:SourceVpce", "vpce-1a2b")), PublicityOptions{}, false},
		{"T63", getStar(cond("StringLike", "aws:SourceVpc", "vpc-*")), PublicityOptions{}, true},
		{"T64 0.0.0.0/1", getStar(cond("IpAddress", "aws:SourceIp", "0.0.0.0/1")), PublicityOptions{}, true},
		{"T64 203.0.113.0/24", getStar(cond("IpAddress", "aws:SourceIp", "203.0.113.0/24")), PublicityOptions{}, false},
		{"T64 2001:db8::/31", getStar(cond("IpAddress", "aws:SourceIp", "2001:db8::/31")), PublicityOptions{}, true},
		{"T64 2001:db8::/48", getStar(cond("IpAddress", "aws:SourceIp", "2001:db8::/48")), PublicityOptions{}, false},
		{"T65", pol(policy.Statement{Effect: policy.Allow, Principal: &policy.Principals{Federated: []string{"graph.facebook.com"}}, Action: []string{"s3:PutObject"}, Resource: []string{"*"}}), PublicityOptions{}, true},
		{"T66", getStar(cond("StringEquals", "aws:PrincipalOrgID", "o-abc")), PublicityOptions{}, false},
		{"T67", pol(policy.Statement{Effect: policy.Allow, Principal: star(), Action: []string{"s3:*"}, Resource: []string{"arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*"},
			Conditions: []policy.Condition{cond("StringLike", "s3:DataAccessPointArn", "arn:aws:s3:us-east-1:"+acctA+":accesspoint/*")}}), PublicityOptions{}, false},
		{"T68", pol(policy.Statement{Effect: policy.Allow, Principal: star(), Action: []string{"s3:*"}, Resource: []string{"arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*"},
			Conditions: []policy.Condition{cond("StringLike", "s3:DataAccessPointArn", "arn:aws:s3:us-east-1:"+acctA+":accesspoint/*")}}), PublicityOptions{AccessPoint: true}, true},
		{"T69", pol(stmt(policy.Allow, star(), "s3:NotASupportedAction")), PublicityOptions{}, true},
		{"T70", getStar(cond("StringNotEquals", "aws:SourceVpce", "vpce-1a2b")), PublicityOptions{}, true},
		{"T71", pol(stmt(policy.Deny, star(), "s3:*"), stmt(policy.Deny, star(), "s3:GetObject")), PublicityOptions{}, false},
		// T57/T58: a fixed account is non-public; a public statement taints the whole policy.
		{"T58", pol(stmt(policy.Allow, &policy.Principals{AWS: []string{acctB}}, "s3:GetObject")), PublicityOptions{}, false},
		{"T57", pol(stmt(policy.Allow, &policy.Principals{AWS: []string{acctB}}, "s3:GetObject"), stmt(policy.Allow, star(), "s3:GetObject")), PublicityOptions{}, true},
		// T60: service principal is fixed.
		{"T60 service", pol(stmt(policy.Allow, &policy.Principals{Service: []string{"cloudtrail.amazonaws.com"}}, "s3:PutObject")), PublicityOptions{}, false},
		// T121 / rule 8: NotPrincipal with Allow.
		{"T121", pol(policy.Statement{Effect: policy.Allow, NotPrincipal: &policy.Principals{AWS: []string{"arn:aws:iam::" + acctB + ":user/bob"}}, Action: []string{"s3:GetObject"}}), PublicityOptions{}, true},
		// AP with VPC origin: never public.
		{"AP VPC origin", getStar(), PublicityOptions{AccessPoint: true, VPCOrigin: true}, false},
		{"VPC origin ignored for buckets", getStar(), PublicityOptions{VPCOrigin: true}, true},
		{"nil policy", nil, PublicityOptions{}, false},
	}
	for _, tt := range tests {
		got := PolicyPublicity(tt.p, tt.opt)
		if got.Public != tt.public {
			t.Errorf("%s: Public = %v, want %v (%+v)", tt.id, got.Public, tt.public, got.PublicStatements)
		}
		if got.Public != (len(got.PublicStatements) > 0) {
			t.Errorf("%s: Public disagrees with PublicStatements", tt.id)
		}
		for _, ps := range got.PublicStatements {
			if ps.Reason == "" {
				t.Errorf("%s: statement %d has no reason", tt.id, ps.Index)
			}
		}
	}
}

// Spec 3.3 rules 2-6, one condition per row on Principal "*".
func TestConditionPins(t *testing.T) {
	apArn := "arn:aws:s3:us-east-1:" + acctA + ":accesspoint/ap1"
	tests := []struct {
		name string
		c    policy.Condition
		opt  PublicityOptions
		pins bool
	}{
		{"PrincipalOrgID fixed", cond("StringEquals", "aws:PrincipalOrgID", "o-abc"), PublicityOptions{}, true},
		{"PrincipalOrgID key case", cond("StringEquals", "AWS:PRINCIPALORGID", "o-abc"), PublicityOptions{}, true},
		{"PrincipalOrgID IgnoreCase", cond("StringEqualsIgnoreCase", "aws:PrincipalOrgID", "o-abc"), PublicityOptions{}, true},
		{"PrincipalOrgID StringLike fixed", cond("StringLike", "aws:PrincipalOrgID", "o-abc"), PublicityOptions{}, true},
		{"PrincipalOrgID StringLike wildcard", cond("StringLike", "aws:PrincipalOrgID", "o-*"), PublicityOptions{}, false},
		{"PrincipalOrgID variable", cond("StringEquals", "aws:PrincipalOrgID", "${aws:PrincipalTag/org}"), PublicityOptions{}, false},
		{"PrincipalOrgID IfExists", cond("StringEqualsIfExists", "aws:PrincipalOrgID", "o-abc"), PublicityOptions{}, false},
		{"PrincipalOrgID ForAllValues", cond("ForAllValues:StringEquals", "aws:PrincipalOrgID", "o-abc"), PublicityOptions{}, false},
		{"PrincipalOrgID ForAnyValue", cond("ForAnyValue:StringEquals", "aws:PrincipalOrgID", "o-abc"), PublicityOptions{}, true},
		{"PrincipalOrgID no values", cond("StringEquals", "aws:PrincipalOrgID"), PublicityOptions{}, false},
		{"PrincipalOrgID one wildcard among values", cond("StringEquals", "aws:PrincipalOrgID", "o-abc", "*"), PublicityOptions{}, false},
		{"PrincipalAccount", cond("StringEquals", "aws:PrincipalAccount", acctB), PublicityOptions{}, true},
		{"PrincipalAccount Null", cond("Null", "aws:PrincipalAccount", "false"), PublicityOptions{}, false},
		{"PrincipalOrgPaths ForAnyValue", cond("ForAnyValue:StringEquals", "aws:PrincipalOrgPaths", "o-abc/r-1/ou-1/"), PublicityOptions{}, true},
		{"PrincipalOrgPaths single-valued op", cond("StringEquals", "aws:PrincipalOrgPaths", "o-abc/r-1/ou-1/"), PublicityOptions{}, false},
		{"PrincipalOrgPaths wildcard", cond("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", "o-abc/*"), PublicityOptions{}, false},
		{"PrincipalIsAWSService true", cond("Bool", "aws:PrincipalIsAWSService", "true"), PublicityOptions{}, true},
		{"PrincipalIsAWSService false", cond("Bool", "aws:PrincipalIsAWSService", "false"), PublicityOptions{}, false},
		{"PrincipalIsAWSService StringEquals", cond("StringEquals", "aws:PrincipalIsAWSService", "true"), PublicityOptions{}, false},
		{"PrincipalServiceName", cond("StringEquals", "aws:PrincipalServiceName", "cloudtrail.amazonaws.com"), PublicityOptions{}, true},
		{"PrincipalArn fixed", cond("ArnEquals", "aws:PrincipalArn", "arn:aws:iam::"+acctB+":role/app"), PublicityOptions{}, true},
		{"PrincipalArn name wildcard fixed account", cond("ArnLike", "aws:PrincipalArn", "arn:aws:iam::"+acctB+":role/*"), PublicityOptions{}, true},
		{"PrincipalArn account wildcard", cond("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/app"), PublicityOptions{}, false},
		{"PrincipalArn not an ARN", cond("StringLike", "aws:PrincipalArn", "*"), PublicityOptions{}, false},
		{"PrincipalArn negated", cond("ArnNotEquals", "aws:PrincipalArn", "arn:aws:iam::"+acctB+":role/app"), PublicityOptions{}, false},
		{"PrincipalArn wrong operator", cond("IpAddress", "aws:PrincipalArn", "arn:aws:iam::"+acctB+":role/app"), PublicityOptions{}, false},
		{"SourceArn fixed", cond("ArnEquals", "aws:SourceArn", "arn:aws:cloudtrail:us-east-1:"+acctA+":trail/t"), PublicityOptions{}, true},
		{"SourceArn wildcard", cond("ArnLike", "aws:SourceArn", "arn:aws:cloudtrail:us-east-1:"+acctA+":trail/*"), PublicityOptions{}, false},
		{"SourceArn not ARN", cond("StringEquals", "aws:SourceArn", "trail"), PublicityOptions{}, false},
		{"SourceArn wrong op", cond("Bool", "aws:SourceArn", "arn:aws:s3:::b"), PublicityOptions{}, false},
		{"SourceVpc", cond("StringEquals", "aws:SourceVpc", "vpc-1"), PublicityOptions{}, true},
		{"SourceVpc wrong op", cond("IpAddress", "aws:SourceVpc", "vpc-1"), PublicityOptions{}, false},
		{"SourceOwner", cond("StringEquals", "aws:SourceOwner", acctA), PublicityOptions{}, true},
		{"SourceAccount", cond("StringEquals", "aws:SourceAccount", acctA), PublicityOptions{}, true},
		{"SourceIp bare address", cond("IpAddress", "aws:SourceIp", "203.0.113.7"), PublicityOptions{}, true},
		{"SourceIp /8", cond("IpAddress", "aws:SourceIp", "10.0.0.0/8"), PublicityOptions{}, true},
		{"SourceIp /7", cond("IpAddress", "aws:SourceIp", "10.0.0.0/7"), PublicityOptions{}, false},
		{"SourceIp RFC1918 /12", cond("IpAddress", "aws:SourceIp", "172.16.0.0/12"), PublicityOptions{}, true},
		{"SourceIp /32 v6", cond("IpAddress", "aws:SourceIp", "2001:db8::/32"), PublicityOptions{}, true},
		{"SourceIp v6 bare", cond("IpAddress", "aws:SourceIp", "2001:db8::1"), PublicityOptions{}, true},
		{"SourceIp v4-mapped broad", cond("IpAddress", "aws:SourceIp", "::ffff:0.0.0.0/97"), PublicityOptions{}, false},
		{"SourceIp v4-mapped narrow", cond("IpAddress", "aws:SourceIp", "::ffff:10.0.0.0/104"), PublicityOptions{}, true},
		{"SourceIp mixed narrow+broad", cond("IpAddress", "aws:SourceIp", "203.0.113.0/24", "0.0.0.0/0"), PublicityOptions{}, false},
		{"SourceIp garbage", cond("IpAddress", "aws:SourceIp", "not-an-ip"), PublicityOptions{}, false},
		{"SourceIp garbage prefix", cond("IpAddress", "aws:SourceIp", "1.2.3.4/99"), PublicityOptions{}, false},
		{"SourceIp NotIpAddress", cond("NotIpAddress", "aws:SourceIp", "203.0.113.0/24"), PublicityOptions{}, false},
		{"SourceIp StringEquals", cond("StringEquals", "aws:SourceIp", "203.0.113.7"), PublicityOptions{}, false},
		{"userid fixed", cond("StringEquals", "aws:userid", "AIDAEXAMPLE"), PublicityOptions{}, true},
		{"userid role sessions", cond("StringLike", "aws:userid", "AROAEXAMPLE:*"), PublicityOptions{}, true},
		{"userid any", cond("StringLike", "aws:userid", "*"), PublicityOptions{}, false},
		{"userid prefix wildcard", cond("StringLike", "aws:userid", "AROA*:*"), PublicityOptions{}, false},
		{"userid wrong op", cond("NumericEquals", "aws:userid", "1"), PublicityOptions{}, false},
		{"DataAccessPointArn fixed bucket policy", cond("StringEquals", "s3:DataAccessPointArn", apArn), PublicityOptions{}, true},
		{"DataAccessPointArn in AP policy", cond("StringEquals", "s3:DataAccessPointArn", apArn), PublicityOptions{AccessPoint: true}, false},
		{"DataAccessPointArn account wildcard", cond("StringLike", "s3:DataAccessPointArn", "arn:aws:s3:us-east-1:*:accesspoint/*"), PublicityOptions{}, false},
		{"DataAccessPointArn region wildcard", cond("StringLike", "s3:DataAccessPointArn", "arn:aws:s3:*:"+acctA+":accesspoint/*"), PublicityOptions{}, false},
		{"DataAccessPointArn not an AP", cond("StringLike", "s3:DataAccessPointArn", "arn:aws:s3:us-east-1:"+acctA+":job/*"), PublicityOptions{}, false},
		{"DataAccessPointAccount", cond("StringEquals", "s3:DataAccessPointAccount", acctA), PublicityOptions{}, true},
		{"DataAccessPointAccount in AP policy", cond("StringEquals", "s3:DataAccessPointAccount", acctA), PublicityOptions{AccessPoint: true}, true},
		{"KMS key id does not pin (spec 3.3)", cond("StringEquals", "s3:x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:us-east-1:"+acctA+":key/k"), PublicityOptions{}, false},
		{"SecureTransport does not pin", cond("Bool", "aws:SecureTransport", "true"), PublicityOptions{}, false},
		{"unknown key", cond("StringEquals", "aws:Referer", "https://example.com"), PublicityOptions{}, false},
		{"empty value", cond("StringEquals", "aws:SourceVpce", ""), PublicityOptions{}, false},
	}
	for _, tt := range tests {
		p := pol(stmt(policy.Allow, star(), "s3:GetObject", tt.c))
		got := PolicyPublicity(p, tt.opt)
		if got.Public == tt.pins {
			t.Errorf("%s: public = %v, want %v", tt.name, got.Public, !tt.pins)
		}
		if got := conditionPins(tt.c, tt.opt); got != tt.pins {
			t.Errorf("%s: conditionPins = %v, want %v", tt.name, got, tt.pins)
		}
	}
}

// Spec 3.3 rule 2 and principal forms.
func TestPrincipalPublicity(t *testing.T) {
	tests := []struct {
		name   string
		pr     *policy.Principals
		conds  []policy.Condition
		public bool
	}{
		{"account id", &policy.Principals{AWS: []string{acctB}}, nil, false},
		{"root ARN", &policy.Principals{AWS: []string{"arn:aws:iam::" + acctB + ":root"}}, nil, false},
		{"role + user + session", &policy.Principals{AWS: []string{"arn:aws:iam::" + acctB + ":role/r", "arn:aws:iam::" + acctB + ":user/u", "arn:aws:sts::" + acctB + ":assumed-role/r/s"}}, nil, false},
		{"canonical user", &policy.Principals{CanonicalUser: []string{strings.Repeat("ab", 32)}}, nil, false},
		{"AWS * in list", &policy.Principals{AWS: []string{acctB, "*"}}, nil, true},
		{"AWS * in list pinned", &policy.Principals{AWS: []string{"*"}}, []policy.Condition{cond("StringEquals", "aws:PrincipalAccount", acctB)}, false},
		{"wildcard ARN", &policy.Principals{AWS: []string{"arn:aws:iam::*:root"}}, nil, true},
		{"Service *", &policy.Principals{Service: []string{"*"}}, nil, true},
		{"Federated pinned still public", &policy.Principals{Federated: []string{"accounts.google.com"}}, []policy.Condition{cond("StringEquals", "aws:PrincipalOrgID", "o-abc")}, true},
		{"empty Principals grants nobody", &policy.Principals{}, nil, false},
		{"nil Principal in Allow", nil, nil, true},
	}
	for _, tt := range tests {
		p := pol(stmt(policy.Allow, tt.pr, "s3:GetObject", tt.conds...))
		if got := PolicyPublicity(p, PublicityOptions{}); got.Public != tt.public {
			t.Errorf("%s: public = %v, want %v", tt.name, got.Public, tt.public)
		}
	}
}

func TestPublicStatementDetails(t *testing.T) {
	p := pol(
		stmt(policy.Allow, &policy.Principals{AWS: []string{acctB}}, "s3:GetObject"),
		policy.Statement{Sid: "Open", Effect: policy.Allow, Principal: star(), NotAction: []string{"s3:DeleteObject"}, Resource: []string{"*"}},
		stmt(policy.Deny, star(), "s3:*"),
	)
	got := PolicyPublicity(p, PublicityOptions{})
	if !got.Public || len(got.PublicStatements) != 1 {
		t.Fatalf("got %+v", got)
	}
	ps := got.PublicStatements[0]
	if ps.Index != 1 || ps.Sid != "Open" || len(ps.NotAction) != 1 || ps.NotAction[0] != "s3:DeleteObject" || len(ps.Actions) != 0 {
		t.Errorf("public statement = %+v", ps)
	}
	if !strings.Contains(ps.Reason, `Principal "*"`) {
		t.Errorf("reason = %q", ps.Reason)
	}
}

// Spec 3.1: levels OR together.
func TestEffective(t *testing.T) {
	acct := BPASettings{RestrictPublicBuckets: true}
	bucket := BPASettings{BlockPublicAcls: true}
	ap := BPASettings{BlockPublicPolicy: true}
	tests := []struct {
		name   string
		levels []BPASettings
		want   BPASettings
	}{
		{"none", nil, BPASettings{}},
		{"T56 account RPB, bucket off", []BPASettings{acct, {}}, BPASettings{RestrictPublicBuckets: true}},
		{"three levels", []BPASettings{acct, bucket, ap}, BPASettings{BlockPublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}},
		{"default bucket", []BPASettings{{}, AllBlocked()}, BPASettings{true, true, true, true}},
		{"ignore only", []BPASettings{{IgnorePublicAcls: true}}, BPASettings{IgnorePublicAcls: true}},
	}
	for _, tt := range tests {
		if got := Effective(tt.levels...); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// Spec 3.2 and T72-T79 (classification part): is the ACL public?
func TestACLPublicity(t *testing.T) {
	owner := strings.Repeat("a1", 32)
	bucketOwner := acctA
	tests := []struct {
		id     string
		canned string
		isBkt  bool
		extra  []Grant
		public int // number of public grants
	}{
		{"T72 public-read", CannedPublicRead, false, nil, 1},
		{"T75 authenticated-read", CannedAuthenticatedRead, false, nil, 1},
		{"public-read-write", CannedPublicReadWrite, true, nil, 2},
		{"T76 account grant", CannedPrivate, false, []Grant{{acctB, PermRead}}, 0},
		{"T79 bucket-owner-read", CannedBucketOwnerRead, false, nil, 0},
		{"bucket-owner-full-control", CannedBucketOwnerFullControl, false, nil, 0},
		{"aws-exec-read", CannedAWSExecRead, false, nil, 0},
		{"log-delivery-write", CannedLogDeliveryWrite, true, nil, 0},
		{"private + AllUsers URI grant", CannedPrivate, false, []Grant{{"http://acs.amazonaws.com/groups/global/AllUsers", PermReadACP}}, 1},
		{"private + header uri form", CannedPrivate, false, []Grant{{`uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"`, PermWrite}}, 1},
		{"private + LogDelivery", CannedPrivate, true, []Grant{{"http://acs.amazonaws.com/groups/s3/LogDelivery", PermWrite}}, 0},
		{"invalid grantee not counted", CannedPrivate, false, []Grant{{"someone", PermRead}}, 0},
	}
	for _, tt := range tests {
		grants, err := CannedGrants(tt.canned, owner, bucketOwner, tt.isBkt)
		if err != nil {
			t.Fatalf("%s: %v", tt.id, err)
		}
		grants = append(grants, tt.extra...)
		public, pg := ACLPublicity(grants)
		if public != (tt.public > 0) || len(pg) != tt.public {
			t.Errorf("%s: public=%v grants=%v, want %d public grants", tt.id, public, pg, tt.public)
		}
		if IsPublicCannedACL(tt.canned) != (tt.public > 0 && tt.extra == nil) {
			t.Errorf("%s: IsPublicCannedACL disagrees", tt.id)
		}
	}
}

func BenchmarkPolicyPublicity(b *testing.B) {
	p := pol(
		stmt(policy.Allow, &policy.Principals{AWS: []string{acctB}}, "s3:GetObject"),
		stmt(policy.Allow, star(), "s3:GetObject", cond("StringEquals", "aws:SourceVpce", "vpce-1"), cond("IpAddress", "aws:SourceIp", "203.0.113.0/24")),
		stmt(policy.Deny, star(), "s3:*"),
	)
	for i := 0; i < b.N; i++ {
		PolicyPublicity(p, PublicityOptions{})
	}
}
