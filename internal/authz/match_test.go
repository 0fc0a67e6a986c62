package authz

import "testing"

func TestMatchAction(t *testing.T) {
	cases := []struct {
		spec, pattern, action string
		want                  bool
	}{
		{"6.3", "*", "s3:GetObject", true},
		{"6.3", "*", "iam:CreateUser", true},
		{"6.3", "s3:*", "s3:GetObject", true},
		{"6.3 service prefix must match", "s3:*", "s3control:GetAccessPoint", false},
		{"6.3", "s3:*", "iam:CreateUser", false},
		{"T108 case-insensitive", "S3:getobject", "s3:GetObject", true},
		{"T109", "s3:Get*Acl", "s3:GetObjectAcl", true},
		{"T109", "s3:Get*Acl", "s3:GetObject", false},
		{"T110", "s3:?etObject", "s3:GetObject", true},
		{"T110", "s3:?etObject", "s3:GGetObject", false},
		{"6.3", "s3:GetObject", "s3:GetObjectAcl", false},
		{"6.3", "s3:*Object*", "s3:PutObjectTagging", true},
		{"6.3 no colon", "s3", "s3:GetObject", false},
		{"6.3 no colon", "s3*", "s3:GetObject", false},
		{"6.3", "s3:GetObject", "GetObject", false},
		{"6.3", "s3:", "s3:GetObject", false},
		{"6.3", "s3:*", "s3:", true},
	}
	for _, c := range cases {
		if got := MatchAction(c.pattern, c.action); got != c.want {
			t.Errorf("[%s] MatchAction(%q, %q) = %v, want %v", c.spec, c.pattern, c.action, got, c.want)
		}
	}
}

func TestMatchResource(t *testing.T) {
	cases := []struct {
		spec, pattern, arn string
		want               bool
	}{
		{"6.5", "*", "arn:aws:s3:::bkt/k", true},
		{"6.5", "*", "*", true},
		{"6.5", "arn:aws:s3:::bkt/*", "arn:aws:s3:::bkt/k", true},
		{"6.5 * spans /", "arn:aws:s3:::bkt/*", "arn:aws:s3:::bkt/a/b/c", true},
		{"T113", "arn:aws:s3:::bkt", "arn:aws:s3:::bkt/k", false},
		{"T112", "arn:aws:s3:::bkt/*", "arn:aws:s3:::bkt", false},
		{"T111 case-sensitive", "arn:aws:s3:::bkt/Reports/*", "arn:aws:s3:::bkt/reports/q1", false},
		{"T114", "arn:aws:s3:::bkt*", "arn:aws:s3:::bkt-logs/2024/a", true},
		{"T156", "arn:aws:s3:::*log*", "arn:aws:s3:::carlossalazar-logs/f", true},
		{"T157", "arn:aws:s3:::*log*", "*", false},
		{"6.5 ?", "arn:aws:s3:::bkt/?", "arn:aws:s3:::bkt/k", true},
		{"6.5 ?", "arn:aws:s3:::bkt/?", "arn:aws:s3:::bkt/kk", false},
		{"6.5 ? one character (UTF-8)", "arn:aws:s3:::bkt/?", "arn:aws:s3:::bkt/é", true},
		{"6.5 * spans :", "arn:aws:s3:*", "arn:aws:s3:us-east-1:111111111111:accesspoint/ap1", true},
		{"6.5", "arn:aws:s3:::bkt/*/x", "arn:aws:s3:::bkt/a/b/x", true},
		{"6.5", "arn:aws:s3:::bkt/*/x", "arn:aws:s3:::bkt/a/b/y", false},
		{"6.5", "arn:aws:s3:::**", "arn:aws:s3:::", true},
		{"6.5", "", "arn:aws:s3:::bkt", false},
		{"6.5", "", "", true},
	}
	for _, c := range cases {
		if got := MatchResource(c.pattern, c.arn); got != c.want {
			t.Errorf("[%s] MatchResource(%q, %q) = %v, want %v", c.spec, c.pattern, c.arn, got, c.want)
		}
	}
}

func TestMatchARN(t *testing.T) {
	cases := []struct {
		spec, pattern, value string
		want                 bool
	}{
		{"T139 ArnLike keeps components apart", "arn:aws:someservice:*:111122223333:finance/*", "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt", false},
		{"6.6", "arn:aws:someservice:*:111122223333:finance/*", "arn:aws:someservice:us-east-2:111122223333:finance/a:b", true},
		{"6.6", "arn:aws:iam::111111111111:role/app", "arn:aws:iam::111111111111:role/app", true},
		{"6.6 case-sensitive", "arn:aws:iam::111111111111:role/App", "arn:aws:iam::111111111111:role/app", false},
		{"6.6", "arn:aws:iam::*:role/*", "arn:aws:iam::111111111111:role/app", true},
		{"6.6 * in a component does not span :", "arn:aws:*:role/app", "arn:aws:iam::111111111111:role/app", false},
		{"6.6", "*", "anything", true},
		{"6.6 not an ARN", "arn:aws:iam::111111111111:role/app", "app", false},
		{"6.6 not an ARN", "role/*", "arn:aws:iam::111111111111:role/app", false},
		{"6.6 ?", "arn:aws:s3:::bk?", "arn:aws:s3:::bkt", true},
	}
	for _, c := range cases {
		if got := MatchARN(c.pattern, c.value); got != c.want {
			t.Errorf("[%s] MatchARN(%q, %q) = %v, want %v", c.spec, c.pattern, c.value, got, c.want)
		}
	}
}

func TestGlobLiteralMask(t *testing.T) {
	// spec 6.7: substituted values and escapes are literal.
	lit := []bool{false, false, true, false}
	if glob("ab*c", "abXc", false, lit) {
		t.Error("literal * matched a wildcard run")
	}
	if !glob("ab*c", "ab*c", false, lit) {
		t.Error("literal * did not match itself")
	}
	if !glob("ab*c", "abXYc", false, nil) {
		t.Error("wildcard * did not match")
	}
	if !glob("a?", "A?", true, []bool{false, true}) || glob("a?", "ax", false, []bool{false, true}) {
		t.Error("literal ? or fold wrong")
	}
	if !glob("a*", "a", false, nil) || glob("a*", "a", false, []bool{false, true}) {
		t.Error("trailing * handling wrong")
	}
}

func TestMatchersDoNotAllocate(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		MatchAction("s3:Get*", "s3:GetObject")
		MatchResource("arn:aws:s3:::bkt/*", "arn:aws:s3:::bkt/a/b")
		MatchARN("arn:aws:iam::*:role/*", "arn:aws:iam::111111111111:role/app")
	})
	if n != 0 {
		t.Errorf("matchers allocate %v times per run", n)
	}
}
