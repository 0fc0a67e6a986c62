package authz

import (
	"reflect"
	"testing"
)

// TestOverlay: an overlay reads as parent.Clone() followed by the same
// Set/SetMulti/Delete calls (spec 6.6: keys are case-insensitive), and never
// modifies its parent.
func TestOverlay(t *testing.T) {
	base := func() *Context {
		c := NewContextSize(4)
		c.Set("aws:SourceIp", "198.51.100.7")
		c.Set("aws:ViaAWSService", "false")
		c.SetMulti("aws:PrincipalOrgPaths", "o-1/r-1/", "o-1/r-1/ou-1/")
		c.Set("aws:ResourceAccount", "111111111111")
		return c
	}
	type op struct {
		kind string // set, multi, del
		key  string
		vals []string
	}
	cases := []struct {
		name string
		ops  []op
	}{
		{"no change", nil},
		{"override with other spelling", []op{{"set", "AWS:VIAAWSSERVICE", []string{"true"}}, {"set", "aws:resourceaccount", []string{"222222222222"}}}},
		{"new keys", []op{{"set", "kms:ViaService", []string{"s3.us-east-1.amazonaws.com"}}, {"multi", "aws:CalledVia", []string{"s3.amazonaws.com"}}}},
		{"delete a parent key", []op{{"set", "kms:CallerAccount", []string{"111111111111"}}, {"del", "aws:SourceIP", nil}}},
		{"delete an own key", []op{{"set", "kms:CallerAccount", []string{"111111111111"}}, {"del", "KMS:calleraccount", nil}}},
		{"delete an absent key", []op{{"del", "aws:SourceVpce", nil}}},
		{"set with no value deletes", []op{{"set", "aws:SourceIp", nil}}},
	}
	probe := []string{"aws:SourceIp", "AWS:SOURCEIP", "aws:viaawsservice", "aws:PrincipalOrgPaths", "aws:ResourceAccount",
		"kms:ViaService", "aws:CalledVia", "kms:CallerAccount", "aws:SourceVpce"}
	apply := func(c *Context, ops []op) {
		for _, o := range ops {
			switch o.kind {
			case "set":
				c.Set(o.key, o.vals...)
			case "multi":
				c.SetMulti(o.key, o.vals...)
			case "del":
				c.Delete(o.key)
			}
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			parent := base()
			want := parent.Clone()
			apply(want, tc.ops)
			ov := NewOverlay(parent)
			apply(ov, tc.ops)
			for _, k := range probe {
				gv, gok := ov.Get(k)
				wv, wok := want.Get(k)
				if gok != wok || !reflect.DeepEqual(gv, wv) {
					t.Errorf("Get(%s) = %v,%v; want %v,%v", k, gv, gok, wv, wok)
				}
			}
			if got, w := ov.Keys(), want.Keys(); !reflect.DeepEqual(got, w) {
				t.Errorf("Keys() = %v; want %v", got, w)
			}
			if ov.Len() != want.Len() {
				t.Errorf("Len() = %d; want %d", ov.Len(), want.Len())
			}
			if got, w := ov.Clone().Keys(), want.Keys(); !reflect.DeepEqual(got, w) {
				t.Errorf("Clone().Keys() = %v; want %v", got, w)
			}
			if !reflect.DeepEqual(parent, base()) {
				t.Errorf("the overlay modified its parent")
			}
		})
	}
}

// TestOverlayEvaluate: a condition on an overlay key and one on a parent key
// both see the overlay's view.
func TestOverlayEvaluate(t *testing.T) {
	p := ids(t, doc(`{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*",
		"Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"},"IpAddress":{"aws:SourceIp":"198.51.100.0/24"}}}`))
	r := req(t, uA, "kms:Decrypt", "arn:aws:kms:us-east-1:111111111111:key/k", "", "aws:SourceIp", "198.51.100.7")
	parent := r.Context
	for _, via := range []string{"s3.us-east-1.amazonaws.com", "s3.eu-west-1.amazonaws.com"} {
		ov := NewOverlay(parent)
		ov.Set("kms:ViaService", via)
		r.Context = ov
		res := Evaluate(&Input{Request: r, Identity: p})
		want := via == "s3.us-east-1.amazonaws.com"
		if (res.Decision == Allowed) != want {
			t.Errorf("kms:ViaService=%s: decision %s, want allowed=%v", via, res.Decision, want)
		}
	}
}
