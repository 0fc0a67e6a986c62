package awsread

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// principalSource lists the IAM operations PrincipalPolicies may call.
var principalSource = Live("iam:GetUser", "iam:ListUserPolicies", "iam:GetUserPolicy", "iam:ListAttachedUserPolicies",
	"iam:ListGroupsForUser", "iam:ListGroupPolicies", "iam:GetGroupPolicy", "iam:ListAttachedGroupPolicies",
	"iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies",
	"iam:GetPolicy", "iam:GetPolicyVersion")

// ParsePrincipal returns the kind, account and user/role name of a principal
// ARN (or a 12-digit account id, meaning the root user).
func ParsePrincipal(principal string) (kind, account, name string, err error) {
	if policy.IsAccountID(principal) {
		return KindRoot, principal, "", nil
	}
	a, perr := arn.Parse(principal)
	if perr != nil {
		return "", "", "", fmt.Errorf("principal %q: not an ARN or account id: %v", principal, perr)
	}
	if !policy.IsAccountID(a.AccountID) {
		return "", "", "", fmt.Errorf("principal %q: account %q is not 12 digits", principal, a.AccountID)
	}
	parts := strings.Split(a.Resource, "/")
	switch {
	case a.Service == "iam" && a.Resource == "root":
		return KindRoot, a.AccountID, "", nil
	case a.Service == "iam" && parts[0] == "user" && len(parts) >= 2 && parts[len(parts)-1] != "":
		return KindUser, a.AccountID, parts[len(parts)-1], nil
	case a.Service == "iam" && parts[0] == "role" && len(parts) >= 2 && parts[len(parts)-1] != "":
		return KindRole, a.AccountID, parts[len(parts)-1], nil
	case a.Service == "sts" && parts[0] == "assumed-role" && len(parts) == 3 && parts[1] != "" && parts[2] != "":
		return KindAssumedRole, a.AccountID, parts[1], nil
	}
	return "", "", "", fmt.Errorf("principal %q: identity policies can be read live only for IAM users, roles, assumed-role sessions and the root user", principal)
}

// PrincipalPolicies reads the identity policies of a user (inline, attached
// managed at their default version, and every group's inline and attached),
// a role or an assumed-role session's role (inline and attached), and the
// permissions boundary. The root user has none.
func (l *LiveReader) PrincipalPolicies(ctx context.Context, principalARN string) (*PrincipalPolicies, Source, error) {
	kind, account, name, err := ParsePrincipal(principalARN)
	if err != nil {
		return nil, principalSource, &ReadError{Layer: LayerIdentity, Operation: "iam", Code: "InvalidInput", Err: err}
	}
	pp := &PrincipalPolicies{Kind: kind, Account: account, Name: name}
	if kind == KindRoot {
		return pp, Source("default: the root user has no identity policies"), nil
	}
	c, err := l.iam(ctx)
	if err != nil {
		return nil, principalSource, err
	}
	r := &iamReader{c: c}
	if kind == KindUser {
		err = r.user(ctx, name, pp)
	} else {
		err = r.role(ctx, name, pp)
	}
	if err != nil {
		return nil, principalSource, err
	}
	return pp, principalSource, nil
}

type iamReader struct {
	c *iam.Client
}

// iamPager is an IAM list paginator yielding pages of type T.
type iamPager[T any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*iam.Options)) (T, error)
}

// allPages collects take(page) over every page of pg; a failed page is a
// ReadError for the IAM operation op.
func allPages[T any](ctx context.Context, pg iamPager[T], op string, take func(T) []string) ([]string, error) {
	var out []string
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, classify(LayerIdentity, op, err)
		}
		out = append(out, take(page)...)
	}
	return out, nil
}

// policyARNs returns the ARNs of attached managed policies.
func policyARNs(ps []iamtypes.AttachedPolicy) []string {
	out := make([]string, 0, len(ps))
	for _, ap := range ps {
		out = append(out, aws.ToString(ap.PolicyArn))
	}
	return out
}

// identityCalls are the IAM calls that read the policies of one user, group
// or role, with the origin prefixes the policies are reported under.
type identityCalls struct {
	listInline     func(context.Context) ([]string, error)        // inline policy names
	getInline      func(context.Context, string) (*string, error) // one inline policy document (raw)
	getInlineOp    string                                         // the IAM operation of getInline
	inlineOrigin   string                                         // origin prefix of an inline policy, before its name
	listAttached   func(context.Context) ([]string, error)        // attached managed policy ARNs
	attachedOrigin string                                         // origin prefix of a managed policy, before its ARN
}

// addPolicies reads the inline policies, then the attached managed policies
// (default version) described by c, in that order, into pp.
func (r *iamReader) addPolicies(ctx context.Context, c identityCalls, pp *PrincipalPolicies) error {
	names, err := c.listInline(ctx)
	if err != nil {
		return err
	}
	for _, pn := range names {
		raw, err := c.getInline(ctx, pn)
		if err != nil {
			return classify(LayerIdentity, c.getInlineOp, err)
		}
		origin := c.inlineOrigin + pn
		doc, err := decode(raw, origin)
		if err != nil {
			return &ReadError{Layer: LayerIdentity, Operation: c.getInlineOp, Code: "UnexpectedValue", Err: err}
		}
		pp.Policies = append(pp.Policies, NamedPolicy{Origin: origin, Document: doc})
	}
	arns, err := c.listAttached(ctx)
	if err != nil {
		return err
	}
	for _, a := range arns {
		doc, err := r.managed(ctx, a, LayerIdentity)
		if err != nil {
			return err
		}
		pp.Policies = append(pp.Policies, NamedPolicy{Origin: c.attachedOrigin + a, Document: doc})
	}
	return nil
}

func (r *iamReader) user(ctx context.Context, name string, pp *PrincipalPolicies) error {
	u, err := r.c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
	if err != nil {
		return classify(LayerIdentity, "iam:GetUser", err)
	}
	err = r.addPolicies(ctx, identityCalls{
		listInline: func(ctx context.Context) ([]string, error) {
			return allPages(ctx, iam.NewListUserPoliciesPaginator(r.c, &iam.ListUserPoliciesInput{UserName: aws.String(name)}),
				"iam:ListUserPolicies", func(p *iam.ListUserPoliciesOutput) []string { return p.PolicyNames })
		},
		getInline: func(ctx context.Context, pn string) (*string, error) {
			out, err := r.c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String(pn)})
			if err != nil {
				return nil, err
			}
			return out.PolicyDocument, nil
		},
		getInlineOp:  "iam:GetUserPolicy",
		inlineOrigin: "user inline " + name + "/",
		listAttached: func(ctx context.Context) ([]string, error) {
			return allPages(ctx, iam.NewListAttachedUserPoliciesPaginator(r.c, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(name)}),
				"iam:ListAttachedUserPolicies", func(p *iam.ListAttachedUserPoliciesOutput) []string { return policyARNs(p.AttachedPolicies) })
		},
		attachedOrigin: "user managed ",
	}, pp)
	if err != nil {
		return err
	}
	groups, err := allPages(ctx, iam.NewListGroupsForUserPaginator(r.c, &iam.ListGroupsForUserInput{UserName: aws.String(name)}),
		"iam:ListGroupsForUser", func(p *iam.ListGroupsForUserOutput) []string {
			out := make([]string, 0, len(p.Groups))
			for _, g := range p.Groups {
				out = append(out, aws.ToString(g.GroupName))
			}
			return out
		})
	if err != nil {
		return err
	}
	for _, g := range groups {
		if err := r.group(ctx, g, pp); err != nil {
			return err
		}
	}
	if u.User != nil && u.User.PermissionsBoundary != nil && u.User.PermissionsBoundary.PermissionsBoundaryArn != nil {
		return r.boundary(ctx, *u.User.PermissionsBoundary.PermissionsBoundaryArn, pp)
	}
	return nil
}

func (r *iamReader) group(ctx context.Context, g string, pp *PrincipalPolicies) error {
	return r.addPolicies(ctx, identityCalls{
		listInline: func(ctx context.Context) ([]string, error) {
			return allPages(ctx, iam.NewListGroupPoliciesPaginator(r.c, &iam.ListGroupPoliciesInput{GroupName: aws.String(g)}),
				"iam:ListGroupPolicies", func(p *iam.ListGroupPoliciesOutput) []string { return p.PolicyNames })
		},
		getInline: func(ctx context.Context, pn string) (*string, error) {
			out, err := r.c.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String(g), PolicyName: aws.String(pn)})
			if err != nil {
				return nil, err
			}
			return out.PolicyDocument, nil
		},
		getInlineOp:  "iam:GetGroupPolicy",
		inlineOrigin: "group inline " + g + "/",
		listAttached: func(ctx context.Context) ([]string, error) {
			return allPages(ctx, iam.NewListAttachedGroupPoliciesPaginator(r.c, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String(g)}),
				"iam:ListAttachedGroupPolicies", func(p *iam.ListAttachedGroupPoliciesOutput) []string { return policyARNs(p.AttachedPolicies) })
		},
		attachedOrigin: "group managed " + g + " ",
	}, pp)
}

func (r *iamReader) role(ctx context.Context, name string, pp *PrincipalPolicies) error {
	ro, err := r.c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		return classify(LayerIdentity, "iam:GetRole", err)
	}
	err = r.addPolicies(ctx, identityCalls{
		listInline: func(ctx context.Context) ([]string, error) {
			return allPages(ctx, iam.NewListRolePoliciesPaginator(r.c, &iam.ListRolePoliciesInput{RoleName: aws.String(name)}),
				"iam:ListRolePolicies", func(p *iam.ListRolePoliciesOutput) []string { return p.PolicyNames })
		},
		getInline: func(ctx context.Context, pn string) (*string, error) {
			out, err := r.c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(pn)})
			if err != nil {
				return nil, err
			}
			return out.PolicyDocument, nil
		},
		getInlineOp:  "iam:GetRolePolicy",
		inlineOrigin: "role inline " + name + "/",
		listAttached: func(ctx context.Context) ([]string, error) {
			return allPages(ctx, iam.NewListAttachedRolePoliciesPaginator(r.c, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)}),
				"iam:ListAttachedRolePolicies", func(p *iam.ListAttachedRolePoliciesOutput) []string { return policyARNs(p.AttachedPolicies) })
		},
		attachedOrigin: "role managed ",
	}, pp)
	if err != nil {
		return err
	}
	if ro.Role != nil && ro.Role.PermissionsBoundary != nil && ro.Role.PermissionsBoundary.PermissionsBoundaryArn != nil {
		return r.boundary(ctx, *ro.Role.PermissionsBoundary.PermissionsBoundaryArn, pp)
	}
	return nil
}

func (r *iamReader) boundary(ctx context.Context, a string, pp *PrincipalPolicies) error {
	doc, err := r.managed(ctx, a, LayerBoundary)
	if err != nil {
		return err
	}
	pp.Boundary = &NamedPolicy{Origin: "boundary " + a, Document: doc}
	return nil
}

// managed reads a managed policy's default version.
func (r *iamReader) managed(ctx context.Context, policyARN, layer string) (string, error) {
	p, err := r.c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(policyARN)})
	if err != nil {
		return "", classify(layer, "iam:GetPolicy", err)
	}
	if p.Policy == nil || p.Policy.DefaultVersionId == nil {
		return "", &ReadError{Layer: layer, Operation: "iam:GetPolicy", Code: "UnexpectedValue", Err: errors.New(policyARN + ": no default version")}
	}
	v, err := r.c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: p.Policy.DefaultVersionId})
	if err != nil {
		return "", classify(layer, "iam:GetPolicyVersion", err)
	}
	if v.PolicyVersion == nil {
		return "", &ReadError{Layer: layer, Operation: "iam:GetPolicyVersion", Code: "UnexpectedValue", Err: errors.New(policyARN + ": empty version")}
	}
	doc, err := decode(v.PolicyVersion.Document, policyARN)
	if err != nil {
		return "", &ReadError{Layer: layer, Operation: "iam:GetPolicyVersion", Code: "UnexpectedValue", Err: err}
	}
	return doc, nil
}
