package awsread

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// Live reads from AWS through Clients.
type LiveReader struct {
	c *Clients
}

// NewLive returns a Reader that reads from AWS with the given clients.
func NewLive(c *Clients) *LiveReader { return &LiveReader{c: c} }

var _ Reader = (*LiveReader)(nil)

// absentCodes are error codes that mean "not configured", a real answer.
var absentCodes = map[string]bool{
	"NoSuchBucketPolicy":                             true,
	"NoSuchPublicAccessBlockConfiguration":           true,
	"OwnershipControlsNotFoundError":                 true,
	"ServerSideEncryptionConfigurationNotFoundError": true,
}

func isAbsent(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && absentCodes[ae.ErrorCode()]
}

var (
	deniedCodes = map[string]bool{
		"AccessDenied": true, "AccessDeniedException": true, "UnauthorizedOperation": true,
		"AllAccessDisabled": true, "InvalidClientTokenId": true, "SignatureDoesNotMatch": true,
		"InvalidAccessKeyId": true, "ExpiredToken": true, "ExpiredTokenException": true,
	}
	notImplCodes = map[string]bool{
		"NotImplemented": true, "InvalidAction": true, "UnknownOperationException": true,
		"UnsupportedOperation": true, "UnsupportedOperationException": true,
	}
	notFoundCodes = map[string]bool{
		"NoSuchBucket": true, "NoSuchKey": true, "NotFound": true, "NoSuchEntity": true,
		"NotFoundException": true, "TargetNotFoundException": true, "AccountNotFoundException": true,
	}
)

// classify wraps err (never nil) into a *ReadError for the layer and operation.
func classify(layer, op string, err error) error {
	if _, ok := AsReadError(err); ok {
		return err
	}
	re := &ReadError{Layer: layer, Operation: op, Err: err}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		re.Code = ae.ErrorCode()
	}
	status := 0
	var he *awshttp.ResponseError
	if errors.As(err, &he) {
		status = he.HTTPStatusCode()
	}
	switch {
	case deniedCodes[re.Code] || (re.Code == "" && status == 403) || (re.Code == "Forbidden"):
		re.AccessDenied = true
	case notImplCodes[re.Code] || status == 501:
		re.NotImplemented = true
	case notFoundCodes[re.Code] || (re.Code == "" && status == 404):
		re.NotFound = true
	}
	return re
}

// decode returns an IAM policy document URL-decoded (IAM returns them
// RFC 3986 encoded); a document that is already JSON is returned as is.
func decode(doc *string, where string) (string, error) {
	if doc == nil {
		return "", fmt.Errorf("%s: empty policy document", where)
	}
	s := strings.TrimSpace(*doc)
	if strings.HasPrefix(s, "{") {
		return s, nil
	}
	d, err := url.PathUnescape(s)
	if err != nil {
		return "", fmt.Errorf("%s: policy document is not URL-encoded JSON: %w", where, err)
	}
	return d, nil
}

func (l *LiveReader) s3(ctx context.Context, layer, op string) (*s3.Client, error) {
	c, err := l.c.S3(ctx)
	if err != nil {
		return nil, &ReadError{Layer: layer, Operation: op, Code: "Configuration", Err: err}
	}
	return c, nil
}

func (l *LiveReader) BucketPolicy(ctx context.Context, bucket string) (*string, Source, error) {
	const op = "s3:GetBucketPolicy"
	src := Live(op)
	c, err := l.s3(ctx, LayerBucketPolicy, op)
	if err != nil {
		return nil, src, err
	}
	out, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if err != nil {
		if isAbsent(err) {
			return nil, src, nil
		}
		return nil, src, classify(LayerBucketPolicy, op, err)
	}
	if out.Policy == nil {
		return nil, src, nil
	}
	p := *out.Policy
	return &p, src, nil
}

func bpaFrom(a, b, c, d *bool) *BPA {
	return &BPA{
		BlockPublicAcls:       aws.ToBool(a),
		IgnorePublicAcls:      aws.ToBool(b),
		BlockPublicPolicy:     aws.ToBool(c),
		RestrictPublicBuckets: aws.ToBool(d),
	}
}

func (l *LiveReader) BucketPublicAccessBlock(ctx context.Context, bucket string) (*BPA, Source, error) {
	const op = "s3:GetPublicAccessBlock"
	src := Live(op)
	c, err := l.s3(ctx, LayerBPA, op)
	if err != nil {
		return nil, src, err
	}
	out, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	if err != nil {
		if isAbsent(err) {
			return nil, src, nil
		}
		return nil, src, classify(LayerBPA, op, err)
	}
	p := out.PublicAccessBlockConfiguration
	if p == nil {
		return nil, src, nil
	}
	return bpaFrom(p.BlockPublicAcls, p.IgnorePublicAcls, p.BlockPublicPolicy, p.RestrictPublicBuckets), src, nil
}

func (l *LiveReader) AccountPublicAccessBlock(ctx context.Context, accountID string) (*BPA, Source, error) {
	const op = "s3control:GetPublicAccessBlock"
	src := Live(op)
	if !policy.IsAccountID(accountID) {
		return nil, src, &ReadError{Layer: LayerAccountBPA, Operation: op, Code: "InvalidInput",
			Err: fmt.Errorf("account id %q is not 12 digits", accountID)}
	}
	c, err := l.c.S3Control(ctx)
	if err != nil {
		return nil, src, &ReadError{Layer: LayerAccountBPA, Operation: op, Code: "Configuration", Err: err}
	}
	out, err := c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(accountID)})
	if err != nil {
		if isAbsent(err) {
			return nil, src, nil
		}
		return nil, src, classify(LayerAccountBPA, op, err)
	}
	p := out.PublicAccessBlockConfiguration
	if p == nil {
		return nil, src, nil
	}
	return bpaFrom(p.BlockPublicAcls, p.IgnorePublicAcls, p.BlockPublicPolicy, p.RestrictPublicBuckets), src, nil
}

func (l *LiveReader) OwnershipControls(ctx context.Context, bucket string) (string, Source, error) {
	const op = "s3:GetBucketOwnershipControls"
	src := Live(op)
	c, err := l.s3(ctx, LayerObjectOwnership, op)
	if err != nil {
		return "", src, err
	}
	out, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(bucket)})
	if err != nil {
		if isAbsent(err) {
			return "", src, nil
		}
		return "", src, classify(LayerObjectOwnership, op, err)
	}
	if out.OwnershipControls == nil || len(out.OwnershipControls.Rules) == 0 {
		return "", src, nil
	}
	v := string(out.OwnershipControls.Rules[0].ObjectOwnership)
	switch v {
	case "BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter":
		return v, src, nil
	}
	return "", src, &ReadError{Layer: LayerObjectOwnership, Operation: op, Code: "UnexpectedValue",
		Err: fmt.Errorf("unknown ObjectOwnership %q", v)}
}

const (
	uriAllUsers    = "http://acs.amazonaws.com/groups/global/AllUsers"
	uriAuthUsers   = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	uriLogDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery"
)

func aclFrom(owner *s3types.Owner, grants []s3types.Grant, layer, op string) (*ACL, error) {
	a := &ACL{}
	if owner != nil {
		a.Owner = aws.ToString(owner.ID)
	}
	for i, g := range grants {
		if g.Grantee == nil {
			return nil, &ReadError{Layer: layer, Operation: op, Code: "UnexpectedValue", Err: fmt.Errorf("grant %d has no grantee", i)}
		}
		var who string
		switch g.Grantee.Type {
		case s3types.TypeCanonicalUser:
			who = aws.ToString(g.Grantee.ID)
		case s3types.TypeAmazonCustomerByEmail:
			who = aws.ToString(g.Grantee.EmailAddress)
		case s3types.TypeGroup:
			switch aws.ToString(g.Grantee.URI) {
			case uriAllUsers:
				who = "AllUsers"
			case uriAuthUsers:
				who = "AuthenticatedUsers"
			case uriLogDelivery:
				who = "LogDelivery"
			case "":
				// Versity Gateway encodes the AllUsers group as ID "all-users" without a URI.
				if aws.ToString(g.Grantee.ID) == "all-users" {
					who = "AllUsers"
				}
			}
		}
		if who == "" {
			return nil, &ReadError{Layer: layer, Operation: op, Code: "UnexpectedValue",
				Err: fmt.Errorf("grant %d: unrecognised grantee (type %q, uri %q)", i, g.Grantee.Type, aws.ToString(g.Grantee.URI))}
		}
		a.Grants = append(a.Grants, Grant{Grantee: who, Permission: string(g.Permission)})
	}
	return a, nil
}

func (l *LiveReader) BucketACL(ctx context.Context, bucket string) (*ACL, Source, error) {
	const op = "s3:GetBucketAcl"
	src := Live(op)
	c, err := l.s3(ctx, LayerBucketACL, op)
	if err != nil {
		return nil, src, err
	}
	out, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(bucket)})
	if err != nil {
		return nil, src, classify(LayerBucketACL, op, err)
	}
	a, err := aclFrom(out.Owner, out.Grants, LayerBucketACL, op)
	return a, src, err
}

func (l *LiveReader) BucketOwner(ctx context.Context, bucket string) (string, Source, error) {
	a, src, err := l.BucketACL(ctx, bucket)
	if err != nil {
		if re, ok := AsReadError(err); ok {
			cp := *re
			cp.Layer = LayerBucketOwner
			return "", src, &cp
		}
		return "", src, err
	}
	if a.Owner == "" {
		return "", src, &ReadError{Layer: LayerBucketOwner, Operation: "s3:GetBucketAcl", Code: "UnexpectedValue", Err: errors.New("no owner in the ACL")}
	}
	return a.Owner, src, nil
}

func (l *LiveReader) BucketLocation(ctx context.Context, bucket string) (string, Source, error) {
	const op = "s3:GetBucketLocation"
	src := Live(op)
	c, err := l.s3(ctx, LayerBucketLocation, op)
	if err != nil {
		return "", src, err
	}
	out, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	if err != nil {
		return "", src, classify(LayerBucketLocation, op, err)
	}
	switch r := string(out.LocationConstraint); r {
	case "":
		return "us-east-1", src, nil
	case "EU":
		return "eu-west-1", src, nil
	default:
		return r, src, nil
	}
}

func (l *LiveReader) BucketEncryption(ctx context.Context, bucket string) (*Encryption, Source, error) {
	const op = "s3:GetBucketEncryption"
	src := Live(op)
	c, err := l.s3(ctx, LayerEncryption, op)
	if err != nil {
		return nil, src, err
	}
	out, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err != nil {
		if isAbsent(err) {
			return nil, src, nil
		}
		return nil, src, classify(LayerEncryption, op, err)
	}
	cfg := out.ServerSideEncryptionConfiguration
	if cfg == nil || len(cfg.Rules) == 0 || cfg.Rules[0].ApplyServerSideEncryptionByDefault == nil {
		return nil, src, nil
	}
	r := cfg.Rules[0]
	return &Encryption{
		SSE:              string(r.ApplyServerSideEncryptionByDefault.SSEAlgorithm),
		KMSKeyID:         aws.ToString(r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID),
		BucketKeyEnabled: aws.ToBool(r.BucketKeyEnabled),
	}, src, nil
}

func (l *LiveReader) ObjectInfo(ctx context.Context, bucket, key string) (*ObjectInfo, Source, error) {
	src := Live("s3:HeadObject", "s3:GetObjectAcl")
	c, err := l.s3(ctx, LayerObject, "s3:HeadObject")
	if err != nil {
		return nil, src, err
	}
	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, src, classify(LayerObject, "s3:HeadObject", err)
	}
	info := &ObjectInfo{
		SSE:              string(h.ServerSideEncryption),
		KMSKeyID:         aws.ToString(h.SSEKMSKeyId),
		BucketKeyEnabled: aws.ToBool(h.BucketKeyEnabled),
	}
	a, err := c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		info.ACLError = classify(LayerObjectACL, "s3:GetObjectAcl", err)
		return info, src, nil
	}
	info.ACL, info.ACLError = aclFrom(a.Owner, a.Grants, LayerObjectACL, "s3:GetObjectAcl")
	return info, src, nil
}

func (l *LiveReader) KeyPolicy(ctx context.Context, keyARN string) (*string, Source, error) {
	const op = "kms:GetKeyPolicy"
	src := Live(op)
	c, err := l.c.KMS(ctx)
	if err != nil {
		return nil, src, &ReadError{Layer: LayerKMS, Operation: op, Code: "Configuration", Err: err}
	}
	opt := func(o *kms.Options) {}
	if a, perr := arn.Parse(keyARN); perr == nil && a.Region != "" {
		region := a.Region
		opt = func(o *kms.Options) {
			if o.BaseEndpoint == nil {
				o.Region = region
			}
		}
	}
	out, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("default")}, opt)
	if err != nil {
		return nil, src, classify(LayerKMS, op, err)
	}
	if out.Policy == nil {
		return nil, src, &ReadError{Layer: LayerKMS, Operation: op, Code: "UnexpectedValue", Err: errors.New("empty key policy")}
	}
	p := *out.Policy
	return &p, src, nil
}

func (l *LiveReader) CallerAccount(ctx context.Context) (string, Source, error) {
	const op = "sts:GetCallerIdentity"
	src := Live(op)
	c, err := l.c.STS(ctx)
	if err != nil {
		return "", src, &ReadError{Layer: LayerCaller, Operation: op, Code: "Configuration", Err: err}
	}
	out, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", src, classify(LayerCaller, op, err)
	}
	acct := aws.ToString(out.Account)
	if !policy.IsAccountID(acct) {
		return "", src, &ReadError{Layer: LayerCaller, Operation: op, Code: "UnexpectedValue", Err: fmt.Errorf("account %q is not 12 digits", acct)}
	}
	return acct, src, nil
}

func (l *LiveReader) SCPs(ctx context.Context, accountID string) ([]OrgLevel, Source, error) {
	return l.orgPolicies(ctx, accountID, orgtypes.PolicyTypeServiceControlPolicy, LayerSCP, "scp")
}

func (l *LiveReader) RCPs(ctx context.Context, accountID string) ([]OrgLevel, Source, error) {
	return l.orgPolicies(ctx, accountID, orgtypes.PolicyTypeResourceControlPolicy, LayerRCP, "rcp")
}

func (l *LiveReader) orgPolicies(ctx context.Context, accountID string, typ orgtypes.PolicyType, layer, label string) ([]OrgLevel, Source, error) {
	src := Live("organizations:ListParents", "organizations:ListPoliciesForTarget", "organizations:DescribePolicy")
	if !l.c.settings.ReadOrganizationPolicies {
		return nil, SourceDefault, ErrOrganizationPoliciesDisabled
	}
	if !policy.IsAccountID(accountID) {
		return nil, src, &ReadError{Layer: layer, Operation: "organizations:ListParents", Code: "InvalidInput", Err: fmt.Errorf("account id %q is not 12 digits", accountID)}
	}
	c, err := l.c.Organizations(ctx)
	if err != nil {
		return nil, src, &ReadError{Layer: layer, Operation: "organizations:ListParents", Code: "Configuration", Err: err}
	}
	// Walk up from the account to the root.
	targets := []string{accountID}
	child := accountID
	for depth := 0; ; depth++ {
		if depth > 8 {
			return nil, src, &ReadError{Layer: layer, Operation: "organizations:ListParents", Code: "UnexpectedValue", Err: errors.New("organization tree deeper than 8 levels")}
		}
		out, err := c.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(child)})
		if err != nil {
			var nu *orgtypes.AWSOrganizationsNotInUseException
			if errors.As(err, &nu) {
				return []OrgLevel{}, src, nil
			}
			return nil, src, classify(layer, "organizations:ListParents", err)
		}
		if len(out.Parents) != 1 {
			return nil, src, &ReadError{Layer: layer, Operation: "organizations:ListParents", Code: "UnexpectedValue", Err: fmt.Errorf("%s has %d parents", child, len(out.Parents))}
		}
		p := out.Parents[0]
		targets = append(targets, aws.ToString(p.Id))
		if p.Type == orgtypes.ParentTypeRoot {
			break
		}
		child = aws.ToString(p.Id)
	}
	levels := make([]OrgLevel, 0, len(targets))
	for i := len(targets) - 1; i >= 0; i-- {
		lvl := OrgLevel{Target: targets[i]}
		pg := organizations.NewListPoliciesForTargetPaginator(c, &organizations.ListPoliciesForTargetInput{TargetId: aws.String(targets[i]), Filter: typ})
		for pg.HasMorePages() {
			page, err := pg.NextPage(ctx)
			if err != nil {
				return nil, src, classify(layer, "organizations:ListPoliciesForTarget", err)
			}
			for _, ps := range page.Policies {
				d, err := c.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: ps.Id})
				if err != nil {
					return nil, src, classify(layer, "organizations:DescribePolicy", err)
				}
				if d.Policy == nil || d.Policy.Content == nil {
					return nil, src, &ReadError{Layer: layer, Operation: "organizations:DescribePolicy", Code: "UnexpectedValue", Err: fmt.Errorf("policy %s has no content", aws.ToString(ps.Id))}
				}
				lvl.Policies = append(lvl.Policies, NamedPolicy{Origin: label + " " + aws.ToString(ps.Id), Document: *d.Policy.Content})
			}
		}
		levels = append(levels, lvl)
	}
	return levels, src, nil
}

// iamClient is used by principal.go.
func (l *LiveReader) iam(ctx context.Context) (*iam.Client, error) {
	c, err := l.c.IAM(ctx)
	if err != nil {
		return nil, &ReadError{Layer: LayerIdentity, Operation: "iam", Code: "Configuration", Err: err}
	}
	return c, nil
}
