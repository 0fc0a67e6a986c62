package policy

import (
	"strings"
	"testing"
)

// Spec 6.2: Principal forms.
func TestParseAWSPrincipal(t *testing.T) {
	cases := []struct {
		in                               string
		kind                             PrincipalRefKind
		part, acct, path, name, role, ss string
		roleARN, rootARN                 string
	}{
		{in: "*", kind: RefWildcard},
		{in: "123456789012", kind: RefAccount, acct: "123456789012", rootARN: "arn:aws:iam::123456789012:root"},
		{in: "arn:aws:iam::123456789012:root", kind: RefAccount, part: "aws", acct: "123456789012", rootARN: "arn:aws:iam::123456789012:root"},
		{in: "arn:aws-cn:iam::123456789012:root", kind: RefAccount, part: "aws-cn", acct: "123456789012", rootARN: "arn:aws-cn:iam::123456789012:root"},
		{in: "arn:aws:iam::123456789012:user/alice", kind: RefUser, part: "aws", acct: "123456789012", path: "/", name: "alice", rootARN: "arn:aws:iam::123456789012:root"},
		{in: "arn:aws:iam::123456789012:user/division/sub/Alice.B", kind: RefUser, part: "aws", acct: "123456789012", path: "/division/sub/", name: "Alice.B", rootARN: "arn:aws:iam::123456789012:root"},
		{in: "arn:aws:iam::123456789012:role/app", kind: RefRole, part: "aws", acct: "123456789012", path: "/", name: "app", roleARN: "arn:aws:iam::123456789012:role/app", rootARN: "arn:aws:iam::123456789012:root"},
		{in: "arn:aws-us-gov:iam::123456789012:role/service-role/app", kind: RefRole, part: "aws-us-gov", acct: "123456789012", path: "/service-role/", name: "app", roleARN: "arn:aws-us-gov:iam::123456789012:role/service-role/app", rootARN: "arn:aws-us-gov:iam::123456789012:root"},
		{in: "arn:aws:sts::123456789012:assumed-role/app/sess-1", kind: RefAssumedRole, part: "aws", acct: "123456789012", role: "app", ss: "sess-1", roleARN: "arn:aws:iam::123456789012:role/app", rootARN: "arn:aws:iam::123456789012:root"},
		{in: "arn:aws:sts::123456789012:federated-user/bob", kind: RefFederatedUser, part: "aws", acct: "123456789012", name: "bob", rootARN: "arn:aws:iam::123456789012:root"},
		{in: "AIDACKCEVSQ6C2EXAMPLE", kind: RefUniqueID},
		{in: "AROADBQP57FF2AEXAMPLE", kind: RefUniqueID},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			r, err := ParseAWSPrincipal(c.in)
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if r.Kind != c.kind || r.Raw != c.in || r.Partition != c.part || r.Account != c.acct || r.Path != c.path || r.Name != c.name || r.RoleName != c.role || r.SessionName != c.ss {
				t.Fatalf("got %+v", r)
			}
			if got := r.RoleARN(); got != c.roleARN {
				t.Errorf("RoleARN = %q, want %q", got, c.roleARN)
			}
			if got := r.AccountRootARN(); got != c.rootARN {
				t.Errorf("AccountRootARN = %q, want %q", got, c.rootARN)
			}
		})
	}
}

// Spec 6.2: partial wildcards and malformed principals are invalid.
func TestParseAWSPrincipalErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "empty"},
		{"arn:aws:iam::*:root", "partial wildcard"},
		{"arn:aws:iam::123456789012:user/*", "partial wildcard"},
		{"arn:aws:iam::123456789012:role/ap?", "partial wildcard"},
		{"arn:aws:sts::123456789012:assumed-role/app/*", "partial wildcard"},
		{"12345678901", "exactly 12 digits"},
		{"1234567890123", "exactly 12 digits"},
		{"alice", "not an account id"},
		{"arn:aws:iam:123456789012:root", "malformed ARN"},
		{"arn:aws:s3:::bucket", "account id must be 12 digits"},
		{"arn:aws:s3::123456789012:bucket", "service must be iam or sts"},
		{"arn:aws:iam:us-east-1:123456789012:root", "no region"},
		{"arn:aws:iam::12345678901:root", "12 digits"},
		{"arn:aws:iam::12345678901a:root", "12 digits"},
		{"arn:foo:iam::123456789012:root", "unknown partition"},
		{"arn:aws-:iam::123456789012:root", "unknown partition"},
		{"arn:aws-C:iam::123456789012:root", "unknown partition"},
		{"arn:aws:iam::123456789012:group/admins", "must be root, user"},
		{"arn:aws:iam::123456789012:user/", "invalid user name"},
		{"arn:aws:iam::123456789012:user/a//b", "empty path segment"},
		{"arn:aws:iam::123456789012:user/p\x01/b", "invalid character"},
		{"arn:aws:iam::123456789012:user/" + strings.Repeat("p/", 300) + "b", "512"},
		{"arn:aws:iam::123456789012:role/a b", "invalid role name"},
		{"arn:aws:iam::123456789012:user/" + strings.Repeat("a", 65), "invalid user name"},
		{"arn:aws:sts::123456789012:assumed-role/app", "assumed-role/ROLE/SESSION"},
		{"arn:aws:sts::123456789012:assumed-role/app/s/x", "assumed-role/ROLE/SESSION"},
		{"arn:aws:sts::123456789012:assumed-role/a%b/sess", "invalid role name"},
		{"arn:aws:sts::123456789012:assumed-role/app/s", "invalid session name"},
		{"arn:aws:sts::123456789012:federated-user/b", "invalid federated user name"},
		{"arn:aws:sts::123456789012:role/app", "STS principal must be"},
		{"AIDAlowercase1234567", "not an account id"},
		{"AKIAIOSFODNN7EXAMPLE", "not an account id"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			r, err := ParseAWSPrincipal(c.in)
			if err == nil {
				t.Fatalf("want error containing %q, got %+v", c.want, r)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

func TestPrincipalRefARNsEmpty(t *testing.T) {
	for _, s := range []string{"*", "AIDACKCEVSQ6C2EXAMPLE"} {
		r, err := ParseAWSPrincipal(s)
		if err != nil {
			t.Fatal(err)
		}
		if r.RoleARN() != "" || r.AccountRootARN() != "" {
			t.Errorf("%s: want empty ARNs, got %q %q", s, r.RoleARN(), r.AccountRootARN())
		}
	}
	r, _ := ParseAWSPrincipal("arn:aws:iam::123456789012:user/u")
	if r.RoleARN() != "" {
		t.Errorf("user RoleARN = %q", r.RoleARN())
	}
}

func FuzzParseAWSPrincipal(f *testing.F) {
	for _, s := range []string{"*", "123456789012", "arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:user/a/b",
		"arn:aws:sts::123456789012:assumed-role/r/s1", "arn:aws:sts::123456789012:federated-user/bob", "AIDACKCEVSQ6C2EXAMPLE",
		"arn:aws:iam::*:root", "arn:::::", "arn:aws-cn:iam::123456789012:role/x/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseAWSPrincipal(s)
		if err != nil {
			return
		}
		if r.Kind == "" || r.Raw != s {
			t.Fatalf("accepted %q with %+v", s, r)
		}
		if r.Kind != RefWildcard && strings.ContainsAny(s, "*?") {
			t.Fatalf("accepted partial wildcard %q", s)
		}
		if r.Kind != RefWildcard && r.Kind != RefUniqueID && !IsAccountID(r.Account) {
			t.Fatalf("accepted %q without account", s)
		}
	})
}
