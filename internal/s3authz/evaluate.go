package s3authz

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/s3access/terraform-provider-s3access/internal/authz"
	"github.com/s3access/terraform-provider-s3access/internal/memo"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

// Fix is a machine-applicable form of one suggestion (Suggestions holds the
// same fixes as text). Kind: "add_statement" (Statement to add to Layer,
// PolicyIndex), "remove_statement" (Layer, PolicyIndex, StatementIndex),
// "set_bpa" (Level "bucket"/"account", Setting, Value false),
// "set_ownership" (Setting = the Object Ownership value), "request" (change
// the request: Setting names the context key, Value its new value or "" to
// drop it).
type Fix struct {
	Kind           string
	Layer          string
	PolicyIndex    int
	StatementIndex int
	Statement      string // JSON of one statement for add_statement
	Level          string
	Setting        string
	Value          string
	Text           string
}

// inputs is the validated, parsed request.
type inputs struct {
	req         *Request
	p           authz.Principal
	env         *requestEnv
	plan        *opPlan
	partition   string
	bucketOwner string
	objectOwner string
	identity    []*policy.Policy
	boundary    *policy.Policy
	session     *policy.Policy
	scps, rcps  [][]*policy.Policy
	vpce        *policy.Policy
	bucket      *policy.Policy
	own         s3model.Ownership
	bucketBPA   s3model.BPASettings
	accountBPA  s3model.BPASettings
	bpa         s3model.BPASettings
	mgmt        map[string]bool
	sse         string // destination/object SSE after request headers
	kmsKey      string
	keyPolicy   *policy.Policy
	bucketPub   s3model.PublicityResult
	reqACL      string       // canned ACL header
	reqGrants   []string     // grant header values
	ap          *accessPoint // the access point the request goes through (nil: none)
	state       objectState  // bucket and object state of spec 2.7
	// evaluated holds the authz results of this request, returned to
	// resultPool once the Result is built (nothing in a Result aliases them).
	evaluated []*authz.Result
	evalBuf   [4]*authz.Result
}

// resultPool recycles authz.Result buffers (their trace, layer and
// missing-key slices) between Evaluate calls.
var resultPool = sync.Pool{New: func() any { return new(authz.Result) }}

// evaluate runs the authz engine into a pooled result owned by in.
func (in *inputs) evaluate(ai *authz.Input) *authz.Result {
	buf, ok := resultPool.Get().(*authz.Result)
	if !ok {
		// The pool holds only *authz.Result; never reuse anything else.
		buf = new(authz.Result)
	}
	res := authz.EvaluateInto(ai, buf)
	if in.evaluated == nil {
		in.evaluated = in.evalBuf[:0]
	}
	in.evaluated = append(in.evaluated, res)
	return res
}

// release returns the authz results to the pool; in must not be used after.
func (in *inputs) release() {
	for i, r := range in.evaluated {
		resultPool.Put(r)
		in.evaluated[i] = nil
	}
	in.evaluated = nil
}

// stage is the outcome of one evaluation step.
type stage struct {
	decision authz.Decision
	layer    authz.Layer
	reason   string
	res      *authz.Result // main authz result (nil for pre-authz)
	// other is the other side's result of a request through an access point
	// (the bucket side when res is the access point side, and the reverse);
	// apSide marks res as the access point side.
	other    *authz.Result
	apSide   bool
	kms      []*authz.Result
	need     string
	resource string
	fixes    []Fix
	missing  []string // inputs missing for an unknown decision
	bpaHit   string   // BPA setting that decided
	ownNote  string   // object ownership explanation
	ownVerd  authz.LayerVerdict
	kmsVerd  authz.LayerVerdict
	kmsNote  string
}

// Evaluate decides one S3 request through every layer (spec 1.3) and returns
// the decision with its trace, explanation and suggestions. Invalid input is
// an *InputError naming the argument (and list index); SCP and RCP errors use
// Index = level*1000 + position within the level.
func Evaluate(req *Request) (*Result, error) {
	if req == nil {
		return nil, &InputError{Field: "request", Index: -1, Err: errors.New("no request")}
	}
	in, err := prepare(req)
	if err != nil {
		return nil, err
	}
	st := in.decide()
	r := in.result(st)
	in.release()
	return r, nil
}

// Validate checks a request exactly as Evaluate does (arguments, policies,
// context) without deciding it, and returns the ARN of the resource the
// request is authorized against. Errors are the same *InputError values.
func Validate(req *Request) (string, error) {
	if req == nil {
		return "", &InputError{Field: "request", Index: -1, Err: errors.New("no request")}
	}
	in, err := prepare(req)
	if err != nil {
		return "", err
	}
	return in.mainResource(), nil
}

func parsePolicy(doc string, kind policy.Kind, field string, idx int) (*policy.Policy, error) {
	p, err := policy.ParseCached(doc, kind)
	if err != nil {
		return nil, &InputError{Field: field, Index: idx, Err: err}
	}
	return p, nil
}

func parseOpt(doc *string, kind policy.Kind, field string) (*policy.Policy, error) {
	if doc == nil {
		return nil, nil
	}
	return parsePolicy(*doc, kind, field, -1)
}

func toBPA(b *BPA, def bool) s3model.BPASettings {
	if b == nil {
		return s3model.BPASettings{BlockPublicAcls: def, IgnorePublicAcls: def, BlockPublicPolicy: def, RestrictPublicBuckets: def}
	}
	return *b
}

func prepare(req *Request) (*inputs, error) {
	in := &inputs{req: req}
	p, err := ParsePrincipal(req.Principal)
	if err != nil {
		return nil, err
	}
	in.partition = p.Partition
	if err := s3model.ValidateBucketName(req.Bucket); err != nil {
		return nil, &InputError{Field: "bucket", Index: -1, Err: err}
	}
	in.bucketOwner = strings.TrimSpace(req.BucketAccountID)
	if in.bucketOwner == "" {
		if p.Account == "" {
			return nil, &InputError{Field: "bucket_account_id", Index: -1, Err: fmt.Errorf("required for a %s principal (the bucket owner cannot be derived from it)", p.Kind)}
		}
		in.bucketOwner = p.Account
	}
	if !policy.IsAccountID(in.bucketOwner) {
		return nil, &InputError{Field: "bucket_account_id", Index: -1, Err: fmt.Errorf("%q is not a 12-digit account id", in.bucketOwner)}
	}
	in.objectOwner = strings.TrimSpace(req.ObjectOwnerAccountID)
	if in.objectOwner == "" {
		in.objectOwner = in.bucketOwner
	}
	if !policy.IsAccountID(in.objectOwner) {
		return nil, &InputError{Field: "object_owner_account_id", Index: -1, Err: fmt.Errorf("%q is not a 12-digit account id", in.objectOwner)}
	}
	if in.env, err = buildContext(req.Context, p, in.bucketOwner); err != nil {
		return nil, err
	}
	for _, a := range in.env.pseudo[KeyManagementAccount] {
		if !policy.IsAccountID(a) {
			return nil, &InputError{Field: "context", Index: -1, Err: fmt.Errorf("%s: %q is not a 12-digit account id", KeyManagementAccount, a)}
		}
		if in.mgmt == nil {
			in.mgmt = map[string]bool{}
		}
		in.mgmt[a] = true
	}
	p.ManagementAccount = p.Account != "" && in.mgmt[p.Account]
	if in.plan, err = planAction(req.Action, in.env.version); err != nil {
		return nil, err
	}
	if err := checkKey(in.plan, req.Bucket, req.Key); err != nil {
		return nil, err
	}
	for i, d := range req.IdentityPolicies {
		pp, err := parsePolicy(d, policy.KindInline, "identity_policies", i)
		if err != nil {
			return nil, err
		}
		in.identity = append(in.identity, pp)
	}
	if in.boundary, err = parseOpt(req.PermissionsBoundary, policy.KindBoundary, "permissions_boundary"); err != nil {
		return nil, err
	}
	if in.session, err = parseOpt(req.SessionPolicy, policy.KindSession, "session_policy"); err != nil {
		return nil, err
	}
	if in.vpce, err = parseOpt(req.VPCEndpointPolicy, policy.KindEndpoint, "vpc_endpoint_policy"); err != nil {
		return nil, err
	}
	if in.bucket, err = parseOpt(req.BucketPolicy, policy.KindBucket, "bucket_policy"); err != nil {
		return nil, err
	}
	chain := func(levels [][]string, kind policy.Kind, field string) ([][]*policy.Policy, error) {
		var out [][]*policy.Policy
		for i, lvl := range levels {
			var ps []*policy.Policy
			for j, d := range lvl {
				pp, err := parsePolicy(d, kind, field, i*1000+j)
				if err != nil {
					return nil, err
				}
				ps = append(ps, pp)
			}
			out = append(out, ps)
		}
		return out, nil
	}
	if in.scps, err = chain(req.ServiceControlPolicies, policy.KindSCP, "service_control_policies"); err != nil {
		return nil, err
	}
	if in.rcps, err = chain(req.ResourceControlPolicies, policy.KindRCP, "resource_control_policies"); err != nil {
		return nil, err
	}
	p.HasBoundary = in.boundary != nil
	in.p = p
	if in.own, err = s3model.ParseOwnership(req.ObjectOwnership); err != nil {
		return nil, &InputError{Field: "object_ownership", Index: -1, Err: err}
	}
	in.bucketBPA = toBPA(req.BlockPublicAccess, true)
	in.accountBPA = toBPA(req.AccountBlockPublicAccess, false)
	in.bpa = s3model.Effective(in.bucketBPA, in.accountBPA)
	in.bucketPub = s3model.PolicyPublicity(in.bucket, s3model.PublicityOptions{})
	for _, acl := range []struct {
		f string
		a *ACL
	}{{"bucket_acl", req.BucketACL}, {"object_acl", req.ObjectACL}} {
		if acl.a == nil {
			continue
		}
		if acl.a.Canned != "" {
			if _, err := s3model.CannedGrants(acl.a.Canned, in.objectOwner, in.bucketOwner, acl.f == "bucket_acl"); err != nil {
				return nil, &InputError{Field: acl.f, Index: -1, Err: err}
			}
		}
		for i, g := range acl.a.Grants {
			if err := s3model.ValidateGrant(g); err != nil {
				return nil, &InputError{Field: acl.f, Index: i, Err: err}
			}
		}
	}
	// before the encryption defaults: the access point sets the Region
	if err := in.prepareAccessPoint(); err != nil {
		return nil, err
	}
	// request ACL headers
	ctx := in.env.ctx
	if v, ok := single(ctx, "s3:x-amz-acl"); ok {
		in.reqACL = v
	}
	for _, k := range in.env.grantKeys { // sorted, as ctx.Keys()
		v, _ := ctx.Get(k)
		in.reqGrants = append(in.reqGrants, v.Values...)
	}
	// encryption
	sse := ""
	if req.Encryption != nil {
		sse = req.Encryption.SSE
		in.kmsKey = strings.TrimSpace(req.Encryption.KMSKeyARN)
	}
	if in.writes() {
		if v, ok := single(ctx, "s3:x-amz-server-side-encryption"); ok {
			sse = v
		}
		if v, ok := single(ctx, "s3:x-amz-server-side-encryption-aws-kms-key-id"); ok {
			in.kmsKey = v
		}
	}
	if in.sse, err = s3model.ParseSSE(sse); err != nil {
		return nil, &InputError{Field: "encryption", Index: -1, Err: err}
	}
	if s3model.UsesKMS(in.sse) {
		if in.kmsKey == "" {
			in.kmsKey = "arn:" + in.partition + ":kms:" + in.env.region + ":" + in.bucketOwner + ":" + s3model.S3ManagedKeyAlias
		}
		if _, err := s3model.ParseKMSKeyARN(in.kmsKey); err != nil {
			return nil, &InputError{Field: "encryption", Index: -1, Err: err}
		}
		if req.Encryption != nil && req.Encryption.KeyPolicy != nil {
			if in.keyPolicy, err = parsePolicy(*req.Encryption.KeyPolicy, policy.KindKey, "encryption", -1); err != nil {
				return nil, err
			}
		}
	}
	if err := in.prepareObjectState(); err != nil {
		return nil, err
	}
	if in.plan.Copy {
		if _, ok := single(ctx, "s3:x-amz-copy-source"); !ok {
			return nil, &InputError{Field: "context", Index: -1, Err: fmt.Errorf("%s needs the copy source in s3:x-amz-copy-source (\"/bucket/key\")", in.plan.Operation)}
		}
	}
	return in, nil
}

// writes reports whether the request creates object data (PutObject family).
func (in *inputs) writes() bool {
	for _, n := range in.plan.Needs {
		if !n.OnSource && strings.EqualFold(n.Action, "s3:PutObject") {
			return true
		}
	}
	return false
}

func (in *inputs) hasNeed(action string) bool {
	for _, n := range in.plan.Needs {
		if strings.EqualFold(n.Action, action) {
			return true
		}
	}
	return false
}

// decide runs spec 1.3: pre-authorization, every S3 permission, then KMS.
func (in *inputs) decide() *stage {
	if st := in.preAuthz(); st != nil {
		return st
	}
	var last *stage
	for _, n := range in.plan.Needs {
		st := in.evalNeed(n)
		if st.decision != authz.Allowed {
			return st
		}
		last = st
	}
	// 405 for the bucket-policy APIs from another account (spec 1.9).
	if in.isBucketPolicyAPI() && in.p.Account != in.bucketOwner {
		last.decision, last.layer = authz.Rejected, authz.LayerNone
		last.reason = "rejected (405 MethodNotAllowed): " + in.plan.Operation + " can only be called by the bucket owner's account (" + in.bucketOwner + "); the caller belongs to " + orAnon(in.p.Account)
		last.fixes = []Fix{{Kind: "request", Text: "call " + in.plan.Operation + " with credentials of the bucket owner account " + in.bucketOwner}}
		return last
	}
	if u := in.retentionUnknown(last); u != nil {
		return u
	}
	if k := in.evalKMS(last); k != nil {
		return k
	}
	return last
}

func orAnon(a string) string {
	if a == "" {
		return "no account (anonymous)"
	}
	return a
}

func (in *inputs) isBucketPolicyAPI() bool {
	return in.hasNeed("s3:GetBucketPolicy") || in.hasNeed("s3:PutBucketPolicy") || in.hasNeed("s3:DeleteBucketPolicy")
}

// requestACLPublic reports whether the request's ACL headers grant
// AllUsers or AuthenticatedUsers.
func (in *inputs) requestACLPublic() bool {
	if in.reqACL != "" && s3model.IsPublicCannedACL(in.reqACL) {
		return true
	}
	for _, g := range in.reqGrants {
		for _, part := range strings.Split(g, ",") {
			if s3model.IsPublicGrantee(part) {
				return true
			}
		}
	}
	return false
}

func (in *inputs) writesACL() bool {
	for _, a := range []string{"s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectVersionAcl", "s3:PutBucketAcl"} {
		if in.hasNeed(a) {
			return true
		}
	}
	return false
}

// preAuthz is spec 1.3 step 0: refusals before policy evaluation.
func (in *inputs) preAuthz() *stage {
	carriesACL := in.reqACL != "" || len(in.reqGrants) > 0
	if in.hasNeed("s3:CreateBucket") && carriesACL && in.accountBPA.BlockPublicAcls && in.requestACLPublic() {
		return &stage{decision: authz.Rejected, layer: authz.LayerBPA, bpaHit: "account block_public_acls",
			reason: "rejected (400 Bad Request): CreateBucket carries a public ACL and the account's BlockPublicAcls setting is on",
			fixes:  []Fix{{Kind: "request", Setting: "s3:x-amz-acl", Text: "create the bucket without a public ACL (drop x-amz-acl " + in.reqACL + "), or set account_block_public_access.block_public_acls = false"}}}
	}
	if in.own == s3model.BucketOwnerEnforced && carriesACL && in.writesACL() {
		ok := strings.EqualFold(in.reqACL, s3model.CannedBucketOwnerFullControl) && len(in.reqGrants) == 0
		if in.reqACL == "" {
			// grant headers only: accepted when they are only x-amz-grant-full-control
			v, has := in.env.ctx.Get("s3:x-amz-grant-full-control")
			ok = has && len(v.Values) == len(in.reqGrants)
		}
		if !ok {
			return &stage{decision: authz.Rejected, layer: authz.LayerNone,
				reason: "rejected (400 AccessControlListNotSupported): the bucket's Object Ownership is BucketOwnerEnforced (ACLs disabled) and the request carries an ACL other than bucket-owner-full-control",
				fixes: []Fix{
					{Kind: "request", Setting: "s3:x-amz-acl", Text: "send the request without an ACL header, or with x-amz-acl: bucket-owner-full-control"},
					{Kind: "set_ownership", Setting: string(s3model.ObjectWriter), Text: "or set object_ownership = \"BucketOwnerPreferred\" / \"ObjectWriter\" to re-enable ACLs (not recommended)"},
				}}
		}
	}
	if in.plan.KMSRequest && s3model.UsesKMS(in.sse) || in.sourceKMS() {
		why := ""
		switch {
		case in.p.Kind == authz.Anonymous:
			why = "it is anonymous (unsigned)"
		case !in.env.tls:
			why = "it does not use TLS (aws:SecureTransport is false)"
		case in.env.sigV2:
			why = "it is signed with Signature Version 2"
		}
		if why != "" {
			return &stage{decision: authz.Rejected, layer: authz.LayerNone,
				reason: "rejected (400): requests for SSE-KMS objects must be signed with SigV4 and use TLS; " + why,
				fixes:  []Fix{{Kind: "request", Text: "send the request signed with Signature Version 4 over HTTPS (anonymous access to SSE-KMS objects is impossible); or store the object with SSE-S3 (AES256)"}}}
		}
	}
	if st := in.apNetworkRefusal(); st != nil {
		return st
	}
	return in.stateRefusal()
}

func (in *inputs) sourceKMS() bool {
	if len(in.plan.SourceKMS) == 0 {
		return false
	}
	v := in.env.pseudo[KeyCopySourceSSE]
	return len(v) == 1 && (strings.EqualFold(v[0], s3model.SSEKMS) || strings.EqualFold(v[0], s3model.SSEKMSDSSE))
}

// denyOnly keeps the Deny statements of a policy (with their positions).
// Policies are immutable, so the result is remembered per policy: the
// evaluator then reuses its compiled form and evaluation plans instead of
// compiling a new policy for every request.
func denyOnly(p *policy.Policy) *policy.Policy {
	if p == nil {
		return nil
	}
	if q, ok := denyOnlyMemo.Load(p); ok {
		return q
	}
	q := makeDenyOnly(p)
	denyOnlyMemo.Store(p, q)
	return q
}

var denyOnlyMemo = memo.New[*policy.Policy, *policy.Policy](1024)

func makeDenyOnly(p *policy.Policy) *policy.Policy {
	q := *p
	q.Statements = nil
	for _, s := range p.Statements {
		if s.Effect == policy.Deny {
			q.Statements = append(q.Statements, s)
		}
	}
	return &q
}

// aclGrants returns the grants of acl that allow action for the caller, and
// the public grants IgnorePublicAcls removed.
func (in *inputs) aclGrants(acl *ACL, owner string, isBucket bool, action, what string) (grants []authz.ResourceGrant, ignored []string) {
	var all []s3model.Grant
	canned := "private"
	if acl != nil && (acl.Canned != "" || len(acl.Grants) > 0) {
		canned = acl.Canned
	}
	if canned != "" {
		g, err := s3model.CannedGrants(canned, owner, in.bucketOwner, isBucket)
		if err == nil {
			all = append(all, g...)
		}
	}
	if acl != nil {
		for _, g := range acl.Grants {
			if n, err := s3model.NormalizeGrant(g); err == nil {
				all = append(all, n)
			}
		}
	}
	for _, g := range all {
		if !s3model.PermissionAllows(g.Permission, isBucket, action) {
			continue
		}
		name, kind, err := s3model.NormalizeGrantee(g.Grantee)
		if err != nil {
			continue
		}
		desc := fmt.Sprintf("%s grants %s to %s", what, g.Permission, name)
		var class authz.MatchClass
		switch {
		case kind == s3model.GranteeGroup && name == s3model.GroupAllUsers:
			class = authz.ClassDirect
		case kind == s3model.GranteeGroup && name == s3model.GroupAuthenticatedUsers:
			if in.p.Kind == authz.Anonymous {
				continue
			}
			class = authz.ClassDirect
		case kind == s3model.GranteeAccount && name == in.p.Account && in.p.Account != "":
			class = authz.ClassAccount
		case kind == s3model.GranteeCanonical && in.p.CanonicalID != "" && strings.EqualFold(name, in.p.CanonicalID):
			class = authz.ClassAccount
		default:
			continue
		}
		if in.bpa.IgnorePublicAcls && s3model.IsPublicGrantee(name) {
			ignored = append(ignored, desc)
			continue
		}
		grants = append(grants, authz.ResourceGrant{Layer: authz.LayerACL, Class: class, Description: desc})
	}
	return grants, ignored
}

func (in *inputs) baseInput(action, resource, resourceAccount string) *authz.Input {
	ai := &authz.Input{
		Request:  authz.Request{Principal: in.p, Action: action, Resource: resource, ResourceAccount: resourceAccount, Context: in.env.ctx},
		Identity: in.identity, Boundary: in.boundary, Session: in.session,
		SCPs: in.scps, RCPs: in.rcps, VPCE: in.vpce,
	}
	if in.mgmt[resourceAccount] {
		ai.RCPExempt, ai.RCPExemptReason = true, "the resource owner "+resourceAccount+" is the organization's management account"
	}
	return ai
}

// copySource parses s3:x-amz-copy-source ("/bucket/key" or "bucket/key").
func (in *inputs) copySource() (string, string, error) {
	v, _ := single(in.env.ctx, "s3:x-amz-copy-source")
	s := strings.TrimPrefix(v, "/")
	b, k, ok := strings.Cut(s, "/")
	if !ok || b == "" || k == "" {
		return "", "", &InputError{Field: "context", Index: -1, Err: fmt.Errorf("s3:x-amz-copy-source %q: expected /bucket/key", v)}
	}
	if i := strings.Index(k, "?versionId="); i >= 0 {
		k = k[:i]
	}
	return b, k, nil
}

// evalNeed decides one S3 permission (spec 1.3 steps 1-4), through the
// access point when the request names one (spec 2.6; the copy source of a
// copy is read directly).
func (in *inputs) evalNeed(n permNeed) *stage {
	if in.ap != nil && !n.OnSource {
		return in.evalNeedAP(n)
	}
	return in.evalNeedBucket(n)
}

// evalNeedBucket decides one S3 permission against the bucket or object.
func (in *inputs) evalNeedBucket(n permNeed) *stage {
	act, _ := s3model.LookupAction(n.Action)
	bucket, key := in.req.Bucket, in.req.Key
	bucketPolicy := in.bucket
	if n.OnSource {
		b, k, err := in.copySource()
		if err != nil {
			return &stage{decision: authz.Unknown, layer: authz.LayerNone, need: n.Action, reason: err.Error(), missing: []string{"context.s3:x-amz-copy-source"}}
		}
		bucket, key = b, &k
		if b != in.req.Bucket {
			bucketPolicy = nil // the source bucket's policy is not an input
		}
	}
	resource, err := s3model.ResourceARN(act, in.partition, bucket, key)
	if err != nil {
		return &stage{decision: authz.Unknown, layer: authz.LayerNone, need: n.Action, reason: "cannot build the resource ARN: " + err.Error(), missing: []string{"key"}}
	}
	st := &stage{need: n.Action, resource: resource, ownVerd: authz.VerdictNotApplicable}
	ai := in.baseInput(n.Action, resource, in.bucketOwner)
	ai.Resource = bucketPolicy
	if in.p.Kind == authz.Root && in.p.Account == in.bucketOwner && in.isBucketPolicyAPI() {
		ai.ResourceDenyExempt = true // spec 1.9 root bypass
	}
	aclsOn := s3model.ACLsEnabled(in.own)
	var ignored []string
	viaOwnerACL := false
	// Service principals are never ACL grantees, but an object owned by
	// another account is out of reach of bucket-policy Allows for them too
	// (spec 2.5): they take the ownership branch.
	foreignObject := act.IsObjectAction() && !strings.EqualFold(n.Action, "s3:PutObject") && !n.OnSource && in.objectOwner != in.bucketOwner
	if aclsOn && (in.p.Kind != authz.Service || foreignObject) {
		isObj := act.IsObjectAction()
		switch {
		case !isObj:
			ai.ResourceGrants, ignored = in.aclGrants(in.req.BucketACL, in.bucketOwner, true, n.Action, "the bucket ACL")
		case strings.EqualFold(n.Action, "s3:PutObject"):
			ai.ResourceGrants, ignored = in.aclGrants(in.req.BucketACL, in.bucketOwner, true, n.Action, "the bucket ACL")
		case n.OnSource || in.objectOwner == in.bucketOwner:
			ai.ResourceGrants, ignored = in.aclGrants(in.req.ObjectACL, in.bucketOwner, false, n.Action, "the object ACL")
		default:
			// object owned by another account (spec 2.5, 4.4)
			isDelete := strings.EqualFold(n.Action, "s3:DeleteObject") || strings.EqualFold(n.Action, "s3:DeleteObjectVersion")
			caller := in.p.Account
			switch {
			case isDelete && caller == in.bucketOwner:
				st.ownVerd = authz.VerdictAllow
				st.ownNote = "the object is owned by " + in.objectOwner + ", but the bucket owner may always delete objects in its bucket"
			case caller != "" && caller == in.objectOwner:
				ai.Resource = denyOnly(bucketPolicy)
				ai.Request.ResourceAccount = in.objectOwner
				ai.ResourceGrants, ignored = in.aclGrants(in.req.ObjectACL, in.objectOwner, false, n.Action, "the object ACL")
				st.ownVerd = authz.VerdictAllow
				st.ownNote = "the caller's account " + caller + " owns the object; its own policies decide, and only Deny statements of the bucket policy apply"
			default:
				grants, ign := in.aclGrants(in.req.ObjectACL, in.objectOwner, false, n.Action, "the object ACL")
				ignored = ign
				if len(grants) == 0 {
					ai.Resource = denyOnly(bucketPolicy)
					res := in.evaluate(ai)
					st.res = res
					if res.Decision == authz.ExplicitDeny {
						st.decision, st.layer, st.reason = res.Decision, res.Layer, res.Reason
						return st
					}
					st.decision, st.layer = authz.ImplicitDeny, authz.LayerOwnership
					st.ownVerd = authz.VerdictDeny
					st.ownNote = "the object is owned by account " + in.objectOwner + " (not the bucket owner " + in.bucketOwner + "); bucket-policy Allows do not reach it and its object ACL grants " + orAnon(caller) + " nothing for " + n.Action
					st.reason = "implicit deny: " + st.ownNote
					if len(ignored) > 0 {
						st.layer, st.bpaHit = authz.LayerBPA, "ignore_public_acls"
						st.reason = "implicit deny: IgnorePublicAcls hides " + strings.Join(ignored, "; ")
					}
					return st
				}
				viaOwnerACL = true
				st.ownVerd = authz.VerdictAllow
				ai.ResourceGrants = grants
				if caller == in.bucketOwner {
					st.ownNote = "the object is owned by " + in.objectOwner + " and its ACL grants the bucket owner account; the bucket owner's policies decide"
				} else {
					ai.Resource = denyOnly(bucketPolicy)
					ai.Request.ResourceAccount = in.objectOwner
					st.ownNote = "the object is owned by " + in.objectOwner + "; its ACL grants the caller, whose own identity policy must allow; bucket-policy Allows do not reach it"
				}
			}
		}
	}
	res := in.evaluate(ai)
	st.res = res
	st.decision, st.layer, st.reason = res.Decision, res.Layer, res.Reason
	if res.Decision == authz.ExplicitDeny {
		return st
	}
	if in.ap != nil && !n.OnSource {
		in.apBucketSide(st, res)
	}
	// Block Public Access (spec 1.3 step 1, section 3).
	if in.bpa.RestrictPublicBuckets && in.bucketPub.Public && bucketPolicy == in.bucket && in.p.Kind != authz.Service && (in.p.Account == "" || in.p.Account != in.bucketOwner) {
		ps := in.bucketPub.PublicStatements[0]
		st.decision, st.layer, st.bpaHit = authz.ExplicitDeny, authz.LayerBPA, in.bpaLevel("restrict_public_buckets")
		st.reason = fmt.Sprintf("explicit deny: RestrictPublicBuckets is on (%s) and the bucket policy is public (statement %d%s: %s), so only AWS services and principals of the bucket owner account %s may use it", st.bpaHit, ps.Index, sidText(ps.Sid), ps.Reason, in.bucketOwner)
		return st
	}
	if in.bpa.BlockPublicAcls && in.writesACL() && !in.hasNeed("s3:CreateBucket") && in.requestACLPublic() {
		st.decision, st.layer, st.bpaHit = authz.ExplicitDeny, authz.LayerBPA, in.bpaLevel("block_public_acls")
		st.reason = "explicit deny: the request writes a public ACL and BlockPublicAcls is on (" + st.bpaHit + ")"
		return st
	}
	if st.decision == authz.Allowed && in.aclBodyUnknown(n.Action) {
		// The ACL travels in the request body, which is not an input: whether S3
		// accepts it depends on it (BlockPublicAcls, ACLs disabled), so do not guess.
		st.decision = authz.Unknown
		st.layer = authz.LayerBPA
		why := "BlockPublicAcls is on (" + in.bpaLevel("block_public_acls") + ") and S3 rejects the request if the ACL is public"
		if !s3model.ACLsEnabled(in.own) {
			st.layer, st.ownVerd = authz.LayerOwnership, authz.VerdictUnknown
			why = "Object Ownership is BucketOwnerEnforced and S3 rejects any ACL but bucket-owner-full-control (400 AccessControlListNotSupported)"
		}
		st.reason = "unknown: " + n.Action + " carries no ACL header, so the ACL is in the request body; " + why + "; give the ACL as context s3:x-amz-acl (canned) or s3:x-amz-grant-* (grant headers)"
		st.missing = []string{"context.s3:x-amz-acl"}
		if st.ownVerd == authz.VerdictUnknown {
			st.ownNote = st.reason
		}
		return st
	}
	if in.bpa.BlockPublicPolicy && strings.EqualFold(n.Action, "s3:PutBucketPolicy") && st.decision == authz.Allowed {
		docs := in.env.pseudo[KeyNewBucketPolicy]
		if len(docs) != 1 {
			st.decision, st.layer = authz.Unknown, authz.LayerBPA
			st.reason = "unknown: BlockPublicPolicy is on, and the policy being written is needed to decide; give it in context " + KeyNewBucketPolicy
			st.missing = []string{"context." + KeyNewBucketPolicy}
			return st
		}
		np, err := policy.ParseCached(docs[0], policy.KindBucket)
		if err != nil {
			st.decision, st.layer = authz.Rejected, authz.LayerNone
			st.reason = "rejected (400 MalformedPolicy): the new bucket policy is invalid: " + err.Error()
			return st
		}
		if pub := s3model.PolicyPublicity(np, s3model.PublicityOptions{}); pub.Public {
			ps := pub.PublicStatements[0]
			st.decision, st.layer, st.bpaHit = authz.ExplicitDeny, authz.LayerBPA, in.bpaLevel("block_public_policy")
			st.reason = fmt.Sprintf("explicit deny: BlockPublicPolicy is on (%s) and the new policy is public (statement %d%s: %s)", st.bpaHit, ps.Index, sidText(ps.Sid), ps.Reason)
			return st
		}
	}
	if st.decision == authz.ImplicitDeny && len(ignored) > 0 {
		st.layer, st.bpaHit = authz.LayerBPA, "ignore_public_acls"
		st.reason = "implicit deny: no resource-based policy allows the request; IgnorePublicAcls (" + in.bpaLevel("ignore_public_acls") + ") hides " + strings.Join(ignored, "; ")
		return st
	}
	if st.decision == authz.Allowed {
		st.layer = in.allowedLayer(res, viaOwnerACL, ai.Request.ResourceAccount)
	}
	return st
}

func sidText(sid string) string {
	if sid == "" {
		return ""
	}
	var b strings.Builder
	writeSid(&b, sid)
	return b.String()
}

// writeSid writes ` (Sid "<sid>")` (Go-quoted), or nothing for an empty Sid.
func writeSid(b *strings.Builder, sid string) {
	if sid == "" {
		return
	}
	b.WriteString(" (Sid ")
	b.WriteString(strconv.Quote(sid))
	b.WriteByte(')')
}

// bpaLevel names where a BPA setting is on: "bucket <name>", "account" or both.
func (in *inputs) bpaLevel(setting string) string {
	get := func(b s3model.BPASettings) bool {
		switch setting {
		case "block_public_acls":
			return b.BlockPublicAcls
		case "ignore_public_acls":
			return b.IgnorePublicAcls
		case "block_public_policy":
			return b.BlockPublicPolicy
		}
		return b.RestrictPublicBuckets
	}
	var lv []string
	if get(in.bucketBPA) {
		lv = append(lv, "block_public_access."+setting)
	}
	if get(in.accountBPA) {
		lv = append(lv, "account_block_public_access."+setting)
	}
	if in.ap != nil && get(in.ap.bpa) {
		lv = append(lv, "access_point_block_public_access."+setting)
	}
	return strings.Join(lv, " and ")
}

func verdictOf(res *authz.Result, l authz.Layer) authz.LayerVerdict {
	if res == nil {
		return authz.VerdictNotApplicable
	}
	if v, ok := res.Verdict(l); ok {
		return v
	}
	return authz.VerdictNotApplicable
}

// allowedLayer names the layer whose grant was decisive (corpus README).
func (in *inputs) allowedLayer(res *authz.Result, viaOwnerACL bool, resAcct string) authz.Layer {
	if res.Layer == authz.LayerRoot {
		return authz.LayerRoot
	}
	if viaOwnerACL {
		return authz.LayerACL
	}
	resource := func() authz.Layer {
		if verdictOf(res, authz.LayerResource) == authz.VerdictAllow || verdictOf(res, authz.LayerAccessPoint) == authz.VerdictAllow {
			return authz.LayerResource
		}
		if verdictOf(res, authz.LayerACL) == authz.VerdictAllow {
			return authz.LayerACL
		}
		return res.Layer
	}
	switch in.p.Kind {
	case authz.Anonymous, authz.Service, authz.Root:
		return resource()
	}
	if in.p.Account != resAcct {
		return resource()
	}
	if verdictOf(res, authz.LayerIdentity) == authz.VerdictAllow &&
		verdictOf(res, authz.LayerBoundary) != authz.VerdictNoMatch &&
		verdictOf(res, authz.LayerSession) != authz.VerdictNoMatch {
		return authz.LayerIdentity
	}
	return resource()
}

// checkKey rejects a key on a bucket action and a missing key on an object
// action (the argument does not fit the request), as an error on "key".
func checkKey(plan *opPlan, bucket string, key *string) error {
	for _, n := range plan.Needs {
		if n.OnSource {
			continue
		}
		act, ok := s3model.LookupAction(n.Action)
		if !ok {
			continue
		}
		_, err := s3model.ResourceARN(act, "", bucket, key)
		if errors.Is(err, s3model.ErrKeyNotAllowed) || errors.Is(err, s3model.ErrKeyRequired) {
			return &InputError{Field: "key", Index: -1, Err: err}
		}
	}
	return nil
}

// aclBodyUnknown reports an ACL write (PutBucketAcl, PutObjectAcl,
// PutObjectVersionAcl) without ACL headers while the ACL's content decides
// whether S3 accepts it.
func (in *inputs) aclBodyUnknown(action string) bool {
	switch strings.ToLower(action) {
	case "s3:putbucketacl", "s3:putobjectacl", "s3:putobjectversionacl":
	default:
		return false
	}
	if in.reqACL != "" || len(in.reqGrants) > 0 {
		return false
	}
	return in.bpa.BlockPublicAcls || !s3model.ACLsEnabled(in.own)
}
