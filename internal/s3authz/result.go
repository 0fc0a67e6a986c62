package s3authz

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/authz"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

// layerName maps internal layers to the deciding_layer vocabulary.
func layerName(l authz.Layer) string {
	switch l {
	case authz.LayerAccessPoint:
		return string(authz.LayerResource)
	case authz.LayerKeyPolicy:
		return string(authz.LayerKMS)
	case authz.LayerPreAuthz, "":
		return string(authz.LayerNone)
	}
	return string(l)
}

var layerOrder = [...]authz.Layer{authz.LayerIdentity, authz.LayerResource, authz.LayerACL, authz.LayerBoundary, authz.LayerSession,
	authz.LayerSCP, authz.LayerRCP, authz.LayerVPCE, authz.LayerBPA, authz.LayerOwnership, authz.LayerKMS}

// Slots of layerOrder.
const (
	numLayers     = len(layerOrder)
	slotACL       = 2
	slotBPA       = 8
	slotOwnership = 9
	slotKMS       = 10
)

// layerSlot is the position of a reported layer name in layerOrder, or -1.
func layerSlot(name string) int {
	for i, l := range layerOrder {
		if string(l) == name {
			return i
		}
	}
	return -1
}

// eachResult calls f with the main authz result (if any), then each KMS result.
func (in *inputs) eachResult(st *stage, f func(*authz.Result)) {
	if st.res != nil {
		f(st.res)
	}
	if st.other != nil {
		f(st.other)
	}
	for _, res := range st.kms {
		f(res)
	}
}

func (in *inputs) result(st *stage) *Result {
	r := &Result{
		Decision:      string(st.decision),
		Allowed:       st.decision == authz.Allowed,
		DecidingLayer: layerName(st.layer),
		ResourceARN:   st.resource,
	}
	if r.ResourceARN == "" {
		r.ResourceARN = in.mainResource()
	}
	// layers: one slot per layerOrder entry; a later trace entry for the same
	// reported layer replaces an earlier one
	var verd [numLayers]LayerResult
	var have [numLayers]bool
	if st.res != nil {
		for li := 0; li < st.res.NumLayers(); li++ {
			lr := st.res.LayerAt(li)
			n := layerName(lr.Layer)
			if i := layerSlot(n); i >= 0 {
				verd[i], have[i] = LayerResult{Layer: n, Result: string(lr.Result), Detail: lr.Detail}, true
			}
		}
	}
	if st.other != nil {
		in.mergeAPLayers(st, &verd, &have)
	}
	if !have[slotACL] {
		d := "no ACL grant covers this caller and action"
		if !s3model.ACLsEnabled(in.own) {
			d = "ACLs are disabled (Object Ownership BucketOwnerEnforced)"
		}
		res := authz.VerdictNoMatch
		if !s3model.ACLsEnabled(in.own) {
			res = authz.VerdictNotApplicable
		}
		verd[slotACL], have[slotACL] = LayerResult{Layer: string(authz.LayerACL), Result: string(res), Detail: d}, true
	}
	bpaV := LayerResult{Layer: string(authz.LayerBPA), Result: string(authz.VerdictNotApplicable), Detail: "no Block Public Access setting is on"}
	if in.bpa != (s3model.BPASettings{}) {
		bpaV.Result, bpaV.Detail = string(authz.VerdictNoMatch), "settings on, none of them blocks this request"
	}
	if st.layer == authz.LayerBPA {
		bpaV.Result, bpaV.Detail = string(authz.VerdictDeny), st.reason
		if st.decision == authz.Unknown {
			bpaV.Result = string(authz.VerdictUnknown)
		}
	}
	verd[slotBPA], have[slotBPA] = bpaV, true
	ownV := LayerResult{Layer: string(authz.LayerOwnership), Result: string(st.ownVerd), Detail: st.ownNote}
	if st.ownVerd == "" {
		ownV.Result = string(authz.VerdictNotApplicable)
	}
	if ownV.Detail == "" {
		ownV.Detail = "the object (if any) is owned by the bucket owner, or ACLs are disabled"
	}
	verd[slotOwnership], have[slotOwnership] = ownV, true
	kv := LayerResult{Layer: string(authz.LayerKMS), Result: string(st.kmsVerd), Detail: st.kmsNote}
	if st.kmsVerd == "" {
		kv.Result, kv.Detail = string(authz.VerdictNotApplicable), "not reached or not needed"
	}
	if kv.Detail == "" {
		kv.Detail = st.reason
	}
	verd[slotKMS], have[slotKMS] = kv, true
	r.Layers = make([]LayerResult, numLayers)
	for i, l := range layerOrder {
		if !have[i] {
			verd[i] = LayerResult{Layer: string(l), Result: string(authz.VerdictNotApplicable), Detail: "not evaluated"}
		}
		r.Layers[i] = verd[i]
	}
	// matched statements and missing keys
	nMatched, nMissing := 0, 0
	in.eachResult(st, func(res *authz.Result) {
		nMatched += res.NumMatched()
		nMissing += len(res.MissingKeys)
	})
	if nMatched > 0 {
		r.MatchedStatements = make([]MatchedStatement, 0, nMatched)
	}
	if nMissing > 0 {
		r.MissingContextKeys = make([]string, 0, nMissing)
	}
	in.eachResult(st, func(res *authz.Result) {
		res.EachMatched(func(t authz.StatementTrace) {
			idx := t.PolicyIndex
			if t.Layer == authz.LayerSCP || t.Layer == authz.LayerRCP {
				idx = t.PolicyIndex*1000 + t.SubIndex
			}
			if t.Layer == authz.LayerAccessPoint {
				idx = apPolicyIndex
			}
			m := MatchedStatement{Layer: layerName(t.Layer), PolicyIndex: idx, StatementIndex: t.StatementIndex, Sid: t.Sid, Effect: string(t.Effect)}
			if st.other != nil && containsMatch(r.MatchedStatements, m) {
				return // the same statement matched on both sides of an access point request
			}
			r.MatchedStatements = append(r.MatchedStatements, m)
		})
		r.MissingContextKeys = append(r.MissingContextKeys, res.MissingKeys...)
	})
	if len(r.MissingContextKeys) > 1 {
		sort.Strings(r.MissingContextKeys)
		out := r.MissingContextKeys[:1]
		for _, k := range r.MissingContextKeys[1:] {
			if k != out[len(out)-1] {
				out = append(out, k)
			}
		}
		r.MissingContextKeys = out
	}
	// fixes
	if st.decision != authz.Allowed {
		fixes := st.fixes
		if len(fixes) == 0 {
			fixes = in.suggest(st)
		}
		r.Fixes = fixes
		if len(fixes) > 0 {
			r.Suggestions = make([]string, len(fixes))
			for i, f := range fixes {
				r.Suggestions[i] = f.Text
			}
		}
	}
	r.Explanation = in.explain(st, r)
	return r
}

func (in *inputs) mainResource() string {
	for _, n := range in.plan.Needs {
		if n.OnSource {
			continue
		}
		if act, ok := s3model.LookupAction(n.Action); ok {
			if a, err := s3model.ResourceARN(act, in.partition, in.req.Bucket, in.req.Key); err == nil {
				return a
			}
		}
	}
	return ""
}

func (in *inputs) principalText() string {
	switch in.p.Kind {
	case authz.Anonymous:
		return "an anonymous caller"
	case authz.Service:
		return "the service principal " + in.p.ServiceName
	}
	return in.p.ARN
}

// policyHolderText names who an identity-policy fix is attached to: the role
// for a role session (policies attach to the role, not the session), the
// federating user for a federated session, else the principal itself.
func (in *inputs) policyHolderText() string {
	switch {
	case in.p.Kind == authz.RoleSession && in.p.RoleARN != "":
		return "the role " + in.p.RoleARN + " (of session " + in.p.ARN + ")"
	case in.p.Kind == authz.Role && in.p.RoleARN != "":
		return "the role " + in.p.RoleARN
	}
	return in.principalText()
}

// statementRef describes one traced statement for humans.
func statementRef(t *authz.StatementTrace) string {
	var b strings.Builder
	b.Grow(64 + len(t.Sid))
	writeStatementRef(&b, t)
	return b.String()
}

func writeStatementRef(b *strings.Builder, t *authz.StatementTrace) {
	switch t.Layer {
	case authz.LayerIdentity:
		b.WriteString("identity_policies[")
		b.WriteString(strconv.Itoa(t.PolicyIndex))
		b.WriteByte(']')
	case authz.LayerResource:
		b.WriteString("bucket_policy")
	case authz.LayerBoundary:
		b.WriteString("permissions_boundary")
	case authz.LayerSession:
		b.WriteString("session_policy")
	case authz.LayerVPCE:
		b.WriteString("vpc_endpoint_policy")
	case authz.LayerSCP, authz.LayerRCP:
		if t.Layer == authz.LayerSCP {
			b.WriteString("service_control_policies[")
		} else {
			b.WriteString("resource_control_policies[")
		}
		b.WriteString(strconv.Itoa(t.PolicyIndex))
		b.WriteString("][")
		b.WriteString(strconv.Itoa(t.SubIndex))
		b.WriteByte(']')
	case authz.LayerKeyPolicy:
		b.WriteString("encryption.key_policy")
	case authz.LayerAccessPoint:
		b.WriteString("access point policy (context " + KeyAccessPointPolicy + ")")
	default:
		b.WriteString(string(t.Layer))
	}
	b.WriteString(" statement ")
	b.WriteString(strconv.Itoa(t.StatementIndex))
	writeSid(b, t.Sid)
}

func (in *inputs) explain(st *stage, r *Result) string {
	var b strings.Builder
	n := 256 + len(st.reason) + len(r.ResourceARN)
	for _, l := range r.Layers {
		n += len(l.Detail) + 32
	}
	for _, s := range r.Suggestions {
		n += len(s) + 6
	}
	b.Grow(n)
	b.WriteString(strings.ReplaceAll(r.Decision, "_", " "))
	b.WriteString(": ")
	b.WriteString(in.plan.Operation)
	if st.need != "" && !strings.EqualFold(st.need, in.plan.Operation) {
		// an API operation that needs another permission, e.g. HeadObject (s3:GetObject)
		b.WriteString(" (")
		b.WriteString(st.need)
		b.WriteByte(')')
	}
	b.WriteString(" on ")
	b.WriteString(r.ResourceARN)
	b.WriteString(" by ")
	b.WriteString(in.principalText())
	b.WriteString("\ndeciding layer: ")
	b.WriteString(r.DecidingLayer)
	b.WriteString(": ")
	b.WriteString(st.reason)
	b.WriteByte('\n')
	if st.res != nil {
		for _, res := range [...]*authz.Result{st.res, st.other} {
			if res == nil {
				continue
			}
			res.EachMatched(func(t authz.StatementTrace) {
				if (st.decision == authz.ExplicitDeny && t.Effect == policy.Deny && res == st.res) || (st.decision == authz.Allowed && t.Effect == policy.Allow) {
					b.WriteString("  ")
					writeStatementRef(&b, &t)
					b.WriteByte(' ')
					b.WriteString(strings.ToLower(string(t.Effect)))
					b.WriteString(" matches\n")
				}
			})
		}
		if st.decision == authz.ImplicitDeny && st.layer == authz.LayerIdentity {
			h := in.apHint(st)
			if h == "" && !st.apSide {
				h = in.resourceHint(st)
			}
			if h != "" {
				b.WriteString("  " + h + "\n")
			}
		}
	}
	b.WriteString("layers:\n")
	for _, l := range r.Layers {
		if l.Result == string(authz.VerdictNotApplicable) {
			continue
		}
		b.WriteString("  ")
		b.WriteString(l.Layer)
		b.WriteString(": ")
		b.WriteString(l.Result)
		b.WriteString(" (")
		b.WriteString(l.Detail)
		b.WriteString(")\n")
	}
	if len(r.MissingContextKeys) > 0 {
		b.WriteString("condition keys read but not in the request: ")
		for i, k := range r.MissingContextKeys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
		}
		b.WriteByte('\n')
	}
	for _, s := range r.Suggestions {
		b.WriteString("fix: ")
		b.WriteString(s)
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// resourceHint finds an identity statement whose action matched but whose
// resource names the bucket for an object action, or objects for a bucket action.
func (in *inputs) resourceHint(st *stage) string {
	isObj := strings.Contains(strings.TrimPrefix(st.resource, "arn:"+in.partition+":s3:::"), "/")
	bucketARN := s3model.BucketARN(in.partition, in.req.Bucket)
	for _, t := range st.res.Statements() {
		if t.Layer != authz.LayerIdentity || !t.ActionMatched || t.ResourceMatched || t.Effect != policy.Allow {
			continue
		}
		if t.PolicyIndex >= len(in.identity) {
			continue
		}
		for _, s := range in.identity[t.PolicyIndex].Statements {
			if s.Index != t.StatementIndex {
				continue
			}
			for _, res := range s.Resource {
				if isObj && res == bucketARN {
					return fmt.Sprintf("identity policy statement %d grants %s on %s (the bucket) but the request is for %s (an object); object actions need %s/*.", t.StatementIndex, st.need, res, st.resource, bucketARN)
				}
				if !isObj && strings.HasPrefix(res, bucketARN+"/") {
					return fmt.Sprintf("identity policy statement %d grants %s on %s (objects) but the request is for %s (the bucket); bucket actions need %s.", t.StatementIndex, st.need, res, st.resource, bucketARN)
				}
			}
		}
	}
	return ""
}

func stmtJSON(m map[string]any) string {
	b, _ := json.Marshal(m)
	return string(b)
}

// grantPrincipal is the Principal element naming the caller in a resource policy.
func (in *inputs) grantPrincipal() any {
	switch in.p.Kind {
	case authz.Anonymous:
		return "*"
	case authz.Service:
		return map[string]any{"Service": in.p.ServiceName}
	case authz.RoleSession, authz.Role:
		return map[string]any{"AWS": in.p.RoleARN}
	}
	return map[string]any{"AWS": in.p.ARN}
}

// suggest builds the smallest concrete fix for a denial.
func (in *inputs) suggest(st *stage) []Fix {
	add := func(layer string, idx int, stmt map[string]any, text string) Fix {
		js := stmtJSON(stmt)
		return Fix{Kind: "add_statement", Layer: layer, PolicyIndex: idx, Statement: js, Text: text + ": " + js}
	}
	allowStmt := func(action, resource string) map[string]any {
		return map[string]any{"Effect": "Allow", "Action": action, "Resource": resource}
	}
	switch st.decision {
	case authz.ExplicitDeny:
		var out []Fix
		if st.layer == authz.LayerBPA {
			return in.bpaFixes(st)
		}
		for _, src := range append([]*authz.Result{st.res}, st.kms...) {
			if src == nil {
				continue
			}
			matched := src.Matched()
			for i := range matched {
				t := &matched[i]
				if t.Effect != policy.Deny {
					continue
				}
				l := layerName(t.Layer)
				idx := t.PolicyIndex
				if t.Layer == authz.LayerSCP || t.Layer == authz.LayerRCP {
					idx = t.PolicyIndex*1000 + t.SubIndex
				}
				out = append(out, Fix{Kind: "remove_statement", Layer: l, PolicyIndex: idx, StatementIndex: t.StatementIndex,
					Text: fmt.Sprintf("%s denies this request; remove it or narrow it (its Action, Resource or Condition) so it does not match %s on %s", statementRef(t), st.need, st.resource)})
			}
		}
		return out
	case authz.ImplicitDeny:
		switch st.layer {
		case authz.LayerIdentity:
			return []Fix{add("identity", 0, allowStmt(st.need, st.resource), "add to an identity policy of "+in.policyHolderText())}
		case authz.LayerAccessPoint:
			s := allowStmt(st.need, st.resource)
			s["Principal"] = in.grantPrincipal()
			return []Fix{add("bucket_policy", apPolicyIndex, s, "add to the access point policy of "+in.ap.arn+" (context "+KeyAccessPointPolicy+")")}
		case authz.LayerResource:
			if in.ap != nil && !st.apSide {
				s := allowStmt(st.need, st.resource)
				s["Principal"] = map[string]any{"AWS": "*"}
				s["Condition"] = map[string]any{"StringEquals": map[string]any{"s3:DataAccessPointArn": in.ap.arn}}
				return []Fix{add("bucket_policy", 0, s, "add to the bucket policy (delegates requests made through the access point "+in.ap.arn+"; non-public, the access point ARN pins it)")}
			}
			s := allowStmt(st.need, st.resource)
			s["Principal"] = in.grantPrincipal()
			text := "add to the bucket policy"
			if in.p.Kind == authz.Anonymous {
				text += " (this makes the bucket public; Block Public Access must allow it)"
			}
			return []Fix{add("bucket_policy", 0, s, text)}
		case authz.LayerBoundary:
			return []Fix{add("permissions_boundary", 0, allowStmt(st.need, st.resource), "add to the permissions boundary")}
		case authz.LayerSession:
			return []Fix{add("session_policy", 0, allowStmt(st.need, st.resource), "add to the session policy")}
		case authz.LayerSCP, authz.LayerRCP:
			name := "service_control_policies"
			if st.layer == authz.LayerRCP {
				name = "resource_control_policies"
			}
			lvl, found := 0, false
			for li := 0; li < st.res.NumLayers(); li++ {
				lr := st.res.LayerAt(li)
				if lr.Layer == st.layer {
					if n, ok := missingLevel(lr.Detail); ok {
						lvl, found = n, true
					}
				}
			}
			s := allowStmt(st.need, st.resource)
			if st.layer == authz.LayerRCP {
				s["Principal"] = "*"
			}
			if !found {
				// The verdict did not name the level: do not guess one.
				return []Fix{add(name, 0, s, "attach an Allow at every level of "+name+" that has none")}
			}
			return []Fix{add(name, lvl*1000, s, fmt.Sprintf("attach an Allow at level %d of %s", lvl, name))}
		case authz.LayerVPCE:
			s := allowStmt(st.need, st.resource)
			s["Principal"] = "*"
			if in.p.ARN != "" && in.p.Kind != authz.Service {
				s["Condition"] = map[string]any{"ArnEquals": map[string]any{"aws:PrincipalArn": principalArnValue(in.p)}}
			}
			return []Fix{add("vpc_endpoint_policy", 0, s, "add to the VPC endpoint policy (gateway endpoints need Principal \"*\"; scope callers with aws:PrincipalArn)")}
		case authz.LayerOwnership:
			return []Fix{
				{Kind: "set_ownership", Setting: string(s3model.BucketOwnerEnforced), Text: "set object_ownership = \"BucketOwnerEnforced\": the bucket owner then owns every object and ACLs stop mattering"},
				{Kind: "request", Setting: "s3:x-amz-acl", Value: "bucket-owner-full-control", Text: "have the uploader (account " + in.objectOwner + ") write objects with x-amz-acl: bucket-owner-full-control, or re-copy the object as the bucket owner"},
			}
		case authz.LayerBPA:
			return in.bpaFixes(st)
		case authz.LayerKMS:
			return in.kmsFixes(st)
		}
	case authz.Unknown:
		return []Fix{{Kind: "input", Setting: strings.Join(st.missing, ", "), Text: "give " + strings.Join(st.missing, ", ") + " so the decision can be made"}}
	}
	return nil
}

func principalArnValue(p authz.Principal) string {
	if p.RoleARN != "" {
		return p.RoleARN
	}
	return p.ARN
}

func (in *inputs) bpaFixes(st *stage) []Fix {
	setting := st.bpaHit
	var out []Fix
	for _, lv := range strings.Split(setting, " and ") {
		level, name, ok := strings.Cut(lv, ".")
		if !ok {
			name, level = lv, "block_public_access"
		}
		lvl := "bucket"
		if level == "account_block_public_access" {
			lvl = "account"
		}
		if level == "access_point_block_public_access" {
			out = append(out, Fix{Kind: "text", Level: "access_point", Setting: name, Text: fmt.Sprintf("the access point's %s (context %s) cannot be changed after creation: use an access point created without it (only if public access is intended)", name, KeyAccessPointBlockPublicAccess)})
			continue
		}
		out = append(out, Fix{Kind: "set_bpa", Level: lvl, Setting: name, Value: "false", Text: fmt.Sprintf("set %s.%s = false (only if public access is intended)", level, name)})
	}
	switch {
	case strings.Contains(setting, "restrict_public_buckets"):
		out = append(out, Fix{Kind: "text", Text: "or make the bucket policy non-public: replace Principal \"*\" with fixed principals or pin it with a condition such as aws:PrincipalOrgID / aws:SourceVpce"})
	case strings.Contains(setting, "block_public_policy"):
		out = append(out, Fix{Kind: "text", Text: "or write a non-public policy: name fixed principals, or pin Principal \"*\" with a fixed-value condition (aws:PrincipalOrgID, aws:SourceVpce, aws:SourceIp /8 or narrower)"})
	case strings.Contains(setting, "block_public_acls"):
		out = append(out, Fix{Kind: "request", Setting: "s3:x-amz-acl", Text: "or send the request without the public ACL header"})
	case strings.Contains(setting, "ignore_public_acls"):
		s := map[string]any{"Effect": "Allow", "Principal": in.grantPrincipal(), "Action": st.need, "Resource": st.resource}
		js := stmtJSON(s)
		out = append(out, Fix{Kind: "add_statement", Layer: "bucket_policy", Statement: js, Text: "or grant through the bucket policy instead of the ACL: " + js})
	}
	return out
}

func (in *inputs) kmsFixes(st *stage) []Fix {
	if s3model.IsAWSManagedKeyAlias(st.resource) {
		return []Fix{{Kind: "text", Text: "the AWS managed key aws/s3 cannot be shared across accounts: re-encrypt the object with a customer managed key whose key policy allows " + orAnon(in.p.Account)}}
	}
	var res *authz.Result
	if len(st.kms) > 0 {
		res = st.kms[len(st.kms)-1]
	}
	var out []Fix
	kpStmt := map[string]any{"Effect": "Allow", "Principal": in.grantPrincipal(), "Action": st.need, "Resource": "*",
		"Condition": map[string]any{"StringEquals": map[string]any{"kms:ViaService": s3model.ViaService(in.env.region)}}}
	idStmt := map[string]any{"Effect": "Allow", "Action": st.need, "Resource": st.resource}
	if res != nil && res.Layer == authz.LayerIdentity {
		js := stmtJSON(idStmt)
		return []Fix{{Kind: "add_statement", Layer: "identity", Statement: js, Text: "add to an identity policy of " + in.policyHolderText() + ": " + js}}
	}
	js := stmtJSON(kpStmt)
	out = append(out, Fix{Kind: "add_statement", Layer: "kms", Statement: js, Text: "add to the key policy of " + st.resource + ": " + js})
	k, err := s3model.ParseKMSKeyARN(st.resource)
	if err == nil && k.Account != in.p.Account {
		ij := stmtJSON(idStmt)
		out = append(out, Fix{Kind: "add_statement", Layer: "identity", Statement: ij, Text: "and, cross-account, add to an identity policy of " + in.policyHolderText() + ": " + ij})
	}
	return out
}

// missingLevel reads N from an SCP or RCP layer verdict "level N has no
// matching Allow" (authz combine); ok is false for any other detail.
func missingLevel(detail string) (int, bool) {
	rest, ok := strings.CutPrefix(detail, "level ")
	if !ok {
		return 0, false
	}
	num, _, _ := strings.Cut(rest, " ")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// apPolicyIndex is the policy_index of access point policy statements, which
// are reported under the bucket_policy layer (the bucket policy is index 0).
const apPolicyIndex = 1

func containsMatch(ms []MatchedStatement, m MatchedStatement) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// verdictRank orders layer verdicts from the least to the most restrictive.
func verdictRank(v string) int {
	switch authz.LayerVerdict(v) {
	case authz.VerdictAllow:
		return 1
	case authz.VerdictNoMatch:
		return 2
	case authz.VerdictUnknown:
		return 3
	case authz.VerdictDeny:
		return 4
	}
	return 0
}

// mergeAPLayers folds the other side of a request through an access point
// into the layer slots: the bucket_policy slot reports both the bucket policy
// and the access point policy; identity, boundary and session report the
// access point side (where the caller's own policies decide) unless the
// bucket side denies; the other layers report the more restrictive side.
func (in *inputs) mergeAPLayers(st *stage, verd *[numLayers]LayerResult, have *[numLayers]bool) {
	apRes, bucketRes := st.res, st.other
	if !st.apSide {
		apRes, bucketRes = st.other, st.res
	}
	sides := [2]map[string]LayerResult{{}, {}} // 0: bucket side, 1: access point side
	for i, res := range [2]*authz.Result{bucketRes, apRes} {
		for li := 0; li < res.NumLayers(); li++ {
			lr := res.LayerAt(li)
			sides[i][layerName(lr.Layer)] = LayerResult{Layer: layerName(lr.Layer), Result: string(lr.Result), Detail: lr.Detail}
		}
	}
	for name, b := range sides[0] {
		slot := layerSlot(name)
		if slot < 0 {
			continue
		}
		a, ok := sides[1][name]
		if !ok {
			verd[slot], have[slot] = b, true
			continue
		}
		out := a
		switch name {
		case string(authz.LayerResource):
			out = LayerResult{Layer: name, Result: b.Result, Detail: "bucket policy: " + b.Detail + "; access point policy (" + in.ap.arn + "): " + a.Detail}
			if verdictRank(a.Result) > verdictRank(b.Result) {
				out.Result = a.Result
			}
		case string(authz.LayerIdentity), string(authz.LayerBoundary), string(authz.LayerSession):
			if b.Result == string(authz.VerdictDeny) {
				out = b
				out.Detail = "on the bucket ARN: " + b.Detail
			} else if a.Result != string(authz.VerdictNotApplicable) {
				out.Detail = "on the access point ARN: " + a.Detail
			}
		default:
			if verdictRank(b.Result) > verdictRank(a.Result) {
				out = b
			}
		}
		verd[slot], have[slot] = out, true
	}
	for name, a := range sides[1] {
		if _, ok := sides[0][name]; ok {
			continue
		}
		if slot := layerSlot(name); slot >= 0 {
			verd[slot], have[slot] = a, true
		}
	}
}
