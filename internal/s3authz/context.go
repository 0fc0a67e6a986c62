package s3authz

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

	// Access points (spec 2.6, 3.1, 3.3; accesspoint.go).
	KeyAccessPointArn               = "s3access:AccessPointArn"
	KeyAccessPointPolicy            = "s3access:AccessPointPolicy"
	KeyAccessPointNetworkOrigin     = "s3access:AccessPointNetworkOrigin"
	KeyAccessPointVpcID             = "s3access:AccessPointVpcId"
	KeyAccessPointBlockPublicAccess = "s3access:AccessPointBlockPublicAccess"
	KeyNewAccessPointPolicy         = "s3access:NewAccessPointPolicy"

	// Bucket and object state that refuses requests without a policy decision (spec 2.7; objectstate.go).
	KeyObjectLockMode            = "s3access:ObjectLockMode"
	KeyObjectLockRetainUntil     = "s3access:ObjectLockRetainUntil"
	KeyObjectLegalHold           = "s3access:ObjectLegalHold"
	KeyBypassGovernanceRetention = "s3access:BypassGovernanceRetention"
	KeyNewObjectLockRetainUntil  = "s3access:NewObjectLockRetainUntil"
	KeyRequesterPays             = "s3access:RequesterPays"
	KeyRequestPayer              = "s3access:RequestPayer"
	KeyBlockedEncryptionTypes    = "s3access:BlockedEncryptionTypes"
)

var pseudoKeys = map[string]string{
	"s3access:managementaccount":   KeyManagementAccount,
	"s3access:newbucketpolicy":     KeyNewBucketPolicy,
	"s3access:copysourcesse":       KeyCopySourceSSE,
	"s3access:copysourcekmskeyarn": KeyCopySourceKMSKeyArn,
	"s3access:copysourcekeypolicy": KeyCopySourceKeyPolicy,

	"s3access:accesspointarn":               KeyAccessPointArn,
	"s3access:accesspointpolicy":            KeyAccessPointPolicy,
	"s3access:accesspointnetworkorigin":     KeyAccessPointNetworkOrigin,
	"s3access:accesspointvpcid":             KeyAccessPointVpcID,
	"s3access:accesspointblockpublicaccess": KeyAccessPointBlockPublicAccess,
	"s3access:newaccesspointpolicy":         KeyNewAccessPointPolicy,

	"s3access:objectlockmode":            KeyObjectLockMode,
	"s3access:objectlockretainuntil":     KeyObjectLockRetainUntil,
	"s3access:objectlegalhold":           KeyObjectLegalHold,
	"s3access:bypassgovernanceretention": KeyBypassGovernanceRetention,
	"s3access:newobjectlockretainuntil":  KeyNewObjectLockRetainUntil,
	"s3access:requesterpays":             KeyRequesterPays,
	"s3access:requestpayer":              KeyRequestPayer,
	"s3access:blockedencryptiontypes":    KeyBlockedEncryptionTypes,
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

// validateContextKeyLower checks one key k of the context argument, given
// with its lower-cased form lk: service:Name form; aws:, s3: and kms: keys
// must be known (or a known tag/context prefix); s3access: keys must be one
// of the pseudo-keys; other services' keys are accepted as written.
func validateContextKeyLower(k, lk string) error {
	svc, name, ok := strings.Cut(k, ":")
	if !ok || svc == "" || name == "" || strings.ContainsAny(k, " \t\n") {
		return fmt.Errorf("context key %q: expected service:Key, e.g. aws:SourceIp", k)
	}
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
	// grantKeys are the lower-cased s3:x-amz-grant-* keys of the caller's
	// context, sorted.
	grantKeys []string
}

// timeStrings caches the aws:CurrentTime / aws:EpochTime values of the last
// second seen (every Evaluate in the same second formats the same strings).
type timeStrings struct {
	unix           int64
	current, epoch string
}

var lastTime atomic.Pointer[timeStrings]

func timeValues(t time.Time) (current, epoch string) {
	u := t.Unix()
	if c := lastTime.Load(); c != nil && c.unix == u {
		return c.current, c.epoch
	}
	c := &timeStrings{unix: u, current: t.Format(time.RFC3339), epoch: strconv.FormatInt(u, 10)}
	lastTime.Store(c)
	return c.current, c.epoch
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
	// The request context is an overlay (the time, the caller's keys and
	// s3:TlsVersion) over a cached base holding the fixed defaults and the
	// principal-derived keys. Reads see the caller's value of a key when it
	// set one, else the base's: the same as setting the defaults, then the
	// caller's keys, then the principal keys the caller did not set.
	env := &requestEnv{ctx: authz.NewOverlay(baseContext(p, bucketOwner))}
	c := env.ctx
	cur, epoch := timeValues(now().UTC())
	c.Set("aws:CurrentTime", cur)
	c.Set("aws:EpochTime", epoch)
	var userPK *authz.Context // the principal-derived keys the caller set
	keys := make([]string, 0, len(user))
	for k := range user {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var seen map[string]string
	if len(keys) > 1 {
		seen = make(map[string]string, len(keys))
	}
	for _, k := range keys {
		vals := user[k]
		lk := strings.ToLower(k)
		if err := validateContextKeyLower(k, lk); err != nil {
			return nil, &InputError{Field: "context", Index: -1, Err: err}
		}
		if seen != nil {
			if prev, dup := seen[lk]; dup {
				return nil, &InputError{Field: "context", Index: -1, Err: fmt.Errorf("context keys %q and %q are the same key (key names are case-insensitive)", prev, k)}
			}
			seen[lk] = k
		}
		if canon, ok := pseudoKeys[lk]; ok {
			if env.pseudo == nil {
				env.pseudo = map[string][]string{}
			}
			env.pseudo[canon] = vals
			continue
		}
		if strings.HasPrefix(lk, "s3:x-amz-grant-") {
			env.grantKeys = append(env.grantKeys, lk)
		}
		if isPrincipalKey(lk) {
			if userPK == nil {
				userPK = authz.NewContext()
			}
			setUserKey(userPK, k, lk, vals)
		}
		if !multiKeys[lk] && len(vals) == 0 {
			return nil, &InputError{Field: "context", Index: -1, Err: fmt.Errorf("context key %q has no value; omit the key when the request does not carry it", k)}
		}
		setUserKey(c, k, lk, vals)
	}
	// A principal-derived key the caller set must agree with the principal:
	// a contradicting value would let a Deny scoped on it be bypassed.
	if userPK != nil {
		if err := checkPrincipalKeys(userPK, p); err != nil {
			return nil, &InputError{Field: "context", Index: -1, Err: err}
		}
	}
	// Requests through a VPC endpoint carry aws:SourceVpce, aws:SourceVpc and
	// aws:VpcSourceIp and no aws:SourceIp (spec 1.8, 6.8): a context with
	// both claims a VPC for an internet request (which would slip past a Deny
	// on aws:SourceVpc or an access point's VPC network origin).
	if _, ip := c.Get("aws:SourceIp"); ip {
		for _, k := range [...]string{"aws:SourceVpce", "aws:SourceVpc", "aws:VpcSourceIp"} {
			if _, vpc := c.Get(k); vpc {
				return nil, &InputError{Field: "context", Index: -1, Err: fmt.Errorf("aws:SourceIp and %s together: requests through a VPC endpoint carry no aws:SourceIp (spec 1.8); give the private address as aws:VpcSourceIp%s", k, dropHint(k))}
			}
		}
	}
	// principal-derived keys, unless the caller set them: in the base
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
	sort.Strings(env.grantKeys)
	return env, nil
}

// dropHint completes the aws:SourceIp contradiction error for the keys that
// only a request through a VPC endpoint carries (aws:SourceVpce keeps its
// original message).
func dropHint(k string) string {
	if k == "aws:SourceVpce" {
		return ""
	}
	return ", or drop " + k + " for a request from the internet"
}

// setUserKey stores one key of the caller's context (lk: lower-cased k).
func setUserKey(c *authz.Context, k, lk string, vals []string) {
	switch {
	case multiKeys[lk]:
		c.SetMulti(k, vals...)
	case len(vals) == 1:
		c.Set(k, vals[0])
	default:
		c.SetMulti(k, vals...)
	}
}

func isPrincipalKey(lk string) bool {
	for _, k := range principalKeys {
		if len(k) == len(lk) && strings.EqualFold(k, lk) {
			return true
		}
	}
	return false
}

// baseKey identifies a base context: everything its keys derive from.
type baseKey struct {
	p           authz.Principal
	bucketOwner string
}

// baseContexts caches base contexts (read-only once stored); it is
// emptied when it reaches maxBaseContexts entries.
var (
	baseMu       sync.Mutex
	baseContexts = map[baseKey]*authz.Context{}
)

const maxBaseContexts = 512

// baseContext returns the read-only context of the defaults that do not
// depend on the caller's context (spec 6.8): aws:SecureTransport=true,
// aws:RequestedRegion=us-east-1, aws:ViaAWSService=false,
// aws:ResourceAccount and s3:ResourceAccount (the bucket owner),
// s3:signatureversion and s3:authType for signed requests, and the
// principal-derived keys (FillPrincipalKeys).
func baseContext(p authz.Principal, bucketOwner string) *authz.Context {
	key := baseKey{p, bucketOwner}
	baseMu.Lock()
	c, ok := baseContexts[key]
	baseMu.Unlock()
	if ok {
		return c
	}
	c = authz.NewContextSize(16)
	c.Set("aws:SecureTransport", "true")
	c.Set("aws:RequestedRegion", "us-east-1")
	c.Set("aws:ViaAWSService", "false")
	c.Set("aws:ResourceAccount", bucketOwner)
	c.Set("s3:ResourceAccount", bucketOwner)
	if p.Kind != authz.Anonymous {
		c.Set("s3:signatureversion", "AWS4-HMAC-SHA256")
		c.Set("s3:authType", "REST-HEADER")
	}
	c.FillPrincipalKeys(p)
	baseMu.Lock()
	if len(baseContexts) >= maxBaseContexts {
		clear(baseContexts)
	}
	baseContexts[key] = c
	baseMu.Unlock()
	return c
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
var principalKeys = [...]string{"aws:PrincipalAccount", "aws:PrincipalType", "aws:PrincipalIsAWSService", "aws:PrincipalArn", "aws:username", "aws:userid", "aws:PrincipalServiceName"}

func checkPrincipalKeys(c *authz.Context, p authz.Principal) error {
	var d *authz.Context // the derived keys, built when the caller set one
	for _, k := range principalKeys {
		got, ok := c.Get(k)
		if !ok {
			continue
		}
		if d == nil {
			d = authz.NewContext()
			d.FillPrincipalKeys(p)
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
