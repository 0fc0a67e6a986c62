package authz

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

func FuzzMatchResource(f *testing.F) {
	for _, s := range [][2]string{
		{"arn:aws:s3:::bkt/*", "arn:aws:s3:::bkt/k"}, {"*", "x"}, {"arn:aws:s3:::*log*", "arn:aws:s3:::a-logs/f"},
		{"a?c", "abc"}, {"**?*", ""}, {"arn:aws:s3:::bkt/é?", "arn:aws:s3:::bkt/éé"}, {"arn:*:*:*:*:*", "arn:aws:s3:::b"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, arn string) {
		got := MatchResource(pattern, arn)
		MatchARN(pattern, arn)
		// A pattern without wildcards matches exactly itself.
		if !strings.ContainsAny(pattern, "*?") {
			if got != (pattern == arn) {
				t.Fatalf("literal pattern %q vs %q: %v", pattern, arn, got)
			}
			if !MatchResource(pattern, pattern) {
				t.Fatalf("literal pattern does not match itself")
			}
		}
		// Appending "*" never loses a match.
		if got && !MatchResource(pattern+"*", arn) {
			t.Fatalf("%q matched but %q* did not", pattern, pattern)
		}
	})
}

func FuzzMatchAction(f *testing.F) {
	for _, s := range [][2]string{{"s3:Get*", "s3:GetObject"}, {"*", "iam:X"}, {"S3:?ETOBJECT", "s3:GetObject"}, {"s3", "s3:x"}, {":", ":"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, action string) {
		got := MatchAction(pattern, action)
		if got != MatchAction(strings.ToUpper(pattern), strings.ToLower(action)) && isASCII(pattern+action) {
			t.Fatalf("case changed the result for %q %q", pattern, action)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func FuzzEvalConditions(f *testing.F) {
	seeds := []struct {
		op, key, val, ck, cv string
		multi                bool
	}{
		{"StringEquals", "aws:username", "alice", "aws:username", "alice", false},
		{"ForAnyValue:StringLikeIfExists", "aws:TagKeys", "a*", "aws:TagKeys", "ab", true},
		{"NotIpAddress", "aws:SourceIp", "10.0.0.0/8", "aws:SourceIp", "::1", false},
		{"DateLessThan", "aws:CurrentTime", "2024-01-01", "aws:CurrentTime", "1700000000", false},
		{"NumericGreaterThanEquals", "n", "1.5", "n", "2", false},
		{"ArnLike", "k", "arn:aws:${aws:x, 'y'}:*:*:*", "k", "arn:aws:y:a:b:c", false},
		{"Null", "k", "true", "j", "x", false},
		{"BinaryEquals", "k", "aGk=", "k", "hi", false},
		{"Bogus", "k", "v", "k", "v", false},
		{"ForAllValues:StringNotEquals", "k", "${*}", "k", "*", true},
	}
	for _, s := range seeds {
		f.Add(s.op, s.key, s.val, s.ck, s.cv, s.multi)
	}
	f.Fuzz(func(t *testing.T, op, key, val, ck, cv string, multi bool) {
		ctx := NewContext()
		if multi {
			ctx.SetMulti(ck, strings.Split(cv, ",")...)
		} else {
			ctx.Set(ck, cv)
		}
		o, err := policy.ParseOperator(op)
		if err != nil {
			o = policy.Operator{Raw: op}
		}
		conds := []policy.Condition{{Operator: o, Key: key, Values: []string{val}}}
		r1, _, reason := EvaluateConditions(conds, ctx, true)
		r2, _, _ := EvaluateConditions(conds, ctx, true)
		if r1 != r2 {
			t.Fatal("non-deterministic")
		}
		if r1 != CondTrue && reason == "" {
			t.Fatalf("%v without a reason", r1)
		}
		if err != nil && r1 == CondTrue {
			t.Fatalf("unknown operator %q evaluated true", op)
		}
	})
}

// FuzzParseIPv4Fast: the fast path for request addresses accepts only what
// netip.ParseAddr reads as the same IPv4 address.
func FuzzParseIPv4Fast(f *testing.F) {
	for _, s := range []string{"198.51.100.7", "0.0.0.0", "255.255.255.255", "01.2.3.4", "1.2.3", "1.2.3.4.5", "256.1.1.1", " 1.2.3.4", "1..2.3", "::ffff:1.2.3.4", "1.2.3.4%eth0", "", "1.2.3.", ".1.2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := parseIPv4Fast(s)
		if !ok {
			return
		}
		want, err := netip.ParseAddr(s)
		if err != nil || want != a || !a.Is4() {
			t.Fatalf("parseIPv4Fast(%q) = %v, netip.ParseAddr = %v, %v", s, a, want, err)
		}
	})
}
