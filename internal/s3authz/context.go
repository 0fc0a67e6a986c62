package s3authz

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/s3access/terraform-provider-s3access/internal/authz"
	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// Pseudo-keys of the s3access: namespace carry request facts the schema has no
// argument for (testdata/corpus/README.md). Policies never see them.
const (
	KeyManagementAccount   = "s3access:ManagementAccount"
	KeyNewBucketPolicy     = "s3access:NewBucketPolicy"
	KeyCopySourceSSE       = "s3access:CopySourceSSE"
	KeyCopySourceKMSKeyArn = "s3access:CopySourceKMSKeyArn"
	KeyCopySourceKeyPolicy = "s3access:CopySourceKeyPolicy"
)

var pseudoKeys = map[string]string{
	"s3access:managementaccount":   KeyManagementAccount,
	"s3access:newbucketpolicy":     KeyNewBucketPolicy,
	"s3access:copysourcesse":       KeyCopySourceSSE,
	"s3access:copysourcekmskeyarn": KeyCopySourceKMSKeyArn,
	"s3access:copysourcekeypolicy": KeyCopySourceKeyPolicy,
}

// knownKeys are the global, S3 and KMS condition keys accepted in the
// context argument (lower-case). Prefix keys are in knownPrefixes.
var knownKeys = map[string]bool{}

var knownPrefixes = []string{
	"aws:principaltag/", "aws:requesttag/", "aws:resourcetag/",
	"s3:existingobjecttag/", "s3:requestobjecttag/", "s3:buckettag/", "s3:accesspointtag/",
	"kms:encryptioncontext:", "kms:requestalias", "s3:x-amz-grant-",
}

// multiKeys are multivalued (ArrayOf...) keys: always set as a set.
var multiKeys = map[string]bool{
	"aws:principalorgpaths": true, "aws:resourceorgpaths": true, "aws:tagkeys": true,
	"aws:calledvia": true, "aws:principalservicenameslist": true, "s3:requestobjecttagkeys": true,
	"kms:encryptioncontextkeys": true, "kms:grantoperations": true,
}

func init() {
	for _, k := range strings.Fields(`
aws:CalledVia aws:CalledViaFirst aws:CalledViaLast aws:CurrentTime aws:EpochTime aws:FederatedProvider
aws:MultiFactorAuthAge aws:MultiFactorAuthPresent aws:PrincipalAccount aws:PrincipalArn aws:PrincipalIsAWSService
aws:PrincipalOrgID aws:PrincipalOrgPaths aws:PrincipalServiceName aws:PrincipalServiceNamesList aws:PrincipalType
aws:Referer aws:RequestedRegion aws:ResourceAccount aws:ResourceOrgID aws:ResourceOrgPaths aws:SecureTransport
aws:SourceAccount aws:SourceArn aws:SourceIdentity aws:SourceIp aws:SourceOrgID aws:SourceOrgPaths aws:SourceVpc
aws:SourceVpcArn aws:SourceVpce aws:TagKeys aws:TokenIssueTime aws:UserAgent aws:userid aws:username
aws:ViaAWSService aws:VpcSourceIp aws:VpceAccount aws:VpceOrgID aws:VpceOrgPaths aws:Ec2InstanceSourceVpc
aws:Ec2InstanceSourcePrivateIPv4 aws:IsMcpServiceAction
s3:AccessGrantsInstanceArn s3:AccessPointNetworkOrigin s3:authType s3:DataAccessPointAccount s3:DataAccessPointArn
s3:delimiter s3:if-match s3:if-none-match s3:locationconstraint s3:max-keys s3:object-lock-legal-hold
s3:object-lock-mode s3:object-lock-remaining-retention-days s3:object-lock-retain-until-date s3:ObjectCreationOperation
s3:prefix s3:RequestObjectTagKeys s3:ResourceAccount s3:signatureAge s3:signatureversion s3:TlsVersion s3:versionid
s3:x-amz-acl s3:x-amz-content-sha256 s3:x-amz-copy-source s3:x-amz-metadata-directive s3:x-amz-object-ownership
s3:x-amz-server-side-encryption s3:x-amz-server-side-encryption-aws-kms-key-id
s3:x-amz-server-side-encryption-customer-algorithm s3:x-amz-storage-class s3:x-amz-website-redirect-location
kms:CallerAccount kms:ViaService kms:EncryptionContextKeys kms:GrantOperations kms:EncryptionAlgorithm
`) {
		knownKeys[strings.ToLower(k)] = true
	}
}

// validateContextKey checks one key of the context argument: service:Name
// form; aws:, s3: and kms: keys must be known (or a known tag/context
// prefix); s3access: keys must be one of the pseudo-keys; other services'
// keys are accepted as written.
func validateContextKey(k string) error {
	svc, name, ok := strings.Cut(k, ":")
	if !ok || svc == "" || name == "" || strings.ContainsAny(k, " \t\n") {
		return fmt.Errorf("context key %q: expected service:Key, e.g. aws:SourceIp", k)
	}
	lk := strings.ToLower(k)
	switch strings.ToLower(svc) {
	case "aws", "s3", "kms":
		if knownKeys[lk] {
			return nil
		}
		for _, p := range knownPrefixes {
			if strings.HasPrefix(lk, p) && len(lk) > len(p) {
				return nil
			}
		}
		return fmt.Errorf("unknown condition key %q", k)
	case "s3access":
		if _, ok := pseudoKeys[lk]; ok {
			return nil
		}
		return fmt.Errorf("unknown pseudo-key %q: expected one of %s", k, strings.Join(pseudoKeyList(), ", "))
	}
	return nil
}

func pseudoKeyList() []string {
	var out []string
	for _, v := range pseudoKeys {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// requestEnv is the request context plus the pseudo-key facts.
type requestEnv struct {
	ctx     *authz.Context
	pseudo  map[string][]string // canonical pseudo-key -> values
	region  string
	tls     bool
	sigV2   bool
	signed  bool
	viaVPCE bool
	version bool
}

// now is replaceable in tests.
var now = time.Now

// buildContext builds the request context of spec 6.8: defaults, then the
// caller's context (which overrides any default), then defaults that depend
// on the final values (s3:TlsVersion only with TLS).
//
// Defaults: aws:CurrentTime, aws:EpochTime, aws:SecureTransport=true,
// aws:RequestedRegion=us-east-1, aws:ViaAWSService=false, the principal keys
// (aws:PrincipalArn (the role ARN for a session), aws:PrincipalAccount,
// aws:PrincipalType, aws:username, aws:userid where derivable,
// aws:PrincipalIsAWSService, aws:PrincipalServiceName), aws:ResourceAccount
// and s3:ResourceAccount (bucket owner), and for signed requests
// s3:signatureversion=AWS4-HMAC-SHA256 and s3:authType=REST-HEADER.
// aws:SourceIp has no default.
func buildContext(user map[string][]string, p authz.Principal, bucketOwner string) (*requestEnv, error) {
	env := &requestEnv{ctx: authz.NewContext(), pseudo: map[string][]string{}}
	c := env.ctx
	t := now().UTC()
	c.Set("aws:CurrentTime", t.Format(time.RFC3339))
	c.Set("aws:EpochTime", strconv.FormatInt(t.Unix(), 10))
	c.Set("aws:SecureTransport", "true")
	c.Set("aws:RequestedRegion", "us-east-1")
	c.Set("aws:ViaAWSService", "false")
	c.Set("aws:ResourceAccount", bucketOwner)
	c.Set("s3:ResourceAccount", bucketOwner)
	if p.Kind != authz.Anonymous {
		c.Set("s3:signatureversion", "AWS4-HMAC-SHA256")
		c.Set("s3:authType", "REST-HEADER")
	}
	keys := make([]string, 0, len(user))
	for k := range user {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	seen := map[string]string{}
	for _, k := range keys {
		vals := user[k]
		if err := validateContextKey(k); err != nil {
			return nil, &InputError{Field: "context", Index: -1, Err: err}
		}
		lk := strings.ToLower(k)
		if prev, dup := seen[lk]; dup {
			return nil, &InputError{Field: "context", Index: -1, Err: fmt.Errorf("context keys %q and %q are the same key (key names are case-insensitive)", prev, k)}
		}
		seen[lk] = k
		if canon, ok := pseudoKeys[lk]; ok {
			env.pseudo[canon] = vals
			continue
		}
		switch {
		case multiKeys[lk]:
			c.SetMulti(k, vals...)
		case len(vals) == 1:
			c.Set(k, vals[0])
		case len(vals) == 0:
			return nil, &InputError{Field: "context", Index: -1, Err: fmt.Errorf("context key %q has no value; omit the key when the request does not carry it", k)}
		default:
			c.SetMulti(k, vals...)
		}
	}
	// A principal-derived key the caller set must agree with the principal:
	// a contradicting value would let a Deny scoped on it be bypassed.
	if err := checkPrincipalKeys(c, p); err != nil {
		return nil, &InputError{Field: "context", Index: -1, Err: err}
	}
	// Requests through a VPC endpoint carry no aws:SourceIp (spec 1.8, 6.8).
	if _, vpce := c.Get("aws:SourceVpce"); vpce {
		if _, ip := c.Get("aws:SourceIp"); ip {
			return nil, &InputError{Field: "context", Index: -1, Err: fmt.Errorf("aws:SourceIp and aws:SourceVpce together: requests through a VPC endpoint carry no aws:SourceIp (spec 1.8); give the private address as aws:VpcSourceIp")}
		}
	}
	// principal-derived keys, unless the caller set them
	c.FillPrincipalKeys(p)
	if v, ok := c.Get("aws:SecureTransport"); ok && len(v.Values) == 1 {
		switch strings.ToLower(v.Values[0]) {
		case "true":
			env.tls = true
		case "false":
		default:
			return nil, &InputError{Field: "context", Index: -1, Err: fmt.Errorf("aws:SecureTransport must be \"true\" or \"false\", not %q", v.Values[0])}
		}
	}
	if env.tls {
		if _, ok := c.Get("s3:TlsVersion"); !ok {
			c.Set("s3:TlsVersion", "1.2")
		}
	}
	if v, ok := c.Get("aws:RequestedRegion"); ok && len(v.Values) == 1 {
		env.region = v.Values[0]
	}
	env.signed = p.Kind != authz.Anonymous
	if v, ok := c.Get("s3:signatureversion"); ok && len(v.Values) == 1 && strings.EqualFold(v.Values[0], "AWS") {
		env.sigV2 = true
	}
	if _, ok := c.Get("aws:SourceVpce"); ok {
		env.viaVPCE = true
	}
	if _, ok := c.Get("s3:versionid"); ok {
		env.version = true
	}
	return env, nil
}

// single returns the one value of a context key.
func single(c *authz.Context, key string) (string, bool) {
	v, ok := c.Get(key)
	if !ok || len(v.Values) != 1 {
		return "", false
	}
	return v.Values[0], true
}

// checkPrincipalKeys rejects context values of principal-derived keys (spec
// 6.7, 6.8) that contradict the principal argument: aws:PrincipalAccount,
// aws:PrincipalType, aws:PrincipalIsAWSService, aws:PrincipalArn (for a role
// session: a role ARN of the same account and role name, any path),
// aws:username, aws:userid (where derivable) and aws:PrincipalServiceName.
// A key the principal does not carry (aws:PrincipalArn of an anonymous
// caller, aws:username of a role session) must be absent.
func checkPrincipalKeys(c *authz.Context, p authz.Principal) error {
	d := authz.NewContext()
	d.FillPrincipalKeys(p)
	for _, k := range []string{"aws:PrincipalAccount", "aws:PrincipalType", "aws:PrincipalIsAWSService", "aws:PrincipalArn", "aws:username", "aws:userid", "aws:PrincipalServiceName"} {
		got, ok := c.Get(k)
		if !ok {
			continue
		}
		want, derived := d.Get(k)
		bad := func(why string) error {
			return fmt.Errorf("context key %s = %q contradicts the principal %s (%s): %s", k, strings.Join(got.Values, ","), orAnon(p.ARN), p.Kind, why)
		}
		if len(got.Values) != 1 {
			return bad("it is single-valued")
		}
		v := got.Values[0]
		switch {
		case strings.EqualFold(k, "aws:userid") && !derived:
			// role sessions and IAM users: the unique id is not derivable
			if p.Kind == authz.Anonymous || p.Kind == authz.Service {
				return bad("this caller has no such key")
			}
			continue
		case !derived:
			return bad("this caller has no such key")
		case strings.EqualFold(k, "aws:PrincipalArn") && (p.Kind == authz.RoleSession || p.Kind == authz.Role):
			ref, err := policy.ParseAWSPrincipal(v)
			if err != nil || ref.Kind != policy.RefRole || ref.Account != p.Account || !strings.HasSuffix(p.RoleARN, "/"+ref.Name) || (ref.Partition != "" && ref.Partition != p.Partition) {
				return bad("a role session's aws:PrincipalArn is its role ARN, " + p.RoleARN + " (any path)")
			}
			continue
		case strings.EqualFold(k, "aws:PrincipalIsAWSService"), strings.EqualFold(k, "aws:PrincipalServiceName"), strings.EqualFold(k, "aws:PrincipalType"):
			if strings.EqualFold(v, want.Values[0]) {
				continue
			}
		default:
			if v == want.Values[0] {
				continue
			}
		}
		return bad("expected " + strconv.Quote(want.Values[0]))
	}
	return nil
}
