package s3authz

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/s3access/terraform-provider-s3access/internal/authz"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

// Requests through an S3 access point (spec 2.6). The s3access_check schema
// has no access point arguments, so the access point is described with
// pseudo-keys in context (testdata/corpus/README.md):
//
//   - s3access:AccessPointArn: arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME;
//     the request goes through it.
//   - s3access:AccessPointPolicy: its policy (absent: none).
//   - s3access:AccessPointNetworkOrigin: Internet (default) or VPC, with
//     s3access:AccessPointVpcId.
//   - s3access:AccessPointBlockPublicAccess: the names of its Block Public
//     Access settings that are on (absent: all four, the AWS default).
//   - s3access:NewAccessPointPolicy: the policy a PutAccessPointPolicy writes.
//
// A data request (object actions, ListBucket...) through the access point is
// evaluated twice with authz: the access point side (resource = the access
// point / access-point-object ARN of spec 2.1, resource policy = the access
// point policy, resource owner = the access point's account) and the bucket
// side (bucket / object ARN, bucket policy, ACLs, bucket owner). Both must
// allow; an explicit deny on either side denies.
type accessPoint struct {
	arn       string
	region    string
	account   string
	name      string
	policy    *policy.Policy
	vpcOrigin bool
	vpcID     string
	bpa       s3model.BPASettings
	pub       s3model.PublicityResult
	newPolicy []string // s3access:NewAccessPointPolicy values
}

func (a *accessPoint) origin() string {
	if a.vpcOrigin {
		return "VPC"
	}
	return "Internet"
}

// apName: 3-50 lower-case letters, digits and hyphens, starting and ending
// with a letter or digit (CreateAccessPoint naming rules).
func validAPName(n string) bool {
	if len(n) < 3 || len(n) > 50 {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return n[0] != '-' && n[len(n)-1] != '-'
}

func ctxErr(format string, args ...any) error {
	return &InputError{Field: "context", Index: -1, Err: fmt.Errorf(format, args...)}
}

// one returns the single value of a pseudo-key, "" when absent.
func (in *inputs) one(key string) (string, bool, error) {
	v, ok := in.env.pseudo[key]
	if !ok {
		return "", false, nil
	}
	if len(v) != 1 {
		return "", true, ctxErr("%s takes exactly one value, got %d", key, len(v))
	}
	return strings.TrimSpace(v[0]), true, nil
}

// apActionKind classifies an S3 action for access points: data actions
// authorized against an access-point-object or access point ARN and also the
// bucket (object actions, ListBucket...), management actions authorized only
// against the access point ARN (PutAccessPointPolicy...), or neither.
func apActionKind(act s3model.Action) (data, mgmt bool) {
	hasAP, hasAPObj := false, false
	for _, r := range act.ResourceTypes {
		switch r.Type {
		case s3model.RTAccessPoint:
			hasAP = true
		case s3model.RTAccessPointObject:
			hasAPObj = true
		}
	}
	switch {
	case act.IsObjectAction():
		return hasAPObj, false
	case act.IsBucketAction():
		return hasAP, false
	}
	return false, hasAP
}

// prepareAccessPoint reads the access point pseudo-keys (spec 2.6); in.ap
// stays nil when the request does not go through an access point. The
// s3:DataAccessPointArn, s3:DataAccessPointAccount and
// s3:AccessPointNetworkOrigin keys are set from it; a caller value that
// contradicts the access point is an error.
func (in *inputs) prepareAccessPoint() error {
	apARN, has, err := in.one(KeyAccessPointArn)
	if err != nil {
		return err
	}
	if !has {
		for _, k := range []string{KeyAccessPointPolicy, KeyAccessPointNetworkOrigin, KeyAccessPointVpcID, KeyAccessPointBlockPublicAccess, KeyNewAccessPointPolicy} {
			if _, set := in.env.pseudo[k]; set {
				return ctxErr("%s describes an access point: give %s (arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME) too", k, KeyAccessPointArn)
			}
		}
		return nil
	}
	a, perr := arn.Parse(apARN)
	bad := func(why string) error {
		return ctxErr("%s %q: %s; expected arn:%s:s3:REGION:ACCOUNT:accesspoint/NAME", KeyAccessPointArn, apARN, why, in.partition)
	}
	switch {
	case perr != nil:
		return bad(perr.Error())
	case a.Service != "s3":
		return bad("service is " + a.Service + ", not s3")
	case a.Partition != in.partition:
		return bad("partition " + a.Partition + " differs from the principal's partition " + in.partition)
	case a.Region == "":
		return bad("no region (multi-region access points are out of scope)")
	case !policy.IsAccountID(a.AccountID):
		return bad("account " + a.AccountID + " is not a 12-digit account id")
	}
	name, ok := strings.CutPrefix(a.Resource, "accesspoint/")
	if !ok || !validAPName(name) {
		return bad("resource must be accesspoint/NAME with a 3-50 character name of lower-case letters, digits and hyphens")
	}
	ap := &accessPoint{arn: apARN, region: a.Region, account: a.AccountID, name: name, bpa: s3model.AllBlocked()}
	if doc, set, err := in.one(KeyAccessPointPolicy); err != nil {
		return err
	} else if set {
		p, err := policy.ParseCached(doc, policy.KindAccessPoint)
		if err != nil {
			return ctxErr("%s: %v", KeyAccessPointPolicy, err)
		}
		ap.policy = p
	}
	origin, originSet, err := in.one(KeyAccessPointNetworkOrigin)
	if err != nil {
		return err
	}
	vpcID, vpcSet, err := in.one(KeyAccessPointVpcID)
	if err != nil {
		return err
	}
	switch {
	case !originSet:
		ap.vpcOrigin = vpcSet
	case strings.EqualFold(origin, "VPC"):
		ap.vpcOrigin = true
	case strings.EqualFold(origin, "Internet"):
	default:
		return ctxErr("%s %q: expected Internet or VPC", KeyAccessPointNetworkOrigin, origin)
	}
	if ap.vpcOrigin {
		if !strings.HasPrefix(vpcID, "vpc-") || len(vpcID) < 5 {
			return ctxErr("%s: an access point with network origin VPC needs %s (vpc-...), got %q", KeyAccessPointNetworkOrigin, KeyAccessPointVpcID, vpcID)
		}
		ap.vpcID = vpcID
	} else if vpcSet {
		return ctxErr("%s is set but %s is Internet", KeyAccessPointVpcID, KeyAccessPointNetworkOrigin)
	}
	if vals, set := in.env.pseudo[KeyAccessPointBlockPublicAccess]; set {
		ap.bpa = s3model.BPASettings{}
		for _, v := range vals {
			for _, part := range strings.Split(v, ",") {
				switch strings.ToLower(strings.TrimSpace(part)) {
				case "":
				case "blockpublicacls":
					ap.bpa.BlockPublicAcls = true
				case "ignorepublicacls":
					ap.bpa.IgnorePublicAcls = true
				case "blockpublicpolicy":
					ap.bpa.BlockPublicPolicy = true
				case "restrictpublicbuckets":
					ap.bpa.RestrictPublicBuckets = true
				default:
					return ctxErr("%s: unknown setting %q; expected the names of the settings that are on: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets (an empty list: none)", KeyAccessPointBlockPublicAccess, strings.TrimSpace(part))
				}
			}
		}
	}
	ap.newPolicy = in.env.pseudo[KeyNewAccessPointPolicy]
	ap.pub = s3model.PolicyPublicity(ap.policy, s3model.PublicityOptions{AccessPoint: true, VPCOrigin: ap.vpcOrigin})
	// Every permission of the request must be requestable through an access point.
	for _, n := range in.plan.Needs {
		if n.OnSource {
			continue
		}
		act, ok := s3model.LookupAction(n.Action)
		if !ok {
			continue
		}
		data, mgmt := apActionKind(act)
		if !data && !mgmt {
			return ctxErr("%s: %s cannot be requested through an access point (it is authorized against the bucket only, not an access point ARN); drop %s", KeyAccessPointArn, n.Action, KeyAccessPointArn)
		}
		if mgmt && in.req.Key != nil {
			return &InputError{Field: "key", Index: -1, Err: fmt.Errorf("%s is authorized against the access point %s, not an object; remove key", n.Action, apARN)}
		}
	}
	// the request context keys of a request through an access point (spec 2.4)
	ctx := in.env.ctx
	for _, kv := range [][2]string{{"s3:DataAccessPointArn", ap.arn}, {"s3:DataAccessPointAccount", ap.account}, {"s3:AccessPointNetworkOrigin", ap.origin()}} {
		if v, given := ctx.Get(kv[0]); given {
			if len(v.Values) != 1 || !strings.EqualFold(v.Values[0], kv[1]) {
				return ctxErr("context key %s = %q contradicts %s (%s): expected %q", kv[0], strings.Join(v.Values, ","), KeyAccessPointArn, ap.arn, kv[1])
			}
		}
		ctx.Set(kv[0], kv[1])
	}
	// The request is sent to the access point's Region (its endpoint), so
	// aws:RequestedRegion is that Region; a caller value that differs
	// contradicts the access point (spec 2.1, 2.6, 6.8).
	for k, v := range in.req.Context {
		if strings.EqualFold(k, "aws:RequestedRegion") && (len(v) != 1 || strings.TrimSpace(v[0]) != ap.region) {
			return ctxErr("context key aws:RequestedRegion = %q contradicts %s (%s): a request through the access point goes to its Region %q", strings.Join(v, ","), KeyAccessPointArn, ap.arn, ap.region)
		}
	}
	ctx.Set("aws:RequestedRegion", ap.region)
	in.env.region = ap.region
	in.ap = ap
	in.bpa = s3model.Effective(in.bucketBPA, in.accountBPA, ap.bpa)
	return nil
}

// apNetworkRefusal: an access point with network origin VPC refuses every
// request that does not come from its VPC (spec 2.6, T151). No policy takes
// part and no policy can lift it, so it is a refusal before policy evaluation
// (decision rejected, layer none), like the other S3 refusals of spec 1.3
// step 0; never allowed.
//
// Before that: access points accept only signed (Signature Version 4)
// requests over HTTPS; an anonymous, SigV2 or plain-HTTP request through one
// is refused whatever the policies say (spec 2.6 [S-AP], the access point
// restrictions), never allowed.
func (in *inputs) apNetworkRefusal() *stage {
	if in.ap == nil {
		return nil
	}
	why := ""
	switch {
	case in.p.Kind == authz.Anonymous:
		why = "access points do not accept anonymous requests"
	case in.env.sigV2:
		why = "access points accept only requests signed with Signature Version 4 (s3:signatureversion is AWS, SigV2)"
	case !in.env.tls:
		why = "access points accept only HTTPS requests (aws:SecureTransport is false)"
	}
	if why != "" {
		return &stage{decision: authz.Rejected, layer: authz.LayerNone,
			reason: "rejected (403 AccessDenied): the request goes through the access point " + in.ap.arn + ", and " + why,
			fixes:  []Fix{{Kind: "request", Text: "send a request signed with Signature Version 4 over HTTPS, or use the bucket directly (without " + KeyAccessPointArn + ")"}}}
	}
	if !in.ap.vpcOrigin {
		return nil
	}
	vpc, ok := single(in.env.ctx, "aws:SourceVpc")
	if ok && vpc == in.ap.vpcID {
		return nil
	}
	if !ok {
		if _, vpce := in.env.ctx.Get("aws:SourceVpce"); vpce {
			return &stage{decision: authz.Unknown, layer: authz.LayerNone, missing: []string{"context.aws:SourceVpc"},
				reason: "unknown: the access point " + in.ap.arn + " accepts requests only from " + in.ap.vpcID + " (network origin VPC); the request comes through VPC endpoint but its VPC is not given: set aws:SourceVpc"}
		}
	}
	from := "from the internet (no aws:SourceVpc)"
	if ok {
		from = "from " + vpc
	}
	return &stage{decision: authz.Rejected, layer: authz.LayerNone,
		reason: "rejected (403 AccessDenied): the access point " + in.ap.arn + " has network origin VPC (" + in.ap.vpcID + ") and refuses requests that do not come from that VPC; this request comes " + from,
		fixes:  []Fix{{Kind: "request", Setting: "aws:SourceVpc", Value: in.ap.vpcID, Text: "send the request from " + in.ap.vpcID + " (through a VPC endpoint there), or use an access point with network origin Internet"}}}
}

// apResourceARN is the access-point form of the request's resource (spec 2.1).
func (in *inputs) apResourceARN(act s3model.Action) string {
	if act.IsObjectAction() && in.req.Key != nil {
		return s3model.AccessPointObjectARN(in.partition, in.ap.region, in.ap.account, in.ap.name, *in.req.Key)
	}
	return in.ap.arn
}

// apInput is the authz input of the access point side.
func (in *inputs) apInput(action, resource string, withPolicy bool) *authz.Input {
	ai := in.baseInput(action, resource, in.ap.account)
	if withPolicy {
		ai.Resource, ai.ResourceLayer = in.ap.policy, authz.LayerAccessPoint
	}
	if in.ap.account != in.bucketOwner {
		// resource_control_policies are the bucket owner's; those of the
		// access point owner's account are not an input.
		ai.RCPs = nil
	}
	return ai
}

// evalNeedAP decides one permission of a request through the access point.
func (in *inputs) evalNeedAP(n permNeed) *stage {
	act, _ := s3model.LookupAction(n.Action)
	if _, mgmt := apActionKind(act); mgmt {
		return in.evalAPManagement(n)
	}
	bst := in.evalNeedBucket(n)
	if bst.decision == authz.ExplicitDeny || bst.decision == authz.Rejected {
		return bst
	}
	resource := in.apResourceARN(act)
	res := in.evaluate(in.apInput(n.Action, resource, true))
	ast := &stage{need: n.Action, resource: resource, res: res, other: bst.res, apSide: true,
		decision: res.Decision, layer: res.Layer, reason: res.Reason,
		ownVerd: bst.ownVerd, ownNote: bst.ownNote}
	if res.Decision == authz.ExplicitDeny {
		ast.reason = "explicit deny on the access point side (" + in.ap.arn + "): " + strings.ReplaceAll(res.Reason, string(authz.LayerAccessPoint), "access point policy")
		return ast
	}
	// RestrictPublicBuckets and a public access point policy (spec 3.1, 3.4):
	// only AWS services and principals of the access point owner's account.
	if in.bpa.RestrictPublicBuckets && in.ap.pub.Public && in.p.Kind != authz.Service && (in.p.Account == "" || in.p.Account != in.ap.account) {
		ps := in.ap.pub.PublicStatements[0]
		ast.decision, ast.layer, ast.bpaHit = authz.ExplicitDeny, authz.LayerBPA, in.bpaLevel("restrict_public_buckets")
		ast.reason = fmt.Sprintf("explicit deny: RestrictPublicBuckets is on (%s) and the access point policy of %s is public (statement %d%s: %s), so only AWS services and principals of the access point owner account %s may use it", ast.bpaHit, in.ap.arn, ps.Index, sidText(ps.Sid), ps.Reason, in.ap.account)
		return ast
	}
	if bst.decision != authz.Allowed {
		bst.other, bst.apSide = res, false
		if !strings.Contains(bst.reason, in.ap.arn) {
			bst.reason = "on the bucket side (the request goes through the access point " + in.ap.arn + ", and the bucket must allow it too, spec 2.6): " + bst.reason
		}
		return bst
	}
	if res.Decision != authz.Allowed {
		ast.reason = strings.Replace(res.Reason, ": ", " on the access point side ("+in.ap.arn+"): ", 1)
		ast.reason = strings.ReplaceAll(ast.reason, string(authz.LayerAccessPoint), "the access point policy (context "+KeyAccessPointPolicy+")")
		return ast
	}
	ast.layer = in.allowedLayer(res, false, in.ap.account)
	ast.reason = "allowed: both the access point " + in.ap.arn + " (" + res.Reason + ") and the bucket (" + bst.reason + ") allow the request"
	return ast
}

// apBucketSide adjusts the bucket side of a request through an access point
// (spec 2.6): the bucket owner must allow the request with the bucket policy
// or an ACL, or be its root user; identity policies on the bucket ARN do not
// stand in for that (spec 8.2 item 8, the conservative rule). A bucket grant
// that names the caller directly (the usual delegation statement
// Principal "*" + s3:DataAccessPointAccount) is enough on this side: the
// caller's own policies (identity, boundary, session) are the access point
// side's business. Grants to the caller's account or role still need the
// caller's policies to allow the bucket ARN (conservative).
func (in *inputs) apBucketSide(st *stage, res *authz.Result) {
	noBucketGrant := func() {
		st.decision, st.layer = authz.ImplicitDeny, authz.LayerResource
		st.reason = "implicit deny on the bucket side: the request goes through the access point " + in.ap.arn + ", so the bucket must allow it too (spec 2.6), and no bucket-policy statement or ACL grant allows it (identity policies on the bucket ARN do not stand in for the bucket policy, spec 8.2 item 8)"
	}
	granted := verdictOf(res, authz.LayerResource) == authz.VerdictAllow || verdictOf(res, authz.LayerACL) == authz.VerdictAllow
	switch st.decision {
	case authz.Allowed:
		if res.Layer != authz.LayerRoot && !granted {
			noBucketGrant()
		}
	case authz.ImplicitDeny:
		switch res.Layer {
		case authz.LayerIdentity, authz.LayerBoundary, authz.LayerSession:
		default:
			return
		}
		if !granted {
			noBucketGrant()
			return
		}
		matched := res.Matched()
		for i := range matched {
			t := &matched[i]
			if t.Layer == authz.LayerResource && t.Effect == policy.Allow && t.PrincipalClass == authz.ClassDirect {
				st.decision, st.layer = authz.Allowed, authz.LayerResource
				st.reason = "the bucket policy allows the request " + statementRef(t) + "; the caller's own policies decide on the access point side"
				return
			}
		}
	}
}

// evalAPManagement decides an access point management permission
// (PutAccessPointPolicy, GetAccessPointPolicy, DeleteAccessPoint...):
// authorized against the access point ARN by the caller's policies with the
// access point owner as resource owner. Neither the access point policy nor
// the bucket policy takes part (they govern data requests). A
// PutAccessPointPolicy is judged by BlockPublicPolicy with the access point
// publicity rules (spec 3.1, 3.3; T68).
func (in *inputs) evalAPManagement(n permNeed) *stage {
	res := in.evaluate(in.apInput(n.Action, in.ap.arn, false))
	st := &stage{need: n.Action, resource: in.ap.arn, res: res, apSide: true, decision: res.Decision, layer: res.Layer, reason: res.Reason, ownVerd: authz.VerdictNotApplicable}
	if res.Decision != authz.Allowed {
		return st
	}
	st.layer = in.allowedLayer(res, false, in.ap.account)
	if !strings.EqualFold(n.Action, "s3:PutAccessPointPolicy") {
		return st
	}
	// BlockPublicPolicy: the access point's own setting; the bucket's and the
	// account's when they belong to the access point owner (spec 3.1).
	sameOwner := in.ap.account == in.bucketOwner
	blocked := in.ap.bpa.BlockPublicPolicy || sameOwner && (in.bucketBPA.BlockPublicPolicy || in.accountBPA.BlockPublicPolicy)
	if !blocked {
		return st
	}
	hit := in.apPolicyBPALevel(sameOwner)
	if len(in.ap.newPolicy) != 1 {
		st.decision, st.layer = authz.Unknown, authz.LayerBPA
		st.reason = "unknown: BlockPublicPolicy is on (" + hit + "), and the access point policy being written is needed to decide; give it in context " + KeyNewAccessPointPolicy
		st.missing = []string{"context." + KeyNewAccessPointPolicy}
		return st
	}
	np, err := policy.ParseCached(in.ap.newPolicy[0], policy.KindAccessPoint)
	if err != nil {
		st.decision, st.layer = authz.Rejected, authz.LayerNone
		st.reason = "rejected (400 MalformedPolicy): the new access point policy is invalid: " + err.Error()
		st.fixes = []Fix{{Kind: "request", Setting: KeyNewAccessPointPolicy, Text: "fix the access point policy: " + err.Error()}}
		return st
	}
	if pub := s3model.PolicyPublicity(np, s3model.PublicityOptions{AccessPoint: true, VPCOrigin: in.ap.vpcOrigin}); pub.Public {
		ps := pub.PublicStatements[0]
		st.decision, st.layer, st.bpaHit = authz.ExplicitDeny, authz.LayerBPA, hit
		st.reason = fmt.Sprintf("explicit deny: BlockPublicPolicy is on (%s) and the new access point policy is public (statement %d%s: %s; access point policies follow the rules of spec 3.3: s3:DataAccessPointArn does not make them non-public)", hit, ps.Index, sidText(ps.Sid), ps.Reason)
	}
	return st
}

// apPolicyBPALevel names where BlockPublicPolicy is on for an access point policy write.
func (in *inputs) apPolicyBPALevel(sameOwner bool) string {
	var lv []string
	if in.ap.bpa.BlockPublicPolicy {
		lv = append(lv, "access_point_block_public_access.block_public_policy")
	}
	if sameOwner && in.bucketBPA.BlockPublicPolicy {
		lv = append(lv, "block_public_access.block_public_policy")
	}
	if sameOwner && in.accountBPA.BlockPublicPolicy {
		lv = append(lv, "account_block_public_access.block_public_policy")
	}
	return strings.Join(lv, " and ")
}

// apHint explains an access-point-side identity denial whose identity
// statement names the bucket or its objects: through an access point the
// identity policy must name the access point ARN (spec 2.6).
func (in *inputs) apHint(st *stage) string {
	if in.ap == nil || !st.apSide || st.res == nil {
		return ""
	}
	bucketARN := s3model.BucketARN(in.partition, in.req.Bucket)
	traces := st.res.Statements()
	for i := range traces {
		t := &traces[i]
		if t.Layer != authz.LayerIdentity || !t.ActionMatched || t.ResourceMatched || t.Effect != policy.Allow || t.Stmt == nil {
			continue
		}
		for _, r := range t.Stmt.Resource {
			if r == bucketARN || strings.HasPrefix(r, bucketARN+"/") {
				return fmt.Sprintf("identity policy statement %d grants %s on %s, but through the access point the identity policy is evaluated against %s (the access point ARN); add it.", t.StatementIndex, st.need, r, st.resource)
			}
		}
	}
	return ""
}
