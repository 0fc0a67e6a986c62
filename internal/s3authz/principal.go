package s3authz

import (
	"errors"
	"fmt"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/authz"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// ParsePrincipal turns the principal argument into an authz.Principal.
//
// Accepted forms (ARCHITECTURE section 2):
//   - "anonymous": an unsigned request;
//   - a 12-digit account id or arn:PART:iam::A:root: the account's root user;
//   - arn:PART:iam::A:user/PATH/NAME: an IAM user;
//   - arn:PART:iam::A:role/PATH/NAME: a session of that role with an unknown
//     session name (grants to the role ARN apply with boundary and session
//     policy limits; grants to one particular session ARN never match). A role
//     whose path starts with /aws-service-role/ is a service-linked role
//     (exempt from SCPs and RCPs, spec 1.2);
//   - arn:PART:sts::A:assumed-role/ROLE/SESSION: a role session;
//   - arn:PART:sts::A:federated-user/NAME: a GetFederationToken session; the
//     federating IAM user is assumed to be arn:PART:iam::A:user/NAME;
//   - a service principal NAME.amazonaws.com (or .amazonaws.com.cn).
//
// Anything else is an *InputError on "principal".
func ParsePrincipal(s string) (authz.Principal, error) {
	in := strings.TrimSpace(s)
	bad := func(format string, a ...any) (authz.Principal, error) {
		return authz.Principal{}, &InputError{Field: "principal", Index: -1, Err: fmt.Errorf(format, a...)}
	}
	switch {
	case in == "":
		return bad("empty principal: expected an IAM user, role, assumed-role session or federated-user ARN, an account id or root ARN, a service principal or \"anonymous\"")
	case strings.EqualFold(in, "anonymous"):
		return authz.Principal{Kind: authz.Anonymous, Partition: "aws"}, nil
	case isServicePrincipal(in):
		return authz.Principal{Kind: authz.Service, ARN: in, ServiceName: in, Partition: "aws"}, nil
	case in == "*":
		return bad("\"*\" is not one principal; use \"anonymous\" for unsigned requests")
	}
	ref, err := policy.ParseAWSPrincipal(in)
	if err != nil {
		var pe *policy.Error
		if errors.As(err, &pe) {
			return bad("%q: %s", in, pe.Message)
		}
		return bad("%q: %v", in, err)
	}
	part := ref.Partition
	if part == "" {
		part = "aws"
	}
	p := authz.Principal{Partition: part, Account: ref.Account}
	switch ref.Kind {
	case policy.RefAccount:
		p.Kind = authz.Root
		p.ARN = "arn:" + part + ":iam::" + ref.Account + ":root"
	case policy.RefUser:
		p.Kind = authz.IAMUser
		p.ARN = in
		p.UserName = ref.Name
	case policy.RefRole:
		p.Kind = authz.Role
		p.ARN = in
		p.RoleARN = in
		p.ServiceLinkedRole = strings.HasPrefix(ref.Path, "/aws-service-role/")
	case policy.RefAssumedRole:
		p.Kind = authz.RoleSession
		p.ARN = in
		p.RoleARN = ref.RoleARN()
		p.SessionName = ref.SessionName
	case policy.RefFederatedUser:
		p.Kind = authz.FederatedUser
		p.ARN = in
		p.UserName = ref.Name
		p.FederatingUserARN = "arn:" + part + ":iam::" + ref.Account + ":user/" + ref.Name
	default:
		return bad("%q is a %s, not a request principal: expected an IAM user, role, assumed-role session or federated-user ARN, an account id or root ARN, a service principal or \"anonymous\"", in, ref.Kind)
	}
	return p, nil
}

// isServicePrincipal reports whether s looks like an AWS service principal
// (lower-case DNS labels ending in amazonaws.com or amazonaws.com.cn).
func isServicePrincipal(s string) bool {
	var host string
	switch {
	case strings.HasSuffix(s, ".amazonaws.com"):
		host = strings.TrimSuffix(s, ".amazonaws.com")
	case strings.HasSuffix(s, ".amazonaws.com.cn"):
		host = strings.TrimSuffix(s, ".amazonaws.com.cn")
	default:
		return false
	}
	if host == "" {
		return false
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" {
			return false
		}
		for _, r := range label {
			if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
				return false
			}
		}
	}
	return true
}
