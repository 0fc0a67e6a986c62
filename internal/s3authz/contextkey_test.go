package s3authz

import (
	"errors"
	"strings"
	"testing"
)

// TestContextKeyValidation: every key of the context argument is checked by
// Evaluate (spec 6.8 keys; fail closed on a malformed or unknown aws:, s3:,
// kms: or s3access: key), and an accepted key still yields a decision.
func TestContextKeyValidation(t *testing.T) {
	base := func() *Request {
		return &Request{Principal: "arn:aws:iam::111111111111:user/alice", Action: "s3:GetObject", Bucket: "bkt", Key: rtStr("k"),
			IdentityPolicies:  []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
			BlockPublicAccess: &BPA{}, Context: map[string][]string{"aws:SourceIp": {"203.0.113.10"}}}
	}
	cases := []struct {
		key     string
		wantErr string // "" = accepted
	}{
		{"aws:UserAgent", ""},
		{"AWS:USERAGENT", ""},                          // keys are case-insensitive
		{"aws:PrincipalTag/team", ""},                  // known prefix
		{"s3:RequestObjectTag/env", ""},                // known prefix (lower-cased)
		{"kms:EncryptionContext:aws:s3:arn", ""},       // known prefix
		{"ec2:InstanceType", ""},                       // other services: accepted as written
		{"s3access:ManagementAccount", ""},             // pseudo-key
		{"aws:PrincipalTag/", "unknown condition key"}, // prefix alone is not a key
		{"aws:SourceIP2", "unknown condition key"},
		{"s3:NoSuchKey", "unknown condition key"},
		{"kms:NoSuchKey", "unknown condition key"},
		{"s3access:Bogus", "unknown pseudo-key"},
		{"SourceIp", "expected service:Key"},
		{":SourceIp", "expected service:Key"},
		{"aws:", "expected service:Key"},
		{"aws:Source Ip", "expected service:Key"},
	}
	for _, c := range cases {
		q := base()
		val := "true"
		if strings.EqualFold(c.key, KeyManagementAccount) {
			val = "999999999999"
		}
		q.Context[c.key] = []string{val}
		res, err := Evaluate(q)
		if c.wantErr == "" {
			if err != nil {
				t.Errorf("spec 6.8 key %q: want accepted, got %v", c.key, err)
			}
			continue
		}
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != "context" || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("spec 6.8 key %q: want InputError on context containing %q, got err=%v allowed=%v",
				c.key, c.wantErr, err, res != nil && res.Allowed)
		}
	}
}

// TestMissingLevel: the SCP/RCP fix names the level the layer verdict names
// (spec 1.6 chains), and refuses to guess one from any other detail.
func TestMissingLevel(t *testing.T) {
	cases := []struct {
		detail string
		want   int
		ok     bool
	}{
		{"level 0 has no matching Allow", 0, true},
		{"level 3 has no matching Allow", 3, true},
		{"level 12", 12, true},
		{"no statement matches", 0, false},
		{"level x has no matching Allow", 0, false},
		{"level -1 has no matching Allow", 0, false},
		{"level ", 0, false},
		{"", 0, false},
	}
	for _, c := range cases {
		got, ok := missingLevel(c.detail)
		if got != c.want || ok != c.ok {
			t.Errorf("missingLevel(%q) = %d, %v; want %d, %v", c.detail, got, ok, c.want, c.ok)
		}
	}
}
