package lint

import (
	"fmt"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/authz"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

// alwaysPresent are global keys present in every request (spec 6.8).
var alwaysPresent = map[string]bool{
	"aws:currenttime": true, "aws:epochtime": true, "aws:securetransport": true, "aws:requestedregion": true,
	"aws:useragent": true, "aws:viaawsservice": true, "aws:principaltype": true, "aws:userid": true,
	"aws:principalaccount": true,
}

// principalKeys identify the caller; a Deny conditioned on one of them can exempt the owner's admins.
var principalKeys = []string{"aws:principalarn", "aws:principalaccount", "aws:userid", "aws:username",
	"aws:principalorgid", "aws:principalorgpaths", "aws:principaltag/", "aws:principaltype", "aws:principalisawsservice",
	"aws:principalservicename", "aws:calledvia", "aws:viaawsservice"}

func isPrincipalKey(k string) bool {
	lk := strings.ToLower(k)
	for _, p := range principalKeys {
		if lk == p || strings.HasSuffix(p, "/") && strings.HasPrefix(lk, p) || strings.HasPrefix(lk, p) && p == "aws:calledvia" {
			return true
		}
	}
	return false
}

func family(base string) string {
	switch {
	case strings.HasPrefix(base, "String"):
		return "String"
	case strings.HasPrefix(base, "Numeric"):
		return "Numeric"
	case strings.HasPrefix(base, "Date"):
		return "Date"
	case base == "Bool":
		return "Bool"
	case base == "BinaryEquals":
		return "Binary"
	case base == "IpAddress" || base == "NotIpAddress":
		return "IPAddress"
	case strings.HasPrefix(base, "Arn"):
		return "ARN"
	}
	return base // Null
}

func condElem(c policy.Condition) string { return "Condition." + c.Operator.Raw + "." + c.Key }

func (l *linter) checkConditions(p *policy.Policy, st *policy.Statement, acts []expanded) {
	// Actions the key-support check can reason about: only when every Action
	// entry is a catalogued S3/KMS pattern (not "*", not NotAction).
	var known []s3model.Action
	supportCheck := st.Action != nil
	for _, e := range acts {
		if !catalogServices[e.service] {
			supportCheck = false
		}
		known = append(known, e.actions...)
	}
	if len(known) == 0 {
		supportCheck = false
	}
	nullTrue := map[string]bool{}
	positive := map[string]string{}
	for _, c := range st.Conditions {
		lk := strings.ToLower(c.Key)
		if c.Operator.Base == "Null" {
			for _, v := range c.Values {
				if v == "true" {
					nullTrue[lk] = true
				}
			}
		} else if !c.Operator.Negated() && !c.Operator.IfExists && c.Operator.Qualifier != "ForAllValues" {
			positive[lk] = c.Operator.Raw
		}
	}
	for _, c := range st.Conditions {
		elem := condElem(c)
		lk := strings.ToLower(c.Key)
		if !p.VariablesEnabled() {
			for _, v := range c.Values {
				if strings.Contains(v, "${") {
					l.add(st, CodeVariableNotSubstituted, SeverityError, elem,
						fmt.Sprintf("The value %q uses a policy variable, but variables are substituted only under Version 2012-10-17; here it is compared literally.", v),
						"Set \"Version\": \"2012-10-17\".")
					break
				}
			}
		}
		info, found := s3model.LookupConditionKey(c.Key)
		if !found {
			if svc := strings.SplitN(lk, ":", 2)[0]; svc == "s3" || svc == "kms" || svc == "aws" {
				l.add(st, CodeConditionKeyUnknown, SeverityError, elem,
					fmt.Sprintf("%q is not a %s condition key: it is never present in a request, so %s.", c.Key, svc, missingEffect(c.Operator)),
					"Check the spelling against the Service Authorization Reference (e.g. aws:SourceIp, s3:prefix, s3:x-amz-acl, kms:ViaService).")
			}
		} else {
			l.checkType(st, c, info.Type)
		}
		if c.Operator.Base == "Null" {
			if alwaysPresent[lk] {
				l.add(st, CodeNullMisuse, SeverityWarning, elem,
					fmt.Sprintf("%q is present in every request, so Null on it is constant (%s).", c.Key, map[bool]string{true: "never true", false: "always true"}[c.Values[0] == "true"]),
					"Compare the key's value instead (e.g. Bool aws:SecureTransport \"false\"), or remove the condition.")
			}
			if nullTrue[lk] {
				if op, ok := positive[lk]; ok {
					l.add(st, CodeNullMisuse, SeverityWarning, elem,
						fmt.Sprintf("Null %q = true requires the key to be absent, but %s requires a value for it: the statement can never apply.", c.Key, op),
						fmt.Sprintf("Use Null %q = \"false\" to require the key, or drop one of the two conditions.", c.Key))
				}
			}
		}
		if supportCheck && found && !anySupports(known, c.Key) {
			l.add(st, CodeConditionKeyUnused, SeverityWarning, elem,
				fmt.Sprintf("None of the statement's actions (%s) supports %q: the key is never present for them, so %s.", actionNames(acts), c.Key, missingEffect(c.Operator)),
				"Move the condition to a statement with actions that support the key, or use the key those actions support (e.g. s3:prefix goes with s3:ListBucket, s3:x-amz-acl with s3:PutObject).")
		}
		if st.Effect == policy.Deny && c.Operator.Base == "NotIpAddress" && lk == "aws:sourceip" && !hasNetworkExemption(st) {
			l.add(st, CodeSourceIPDeny, SeverityWarning, elem,
				"Requests through a VPC endpoint and requests AWS services make for you carry no aws:SourceIp; NotIpAddress on a missing key is true, so this Deny refuses them too.",
				"If VPC-endpoint traffic must get in, add Condition {\"Null\": {\"aws:SourceVpce\": \"true\"}} to this Deny (or a StringNotEquals aws:SourceVpce with your endpoint ids); for AWS services add {\"Bool\": {\"aws:ViaAWSService\": \"false\"}}.")
		}
	}
}

func hasNetworkExemption(st *policy.Statement) bool {
	for _, c := range st.Conditions {
		switch strings.ToLower(c.Key) {
		case "aws:sourcevpce", "aws:sourcevpc", "aws:viaawsservice", "aws:principalisawsservice", "aws:vpcsourceip":
			return true
		}
	}
	return false
}

func missingEffect(op policy.Operator) string {
	if op.IfExists || op.Negated() || op.Qualifier == "ForAllValues" || op.Base == "Null" {
		return "the condition is always true"
	}
	return "the condition is always false"
}

func anySupports(acts []s3model.Action, key string) bool {
	for _, a := range acts {
		if s3model.ActionSupportsKey(a.FullName(), key) {
			return true
		}
	}
	return false
}

func actionNames(acts []expanded) string {
	var out []string
	for _, e := range acts {
		out = append(out, e.pattern)
	}
	return strings.Join(out, ", ")
}

func (l *linter) checkType(st *policy.Statement, c policy.Condition, keyType string) {
	elem := condElem(c)
	multi := strings.HasPrefix(keyType, "ArrayOf")
	t := strings.TrimPrefix(keyType, "ArrayOf")
	if strings.EqualFold(t, "Arn") {
		t = "ARN"
	}
	if strings.EqualFold(t, "IPAddress") || strings.EqualFold(t, "IpAddress") {
		t = "IPAddress"
	}
	f := family(c.Operator.Base)
	mismatch := func(sev Severity, why string) {
		l.add(st, CodeConditionTypeMismatch, sev, elem,
			fmt.Sprintf("%s compares %s values, but %q is a %s key%s.", c.Operator.Raw, f, c.Key, keyType, why),
			fmt.Sprintf("Use a %s operator with %q (%s).", t, c.Key, operatorsFor(t)))
	}
	switch f {
	case "IPAddress", "Date", "Numeric", "Bool", "Binary":
		if f != t {
			mismatch(SeverityError, "; the comparison never matches as intended")
		}
	case "ARN":
		if t != "ARN" {
			mismatch(SeverityWarning, "; ARN operators split the value at ':' and may not match as intended")
		}
	case "String":
		if t == "IPAddress" || t == "Date" || t == "Numeric" {
			mismatch(SeverityWarning, "; a string comparison ignores ranges and formats")
		}
	}
	if multi && c.Operator.Qualifier == "" && c.Operator.Base != "Null" {
		l.add(st, CodeSetOperatorNeeded, SeverityWarning, elem,
			fmt.Sprintf("%q is multivalued (%s); a plain %s does not match a request with several values.", c.Key, keyType, c.Operator.Raw),
			fmt.Sprintf("Use ForAnyValue:%s (some value matches) or ForAllValues:%s (every value matches).", c.Operator.Canonical(), c.Operator.Canonical()))
	}
	if c.Operator.Qualifier == "ForAllValues" && st.Effect == policy.Allow && !requiresPresence(st, c.Key) {
		l.add(st, CodeForAllValuesAllow, SeverityWarning, elem,
			fmt.Sprintf("ForAllValues is true when %q is missing or empty, so this Allow also applies to requests that send no value.", c.Key),
			fmt.Sprintf("Add {\"Null\": {%q: \"false\"}} to require the key, or use ForAnyValue.", c.Key))
	}
}

func requiresPresence(st *policy.Statement, key string) bool {
	for _, c := range st.Conditions {
		if !strings.EqualFold(c.Key, key) {
			continue
		}
		if c.Operator.Base == "Null" && len(c.Values) == 1 && c.Values[0] == "false" {
			return true
		}
		if c.Operator.Qualifier == "ForAnyValue" && !c.Operator.IfExists {
			return true
		}
	}
	return false
}

func operatorsFor(t string) string {
	switch t {
	case "IPAddress":
		return "IpAddress, NotIpAddress"
	case "Date":
		return "DateLessThan, DateGreaterThan, ..."
	case "Numeric":
		return "NumericLessThan, NumericGreaterThanEquals, ..."
	case "Bool":
		return "Bool"
	case "ARN":
		return "ArnLike, ArnEquals, or StringLike"
	}
	return "StringEquals, StringLike, ..."
}

// checkLockout: a bucket-policy Deny for every principal on the bucket-policy
// actions leaves only the root user able to repair the policy (spec 1.9).
func (l *linter) checkLockout(st *policy.Statement) {
	if l.kind != policy.KindBucket || st.Effect != policy.Deny || st.Principal == nil || !st.Principal.Wildcard {
		return
	}
	covers := func(action string) bool {
		if st.NotAction != nil {
			for _, p := range st.NotAction {
				if authz.MatchAction(p, action) {
					return false
				}
			}
			return true
		}
		for _, p := range st.Action {
			if authz.MatchAction(p, action) {
				return true
			}
		}
		return false
	}
	var locked []string
	for _, a := range []string{"s3:PutBucketPolicy", "s3:DeleteBucketPolicy"} {
		if covers(a) {
			locked = append(locked, a)
		}
	}
	if len(locked) == 0 {
		return
	}
	onBucket := false
	if st.NotResource != nil {
		onBucket = true
		for _, r := range st.NotResource {
			if canMatchBucket(r) && r != "*" {
				onBucket = false
			}
		}
	}
	for _, r := range st.Resource {
		if canMatchBucket(r) {
			onBucket = true
		}
	}
	if !onBucket {
		return
	}
	for _, c := range st.Conditions {
		if isPrincipalKey(c.Key) {
			return // the Deny can exempt principals
		}
	}
	what := strings.Join(locked, " and ")
	fix := "Exempt the account's administrators, e.g. add {\"StringNotLike\": {\"aws:PrincipalArn\": [\"arn:aws:iam::ACCOUNT:role/admin\"]}} to the Deny, or leave s3:PutBucketPolicy/s3:DeleteBucketPolicy out of it."
	if len(st.Conditions) == 0 {
		l.add(st, CodeOwnerLockout, SeverityError, "Principal",
			fmt.Sprintf("This Deny applies to every principal, the bucket owner's administrators included, for %s: once applied, only the account's root user can change or delete the policy.", what), fix)
		return
	}
	l.add(st, CodeOwnerLockout, SeverityWarning, "Condition",
		fmt.Sprintf("Whenever its conditions hold, this Deny applies to every principal, the bucket owner's administrators included, for %s; an administrator outside those conditions cannot repair the policy (only the root user can).", what), fix)
}
