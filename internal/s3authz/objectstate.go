package s3authz

import (
	"strings"
	"time"

	"github.com/s3access/terraform-provider-s3access/internal/authz"
)

// objectState is the bucket and object state of spec 2.7 that makes S3
// answer 403 without a policy deny. The schema has no argument for it; it
// comes from pseudo-keys in context (testdata/corpus/README.md):
//
//   - s3access:ObjectLockMode (GOVERNANCE or COMPLIANCE) and
//     s3access:ObjectLockRetainUntil (RFC 3339; absent: the retention is taken
//     as in force) describe the retention of the object version;
//     s3access:ObjectLegalHold (ON or OFF) its legal hold;
//     s3access:BypassGovernanceRetention = true: the request sends
//     x-amz-bypass-governance-retention: true.
//     s3access:NewObjectLockRetainUntil (RFC 3339): the retain-until date a
//     PutObjectRetention request writes (same mode); needed to decide it
//     while a retention is in force.
//   - s3access:RequesterPays = true: the bucket is a Requester Pays bucket;
//     s3access:RequestPayer = requester: the request sends
//     x-amz-request-payer: requester (IAM has no condition key for it).
//   - s3access:BlockedEncryptionTypes: the encryption types the bucket blocks
//     for writes (SSE-C, or NONE for none).
//
// These refusals are not policy decisions and no policy can lift them: the
// decision is rejected with layer none (spec 0 Reject, 1.3 step 0), never an
// allow.
type objectState struct {
	lockMode    string // "", GOVERNANCE, COMPLIANCE
	retainUntil *time.Time
	legalHold   bool
	bypassGov   bool
	newUntil    *time.Time // the retain-until date PutObjectRetention writes

	requesterPays bool
	payer         bool // x-amz-request-payer: requester

	blockSSEC bool
}

func parseBool(key, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, ctxErr("%s %q: expected true or false", key, v)
}

// prepareObjectState reads the pseudo-keys of spec 2.7. A governance
// retention bypass adds the s3:BypassGovernanceRetention permission to the
// request's needs.
func (in *inputs) prepareObjectState() error {
	s := &in.state
	if v, ok, err := in.one(KeyObjectLockMode); err != nil {
		return err
	} else if ok {
		switch strings.ToUpper(v) {
		case "GOVERNANCE", "COMPLIANCE":
			s.lockMode = strings.ToUpper(v)
		default:
			return ctxErr("%s %q: expected GOVERNANCE or COMPLIANCE", KeyObjectLockMode, v)
		}
	}
	if v, ok, err := in.one(KeyObjectLockRetainUntil); err != nil {
		return err
	} else if ok {
		if s.lockMode == "" {
			return ctxErr("%s needs %s (GOVERNANCE or COMPLIANCE)", KeyObjectLockRetainUntil, KeyObjectLockMode)
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return ctxErr("%s %q: expected an RFC 3339 time such as 2030-01-01T00:00:00Z", KeyObjectLockRetainUntil, v)
		}
		s.retainUntil = &t
	}
	if v, ok, err := in.one(KeyNewObjectLockRetainUntil); err != nil {
		return err
	} else if ok {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return ctxErr("%s %q: expected an RFC 3339 time such as 2030-01-01T00:00:00Z", KeyNewObjectLockRetainUntil, v)
		}
		s.newUntil = &t
	}
	if v, ok, err := in.one(KeyObjectLegalHold); err != nil {
		return err
	} else if ok {
		switch strings.ToUpper(v) {
		case "ON":
			s.legalHold = true
		case "OFF":
		default:
			return ctxErr("%s %q: expected ON or OFF", KeyObjectLegalHold, v)
		}
	}
	for _, b := range []struct {
		key string
		dst *bool
	}{{KeyBypassGovernanceRetention, &s.bypassGov}, {KeyRequesterPays, &s.requesterPays}} {
		if v, ok, err := in.one(b.key); err != nil {
			return err
		} else if ok {
			if *b.dst, err = parseBool(b.key, v); err != nil {
				return err
			}
		}
	}
	if v, ok, err := in.one(KeyRequestPayer); err != nil {
		return err
	} else if ok {
		if !strings.EqualFold(v, "requester") {
			return ctxErr("%s %q: the only value of x-amz-request-payer is requester (omit the key when the request does not send the header)", KeyRequestPayer, v)
		}
		s.payer = true
	}
	for _, v := range in.env.pseudo[KeyBlockedEncryptionTypes] {
		for _, part := range strings.Split(v, ",") {
			switch strings.ToUpper(strings.TrimSpace(part)) {
			case "SSE-C":
				s.blockSSEC = true
			case "NONE", "":
			default:
				return ctxErr("%s: unknown encryption type %q; expected SSE-C or NONE", KeyBlockedEncryptionTypes, strings.TrimSpace(part))
			}
		}
	}
	if s.bypassGov && (in.permanentDelete() || in.retentionShortened()) && s.lockMode == "GOVERNANCE" && in.retentionActive() {
		in.plan.Needs = append(in.plan.Needs, permNeed{Action: "s3:BypassGovernanceRetention"})
	}
	return nil
}

// permanentDelete: the request deletes an object version (DeleteObject with a
// version id), which Object Lock protects (spec 2.7).
func (in *inputs) permanentDelete() bool {
	return in.hasNeed("s3:DeleteObjectVersion")
}

// retentionUpdate: the request writes an object version's retention
// (PutObjectRetention), which an active retention constrains (spec 2.7).
func (in *inputs) retentionUpdate() bool {
	return in.hasNeed("s3:PutObjectRetention")
}

// retentionShortened: a PutObjectRetention moves a known retain-until date
// of an active retention earlier.
func (in *inputs) retentionShortened() bool {
	s := &in.state
	return in.retentionUpdate() && in.retentionActive() && s.retainUntil != nil && s.newUntil != nil && s.newUntil.Before(*s.retainUntil)
}

// retentionUnknown is the unknown of a PutObjectRetention that the policies
// allow on an object version under an active retention when the new or the
// current retain-until date is not given: extending is allowed, shortening
// COMPLIANCE is refused and shortening GOVERNANCE needs the bypass, so the
// decision depends on them. It returns nil when nothing is missing.
func (in *inputs) retentionUnknown(st *stage) *stage {
	s := &in.state
	if !in.retentionUpdate() || !in.retentionActive() {
		return nil
	}
	var missing []string
	if s.newUntil == nil {
		missing = append(missing, "context."+KeyNewObjectLockRetainUntil)
	}
	if s.retainUntil == nil {
		missing = append(missing, "context."+KeyObjectLockRetainUntil)
	}
	if len(missing) == 0 {
		return nil
	}
	st.decision, st.layer = authz.Unknown, authz.LayerNone
	st.reason = "unknown: the policies allow " + in.plan.Operation + ", but the object version is under Object Lock " + s.lockMode +
		" retention and S3 refuses a retention that shortens it (COMPLIANCE: always; GOVERNANCE: without x-amz-bypass-governance-retention and s3:BypassGovernanceRetention); give " +
		strings.Join(missing, " and ") + " (RFC 3339) so the decision can be made"
	st.missing = missing
	st.fixes = nil
	return st
}

func (in *inputs) retentionActive() bool {
	s := &in.state
	return s.lockMode != "" && (s.retainUntil == nil || s.retainUntil.After(now()))
}

func refused(reason string, fixes ...Fix) *stage {
	return &stage{decision: authz.Rejected, layer: authz.LayerNone, reason: reason, fixes: fixes}
}

// stateRefusal is the 403 of spec 2.7 for the state the request names.
func (in *inputs) stateRefusal() *stage {
	s := &in.state
	if in.permanentDelete() {
		if s.legalHold {
			return refused("rejected (403 AccessDenied): the object version is under an Object Lock legal hold ("+KeyObjectLegalHold+" = ON); no one, the root user included, can delete it permanently until the hold is removed",
				Fix{Kind: "request", Setting: KeyObjectLegalHold, Value: "OFF", Text: "remove the legal hold first (PutObjectLegalHold with Status OFF, needs s3:PutObjectLegalHold), or delete without a version id (adds a delete marker)"})
		}
		if in.retentionActive() {
			until := "no retain-until date given, so taken as in force"
			if s.retainUntil != nil {
				until = "retained until " + s.retainUntil.UTC().Format(time.RFC3339)
			}
			if s.lockMode == "COMPLIANCE" {
				return refused("rejected (403 AccessDenied): the object version is under Object Lock COMPLIANCE retention ("+until+"); no one, the root user included, can delete it permanently before the retention expires",
					Fix{Kind: "text", Text: "wait until the retention expires, or delete without a version id (adds a delete marker); compliance retention cannot be shortened or bypassed"})
			}
			if !s.bypassGov {
				return refused("rejected (403 AccessDenied): the object version is under Object Lock GOVERNANCE retention ("+until+") and the request does not send x-amz-bypass-governance-retention: true",
					Fix{Kind: "request", Setting: KeyBypassGovernanceRetention, Value: "true", Text: "send x-amz-bypass-governance-retention: true with a principal allowed s3:BypassGovernanceRetention on the object, or wait until the retention expires"})
			}
		}
	}
	if in.retentionUpdate() && s.newUntil != nil && !s.newUntil.After(now()) {
		return refused("rejected (400 InvalidArgument): the new retain-until date ("+KeyNewObjectLockRetainUntil+" = "+s.newUntil.UTC().Format(time.RFC3339)+") is not in the future",
			Fix{Kind: "request", Setting: KeyNewObjectLockRetainUntil, Text: "write a retain-until date in the future"})
	}
	if in.retentionShortened() {
		what := "the new retain-until date " + s.newUntil.UTC().Format(time.RFC3339) + " is earlier than the current " + s.retainUntil.UTC().Format(time.RFC3339)
		if s.lockMode == "COMPLIANCE" {
			return refused("rejected (403 AccessDenied): the object version is under Object Lock COMPLIANCE retention and "+what+"; no one, the root user included, can shorten a compliance retention",
				Fix{Kind: "request", Setting: KeyNewObjectLockRetainUntil, Text: "write a retain-until date no earlier than " + s.retainUntil.UTC().Format(time.RFC3339) + " (a compliance retention can only be extended)"})
		}
		if !s.bypassGov {
			return refused("rejected (403 AccessDenied): the object version is under Object Lock GOVERNANCE retention, "+what+" and the request does not send x-amz-bypass-governance-retention: true",
				Fix{Kind: "request", Setting: KeyBypassGovernanceRetention, Value: "true", Text: "send x-amz-bypass-governance-retention: true with a principal allowed s3:BypassGovernanceRetention on the object, or write a retain-until date no earlier than " + s.retainUntil.UTC().Format(time.RFC3339)})
		}
	}
	if s.requesterPays {
		if in.p.Kind == authz.Anonymous {
			return refused("rejected (403 AccessDenied): the bucket is a Requester Pays bucket ("+KeyRequesterPays+"), which does not accept anonymous requests",
				Fix{Kind: "request", Text: "send a signed request with x-amz-request-payer: requester"})
		}
		if !s.payer && in.p.Account != in.bucketOwner {
			return refused("rejected (403 AccessDenied): the bucket is a Requester Pays bucket ("+KeyRequesterPays+") and the request, by account "+orAnon(in.p.Account)+" (not the bucket owner "+in.bucketOwner+"), does not send x-amz-request-payer: requester",
				Fix{Kind: "request", Setting: KeyRequestPayer, Value: "requester", Text: "send x-amz-request-payer: requester (context " + KeyRequestPayer + " = [\"requester\"]); the requester pays the request and the download"})
		}
	}
	if s.blockSSEC && in.writes() {
		if _, ssec := in.env.ctx.Get("s3:x-amz-server-side-encryption-customer-algorithm"); ssec {
			return refused("rejected (403 AccessDenied): the bucket blocks SSE-C writes ("+KeyBlockedEncryptionTypes+" includes SSE-C) and the request carries x-amz-server-side-encryption-customer-algorithm",
				Fix{Kind: "request", Setting: "s3:x-amz-server-side-encryption-customer-algorithm", Text: "upload with SSE-S3 or SSE-KMS instead of SSE-C (drop the x-amz-server-side-encryption-customer-* headers)"})
		}
	}
	return nil
}
