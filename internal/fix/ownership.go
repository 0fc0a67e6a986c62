package fix

import (
	"fmt"
	"sort"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

// DefaultMigrationSidPrefix starts the Sid of every statement written by
// migrate_acl_grants.
const DefaultMigrationSidPrefix = "S3AccessMigratedAcl"

// logDeliveryService is the service principal that replaces the LogDelivery
// group for server access logging once ACLs are disabled.
const logDeliveryService = "logging.s3.amazonaws.com"

// OwnershipInput is the configuration of one s3access_ownership_controls and
// the bucket ACL read before planning.
type OwnershipInput struct {
	Bucket    string
	Partition string
	Target    s3model.Ownership
	// ACLOwner is the bucket owner's canonical id; Grants the bucket ACL.
	ACLOwner string
	Grants   []s3model.Grant
	// OwnerAccountID is the bucket owner's 12-digit account id, when known:
	// grants to it are the owner's own.
	OwnerAccountID string
	Migrate        bool
	SidPrefix      string // "" -> DefaultMigrationSidPrefix
}

// LostGrant is one bucket ACL grant that BucketOwnerEnforced would disable.
type LostGrant struct {
	Grant   s3model.Grant
	Actions []string // what the grant allows today (spec 4.2)
}

func (l LostGrant) String() string {
	return fmt.Sprintf("%s %s (%s)", l.Grant.Grantee, l.Grant.Permission, strings.Join(l.Actions, ", "))
}

// OwnershipPlan is what s3access_ownership_controls writes: first the
// migration statements (merged into the bucket policy), then the setting.
type OwnershipPlan struct {
	Target s3model.Ownership
	Lost   []LostGrant
	// Migration holds the bucket-policy statements equivalent to Lost
	// (only with Migrate); their Sids start with the prefix.
	Migration []policy.Statement
}

// ForeignGrants lists the ACL grants to anyone but the bucket owner.
func ForeignGrants(owner, ownerAccount string, grants []s3model.Grant) ([]s3model.Grant, error) {
	var out []s3model.Grant
	for i, g := range grants {
		n, err := s3model.NormalizeGrant(g)
		if err != nil {
			return nil, &Error{Field: "bucket", Msg: fmt.Sprintf("bucket ACL grant %d cannot be understood", i), Err: err}
		}
		if (owner != "" && strings.EqualFold(n.Grantee, owner)) || (ownerAccount != "" && n.Grantee == ownerAccount) {
			continue
		}
		out = append(out, n)
	}
	return out, nil
}

// PlanOwnership decides whether the setting may be applied. With
// BucketOwnerEnforced, ACLs stop being evaluated: every grant to someone other
// than the owner is lost. Without Migrate that is a refusal listing the
// grants; with Migrate each grant becomes an equivalent bucket-policy
// statement (spec 4.2 table). Grants to AllUsers or AuthenticatedUsers are
// never migrated: the equivalent statement would be public (and
// AuthenticatedUsers has no exact policy equivalent); the refusal says so.
func PlanOwnership(in OwnershipInput) (OwnershipPlan, error) {
	if err := s3model.ValidateBucketName(in.Bucket); err != nil {
		return OwnershipPlan{}, &Error{Field: "bucket", Msg: "invalid bucket name", Err: err}
	}
	switch in.Target {
	case s3model.BucketOwnerEnforced, s3model.BucketOwnerPreferred:
	default:
		return OwnershipPlan{}, errf("object_ownership", "%q is not accepted: use BucketOwnerEnforced or BucketOwnerPreferred", in.Target)
	}
	plan := OwnershipPlan{Target: in.Target}
	if in.Target != s3model.BucketOwnerEnforced {
		return plan, nil // ACLs stay in force: nothing is lost
	}
	foreign, err := ForeignGrants(in.ACLOwner, in.OwnerAccountID, in.Grants)
	if err != nil {
		return OwnershipPlan{}, err
	}
	if len(foreign) == 0 {
		return plan, nil
	}
	var public []string
	for _, g := range foreign {
		plan.Lost = append(plan.Lost, LostGrant{Grant: g, Actions: s3model.ACLPermissionActions(g.Permission, true)})
		if s3model.IsPublicGrantee(g.Grantee) {
			public = append(public, g.Grantee+" "+g.Permission)
		}
	}
	list := describeLost(plan.Lost)
	if !in.Migrate {
		return OwnershipPlan{}, errf("migrate_acl_grants", "bucket %s has ACL grants to others than its owner; BucketOwnerEnforced disables ACLs and these grants would stop working:\n%s\nRemove the grants, or set migrate_acl_grants = true to first write equivalent bucket-policy statements", in.Bucket, list)
	}
	if len(public) > 0 {
		return OwnershipPlan{}, errf("migrate_acl_grants", "bucket %s has public ACL grants (%s) that migrate_acl_grants does not turn into a public bucket policy. All grants that would be lost:\n%s\nRemove the public grants first (and use s3access_public_read or s3access_bucket_policy_statement with allow_public = true if public access is intended)", in.Bucket, strings.Join(public, ", "), list)
	}
	prefix := in.SidPrefix
	if prefix == "" {
		prefix = DefaultMigrationSidPrefix
	}
	plan.Migration, err = MigrationStatements(in.Bucket, partitionOr(in.Partition), prefix, foreign)
	if err != nil {
		return OwnershipPlan{}, err
	}
	return plan, nil
}

func describeLost(l []LostGrant) string {
	lines := make([]string, len(l))
	for i, g := range l {
		lines[i] = "  - " + g.String()
	}
	return strings.Join(lines, "\n")
}

// MigrationStatements translates non-public bucket ACL grants into bucket
// policy statements, one per grantee and resource kind: bucket-level actions
// on the bucket ARN, s3:PutObject (WRITE) on bucket/*. Grantees: a canonical
// user id becomes a CanonicalUser principal, a 12-digit account its root
// ARN, LogDelivery the S3 logging service principal. Sids are prefix + a
// number, in a deterministic order.
func MigrationStatements(bucket, partition, prefix string, grants []s3model.Grant) ([]policy.Statement, error) {
	byGrantee := map[string]map[string]bool{}
	for _, g := range grants {
		n, err := s3model.NormalizeGrant(g)
		if err != nil {
			return nil, &Error{Field: "bucket", Msg: "bucket ACL grant cannot be understood", Err: err}
		}
		if s3model.IsPublicGrantee(n.Grantee) {
			return nil, errf("migrate_acl_grants", "grant %s %s is public and is not migrated", n.Grantee, n.Permission)
		}
		if byGrantee[n.Grantee] == nil {
			byGrantee[n.Grantee] = map[string]bool{}
		}
		for _, a := range s3model.ACLPermissionActions(n.Permission, true) {
			byGrantee[n.Grantee][a] = true
		}
	}
	grantees := make([]string, 0, len(byGrantee))
	for g := range byGrantee {
		grantees = append(grantees, g)
	}
	sort.Strings(grantees)
	bucketARN := s3model.BucketARN(partition, bucket)
	var out []policy.Statement
	n := 0
	for _, g := range grantees {
		principal, err := grantPrincipal(g, partition)
		if err != nil {
			return nil, err
		}
		var bucketActs, objectActs []string
		for a := range byGrantee[g] {
			if strings.EqualFold(a, "s3:PutObject") {
				objectActs = append(objectActs, a)
			} else {
				bucketActs = append(bucketActs, a)
			}
		}
		sort.Strings(bucketActs)
		sort.Strings(objectActs)
		for _, part := range []struct {
			acts []string
			res  string
		}{{bucketActs, bucketARN}, {objectActs, bucketARN + "/*"}} {
			if len(part.acts) == 0 {
				continue
			}
			n++
			sid := fmt.Sprintf("%s%d", prefix, n)
			js := `{"Effect":"Allow","Principal":` + principal + `,"Action":` + jsonList(part.acts) + `,"Resource":` + jsonString(part.res) + `}`
			st, err := ParseOwnStatement(js, sid, policy.KindBucket)
			if err != nil {
				return nil, err
			}
			if why := StatementPublic(st); why != "" {
				return nil, errf("migrate_acl_grants", "the statement for grantee %s would be public (%s); not migrated", g, why)
			}
			out = append(out, st)
		}
	}
	return out, nil
}

func grantPrincipal(grantee, partition string) (string, error) {
	g, kind, err := s3model.NormalizeGrantee(grantee)
	if err != nil {
		return "", &Error{Field: "bucket", Msg: "bucket ACL grantee cannot be understood", Err: err}
	}
	switch kind {
	case s3model.GranteeCanonical:
		return `{"CanonicalUser":` + jsonString(g) + `}`, nil
	case s3model.GranteeAccount:
		return `{"AWS":` + jsonString("arn:"+partition+":iam::"+g+":root") + `}`, nil
	case s3model.GranteeGroup:
		if g == s3model.GroupLogDelivery {
			return `{"Service":` + jsonString(logDeliveryService) + `}`, nil
		}
	}
	return "", errf("migrate_acl_grants", "grantee %s has no non-public bucket-policy equivalent", grantee)
}
