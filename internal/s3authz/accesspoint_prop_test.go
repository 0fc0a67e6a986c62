package s3authz

import (
	"math/rand"
	"testing"
)

// TestAccessPointInvariants: over generated requests through an access
// point (spec 2.6): an allowed request needs a bucket-side grant (removing the
// bucket policy never leaves it allowed, except for the bucket owner's root),
// and a Deny of everything added to the access point policy or to the bucket
// policy always denies explicitly. A VPC-origin access point reached from the
// internet is never allowed.
func TestAccessPointInvariants(t *testing.T) {
	r := rand.New(rand.NewSource(17))
	principals := []string{uA, uBap, uCap, sessAp, "111111111111", "333333333333", "anonymous", "cloudtrail.amazonaws.com"}
	aps := []string{apA, apC}
	actions := []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject"}
	denyAll := map[string]any{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}
	nAllowed := 0
	for i := 0; i < 600; i++ {
		ap := aps[r.Intn(len(aps))]
		q := apReq(principals[r.Intn(len(principals))], ap)
		q.Action = actions[r.Intn(len(actions))]
		res := ap + "/object/*"
		if q.Action == "s3:ListBucket" {
			q.Key, res = nil, ap
		}
		if q.Principal == "cloudtrail.amazonaws.com" || q.Principal == "anonymous" {
			q.BucketAccountID = A
		}
		if r.Intn(4) > 0 {
			q.IdentityPolicies = []string{pj(allowS(nil, "s3:*", []string{res, "*", "arn:aws:s3:::bkt/*"}[r.Intn(3)]))}
		}
		if r.Intn(3) > 0 {
			q.Context[KeyAccessPointPolicy] = []string{pj(allowS([]any{"*", map[string]any{"AWS": q.Principal}, map[string]any{"AWS": "111111111111"}}[r.Intn(3)], "s3:*", res))}
		}
		switch r.Intn(3) {
		case 0:
			q.BucketPolicy = sp(delegation([]string{A, acctC}[r.Intn(2)]))
		case 1:
			q.BucketPolicy = sp(pj(allowS("*", "s3:*", "arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*")))
		}
		if r.Intn(3) == 0 {
			q.Context[KeyAccessPointBlockPublicAccess] = []string{"RestrictPublicBuckets"}
		}
		base, err := Evaluate(q)
		if err != nil {
			continue // e.g. a service principal's policy forms; covered elsewhere
		}
		if !base.Allowed {
			continue
		}
		nAllowed++
		noBP := *q
		noBP.BucketPolicy = nil
		if got, err := Evaluate(&noBP); err == nil && got.Allowed && q.Principal != "111111111111" {
			t.Errorf("%d: allowed through %s without any bucket policy: %s", i, ap, got.Explanation)
		}
		for _, mut := range []func(*Request){
			func(c *Request) { c.Context[KeyAccessPointPolicy] = []string{pj(denyAll)} },
			func(c *Request) { c.BucketPolicy = sp(pj(denyAll)) },
		} {
			c := *q
			c.Context = map[string][]string{}
			for k, v := range q.Context {
				c.Context[k] = v
			}
			mut(&c)
			if got, err := Evaluate(&c); err != nil || got.Decision != "explicit_deny" {
				t.Errorf("%d: a Deny of everything did not deny explicitly: %v %v", i, err, got)
			}
		}
		vpc := *q
		vpc.Context = map[string][]string{}
		for k, v := range q.Context {
			vpc.Context[k] = v
		}
		vpc.Context[KeyAccessPointNetworkOrigin] = []string{"VPC"}
		vpc.Context[KeyAccessPointVpcID] = []string{"vpc-1"}
		if got, err := Evaluate(&vpc); err != nil || got.Allowed || got.Decision != "rejected" {
			t.Errorf("%d: VPC-origin access point from the internet: %v %+v", i, err, got)
		}
	}
	if nAllowed < 30 {
		t.Fatalf("generator too one-sided: %d allowed of 600", nAllowed)
	}
	t.Logf("%d allowed requests checked", nAllowed)
}

// BenchmarkEvaluateAccessPoint: one same-account GetObject through an access
// point (two authz evaluations).
func BenchmarkEvaluateAccessPoint(b *testing.B) {
	q := apReq(uA, apA)
	q.IdentityPolicies = []string{pj(allowS(nil, "s3:GetObject", apA+"/object/*"))}
	q.Context[KeyAccessPointPolicy] = []string{pj(allowS(map[string]any{"AWS": uA}, "s3:GetObject", apA+"/object/*"))}
	q.BucketPolicy = sp(delegation(A))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if r, err := Evaluate(q); err != nil || !r.Allowed {
			b.Fatal(err, r)
		}
	}
}
