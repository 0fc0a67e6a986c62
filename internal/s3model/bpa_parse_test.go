package s3model

import (
	"fmt"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// The spec 7.8 cases again, from JSON through policy.Parse, so that the
// classifier agrees with the parser's model (Principal "*", operators).
func TestPolicyPublicityParsed(t *testing.T) {
	doc := func(principal, action, cond string) string {
		c := ""
		if cond != "" {
			c = `,"Condition":` + cond
		}
		return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":%s,"Action":%q,"Resource":"arn:aws:s3:::bkt/*"%s}]}`, principal, action, c)
	}
	tests := []struct {
		id     string
		json   string
		kind   policy.Kind
		public bool
	}{
		{"T61", doc(`"*"`, "s3:GetObject", ""), policy.KindBucket, true},
		{"T61 AWS *", doc(`{"AWS":"*"}`, "s3:GetObject", ""), policy.KindBucket, true},
		{"T62", doc(`"*"`, "s3:GetObject", `{"StringEquals":{"aws:SourceVpce":"vpce-1a2b"}}`), policy.KindBucket, false},
		{"T63", doc(`"*"`, "s3:GetObject", `{"StringLike":{"aws:SourceVpc":"vpc-*"}}`), policy.KindBucket, true},
		{"T64 /1", doc(`"*"`, "s3:GetObject", `{"IpAddress":{"aws:SourceIp":"0.0.0.0/1"}}`), policy.KindBucket, true},
		{"T64 /24", doc(`"*"`, "s3:GetObject", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), policy.KindBucket, false},
		{"T64 /31 v6", doc(`"*"`, "s3:GetObject", `{"IpAddress":{"aws:SourceIp":"2001:db8::/31"}}`), policy.KindBucket, true},
		{"T64 /48 v6", doc(`"*"`, "s3:GetObject", `{"IpAddress":{"aws:SourceIp":"2001:db8::/48"}}`), policy.KindBucket, false},
		{"T65", doc(`{"Federated":"graph.facebook.com"}`, "s3:PutObject", ""), policy.KindBucket, true},
		{"T66", doc(`"*"`, "s3:GetObject", `{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}`), policy.KindBucket, false},
		{"T67", doc(`"*"`, "s3:*", `{"StringLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-east-1:111111111111:accesspoint/*"}}`), policy.KindBucket, false},
		{"T68", doc(`"*"`, "s3:*", `{"StringLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-east-1:111111111111:accesspoint/*"}}`), policy.KindAccessPoint, true},
		{"T69", doc(`"*"`, "s3:NotASupportedAction", ""), policy.KindBucket, true},
		{"T70", doc(`"*"`, "s3:GetObject", `{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b"}}`), policy.KindBucket, true},
		{"IfExists", doc(`"*"`, "s3:GetObject", `{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1a2b"}}`), policy.KindBucket, true},
		{"T71", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*"}]}`, policy.KindBucket, false},
		{"T58", doc(`{"AWS":"222222222222"}`, "s3:GetObject", ""), policy.KindBucket, false},
	}
	for _, tt := range tests {
		p, err := policy.Parse(tt.json, tt.kind)
		if err != nil {
			t.Errorf("%s: parse: %v", tt.id, err)
			continue
		}
		got := PolicyPublicity(p, PublicityOptions{AccessPoint: tt.kind == policy.KindAccessPoint})
		if got.Public != tt.public {
			t.Errorf("%s: public = %v, want %v (%+v)", tt.id, got.Public, tt.public, got.PublicStatements)
		}
	}
}
