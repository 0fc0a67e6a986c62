package lint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

// apiNames maps S3 API operation names that are often written as if they
// were permissions to the permission(s) they need (spec 2.2).
var apiNames = map[string]string{
	"s3:headobject":              "s3:GetObject",
	"s3:headbucket":              "s3:ListBucket",
	"s3:listobjects":             "s3:ListBucket",
	"s3:listobjectsv2":           "s3:ListBucket",
	"s3:listobjectversions":      "s3:ListBucketVersions",
	"s3:deleteobjects":           "s3:DeleteObject",
	"s3:copyobject":              "s3:GetObject on the source and s3:PutObject on the destination",
	"s3:createmultipartupload":   "s3:PutObject",
	"s3:uploadpart":              "s3:PutObject",
	"s3:uploadpartcopy":          "s3:PutObject",
	"s3:completemultipartupload": "s3:PutObject",
	"s3:listparts":               "s3:ListMultipartUploadParts",
	"s3:listmultipartuploads":    "s3:ListBucketMultipartUploads",
	"s3:getbucketencryption":     "s3:GetEncryptionConfiguration",
	"s3:putbucketencryption":     "s3:PutEncryptionConfiguration",
	"s3:deletebucketencryption":  "s3:PutEncryptionConfiguration",
	"s3:listbuckets":             "s3:ListAllMyBuckets",
}

// catalogServices are the services whose actions the catalog knows.
var catalogServices = map[string]bool{"s3": true, "kms": true}

func (l *linter) document(doc string, p *policy.Policy) {
	switch p.Version {
	case "":
		l.add(nil, CodeMissingVersion, SeverityWarning, "Version",
			"The policy has no Version: AWS applies the 2008-10-17 language, in which ${...} policy variables are literal text.",
			"Add \"Version\": \"2012-10-17\" as the first element.")
	case policy.Version2008:
		l.add(nil, CodeOldVersion, SeverityInfo, "Version",
			"Version 2008-10-17 is the legacy policy language: ${...} policy variables are literal text.",
			"Use \"Version\": \"2012-10-17\".")
	}
	if l.kind == policy.KindInline {
		if n := policy.PackedLength(doc); n > policy.SizeLimit(policy.KindIdentity) && n <= policy.SizeLimit(policy.KindInline) {
			l.add(nil, CodeManagedPolicySize, SeverityWarning, "",
				fmt.Sprintf("The policy is %d characters long (whitespace excluded): above the 6,144 limit of a managed policy, so it can only be an inline policy.", n),
				"Split it into several managed policies, or keep it inline.")
		}
	}
}

// expanded is one Action entry with the catalogued actions it matches.
type expanded struct {
	elem    string
	pattern string
	service string // lower-cased, "" for "*"
	actions []s3model.Action
}

// elemName names element i of list: the base name alone when the list has one
// element, base[i] otherwise.
func elemName(base string, list []string, i int) string {
	if len(list) == 1 {
		return base
	}
	return fmt.Sprintf("%s[%d]", base, i)
}

func expandActions(st *policy.Statement) []expanded {
	var out []expanded
	for i, a := range st.Action {
		e := expanded{elem: elemName("Action", st.Action, i), pattern: a}
		if a != "*" {
			e.service = strings.ToLower(strings.SplitN(a, ":", 2)[0])
		}
		e.actions = s3model.MatchActions(a)
		out = append(out, e)
	}
	return out
}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

func (l *linter) statement(p *policy.Policy, st *policy.Statement) {
	acts := expandActions(st)
	l.checkActions(st, acts)
	l.checkResources(p, st)
	l.checkResourceTypes(st, acts)
	l.checkPrincipals(st, acts)
	l.checkConditions(p, st, acts)
	l.checkLockout(st)
}

func (l *linter) checkActions(st *policy.Statement, acts []expanded) {
	for _, e := range acts {
		if e.pattern == "*" || !catalogServices[e.service] {
			continue
		}
		if hasWildcard(e.pattern) {
			if len(e.actions) == 0 {
				l.add(st, CodeWildcardMatchesNothing, SeverityError, e.elem,
					fmt.Sprintf("Action pattern %q matches no %s action, so it %s nothing.", e.pattern, e.service, verb(st)),
					"Correct the pattern (e.g. \"s3:Get*\", \"s3:*Object\") or list the actions by name.")
			}
			continue
		}
		if len(e.actions) > 0 {
			continue
		}
		lower := strings.ToLower(e.pattern)
		fix := ""
		if real, ok := apiNames[lower]; ok {
			fix = fmt.Sprintf("%q is an API operation, not a permission; it is authorized by %s.", e.pattern, real)
		} else if c, ok := s3model.ClosestAction(e.pattern); ok {
			fix = fmt.Sprintf("Did you mean %q?", c)
		} else {
			fix = fmt.Sprintf("Use an action from the Service Authorization Reference for %s.", e.service)
		}
		l.add(st, CodeUnknownAction, SeverityError, e.elem,
			fmt.Sprintf("%q is not a known %s action, so the statement %s nothing with it.", e.pattern, e.service, verb(st)), fix)
	}
	if st.Effect == policy.Allow && (l.kind == policy.KindInline || l.kind == policy.KindBucket) {
		for _, e := range acts {
			if e.pattern == "*" || strings.EqualFold(e.pattern, "s3:*") {
				l.add(st, CodeBroadAction, SeverityWarning, e.elem,
					fmt.Sprintf("Action %q allows every %s action, including deleting objects, changing the bucket policy and ACLs.", e.pattern, map[bool]string{true: "AWS", false: "S3"}[e.pattern == "*"]),
					"List only the actions needed, e.g. [\"s3:GetObject\", \"s3:ListBucket\"] for readers (the s3access_policy_document data source writes them).")
			}
		}
	}
	if st.Effect == policy.Allow && st.NotAction != nil && l.kind != policy.KindSCP {
		l.add(st, CodeAllowNotAction, SeverityWarning, "NotAction",
			"Allow with NotAction grants every action not listed, of every AWS service unless Resource limits it.",
			"Use Action with the actions to grant; keep NotAction for Deny statements.")
	}
}

func verb(st *policy.Statement) string {
	if st.Effect == policy.Deny {
		return "denies"
	}
	return "grants"
}

// s3ARN is the classification of one resource pattern.
type s3ARN struct {
	s3       bool // an S3 bucket/object ARN (empty region and account)
	bucket   string
	object   bool // has a '/' after the bucket
	wildcard bool // bucket part has * or ?
	part     string
}

func classify(res string) s3ARN {
	if res == "*" {
		return s3ARN{}
	}
	parts := strings.SplitN(res, ":", 6)
	if len(parts) != 6 || parts[2] != "s3" || parts[3] != "" || parts[4] != "" {
		return s3ARN{}
	}
	b, _, obj := strings.Cut(parts[5], "/")
	return s3ARN{s3: true, bucket: b, object: obj, wildcard: hasWildcard(b), part: parts[1]}
}

// canMatchObject / canMatchBucket: could the pattern match some object ARN / bucket ARN?
func canMatchObject(res string) bool {
	if res == "*" {
		return true
	}
	c := classify(res)
	if !c.s3 {
		return isOtherS3(res) // access points: unknown, assume it can
	}
	return c.object || c.wildcard
}

func canMatchBucket(res string) bool {
	if res == "*" {
		return true
	}
	c := classify(res)
	if !c.s3 {
		return isOtherS3(res)
	}
	return !c.object
}

// isOtherS3 reports an S3 ARN that is not a plain bucket/object ARN (access
// point, or a malformed one reported elsewhere).
func isOtherS3(res string) bool {
	parts := strings.SplitN(res, ":", 4)
	return len(parts) >= 3 && parts[0] == "arn" && parts[2] == "s3"
}

var s3AccountScoped = []string{"accesspoint/", "job/", "storage-lens/", "storage-lens-group/", "access-grants/", "async-request/", "outpost/"}

func (l *linter) checkResources(p *policy.Policy, st *policy.Statement) {
	list, base := st.Resource, "Resource"
	if st.NotResource != nil {
		list, base = st.NotResource, "NotResource"
	}
	for i, r := range list {
		elem := elemName(base, list, i)
		if strings.Contains(r, "${") && !p.VariablesEnabled() {
			l.add(st, CodeVariableNotSubstituted, SeverityError, elem,
				fmt.Sprintf("%q uses a policy variable, but variables are substituted only under Version 2012-10-17; here it is matched literally.", r),
				"Set \"Version\": \"2012-10-17\".")
		}
		if r == "*" {
			continue
		}
		a, err := arn.Parse(r)
		if err != nil {
			l.add(st, CodeInvalidARN, SeverityError, elem, fmt.Sprintf("%q is not a valid ARN: %v.", r, err),
				"Write arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE; for S3: arn:aws:s3:::BUCKET or arn:aws:s3:::BUCKET/KEY.")
			continue
		}
		if a.Service != "s3" {
			continue
		}
		typed := false
		for _, pfx := range s3AccountScoped {
			if strings.HasPrefix(a.Resource, pfx) {
				typed = true
			}
		}
		if typed {
			continue
		}
		bucket, key, isObj := strings.Cut(a.Resource, "/")
		if a.Region != "" || a.AccountID != "" {
			fixed := "arn:" + a.Partition + ":s3:::" + a.Resource
			l.add(st, CodeS3ARNAccountID, SeverityError, elem,
				fmt.Sprintf("%q has a region or account id; S3 bucket and object ARNs have neither (arn:%s:s3:::BUCKET), so it matches nothing.", r, a.Partition),
				fmt.Sprintf("Use %q; to limit the bucket owner, add a Condition on s3:ResourceAccount.", fixed))
			continue
		}
		_ = key
		if bucket == "" {
			l.add(st, CodeInvalidARN, SeverityError, elem, fmt.Sprintf("%q has no bucket name.", r), "Write arn:aws:s3:::BUCKET or arn:aws:s3:::BUCKET/KEY.")
			continue
		}
		if isObj && key == "" {
			l.add(st, CodeInvalidARN, SeverityError, elem, fmt.Sprintf("%q ends with '/' and no key, so it matches no object.", r),
				fmt.Sprintf("Use %q for every object, or %q for the bucket.", r+"*", strings.TrimSuffix(r, "/")))
			continue
		}
		if hasWildcard(bucket) || strings.Contains(bucket, "${") {
			continue
		}
		if err := s3model.ValidateBucketName(bucket); err != nil {
			l.add(st, CodeInvalidARN, SeverityError, elem, fmt.Sprintf("%q names no valid bucket: %v.", r, err),
				"Check the bucket name: 3-63 lower-case letters, digits, '.' and '-'.")
		}
	}
}

func (l *linter) checkResourceTypes(st *policy.Statement, acts []expanded) {
	if st.Resource == nil {
		return
	}
	anyObj, anyBucket, anyStar, anyS3 := false, false, false, false
	var buckets []s3ARN
	for _, r := range st.Resource {
		c := classify(r)
		if r == "*" || c.s3 && c.bucket == "*" && !c.object {
			anyStar = true
		}
		if c.s3 || r == "*" {
			anyS3 = true
		}
		if c.s3 && !c.wildcard {
			buckets = append(buckets, c)
		}
		anyObj = anyObj || canMatchObject(r)
		anyBucket = anyBucket || canMatchBucket(r)
	}
	if !anyS3 {
		return
	}
	for _, e := range acts {
		if e.service != "s3" || len(e.actions) == 0 {
			continue
		}
		objOnly, bucketOnly, noRes := true, true, true
		for _, a := range e.actions {
			objOnly = objOnly && a.IsObjectAction()
			bucketOnly = bucketOnly && a.IsBucketAction()
			noRes = noRes && a.HasNoResource()
		}
		what := e.pattern
		switch {
		case objOnly && !anyObj:
			msg := fmt.Sprintf("%s is authorized against objects (arn:aws:s3:::BUCKET/KEY), but every Resource is a bucket ARN, so the statement never %s it.", what, map[bool]string{true: "denies", false: "allows"}[st.Effect == policy.Deny])
			if len(e.actions) == 1 && len(st.Resource) > 0 {
				if m, ok := s3model.ExplainResourceMismatch(e.actions[0], st.Resource[0]); ok {
					msg = m + "."
				}
			}
			l.add(st, CodeObjectActionBucketARN, SeverityError, e.elem, msg, "Add "+arnList(buckets, true)+" to Resource (object actions need BUCKET/* or BUCKET/PREFIX*); keep the bucket ARN for bucket actions such as s3:ListBucket.")
		case bucketOnly && !anyBucket:
			msg := fmt.Sprintf("%s is authorized against the bucket (arn:aws:s3:::BUCKET), but every Resource is an object ARN, so the statement never %s it.", what, map[bool]string{true: "denies", false: "allows"}[st.Effect == policy.Deny])
			if len(e.actions) == 1 && len(st.Resource) > 0 {
				if m, ok := s3model.ExplainResourceMismatch(e.actions[0], st.Resource[0]); ok {
					msg = m + "."
				}
			}
			fix := "Add " + arnList(buckets, false) + " to Resource"
			if strings.EqualFold(e.pattern, "s3:ListBucket") {
				fix += "; to limit listing to a prefix, use Condition StringLike s3:prefix [\"PREFIX*\"]"
			}
			l.add(st, CodeBucketActionObjectARN, SeverityError, e.elem, msg, fix+".")
		case noRes && !anyStar:
			l.add(st, CodeActionNeedsStar, SeverityError, e.elem,
				fmt.Sprintf("%s has no resource type: it is authorized against \"*\", so a bucket or object Resource never matches it.", what),
				fmt.Sprintf("Put %s in its own statement with \"Resource\": \"*\".", what))
		}
	}
	if st.Effect == policy.Allow && l.kind == policy.KindInline && anyStar {
		broadFlagged := false
		for _, e := range acts {
			if e.pattern == "*" || strings.EqualFold(e.pattern, "s3:*") {
				broadFlagged = true
			}
		}
		typed := false
		for _, e := range acts {
			if e.service == "s3" {
				for _, a := range e.actions {
					if !a.HasNoResource() {
						typed = true
					}
				}
			}
		}
		if typed && !broadFlagged {
			l.add(st, CodeBroadResource, SeverityWarning, "Resource",
				"The statement grants S3 actions on every bucket of every account (Resource \"*\").",
				"Name the buckets: arn:aws:s3:::BUCKET for bucket actions and arn:aws:s3:::BUCKET/PREFIX* for object actions.")
		}
	}
}

func arnList(bs []s3ARN, objects bool) string {
	seen := map[string]bool{}
	var out []string
	for _, b := range bs {
		s := s3model.BucketARN(b.part, b.bucket)
		if objects {
			s += "/*"
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, fmt.Sprintf("%q", s))
		}
	}
	if len(out) == 0 {
		if objects {
			return "\"arn:aws:s3:::BUCKET/*\""
		}
		return "\"arn:aws:s3:::BUCKET\""
	}
	return strings.Join(out, ", ")
}

// writeLevel reports whether an action changes something (Write or
// Permissions management access level).
func writeLevel(a s3model.Action) bool {
	return strings.Contains(a.AccessLevel, "Write") || strings.Contains(a.AccessLevel, "Permissions management") || strings.Contains(a.AccessLevel, "Tagging")
}

func (l *linter) checkPrincipals(st *policy.Statement, acts []expanded) {
	if st.NotPrincipal != nil && st.Effect == policy.Allow {
		l.add(st, CodeAllowNotPrincipal, SeverityError, "NotPrincipal",
			"Allow with NotPrincipal grants every principal not listed, anonymous callers and every other AWS account included.",
			"Use Principal with the principals to grant; NotPrincipal is supported only with Deny.")
	}
	if l.kind == policy.KindKey && st.Principal != nil && len(st.Principal.CanonicalUser) > 0 {
		l.add(st, CodePrincipalNotAllowed, SeverityError, "Principal.CanonicalUser",
			"CanonicalUser principals exist only in S3 policies; a KMS key policy cannot name them.",
			"Name the account instead: {\"AWS\": \"arn:aws:iam::ACCOUNT:root\"}.")
	}
	if st.Effect != policy.Allow || (l.kind != policy.KindBucket && l.kind != policy.KindKey) {
		return
	}
	one := &policy.Policy{Version: policy.Version2012, Kind: l.kind, Statements: []policy.Statement{*st}}
	pub := s3model.PolicyPublicity(one, s3model.PublicityOptions{})
	if pub.Public {
		reason := pub.PublicStatements[0].Reason
		what := "bucket"
		if l.kind == policy.KindKey {
			what = "key"
		}
		l.add(st, CodePublicGrant, SeverityWarning, principalElem(st),
			fmt.Sprintf("The statement is public (%s): anyone, anonymous callers included, can use the %s through it unless Block Public Access stops them.", reason, what),
			"Name the principals (account ids, role ARNs), or pin the wildcard with a fixed-value Condition such as aws:PrincipalOrgID, aws:SourceVpce or aws:SourceArn; for a website, serve it through CloudFront with origin access control.")
		if l.kind == policy.KindBucket {
			var writes []string
			if st.NotAction != nil {
				writes = append(writes, "every action except "+strings.Join(st.NotAction, ", "))
			}
			for _, e := range acts {
				if e.pattern == "*" {
					writes = append(writes, "*")
					continue
				}
				for _, a := range e.actions {
					if a.Service == "s3" && writeLevel(a) {
						writes = append(writes, e.pattern)
						break
					}
				}
			}
			if len(writes) > 0 {
				l.add(st, CodePublicWrite, SeverityError, "Action",
					fmt.Sprintf("The public statement grants write or permission changes (%s): anyone can upload, overwrite, delete or change access.", strings.Join(uniq(writes), ", ")),
					"Remove the write actions from the public statement; grant writes only to named principals.")
			}
		}
	}
	// Cross-account principals.
	if st.Principal == nil {
		return
	}
	var others []string
	for _, a := range st.Principal.AWS {
		ref, err := policy.ParseAWSPrincipal(a)
		if err != nil || ref.Account == "" {
			continue
		}
		if l.opt.BucketAccountID != "" && ref.Account != l.opt.BucketAccountID {
			others = append(others, a)
		}
	}
	if len(others) == 0 {
		return
	}
	l.add(st, CodeCrossAccountGrant, SeverityInfo, "Principal.AWS",
		fmt.Sprintf("The statement grants principals of other accounts than %s: %s. They also need an identity-policy Allow in their own account.", l.opt.BucketAccountID, strings.Join(others, ", ")),
		"Check that these accounts are meant to have access; name roles rather than whole accounts where you can.")
	if l.kind != policy.KindBucket {
		return
	}
	grantsPut := st.NotAction != nil
	for _, e := range acts {
		for _, a := range e.actions {
			if strings.EqualFold(a.FullName(), "s3:PutObject") {
				grantsPut = true
			}
		}
	}
	if !grantsPut {
		return
	}
	for _, c := range st.Conditions {
		k := strings.ToLower(c.Key)
		if (k == "s3:x-amz-acl" || k == "s3:x-amz-grant-full-control") && !c.Operator.Negated() && !c.Operator.IfExists {
			return
		}
	}
	l.add(st, CodeCrossAccountPut, SeverityInfo, "Condition",
		fmt.Sprintf("%s may upload objects without giving the bucket owner control: with Object Ownership ObjectWriter (or BucketOwnerPreferred without the canned ACL) the uploader owns the object and the bucket owner's own principals get 403 on it.", strings.Join(others, ", ")),
		"Set Object Ownership to BucketOwnerEnforced, or add Condition {\"StringEquals\": {\"s3:x-amz-acl\": \"bucket-owner-full-control\"}} to this statement.")
}

func principalElem(st *policy.Statement) string {
	if st.NotPrincipal != nil {
		return "NotPrincipal"
	}
	return "Principal"
}

func uniq(l []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range l {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
