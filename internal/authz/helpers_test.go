package authz

import (
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// Accounts and principals of spec 7.1.
const (
	acctA = "111111111111"
	acctB = "222222222222"
	acctC = "333333333333"
	uA    = "arn:aws:iam::111111111111:user/alice"
	rA    = "arn:aws:iam::111111111111:role/app"
	sA    = "arn:aws:sts::111111111111:assumed-role/app/s1"
	fA    = "arn:aws:sts::111111111111:federated-user/alice"
	rootA = "arn:aws:iam::111111111111:root"
	uB    = "arn:aws:iam::222222222222:user/bob"
	sB    = "arn:aws:sts::222222222222:assumed-role/app/s1"
	uC    = "arn:aws:iam::333333333333:user/carol"
	objK  = "arn:aws:s3:::bkt/k"
)

func mustParse(t testing.TB, doc string, kind policy.Kind) *policy.Policy {
	t.Helper()
	p, err := policy.Parse(doc, kind)
	if err != nil {
		t.Fatalf("parse %s policy: %v\n%s", kind, err, doc)
	}
	return p
}

// principalFrom builds a Principal from the notation of spec 7.1: an IAM
// user / role / session / federated-user / root ARN, a 12-digit account id
// (root), "anonymous" or a service principal.
func principalFrom(t testing.TB, s string) Principal {
	t.Helper()
	switch {
	case s == "anonymous":
		return Principal{Kind: Anonymous}
	case strings.HasSuffix(s, ".amazonaws.com"):
		return Principal{Kind: Service, ARN: s, ServiceName: s}
	}
	ref, err := policy.ParseAWSPrincipal(s)
	if err != nil {
		t.Fatalf("principal %q: %v", s, err)
	}
	part := ref.Partition
	if part == "" {
		part = "aws"
	}
	p := Principal{Partition: part, Account: ref.Account, ARN: s}
	switch ref.Kind {
	case policy.RefAccount:
		p.Kind = Root
		p.ARN = ref.AccountRootARN()
	case policy.RefUser:
		p.Kind, p.UserName = IAMUser, ref.Name
	case policy.RefRole:
		p.Kind, p.RoleARN = Role, s
	case policy.RefAssumedRole:
		p.Kind, p.RoleARN, p.SessionName = RoleSession, ref.RoleARN(), ref.SessionName
	case policy.RefFederatedUser:
		p.Kind, p.UserName = FederatedUser, ref.Name
		p.FederatingUserARN = "arn:" + part + ":iam::" + ref.Account + ":user/" + ref.Name
	default:
		t.Fatalf("principal %q: unsupported kind %s", s, ref.Kind)
	}
	return p
}

// req builds a request with principal-derived context keys filled in.
func req(t testing.TB, principal, action, resource, resAcct string, kv ...string) Request {
	t.Helper()
	p := principalFrom(t, principal)
	ctx := NewContext()
	for i := 0; i+1 < len(kv); i += 2 {
		ctx.Set(kv[i], kv[i+1])
	}
	ctx.FillPrincipalKeys(p)
	if resAcct == "" {
		resAcct = p.Account
	}
	return Request{Principal: p, Action: action, Resource: resource, ResourceAccount: resAcct, Context: ctx}
}

func ids(t testing.TB, docs ...string) []*policy.Policy {
	var out []*policy.Policy
	for _, d := range docs {
		out = append(out, mustParse(t, d, policy.KindInline))
	}
	return out
}

// doc wraps statements in a 2012-10-17 policy.
func doc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}
