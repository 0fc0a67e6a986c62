package s3authz

import (
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/authz"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

// awsManagedKeyPolicy is the fixed key policy of the aws/s3 AWS managed key
// (spec 5.2): usable by principals of the owning account through S3 only.
func awsManagedKeyPolicy(account, region string) (*policy.Policy, error) {
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"AllowThroughS3ForOwnerAccount","Effect":"Allow","Principal":{"AWS":"*"},` +
		`"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*",` +
		`"Condition":{"StringEquals":{"kms:CallerAccount":"` + account + `","kms:ViaService":"` + s3model.ViaService(region) + `"}}}]}`
	return policy.ParseCached(doc, policy.KindKey)
}

type kmsTarget struct {
	what      string // "object" or "copy source"
	actions   []string
	keyARN    string
	keyPolicy *policy.Policy
	ctxARN    string // kms:EncryptionContext:aws:s3:arn
	missing   string // the input naming the missing key policy
}

// evalKMS is spec 1.3 step 5: the dependent KMS authorization (section 5).
// ok is the allowed S3 stage; the result is nil when KMS allows too.
func (in *inputs) evalKMS(ok *stage) *stage {
	var targets []kmsTarget
	bk := in.req.Encryption != nil && in.req.Encryption.BucketKeyEnabled
	if len(in.plan.KMS) > 0 && s3model.UsesKMS(in.sse) {
		key := ""
		if in.req.Key != nil {
			key = *in.req.Key
		}
		targets = append(targets, kmsTarget{what: "object", actions: in.plan.KMS, keyARN: in.kmsKey, keyPolicy: in.keyPolicy,
			ctxARN: s3model.EncryptionContextARNIn(in.partition, in.req.Bucket, key, bk), missing: "encryption.key_policy"})
	}
	if in.sourceKMS() {
		b, k, _ := in.copySource()
		t := kmsTarget{what: "copy source", actions: in.plan.SourceKMS, ctxARN: s3model.EncryptionContextARNIn(in.partition, b, k, false), missing: "context." + KeyCopySourceKeyPolicy}
		if v := in.env.pseudo[KeyCopySourceKMSKeyArn]; len(v) == 1 {
			t.keyARN = v[0]
		} else {
			t.keyARN = "arn:" + in.partition + ":kms:" + in.env.region + ":" + in.bucketOwner + ":" + s3model.S3ManagedKeyAlias
		}
		if v := in.env.pseudo[KeyCopySourceKeyPolicy]; len(v) == 1 {
			p, err := policy.ParseCached(v[0], policy.KindKey)
			if err != nil {
				return &stage{decision: authz.Unknown, layer: authz.LayerKMS, need: "kms", reason: "unknown: the copy source key policy (" + KeyCopySourceKeyPolicy + ") is invalid: " + err.Error(), missing: []string{t.missing}, kmsVerd: authz.VerdictUnknown}
			}
			t.keyPolicy = p
		}
		targets = append(targets, t)
	}
	if len(targets) == 0 {
		ok.kmsVerd = authz.VerdictNotApplicable
		ok.kmsNote = "the object is not encrypted with SSE-KMS (or the action needs no KMS permission)"
		return nil
	}
	var results []*authz.Result
	for _, t := range targets {
		k, err := s3model.ParseKMSKeyARN(t.keyARN)
		if err != nil {
			return &stage{decision: authz.Unknown, layer: authz.LayerKMS, need: "kms", reason: "unknown: " + err.Error(), missing: []string{t.missing}, kmsVerd: authz.VerdictUnknown}
		}
		managed := s3model.IsAWSManagedKeyAlias(t.keyARN)
		kp := t.keyPolicy
		if managed {
			kp, _ = awsManagedKeyPolicy(k.Account, k.Region)
		}
		// The KMS call's context: the request's keys with the ones S3 sets
		// on its call to KMS (spec 5.3) laid over them. authz never modifies
		// a context, so every action of the target shares it.
		ctx := authz.NewOverlay(in.env.ctx)
		ctx.Set("kms:ViaService", s3model.ViaService(k.Region))
		if in.p.Account != "" {
			ctx.Set("kms:CallerAccount", in.p.Account)
		}
		ctx.Set("kms:EncryptionContext:aws:s3:arn", t.ctxARN)
		ctx.Set("aws:ResourceAccount", k.Account)
		ctx.Set("aws:ViaAWSService", "true")
		ctx.SetMulti("aws:CalledVia", "s3.amazonaws.com")
		for _, a := range t.actions {
			ai := &authz.Input{
				Request:  authz.Request{Principal: in.p, Action: a, Resource: t.keyARN, ResourceAccount: k.Account, Context: ctx},
				Identity: in.identity, Boundary: in.boundary, Session: in.session, SCPs: in.scps,
				Resource: kp, ResourceLayer: authz.LayerKeyPolicy, ResourcePolicyRequired: true,
			}
			switch {
			case managed:
				ai.RCPExempt, ai.RCPExemptReason = true, "RCPs do not apply to AWS managed keys"
			case k.Account == in.bucketOwner:
				ai.RCPs = in.rcps
				if in.mgmt[k.Account] {
					ai.RCPExempt, ai.RCPExemptReason = true, "the key owner is the organization's management account"
				}
			}
			res := in.evaluate(ai)
			results = append(results, res)
			st := &stage{res: ok.res, other: ok.other, apSide: ok.apSide, kms: results, need: a, resource: t.keyARN, ownVerd: ok.ownVerd, ownNote: ok.ownNote}
			if kp == nil {
				if res.Decision == authz.ExplicitDeny {
					st.decision, st.layer, st.kmsVerd = authz.ExplicitDeny, authz.LayerKMS, authz.VerdictDeny
					st.reason = "explicit deny on " + a + " for the " + t.what + "'s KMS key " + t.keyARN + ": " + res.Reason
					return st
				}
				st.decision, st.layer, st.kmsVerd = authz.Unknown, authz.LayerKMS, authz.VerdictUnknown
				st.reason = "unknown: the " + t.what + " is encrypted with SSE-KMS key " + t.keyARN + " and its key policy is not given (" + t.missing + "); the key policy must allow " + a + " for the request to succeed"
				st.missing = []string{t.missing}
				return st
			}
			dec := res.Decision
			reason := res.Reason
			if dec == authz.Allowed && verdictOf(res, authz.LayerKeyPolicy) != authz.VerdictAllow {
				dec, reason = authz.ImplicitDeny, "implicit deny: the key policy does not allow this caller"
			}
			if dec != authz.Allowed {
				st.decision, st.layer, st.kmsVerd = dec, authz.LayerKMS, authz.VerdictDeny
				if dec == authz.ImplicitDeny {
					st.kmsVerd = authz.VerdictNoMatch
				}
				st.reason = strings.Replace(string(dec), "_", " ", 1) + ": S3 needs " + a + " on the " + t.what + "'s KMS key " + t.keyARN + " (" + kmsWhy(in, res, managed, k) + ")"
				st.kmsNote = reason
				return st
			}
		}
	}
	ok.kms = results
	ok.kmsVerd = authz.VerdictAllow
	ok.kmsNote = "the key policy and IAM allow the KMS permissions S3 needs"
	return nil
}

func kmsWhy(in *inputs, res *authz.Result, managed bool, k s3model.KMSKey) string {
	switch {
	case managed && in.p.Account != k.Account:
		return "the AWS managed key aws/s3 can only be used by principals of its own account " + k.Account + "; it is never usable cross-account"
	case res.Layer == authz.LayerKeyPolicy:
		if in.p.Account != k.Account {
			return "the key policy does not allow account " + orAnon(in.p.Account) + " or this principal; cross-account use needs the key policy and an IAM policy"
		}
		return "the key policy neither allows this principal nor delegates to IAM for account " + k.Account
	case res.Layer == authz.LayerIdentity:
		return "no identity-policy statement allows it, and the key policy does not name the principal directly"
	}
	return res.Reason
}
