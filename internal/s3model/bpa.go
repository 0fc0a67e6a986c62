package s3model

import (
	"net/netip"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// BPASettings is one level of S3 Block Public Access (spec 3.1).
type BPASettings struct {
	BlockPublicAcls       bool
	IgnorePublicAcls      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
}

// AllBlocked is every setting on (the default of new buckets since April 2023).
func AllBlocked() BPASettings { return BPASettings{true, true, true, true} }

// Effective combines levels (organization/account, bucket, access point) by
// OR-ing each setting: the most restrictive combination (spec 3.1).
func Effective(levels ...BPASettings) BPASettings {
	var e BPASettings
	for _, l := range levels {
		e.BlockPublicAcls = e.BlockPublicAcls || l.BlockPublicAcls
		e.IgnorePublicAcls = e.IgnorePublicAcls || l.IgnorePublicAcls
		e.BlockPublicPolicy = e.BlockPublicPolicy || l.BlockPublicPolicy
		e.RestrictPublicBuckets = e.RestrictPublicBuckets || l.RestrictPublicBuckets
	}
	return e
}

// PublicityOptions says what kind of resource policy is classified.
type PublicityOptions struct {
	// AccessPoint: the policy is an access point policy; s3:DataAccessPointArn
	// then pins nothing (spec 3.3, access-point policies).
	AccessPoint bool
	// VPCOrigin: the access point has a VPC network origin; its policy is never
	// public. Ignored unless AccessPoint is set.
	VPCOrigin bool
}

// PublicStatement is an Allow statement that makes a policy public.
type PublicStatement struct {
	Index     int
	Sid       string
	Reason    string
	Actions   []string // the statement's Action list
	NotAction []string // its NotAction list when it used NotAction
}

// PublicityResult is the classification of one policy.
type PublicityResult struct {
	Public           bool
	PublicStatements []PublicStatement
}

// PolicyPublicity classifies a bucket or access point policy as public or not,
// the way S3 Block Public Access does (spec 3.3): S3 starts from "public" and
// proves "non-public". Only Allow statements count. A statement is non-public
// when its Principal names only fixed principals (accounts, IAM ARNs, service
// principals, canonical users), or when a wildcard principal is pinned by a
// condition on a fixed value of a caller-identifying key. Actions are not
// inspected (unsupported actions still count, rule 7). Anything this
// classifier cannot prove non-public is public. A nil policy is not public.
//
// Decisions where the spec leaves room (spec 8.2 item 3), all on the
// conservative side:
//   - aws:SourceIp pins with IPv4 prefixes of /8 or longer and IPv6 prefixes of
//     /32 or longer; RFC 1918 ranges follow the same rule (all of them are /8 or
//     narrower, so they pin) and no broader range is excused for being private.
//   - A value with * or ? (even under StringEquals) or a policy variable pins
//     nothing; aws:PrincipalArn may carry wildcards after a fixed 12-digit
//     account, s3:DataAccessPointArn (bucket policies only) after a fixed
//     partition, region and account; aws:userid may be "<unique id>:*".
//   - Negated operators, ...IfExists, Null and ForAllValues pin nothing;
//     multivalued keys (aws:PrincipalOrgPaths) need ForAnyValue.
//   - s3:x-amz-server-side-encryption-aws-kms-key-id does not pin.
//   - Federated principals are public whatever the condition; an Allow with
//     NotPrincipal is public; an Allow without a Principal is public.
func PolicyPublicity(p *policy.Policy, opt PublicityOptions) PublicityResult {
	var res PublicityResult
	if p == nil || (opt.AccessPoint && opt.VPCOrigin) {
		return res
	}
	for _, st := range p.Statements {
		if st.Effect != policy.Allow {
			continue
		}
		if reason, public := statementPublic(st, opt); public {
			res.Public = true
			res.PublicStatements = append(res.PublicStatements, PublicStatement{
				Index:     st.Index,
				Sid:       st.Sid,
				Reason:    reason,
				Actions:   append([]string(nil), st.Action...),
				NotAction: append([]string(nil), st.NotAction...),
			})
		}
	}
	return res
}

func statementPublic(st policy.Statement, opt PublicityOptions) (string, bool) {
	if st.NotPrincipal != nil {
		return "Allow with NotPrincipal grants everyone not listed, anonymous callers included", true
	}
	pr := st.Principal
	if pr == nil {
		return "Allow statement without a Principal element", true
	}
	if len(pr.Federated) > 0 {
		return "Federated principal " + pr.Federated[0] + " is public", true
	}
	open := ""
	switch {
	case pr.Wildcard:
		open = `Principal "*"`
	default:
		for _, group := range []struct {
			name string
			vals []string
		}{{"AWS", pr.AWS}, {"Service", pr.Service}, {"CanonicalUser", pr.CanonicalUser}} {
			for _, v := range group.vals {
				if !fixedValue(v) {
					open = "Principal " + group.name + " " + `"` + v + `"`
					break
				}
			}
			if open != "" {
				break
			}
		}
	}
	if open == "" {
		return "", false
	}
	for _, c := range st.Conditions {
		if conditionPins(c, opt) {
			return "", false
		}
	}
	return open + " without a condition that pins the caller to fixed values (aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceVpce, aws:SourceIp /8 or narrower, ...)", true
}

// fixedValue: no wildcard and no policy variable.
func fixedValue(v string) bool {
	return v != "" && !strings.ContainsAny(v, "*?") && !strings.Contains(v, "${")
}

// pinFixedStringKeys pin when every value is fixed under a positive string operator.
var pinFixedStringKeys = map[string]bool{
	"aws:principalorgid":        true,
	"aws:principalaccount":      true,
	"aws:principalservicename":  true,
	"aws:sourcevpc":             true,
	"aws:sourcevpce":            true,
	"aws:sourceowner":           true,
	"aws:sourceaccount":         true,
	"s3:dataaccesspointaccount": true,
	"aws:principalorgpaths":     true, // multivalued: ForAnyValue required
}

func conditionPins(c policy.Condition, opt PublicityOptions) bool {
	op := c.Operator
	if op.IfExists || strings.EqualFold(op.Qualifier, "ForAllValues") || len(c.Values) == 0 {
		return false
	}
	for _, v := range c.Values {
		if strings.Contains(v, "${") || v == "" {
			return false
		}
	}
	base := strings.ToLower(op.Base)
	stringOp := base == "stringequals" || base == "stringequalsignorecase" || base == "stringlike"
	arnOp := base == "arnequals" || base == "arnlike"
	key := strings.ToLower(strings.TrimSpace(c.Key))

	switch {
	case pinFixedStringKeys[key]:
		if key == "aws:principalorgpaths" && !strings.EqualFold(op.Qualifier, "ForAnyValue") {
			return false
		}
		if !stringOp {
			return false
		}
		for _, v := range c.Values {
			if !fixedValue(v) {
				return false
			}
		}
		return true
	case key == "aws:principalisawsservice":
		if base != "bool" {
			return false
		}
		for _, v := range c.Values {
			if !strings.EqualFold(v, "true") {
				return false
			}
		}
		return true
	case key == "aws:sourceip":
		if base != "ipaddress" {
			return false
		}
		for _, v := range c.Values {
			if !narrowCIDR(v) {
				return false
			}
		}
		return true
	case key == "aws:sourcearn":
		if !stringOp && !arnOp {
			return false
		}
		for _, v := range c.Values {
			if !fixedValue(v) || !strings.HasPrefix(v, "arn:") {
				return false
			}
		}
		return true
	case key == "aws:principalarn":
		if !stringOp && !arnOp {
			return false
		}
		for _, v := range c.Values {
			if !fixedAccountARN(v, false) {
				return false
			}
		}
		return true
	case key == "s3:dataaccesspointarn":
		if opt.AccessPoint || (!stringOp && !arnOp) {
			return false
		}
		for _, v := range c.Values {
			if !fixedAccountARN(v, true) {
				return false
			}
		}
		return true
	case key == "aws:userid":
		if !stringOp {
			return false
		}
		for _, v := range c.Values {
			if fixedValue(v) {
				continue
			}
			id, ok := strings.CutSuffix(v, ":*")
			if !ok || !fixedValue(id) || strings.Contains(id, ":") {
				return false
			}
		}
		return true
	}
	return false
}

// narrowCIDR: an IPv4 prefix of /8 or longer or an IPv6 prefix of /32 or
// longer (a bare address is a full-length prefix).
func narrowCIDR(v string) bool {
	v = strings.TrimSpace(v)
	var pfx netip.Prefix
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return false
		}
		pfx = p
	} else {
		a, err := netip.ParseAddr(v)
		if err != nil {
			return false
		}
		pfx = netip.PrefixFrom(a, a.BitLen())
	}
	bits := pfx.Bits()
	if a := pfx.Addr(); a.Is4() {
		return bits >= 8
	} else if a.Is4In6() {
		return bits-96 >= 8
	}
	return bits >= 32
}

// fixedAccountARN: an ARN whose partition, service and account (and for
// access points the region) are fixed, the account being a 12-digit id;
// wildcards are tolerated only in the resource part. For access points the
// resource must be accesspoint/<name>.
func fixedAccountARN(v string, accessPoint bool) bool {
	a, err := arn.Parse(v)
	if err != nil {
		return false
	}
	if !fixedValue(a.Partition) || !fixedValue(a.Service) || !policy.IsAccountID(a.AccountID) || strings.ContainsAny(a.Region, "*?") {
		return false
	}
	if accessPoint {
		return a.Service == "s3" && fixedValue(a.Region) && strings.HasPrefix(a.Resource, "accesspoint/") && len(a.Resource) > len("accesspoint/")
	}
	return a.Resource != ""
}

// ACLPublicity reports whether an ACL is public (spec 3.2): any permission
// granted to AllUsers or AuthenticatedUsers (names, group URIs or uri=
// header forms). Grants with an invalid grantee are not public here; callers
// validate grants with ValidateGrant first.
func ACLPublicity(grants []Grant) (public bool, publicGrants []Grant) {
	for _, g := range grants {
		if IsPublicGrantee(g.Grantee) {
			publicGrants = append(publicGrants, g)
		}
	}
	return len(publicGrants) > 0, publicGrants
}
