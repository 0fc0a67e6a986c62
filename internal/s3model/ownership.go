package s3model

import (
	"fmt"
	"strings"
)

// Ownership is an S3 Object Ownership setting (spec 4.1).
type Ownership string

const (
	BucketOwnerEnforced  Ownership = "BucketOwnerEnforced"
	BucketOwnerPreferred Ownership = "BucketOwnerPreferred"
	ObjectWriter         Ownership = "ObjectWriter"
)

// AnonymousOwnerID is the canonical id that owns objects uploaded anonymously.
const AnonymousOwnerID = "65a011a29cdf8ec533ec3d1ccaae921c"

// ParseOwnership parses a setting case-insensitively; "" is the default,
// BucketOwnerEnforced. Anything else is an error.
func ParseOwnership(s string) (Ownership, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return BucketOwnerEnforced, nil
	}
	for _, o := range []Ownership{BucketOwnerEnforced, BucketOwnerPreferred, ObjectWriter} {
		if strings.EqualFold(t, string(o)) {
			return o, nil
		}
	}
	return "", fmt.Errorf("object ownership %q: expected BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter", s)
}

// ACLsEnabled reports whether ACLs are evaluated under the setting: every
// setting except BucketOwnerEnforced.
func ACLsEnabled(o Ownership) bool { return o != BucketOwnerEnforced }

// UploadOwner is the owner of a newly uploaded object (spec 4.1):
// BucketOwnerEnforced -> the bucket owner; BucketOwnerPreferred -> the bucket
// owner iff the upload carries the bucket-owner-full-control canned ACL, else
// the writer; ObjectWriter -> the writer. An anonymous writer ("" or
// "anonymous") is AnonymousOwnerID. Any other setting value follows
// ObjectWriter (the writer owns the object: the conservative reading for the
// bucket owner's access).
func UploadOwner(o Ownership, writerAccount, bucketOwner string, cannedACL string) string {
	writer := writerAccount
	if writer == "" || strings.EqualFold(writer, "anonymous") {
		writer = AnonymousOwnerID
	}
	switch o {
	case BucketOwnerEnforced:
		return bucketOwner
	case BucketOwnerPreferred:
		if strings.EqualFold(strings.TrimSpace(cannedACL), CannedBucketOwnerFullControl) {
			return bucketOwner
		}
	}
	return writer
}

// UploadACLAccepted reports whether S3 accepts an upload's ACL under the
// setting (spec 4.1): with BucketOwnerEnforced only no ACL or an ACL that
// gives the bucket owner FULL_CONTROL (and nothing else to others); the other
// settings accept any ACL. A false result is the 400
// AccessControlListNotSupported refusal.
func UploadACLAccepted(o Ownership, cannedACL string, grants []Grant, bucketOwner string) bool {
	if o != BucketOwnerEnforced {
		return true
	}
	c := strings.ToLower(strings.TrimSpace(cannedACL))
	if c != "" && c != CannedBucketOwnerFullControl {
		return false
	}
	for _, g := range grants {
		n, err := NormalizeGrant(g)
		if err != nil || n.Permission != PermFullControl || !strings.EqualFold(n.Grantee, bucketOwner) {
			return false
		}
	}
	return true
}
