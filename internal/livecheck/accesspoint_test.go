package livecheck

import (
	"context"
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

// TestAccessPointInputsNotAssumed: live mode does not read an access point's
// policy or network origin (spec 2.6); a request through an access point
// whose context leaves them out is unknown (bucket_policy layer, naming the
// missing input), never evaluated as "no access point policy, Internet
// origin". Before the fix the first cases were allowed.
func TestAccessPointInputsNotAssumed(t *testing.T) {
	const apARN = "arn:aws:s3:us-east-1:111111111111:accesspoint/ap1"
	apPolicy := doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:111111111111:accesspoint/ap1/object/*"}`)
	// The bucket delegates to its access points (spec 2.6).
	bucketPolicy := doc(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111111111111"}}}`)
	cases := []struct {
		name     string
		ctx      map[string][]string
		decision string
		missing  []string // inputs named in the explanation and the failures
	}{
		{"2.6: access point without policy and network origin", map[string][]string{
			s3authz.KeyAccessPointArn: {apARN}},
			"unknown", []string{"context." + s3authz.KeyAccessPointPolicy, "context." + s3authz.KeyAccessPointNetworkOrigin}},
		{"2.6: access point policy given, network origin not", map[string][]string{
			s3authz.KeyAccessPointArn: {apARN}, s3authz.KeyAccessPointPolicy: {apPolicy}},
			"unknown", []string{"context." + s3authz.KeyAccessPointNetworkOrigin}},
		{"2.6: network origin given, access point policy not (key spelled in lower case)", map[string][]string{
			"s3access:accesspointarn": {apARN}, s3authz.KeyAccessPointNetworkOrigin: {"Internet"}},
			"unknown", []string{"context." + s3authz.KeyAccessPointPolicy}},
		{"2.6: both given: evaluated", map[string][]string{
			s3authz.KeyAccessPointArn: {apARN}, s3authz.KeyAccessPointPolicy: {apPolicy}, s3authz.KeyAccessPointNetworkOrigin: {"Internet"}},
			"allowed", nil},
		{"2.6: policy and VPC id given (implies VPC origin): evaluated", map[string][]string{
			s3authz.KeyAccessPointArn: {apARN}, s3authz.KeyAccessPointPolicy: {apPolicy}, s3authz.KeyAccessPointVpcID: {"vpc-1"},
			"aws:SourceVpc": {"vpc-1"}, "aws:SourceVpce": {"vpce-1"}},
			"allowed", nil},
		{"no access point: nothing required", map[string][]string{"aws:SourceIp": {"203.0.113.10"}}, "allowed", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			m.policy = ptr(bucketPolicy)
			req := getReq("s3:GetObject", "k")
			req.Context = tc.ctx
			rep, err := Check(context.Background(), m, req, Options{})
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			res := rep.Result
			if res.Decision != tc.decision {
				t.Fatalf("decision %s (layer %s), want %s\n%s", res.Decision, res.DecidingLayer, tc.decision, res.Explanation)
			}
			if len(rep.Failures) != len(tc.missing) {
				t.Fatalf("failures %v, want %d", rep.Failures, len(tc.missing))
			}
			if tc.decision != "unknown" {
				return
			}
			if res.DecidingLayer != "bucket_policy" || res.Allowed {
				t.Errorf("deciding layer %s allowed %v, want bucket_policy, false", res.DecidingLayer, res.Allowed)
			}
			for i, in := range tc.missing {
				if rep.Failures[i].Input != in || rep.Failures[i].Layer != "bucket_policy" {
					t.Errorf("failure %d = %s/%s, want bucket_policy/%s", i, rep.Failures[i].Layer, rep.Failures[i].Input, in)
				}
				if !strings.Contains(res.Explanation, in) {
					t.Errorf("explanation does not name %s:\n%s", in, res.Explanation)
				}
			}
			if !strings.Contains(res.Explanation, "is not read live") || !strings.Contains(res.Explanation, apARN) {
				t.Errorf("explanation does not say the access point is not read live:\n%s", res.Explanation)
			}
			if len(res.Suggestions) == 0 || !strings.Contains(res.Suggestions[0], "set context.") {
				t.Errorf("suggestions %q do not name the input to set", res.Suggestions)
			}
			for _, l := range res.Layers {
				if l.Layer == "bucket_policy" && l.Result != "unknown" {
					t.Errorf("bucket_policy layer %s, want unknown", l.Result)
				}
			}
		})
	}
}
