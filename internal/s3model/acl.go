package s3model

import (
	"fmt"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// ACL grantee groups (spec 4.2) and their URIs.
const (
	GroupAllUsers           = "AllUsers"
	GroupAuthenticatedUsers = "AuthenticatedUsers"
	GroupLogDelivery        = "LogDelivery"

	groupURIPrefix = "http://acs.amazonaws.com/groups/"
)

var groupURIs = map[string]string{
	groupURIPrefix + "global/allusers":           GroupAllUsers,
	groupURIPrefix + "global/authenticatedusers": GroupAuthenticatedUsers,
	groupURIPrefix + "s3/logdelivery":            GroupLogDelivery,
}

// ACL permissions.
const (
	PermRead        = "READ"
	PermWrite       = "WRITE"
	PermReadACP     = "READ_ACP"
	PermWriteACP    = "WRITE_ACP"
	PermFullControl = "FULL_CONTROL"
)

// EC2ExecReadGrantee is the canonical user id that the aws-exec-read canned ACL
// grants READ to (Amazon EC2, for AMI bundles).
const EC2ExecReadGrantee = "6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c"

// Grant is one ACL grant. Grantee: 12-digit account id, 64-hex canonical user
// id, AllUsers, AuthenticatedUsers or LogDelivery (group URIs are accepted by
// NormalizeGrant). Permission: READ, WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL.
type Grant struct {
	Grantee    string
	Permission string
}

// GranteeKind classifies a grantee.
type GranteeKind string

const (
	GranteeAccount   GranteeKind = "account"   // 12-digit account id
	GranteeCanonical GranteeKind = "canonical" // 64-hex canonical user id
	GranteeGroup     GranteeKind = "group"     // AllUsers, AuthenticatedUsers, LogDelivery
)

// NormalizeGrantee maps group URIs and any letter case of a group name to the
// short group name, lower-cases canonical ids, and classifies the grantee.
func NormalizeGrantee(g string) (string, GranteeKind, error) {
	s := strings.TrimSpace(g)
	// Header forms: uri="http://acs.amazonaws.com/groups/global/AllUsers", id="<canonical id>".
	if k, v, ok := strings.Cut(s, "="); ok && (strings.EqualFold(k, "uri") || strings.EqualFold(k, "id")) {
		s = strings.Trim(strings.TrimSpace(v), `"`)
	}
	ls := strings.ToLower(s)
	if name, ok := groupURIs[ls]; ok {
		return name, GranteeGroup, nil
	}
	for _, name := range []string{GroupAllUsers, GroupAuthenticatedUsers, GroupLogDelivery} {
		if strings.EqualFold(s, name) {
			return name, GranteeGroup, nil
		}
	}
	if policy.IsAccountID(s) {
		return s, GranteeAccount, nil
	}
	if len(s) == 64 && allIn(ls, "0123456789abcdef") {
		return ls, GranteeCanonical, nil
	}
	if strings.HasPrefix(ls, groupURIPrefix) {
		return "", "", fmt.Errorf("grantee %q: unknown group URI", g)
	}
	return "", "", fmt.Errorf("grantee %q: expected a 12-digit account id, a 64-hex canonical user id, AllUsers, AuthenticatedUsers or LogDelivery", g)
}

func allIn(s, set string) bool {
	for _, c := range s {
		if !strings.ContainsRune(set, c) {
			return false
		}
	}
	return s != ""
}

// NormalizePermission upper-cases and checks an ACL permission.
func NormalizePermission(p string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(p))
	switch u {
	case PermRead, PermWrite, PermReadACP, PermWriteACP, PermFullControl:
		return u, nil
	}
	return "", fmt.Errorf("permission %q: expected READ, WRITE, READ_ACP, WRITE_ACP or FULL_CONTROL", p)
}

// NormalizeGrant validates a grant and returns it in canonical form.
func NormalizeGrant(g Grant) (Grant, error) {
	grantee, _, err := NormalizeGrantee(g.Grantee)
	if err != nil {
		return Grant{}, err
	}
	perm, err := NormalizePermission(g.Permission)
	if err != nil {
		return Grant{}, err
	}
	return Grant{Grantee: grantee, Permission: perm}, nil
}

// ValidateGrant reports whether a grant names a valid grantee and permission.
func ValidateGrant(g Grant) error {
	_, err := NormalizeGrant(g)
	return err
}

// Canned ACL names (spec 4.3).
const (
	CannedPrivate                = "private"
	CannedPublicRead             = "public-read"
	CannedPublicReadWrite        = "public-read-write"
	CannedAWSExecRead            = "aws-exec-read"
	CannedAuthenticatedRead      = "authenticated-read"
	CannedBucketOwnerRead        = "bucket-owner-read"
	CannedBucketOwnerFullControl = "bucket-owner-full-control"
	CannedLogDeliveryWrite       = "log-delivery-write"
)

// CannedGrants expands a canned ACL into grants (spec 4.3): the owner's
// FULL_CONTROL plus the canned extras. The bucket-owner-* ACLs apply to
// objects only and are ignored on buckets (owner FULL_CONTROL only);
// log-delivery-write applies to buckets only. An unknown name is an error.
func CannedGrants(canned string, owner, bucketOwner string, isBucket bool) ([]Grant, error) {
	c := strings.ToLower(strings.TrimSpace(canned))
	if owner == "" {
		return nil, fmt.Errorf("canned ACL %q: the owner is unknown", canned)
	}
	out := []Grant{{Grantee: owner, Permission: PermFullControl}}
	add := func(grantee, perm string) {
		if grantee != owner || perm != PermFullControl {
			out = append(out, Grant{Grantee: grantee, Permission: perm})
		}
	}
	switch c {
	case CannedPrivate:
	case CannedPublicRead:
		add(GroupAllUsers, PermRead)
	case CannedPublicReadWrite:
		add(GroupAllUsers, PermRead)
		add(GroupAllUsers, PermWrite)
	case CannedAWSExecRead:
		add(EC2ExecReadGrantee, PermRead)
	case CannedAuthenticatedRead:
		add(GroupAuthenticatedUsers, PermRead)
	case CannedBucketOwnerRead, CannedBucketOwnerFullControl:
		if isBucket {
			break // ignored on buckets [S-ACL]
		}
		if bucketOwner == "" {
			return nil, fmt.Errorf("canned ACL %q: the bucket owner is unknown", canned)
		}
		if bucketOwner == owner {
			break // the owner already has FULL_CONTROL
		}
		if c == CannedBucketOwnerRead {
			add(bucketOwner, PermRead)
		} else {
			add(bucketOwner, PermFullControl)
		}
	case CannedLogDeliveryWrite:
		if !isBucket {
			return nil, fmt.Errorf("canned ACL %q applies to buckets only", canned)
		}
		add(GroupLogDelivery, PermWrite)
		add(GroupLogDelivery, PermReadACP)
	default:
		return nil, fmt.Errorf("unknown canned ACL %q: expected private, public-read, public-read-write, aws-exec-read, authenticated-read, bucket-owner-read, bucket-owner-full-control or log-delivery-write", canned)
	}
	return out, nil
}

// aclActions is the spec 4.2 table: permission -> actions, per target.
var aclActions = map[bool]map[string][]string{
	true: { // bucket
		PermRead:     {"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"},
		PermWrite:    {"s3:PutObject"},
		PermReadACP:  {"s3:GetBucketAcl"},
		PermWriteACP: {"s3:PutBucketAcl"},
	},
	false: { // object
		PermRead:     {"s3:GetObject", "s3:GetObjectVersion"},
		PermReadACP:  {"s3:GetObjectAcl", "s3:GetObjectVersionAcl"},
		PermWriteACP: {"s3:PutObjectAcl", "s3:PutObjectVersionAcl"},
	},
}

// ACLPermissionActions lists the actions an ACL permission stands for on a
// bucket or an object (spec 4.2); FULL_CONTROL is the union of the others.
// An unknown permission yields nothing.
func ACLPermissionActions(permission string, onBucket bool) []string {
	p, err := NormalizePermission(permission)
	if err != nil {
		return nil
	}
	t := aclActions[onBucket]
	if p != PermFullControl {
		return append([]string(nil), t[p]...)
	}
	var out []string
	for _, q := range []string{PermRead, PermWrite, PermReadACP, PermWriteACP} {
		out = append(out, t[q]...)
	}
	return out
}

// PermissionAllows reports whether an ACL permission on a bucket (onBucket)
// or an object grants action (spec 4.2). WRITE on a bucket grants only
// s3:PutObject here: the extra delete right of the bucket owner is not an ACL
// grant. Unknown permissions and actions grant nothing.
func PermissionAllows(permission string, onBucket bool, action string) bool {
	for _, a := range ACLPermissionActions(permission, onBucket) {
		if strings.EqualFold(a, strings.TrimSpace(action)) {
			return true
		}
	}
	return false
}

// IsPublicGrantee reports whether a grantee is AllUsers or AuthenticatedUsers.
func IsPublicGrantee(grantee string) bool {
	g, kind, err := NormalizeGrantee(grantee)
	return err == nil && kind == GranteeGroup && (g == GroupAllUsers || g == GroupAuthenticatedUsers)
}

// IsPublicCannedACL reports whether a canned ACL grants AllUsers or
// AuthenticatedUsers anything (public-read, public-read-write, authenticated-read).
func IsPublicCannedACL(canned string) bool {
	switch strings.ToLower(strings.TrimSpace(canned)) {
	case CannedPublicRead, CannedPublicReadWrite, CannedAuthenticatedRead:
		return true
	}
	return false
}

// IsBucketOwnerFullControl reports whether an upload's ACL gives the bucket
// owner FULL_CONTROL: the bucket-owner-full-control canned ACL, or an explicit
// FULL_CONTROL grant to the bucket owner.
func IsBucketOwnerFullControl(canned string, grants []Grant, bucketOwner string) bool {
	if strings.EqualFold(strings.TrimSpace(canned), CannedBucketOwnerFullControl) {
		return true
	}
	if bucketOwner == "" {
		return false
	}
	for _, g := range grants {
		n, err := NormalizeGrant(g)
		if err == nil && n.Permission == PermFullControl && strings.EqualFold(n.Grantee, bucketOwner) {
			return true
		}
	}
	return false
}
