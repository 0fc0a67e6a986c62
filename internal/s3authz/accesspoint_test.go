package s3authz

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const (
	apA    = "arn:aws:s3:us-east-1:111111111111:accesspoint/ap1"
	apC    = "arn:aws:s3:us-east-1:333333333333:accesspoint/apc"
	uBap   = "arn:aws:iam::222222222222:user/bob"
	uCap   = "arn:aws:iam::333333333333:user/carol"
	acctC  = "333333333333"
	sessAp = "arn:aws:sts::111111111111:assumed-role/app/s1"
)

// pj builds a policy document from statements.
func pj(stmts ...map[string]any) string {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	if err != nil {
		panic(err)
	}
	return string(b)
}

func allowS(principal any, action string, resource ...string) map[string]any {
	s := map[string]any{"Effect": "Allow", "Action": action, "Resource": resource}
	if principal != nil {
		s["Principal"] = principal
	}
	return s
}

func withCond(s map[string]any, op, key, val string) map[string]any {
	s["Condition"] = map[string]any{op: map[string]any{key: val}}
	return s
}

// delegation is the bucket-policy statement of spec 2.6 that delegates
// access control to the access points of account acct.
func delegation(acct string) string {
	return pj(withCond(allowS(map[string]any{"AWS": "*"}, "*", "arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*"), "StringEquals", "s3:DataAccessPointAccount", acct))
}

// apReq is GetObject bkt/k (bucket owned by A, BPA all off) through apARN
// with the access point's BPA all off.
func apReq(principal, apARN string) *Request {
	return &Request{
		Principal: principal, Action: "s3:GetObject", Bucket: "bkt", Key: sp("k"), BucketAccountID: A,
		BlockPublicAccess: &BPA{},
		Context: map[string][]string{
			"aws:SourceIp":                  {"203.0.113.10"},
			KeyAccessPointArn:               {apARN},
			KeyAccessPointBlockPublicAccess: {},
		},
	}
}

type apCase struct {
	name     string
	spec     string
	req      func() *Request
	decision string
	layer    string
	// contains: substrings of the explanation
	contains []string
	// match: a matched statement that must be reported (layer/policy index)
	match *MatchedStatement
}

func runAPCases(t *testing.T, cases []apCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Evaluate(tc.req())
			if err != nil {
				t.Fatalf("spec %s: %v", tc.spec, err)
			}
			if res.Decision != tc.decision || res.DecidingLayer != tc.layer {
				t.Fatalf("spec %s: got %s/%s, want %s/%s\n%s", tc.spec, res.Decision, res.DecidingLayer, tc.decision, tc.layer, res.Explanation)
			}
			if res.Allowed != (tc.decision == "allowed") {
				t.Errorf("Allowed = %v for %s", res.Allowed, res.Decision)
			}
			if res.Decision != "allowed" && len(res.Suggestions) == 0 {
				t.Errorf("spec %s: a denial without a suggestion\n%s", tc.spec, res.Explanation)
			}
			for _, s := range tc.contains {
				if !strings.Contains(res.Explanation, s) {
					t.Errorf("spec %s: explanation lacks %q:\n%s", tc.spec, s, res.Explanation)
				}
			}
			if tc.match != nil {
				found := false
				for _, m := range res.MatchedStatements {
					if m.Layer == tc.match.Layer && m.PolicyIndex == tc.match.PolicyIndex && m.Effect == tc.match.Effect && m.StatementIndex == tc.match.StatementIndex {
						found = true
					}
				}
				if !found {
					t.Errorf("spec %s: matched statements %+v lack %+v", tc.spec, res.MatchedStatements, *tc.match)
				}
			}
		})
	}
}

// TestAccessPointRules: requests through an access point need both the
// access point side and the bucket side (spec 2.6), with the access point
// policy reported as bucket_policy, policy_index 1.
func TestAccessPointRules(t *testing.T) {
	apObj := apA + "/object/*"
	cObj := apC + "/object/*"
	runAPCases(t, []apCase{
		{"same account: identity on the AP ARN + bucket delegation", "2.6", func() *Request {
			r := apReq(uA, apA)
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", apObj))}
			r.BucketPolicy = sp(delegation(A))
			return r
		}, "allowed", "identity", []string{"both the access point " + apA}, &MatchedStatement{Layer: "bucket_policy", PolicyIndex: 0, Effect: "Allow"}},
		{"same account: AP policy names the user, bucket delegates, no identity policy (T149)", "2.6", func() *Request {
			r := apReq(uA, apA)
			r.Context[KeyAccessPointPolicy] = []string{pj(allowS(map[string]any{"AWS": uA}, "s3:GetObject", apObj))}
			r.BucketPolicy = sp(delegation(A))
			return r
		}, "allowed", "bucket_policy", nil, &MatchedStatement{Layer: "bucket_policy", PolicyIndex: apPolicyIndex, Effect: "Allow"}},
		{"AP policy allows, the bucket policy does not: implicit deny on the bucket side", "2.6", func() *Request {
			r := apReq(uA, apA)
			r.Context[KeyAccessPointPolicy] = []string{pj(allowS(map[string]any{"AWS": uA}, "s3:GetObject", apObj))}
			r.BucketPolicy = sp(pj(allowS(map[string]any{"AWS": uBap}, "s3:GetObject", "arn:aws:s3:::bkt/*")))
			return r
		}, "implicit_deny", "bucket_policy", []string{"on the bucket side", "s3:DataAccessPointArn"}, nil},
		{"identity policy on the bucket ARN does not stand in for the bucket policy", "2.6, 8.2 item 8", func() *Request {
			r := apReq(uA, apA)
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", apObj, "arn:aws:s3:::bkt/*"))}
			return r
		}, "implicit_deny", "bucket_policy", []string{"spec 8.2 item 8"}, nil},
		{"identity policy names only the bucket ARN: the access point side denies, with a hint", "2.6", func() *Request {
			r := apReq(uA, apA)
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", "arn:aws:s3:::bkt/*"))}
			r.BucketPolicy = sp(delegation(A))
			return r
		}, "implicit_deny", "identity", []string{"the access point ARN", apA + "/object/k"}, nil},
		{"ListBucket through the AP is authorized on the AP ARN", "2.1, 2.6", func() *Request {
			r := apReq(uA, apA)
			r.Action, r.Key = "s3:ListBucket", nil
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:ListBucket", apA))}
			r.BucketPolicy = sp(delegation(A))
			return r
		}, "allowed", "identity", nil, nil},
		{"role session: the boundary limits the access point side", "1.7, 2.6", func() *Request {
			r := apReq(sessAp, apA)
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", apObj))}
			r.PermissionsBoundary = sp(pj(allowS(nil, "s3:GetObject", "arn:aws:s3:::bkt/*")))
			r.BucketPolicy = sp(delegation(A))
			return r
		}, "implicit_deny", "permissions_boundary", nil, nil},
		{"cross-account AP (C) that the bucket delegates to", "2.6", func() *Request {
			r := apReq(uCap, apC)
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", cObj))}
			r.BucketPolicy = sp(delegation(acctC))
			return r
		}, "allowed", "identity", nil, nil},
		{"cross-account AP (C) the bucket says nothing about (T150)", "2.6", func() *Request {
			r := apReq(uCap, apC)
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", cObj))}
			r.Context[KeyAccessPointPolicy] = []string{pj(allowS(map[string]any{"AWS": uCap}, "s3:GetObject", cObj))}
			r.BucketPolicy = sp(delegation(A))
			return r
		}, "implicit_deny", "bucket_policy", nil, nil},
		{"cross-account caller through A's AP: AP policy and identity allow", "1.3 crossAccount, 2.6", func() *Request {
			r := apReq(uBap, apA)
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", apObj))}
			r.Context[KeyAccessPointPolicy] = []string{pj(allowS(map[string]any{"AWS": uBap}, "s3:GetObject", apObj))}
			r.BucketPolicy = sp(delegation(A))
			return r
		}, "allowed", "bucket_policy", nil, nil},
		{"cross-account caller through A's AP without an identity policy", "1.3 crossAccount, 2.6", func() *Request {
			r := apReq(uBap, apA)
			r.Context[KeyAccessPointPolicy] = []string{pj(allowS(map[string]any{"AWS": uBap}, "s3:GetObject", apObj))}
			r.BucketPolicy = sp(delegation(A))
			return r
		}, "implicit_deny", "identity", []string{"on the access point side"}, nil},
		{"cross-account caller through A's AP without an AP policy", "1.3 crossAccount, 2.6", func() *Request {
			r := apReq(uBap, apA)
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", apObj))}
			r.BucketPolicy = sp(delegation(A))
			return r
		}, "implicit_deny", "bucket_policy", []string{"access point policy (context " + KeyAccessPointPolicy + ")"}, nil},
		{"Deny in the AP policy", "1.3 step 1, 2.6", func() *Request {
			r := apReq(uA, apA)
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", apObj))}
			r.Context[KeyAccessPointPolicy] = []string{pj(map[string]any{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": apObj})}
			r.BucketPolicy = sp(delegation(A))
			return r
		}, "explicit_deny", "bucket_policy", []string{"access point side"}, &MatchedStatement{Layer: "bucket_policy", PolicyIndex: apPolicyIndex, Effect: "Deny"}},
		{"Deny in the bucket policy on the object ARN applies through the AP", "1.3 step 1, 2.6", func() *Request {
			r := apReq(uA, apA)
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", apObj))}
			r.BucketPolicy = sp(pj(
				withCond(allowS(map[string]any{"AWS": "*"}, "*", "arn:aws:s3:::bkt/*"), "StringEquals", "s3:DataAccessPointAccount", A),
				map[string]any{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/k"}))
			return r
		}, "explicit_deny", "bucket_policy", nil, &MatchedStatement{Layer: "bucket_policy", PolicyIndex: 0, StatementIndex: 1, Effect: "Deny"}},
		{"identity Deny on the AP ARN", "1.3 step 1", func() *Request {
			r := apReq(uA, apA)
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:*", "*"), map[string]any{"Effect": "Deny", "Action": "s3:GetObject", "Resource": apA + "/*"})}
			r.BucketPolicy = sp(delegation(A))
			return r
		}, "explicit_deny", "identity", nil, nil},
	})
}

// TestAccessPointBPA: AP Block Public Access settings are OR-ed with the
// bucket's and the account's (spec 3.1); RestrictPublicBuckets and a public
// access point policy refuse callers outside the AP owner account (3.4);
// access point policies are classified with the AP rules (3.3).
func TestAccessPointBPA(t *testing.T) {
	apObj := apA + "/object/*"
	publicAP := pj(allowS("*", "s3:GetObject", apObj))
	crossB := func(apBPA []string, apPolicy string) func() *Request {
		return func() *Request {
			r := apReq(uBap, apA)
			r.Context[KeyAccessPointBlockPublicAccess] = apBPA
			r.Context[KeyAccessPointPolicy] = []string{apPolicy}
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", apObj))}
			r.BucketPolicy = sp(delegation(A))
			return r
		}
	}
	runAPCases(t, []apCase{
		{"public AP policy, no AP RestrictPublicBuckets: cross-account allowed", "3.4", crossB([]string{}, publicAP), "allowed", "bucket_policy", nil, nil},
		{"public AP policy, AP RestrictPublicBuckets: cross-account explicit deny", "3.1, 3.4", crossB([]string{"RestrictPublicBuckets"}, publicAP), "explicit_deny", "block_public_access",
			[]string{"access point policy of " + apA + " is public", "access_point_block_public_access.restrict_public_buckets"}, nil},
		{"AP BPA absent: all four on by default", "3.1", func() *Request {
			r := crossB(nil, publicAP)()
			delete(r.Context, KeyAccessPointBlockPublicAccess)
			return r
		}, "explicit_deny", "block_public_access", nil, nil},
		{"comma-separated AP BPA names", "3.1", crossB([]string{"BlockPublicAcls, restrictpublicbuckets"}, publicAP), "explicit_deny", "block_public_access", nil, nil},
		{"non-public AP policy is unaffected by RestrictPublicBuckets", "3.1", crossB([]string{"RestrictPublicBuckets"}, pj(allowS(map[string]any{"AWS": uBap}, "s3:GetObject", apObj))), "allowed", "bucket_policy", nil, nil},
		{"VPC-origin AP policies are never public", "3.3", func() *Request {
			r := crossB([]string{"RestrictPublicBuckets"}, publicAP)()
			r.Context[KeyAccessPointNetworkOrigin] = []string{"VPC"}
			r.Context[KeyAccessPointVpcID] = []string{"vpc-1"}
			r.Context["aws:SourceVpce"] = []string{"vpce-1a2b"}
			r.Context["aws:SourceVpc"] = []string{"vpc-1"}
			delete(r.Context, "aws:SourceIp")
			return r
		}, "allowed", "bucket_policy", nil, nil},
		{"owner-account principal keeps access under RestrictPublicBuckets", "3.4", func() *Request {
			r := crossB([]string{"RestrictPublicBuckets"}, publicAP)()
			r.Principal = uA
			return r
		}, "allowed", "identity", nil, nil},
		{"AP RestrictPublicBuckets OR-ed onto a public bucket policy", "3.1", func() *Request {
			r := apReq(uBap, apA)
			r.Context[KeyAccessPointBlockPublicAccess] = []string{"RestrictPublicBuckets"}
			r.Context[KeyAccessPointPolicy] = []string{pj(allowS(map[string]any{"AWS": uBap}, "s3:GetObject", apObj))}
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", apObj))}
			r.BucketPolicy = sp(pj(allowS("*", "s3:GetObject", "arn:aws:s3:::bkt/*")))
			return r
		}, "explicit_deny", "block_public_access", []string{"the bucket policy is public"}, nil},
		{"the same public bucket policy without the AP: allowed (bucket BPA off)", "3.1", func() *Request {
			r := apReq(uBap, apA)
			for _, k := range []string{KeyAccessPointArn, KeyAccessPointBlockPublicAccess} {
				delete(r.Context, k)
			}
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", "arn:aws:s3:::bkt/*"))}
			r.BucketPolicy = sp(pj(allowS("*", "s3:GetObject", "arn:aws:s3:::bkt/*")))
			return r
		}, "allowed", "bucket_policy", nil, nil},
	})
}

// TestAccessPointPolicyWrite: PutAccessPointPolicy is judged by
// BlockPublicPolicy with the access point publicity rules (spec 3.1, 3.3, T68).
func TestAccessPointPolicyWrite(t *testing.T) {
	t67 := pj(withCond(allowS("*", "s3:*", apA, apA+"/object/*"), "StringLike", "s3:DataAccessPointArn", "arn:aws:s3:us-east-1:111111111111:accesspoint/*"))
	put := func(apBPA []string, newPolicy ...string) func() *Request {
		return func() *Request {
			r := apReq(uA, apA)
			r.Action, r.Key = "s3:PutAccessPointPolicy", nil
			r.Context[KeyAccessPointBlockPublicAccess] = apBPA
			if len(newPolicy) > 0 {
				r.Context[KeyNewAccessPointPolicy] = newPolicy
			}
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:PutAccessPointPolicy", apA))}
			return r
		}
	}
	runAPCases(t, []apCase{
		{"T68: DataAccessPointArn wildcard is public in an AP policy", "3.3", put([]string{"BlockPublicPolicy"}, t67), "explicit_deny", "block_public_access", nil, nil},
		{"non-public new AP policy", "3.3", put([]string{"BlockPublicPolicy"}, pj(allowS(map[string]any{"AWS": uA}, "s3:GetObject", apA+"/object/*"))), "allowed", "identity", nil, nil},
		{"BlockPublicPolicy off everywhere: a public AP policy is accepted", "3.1", put([]string{}, t67), "allowed", "identity", nil, nil},
		{"bucket BlockPublicPolicy covers same-account access points", "3.1", func() *Request {
			r := put([]string{}, t67)()
			r.BlockPublicAccess = &BPA{BlockPublicPolicy: true}
			return r
		}, "explicit_deny", "block_public_access", nil, nil},
		{"the new policy is needed when BlockPublicPolicy is on", "3.1", put([]string{"BlockPublicPolicy"}), "unknown", "block_public_access", []string{KeyNewAccessPointPolicy}, nil},
		{"PutAccessPointPolicy needs the identity permission on the AP ARN", "2.3", func() *Request {
			r := put([]string{"BlockPublicPolicy"}, t67)()
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:PutAccessPointPolicy", "arn:aws:s3:::bkt"))}
			return r
		}, "implicit_deny", "identity", nil, nil},
	})
}

// TestAccessPointNetworkOrigin: an AP with network origin VPC refuses
// requests not from its VPC (spec 2.6, T151), and its origin is the value of
// s3:AccessPointNetworkOrigin (spec 2.4, T152).
func TestAccessPointNetworkOrigin(t *testing.T) {
	apObj := apA + "/object/*"
	vpcReq := func(sourceVpc string, bucketPolicy string) func() *Request {
		return func() *Request {
			r := apReq(uA, apA)
			r.Context[KeyAccessPointNetworkOrigin] = []string{"VPC"}
			r.Context[KeyAccessPointVpcID] = []string{"vpc-1"}
			if sourceVpc != "" {
				delete(r.Context, "aws:SourceIp")
				r.Context["aws:SourceVpce"] = []string{"vpce-1a2b"}
				if sourceVpc != "-" {
					r.Context["aws:SourceVpc"] = []string{sourceVpc}
				}
			}
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", apObj))}
			r.BucketPolicy = sp(bucketPolicy)
			return r
		}
	}
	originDeny := pj(
		withCond(allowS(map[string]any{"AWS": "*"}, "*", "arn:aws:s3:::bkt/*"), "StringEquals", "s3:DataAccessPointAccount", A),
		withCond(map[string]any{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}, "StringNotEquals", "s3:AccessPointNetworkOrigin", "VPC"))
	runAPCases(t, []apCase{
		{"from the internet: rejected (T151)", "2.6", vpcReq("", delegation(A)), "rejected", "none", []string{"network origin VPC"}, nil},
		{"from another VPC: rejected", "2.6", vpcReq("vpc-2", delegation(A)), "rejected", "none", []string{"from vpc-2"}, nil},
		{"through a VPC endpoint whose VPC is not given: unknown", "2.6", vpcReq("-", delegation(A)), "unknown", "none", []string{"aws:SourceVpc"}, nil},
		{"from its VPC: allowed", "2.6", vpcReq("vpc-1", delegation(A)), "allowed", "identity", nil, nil},
		{"T152: origin Deny does not match through a VPC-origin AP", "2.4, 2.6", vpcReq("vpc-1", originDeny), "allowed", "identity", nil, nil},
		{"T152: origin Deny matches through an Internet-origin AP", "2.4, 2.6", func() *Request {
			r := apReq(uA, apA)
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", apObj))}
			r.BucketPolicy = sp(originDeny)
			return r
		}, "explicit_deny", "bucket_policy", nil, nil},
		{"s3:DataAccessPointArn is set from the AP", "2.4", func() *Request {
			r := apReq(uA, apA)
			r.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", apObj))}
			r.BucketPolicy = sp(pj(withCond(allowS(map[string]any{"AWS": "*"}, "s3:GetObject", "arn:aws:s3:::bkt/*"), "StringEquals", "s3:DataAccessPointArn", "arn:aws:s3:us-east-1:111111111111:accesspoint/other")))
			return r
		}, "implicit_deny", "bucket_policy", nil, nil},
	})
}

// TestAccessPointInputErrors: unreadable or contradictory access point
// pseudo-keys fail closed with an error naming the argument.
func TestAccessPointInputErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(r *Request)
		field string
		msg   string
	}{
		{"not an ARN", func(r *Request) { r.Context[KeyAccessPointArn] = []string{"ap1"} }, "context", KeyAccessPointArn},
		{"bucket ARN", func(r *Request) { r.Context[KeyAccessPointArn] = []string{"arn:aws:s3:::bkt"} }, "context", "no region"},
		{"bad account", func(r *Request) {
			r.Context[KeyAccessPointArn] = []string{"arn:aws:s3:us-east-1:1111:accesspoint/ap1"}
		}, "context", "12-digit"},
		{"bad resource", func(r *Request) {
			r.Context[KeyAccessPointArn] = []string{"arn:aws:s3:us-east-1:111111111111:bucket/ap1"}
		}, "context", "accesspoint/NAME"},
		{"other partition", func(r *Request) {
			r.Context[KeyAccessPointArn] = []string{"arn:aws-cn:s3:cn-north-1:111111111111:accesspoint/ap1"}
		}, "context", "partition"},
		{"two ARNs", func(r *Request) { r.Context[KeyAccessPointArn] = []string{apA, apC} }, "context", "exactly one"},
		{"AP policy without the AP", func(r *Request) {
			delete(r.Context, KeyAccessPointArn)
			r.Context[KeyAccessPointPolicy] = []string{pj(allowS("*", "s3:GetObject", "*"))}
		}, "context", "give " + KeyAccessPointArn},
		{"invalid AP policy", func(r *Request) { r.Context[KeyAccessPointPolicy] = []string{`{"Statement":[{"Effect":"Allow"`} }, "context", KeyAccessPointPolicy},
		{"unknown BPA setting", func(r *Request) { r.Context[KeyAccessPointBlockPublicAccess] = []string{"BlockEverything"} }, "context", "unknown setting"},
		{"VPC origin without a VPC id", func(r *Request) { r.Context[KeyAccessPointNetworkOrigin] = []string{"VPC"} }, "context", KeyAccessPointVpcID},
		{"unknown origin", func(r *Request) { r.Context[KeyAccessPointNetworkOrigin] = []string{"Intranet"} }, "context", "Internet or VPC"},
		{"VPC id with Internet origin", func(r *Request) {
			r.Context[KeyAccessPointNetworkOrigin] = []string{"Internet"}
			r.Context[KeyAccessPointVpcID] = []string{"vpc-1"}
		}, "context", "Internet"},
		{"contradicting s3:DataAccessPointArn", func(r *Request) { r.Context["s3:DataAccessPointArn"] = []string{apC} }, "context", "contradicts"},
		{"contradicting s3:AccessPointNetworkOrigin", func(r *Request) { r.Context["s3:AccessPointNetworkOrigin"] = []string{"VPC"} }, "context", "contradicts"},
		{"bucket-only action through an AP", func(r *Request) { r.Action, r.Key = "s3:PutBucketPolicy", nil }, "context", "cannot be requested through an access point"},
		{"key on an AP management action", func(r *Request) { r.Action = "s3:PutAccessPointPolicy" }, "key", "remove key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := apReq(uA, apA)
			tc.edit(r)
			_, err := Evaluate(r)
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != tc.field || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("want InputError on %s containing %q, got %v", tc.field, tc.msg, err)
			}
		})
	}
	// agreeing values are accepted
	r := apReq(uA, apA)
	r.Context["s3:DataAccessPointArn"] = []string{apA}
	r.Context["s3:DataAccessPointAccount"] = []string{A}
	r.Context["s3:AccessPointNetworkOrigin"] = []string{"internet"}
	if _, err := Evaluate(r); err != nil {
		t.Fatalf("agreeing access point keys: %v", err)
	}
}
