package testserver

import "testing"

// SetUp creates the scenario's bucket, object, user, inline policies and
// bucket policy on v, and returns the keys the request is made with.
func setUp(t *testing.T, v *Versity, s Scenario) (access, secret string) {
	t.Helper()
	v.CreateBucket(s.Bucket)
	if s.Key != "" {
		v.PutObject(s.Bucket, s.Key, "scenario "+s.ID)
	}
	access, secret = v.RootAccess, v.RootSecret
	if s.User != "" {
		access, secret = v.CreateUser(s.User)
		for i, d := range s.UserPolicies {
			v.PutUserPolicyNamed(s.User, "p"+string(rune('0'+i)), d)
		}
	}
	if s.BucketPolicy != "" {
		v.PutBucketPolicy(s.Bucket, s.BucketPolicy)
	}
	return access, secret
}

// TestScenariosAgainstVersity checks that the recorded ObservedStatus of every
// scenario is what Versity returns for the real request made with the
// scenario user's own keys (spec section 7 case ids in Scenario.ID).
func TestScenariosAgainstVersity(t *testing.T) {
	v := StartVersity(t)
	seen := map[string]bool{}
	for _, s := range Scenarios {
		if seen[s.Bucket] || (s.User != "" && seen["user:"+s.User]) {
			t.Fatalf("%s: bucket %s or user %s reused; scenarios must be independent", s.ID, s.Bucket, s.User)
		}
		seen[s.Bucket], seen["user:"+s.User] = true, true
		t.Run(s.ID+"/"+s.Bucket, func(t *testing.T) {
			v := v.With(t)
			access, secret := setUp(t, v, s)
			got := v.Probe(access, secret, s.Op, s.Bucket, s.Key)
			if got != s.ObservedStatus {
				t.Errorf("%s (%s): Versity returned %d, table records %d", s.ID, s.Description, got, s.ObservedStatus)
			}
			if !s.VersityDiffers && s.ObservedAllowed() != s.AWSAllowed {
				t.Errorf("%s: observed allowed=%v but AWS expectation %v and VersityDiffers is false", s.ID, s.ObservedAllowed(), s.AWSAllowed)
			}
		})
	}
}
