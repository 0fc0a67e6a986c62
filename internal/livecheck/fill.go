// Package livecheck implements live mode (ARCHITECTURE.md section 4): it fills
// every layer of an s3authz.Request that the configuration leaves unset with
// what an awsread.Reader reads from the account, records where each input came
// from, and turns a read that fails into the decision "unknown" naming the
// layer, the API and the AWS error. It never evaluates with a guessed value.
// It imports no Terraform package.
package livecheck

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/s3access/terraform-provider-s3access/internal/authz"
	"github.com/s3access/terraform-provider-s3access/internal/awsread"
	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

// Options are the provider settings that change what is read.
type Options struct {
	// ReadOrganizationPolicies: read SCPs and RCPs that the configuration
	// leaves unset. When false they are not evaluated and the explanation says so.
	ReadOrganizationPolicies bool
}

// Input names: the data source arguments Sources is keyed by.
const (
	InIdentityPolicies     = "identity_policies"
	InPermissionsBoundary  = "permissions_boundary"
	InSessionPolicy        = "session_policy"
	InSCPs                 = "service_control_policies"
	InRCPs                 = "resource_control_policies"
	InVPCEndpointPolicy    = "vpc_endpoint_policy"
	InBucketAccountID      = "bucket_account_id"
	InBucketPolicy         = "bucket_policy"
	InBlockPublicAccess    = "block_public_access"
	InAccountBPA           = "account_block_public_access"
	InObjectOwnership      = "object_ownership"
	InBucketACL            = "bucket_acl"
	InObjectACL            = "object_acl"
	InObjectOwnerAccountID = "object_owner_account_id"
	InEncryption           = "encryption"
	InKeyPolicy            = "encryption.key_policy"
)

// Sources says, per input (argument name), where its value came from:
// "config", "live: <operations>", or "default..." with the reason.
type Sources map[string]awsread.Source

// Failure is one live read that failed: Layer is the deciding_layer it
// belongs to, Input the argument that would have supplied it.
type Failure struct {
	Layer string
	Input string
	Err   *awsread.ReadError
}

// ReadFailures is the error of Fill when reads failed.
type ReadFailures []Failure

func (f ReadFailures) Error() string {
	parts := make([]string, len(f))
	for i, x := range f {
		parts[i] = x.Layer + ": " + x.Err.Error()
	}
	return strings.Join(parts, "; ")
}

// Fixed "default" sources.
const (
	srcOrgNotRead     awsread.Source = "default: not read (read_organization_policies = false); not evaluated"
	srcNoVPCE         awsread.Source = "default: not through a VPC endpoint (not readable live)"
	srcNoSession      awsread.Source = "default: no session policy (session policies cannot be read from AWS)"
	srcNoIdentity     awsread.Source = "default: this principal has no identity policies"
	srcACLsDisabled   awsread.Source = "default: not read (ACLs are disabled by BucketOwnerEnforced)"
	srcNotNeeded      awsread.Source = "default: not read (not used by this action)"
	srcManagedKey     awsread.Source = "default: the aws/s3 AWS managed key policy"
	srcNotKMS         awsread.Source = "default: not read (the object is not encrypted with SSE-KMS)"
	srcObjectAbsent   awsread.Source = "live: s3:HeadObject (no such object: nothing to decrypt, no object ACL)"
	srcBucketOwnerACL awsread.Source = "live: s3:GetObjectAcl (the bucket owner owns the object)"
)

// creating lists the actions (IAM action or API operation, lower case) that
// write a new object: the bucket default encryption applies, not an existing
// object's.
var creating = map[string]bool{
	"s3:putobject": true, "putobject": true, "copyobject": true, "createmultipartupload": true,
	"uploadpart": true, "uploadpartcopy": true, "completemultipartupload": true,
}

// decrypting lists the actions that read an existing object's data (its
// encryption decides whether KMS is needed).
var decrypting = map[string]bool{"s3:getobject": true, "s3:getobjectversion": true, "getobject": true}

// objectACLGoverned lists the object actions an object ACL can grant (spec 6).
var objectACLGoverned = map[string]bool{
	"s3:getobject": true, "s3:getobjectversion": true, "getobject": true, "headobject": true,
	"s3:getobjectacl": true, "s3:getobjectversionacl": true, "s3:putobjectacl": true, "s3:putobjectversionacl": true,
	"getobjectattributes": true, "s3:getobjectattributes": true, "s3:getobjectversionattributes": true,
}

// filler holds one Fill in progress.
type filler struct {
	r    awsread.Reader
	in   *s3authz.Request
	out  *s3authz.Request
	opts Options

	mu       sync.Mutex
	src      Sources
	failures []Failure
	other    error // context cancellation
}

func (f *filler) set(input string, s awsread.Source) {
	f.mu.Lock()
	f.src[input] = s
	f.mu.Unlock()
}

// fail records a failed read; it returns true when err was a failure.
func (f *filler) fail(layer, input string, err error) bool {
	if err == nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if f.other == nil {
			f.other = err
		}
		return true
	}
	re, ok := awsread.AsReadError(err)
	if !ok {
		re = &awsread.ReadError{Layer: input, Operation: "read", Err: err}
	}
	f.failures = append(f.failures, Failure{Layer: layer, Input: input, Err: re})
	return true
}

func (f *filler) failed(input string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, x := range f.failures {
		if x.Input == input {
			return true
		}
	}
	return false
}

// run runs the reads concurrently and waits (the Reader bounds concurrency).
func run(fs ...func()) {
	var wg sync.WaitGroup
	for _, fn := range fs {
		if fn == nil {
			continue
		}
		wg.Add(1)
		go func() { defer wg.Done(); fn() }()
	}
	wg.Wait()
}

// Fill returns a copy of req with every unset layer read through r, and where
// each input came from. When reads fail the error is a ReadFailures (the
// returned request then must not be evaluated); a cancelled context returns
// the context's error.
func Fill(ctx context.Context, r awsread.Reader, req *s3authz.Request, opts Options) (*s3authz.Request, Sources, error) {
	if req == nil {
		return nil, nil, errors.New("livecheck: no request")
	}
	cp := *req
	f := &filler{r: r, in: req, out: &cp, opts: opts, src: Sources{}}
	f.fill(ctx)
	if f.other != nil {
		return nil, f.src, f.other
	}
	if len(f.failures) > 0 {
		sort.SliceStable(f.failures, func(i, j int) bool { return layerRank(f.failures[i].Layer) < layerRank(f.failures[j].Layer) })
		return nil, f.src, ReadFailures(f.failures)
	}
	return f.out, f.src, nil
}

func (f *filler) fill(ctx context.Context) {
	in, out := f.in, f.out
	action := strings.ToLower(strings.TrimSpace(in.Action))
	kind, principalAccount := principalKind(in.Principal)

	// Inputs never read live.
	if in.SessionPolicy != nil {
		f.set(InSessionPolicy, awsread.SourceConfig)
	} else {
		f.set(InSessionPolicy, srcNoSession)
	}
	if in.VPCEndpointPolicy != nil {
		f.set(InVPCEndpointPolicy, awsread.SourceConfig)
	} else {
		f.set(InVPCEndpointPolicy, srcNoVPCE)
	}

	f.accessPointInputs()

	// Wave 1: what depends on nothing but the configuration.
	var wave1 []func()
	if in.BucketPolicy != nil {
		f.set(InBucketPolicy, awsread.SourceConfig)
	} else {
		wave1 = append(wave1, func() {
			p, s, err := f.r.BucketPolicy(ctx, in.Bucket)
			if f.fail("bucket_policy", InBucketPolicy, err) {
				return
			}
			out.BucketPolicy = p
			f.set(InBucketPolicy, s)
		})
	}
	if in.BlockPublicAccess != nil {
		f.set(InBlockPublicAccess, awsread.SourceConfig)
	} else {
		wave1 = append(wave1, func() {
			b, s, err := f.r.BucketPublicAccessBlock(ctx, in.Bucket)
			if f.fail("block_public_access", InBlockPublicAccess, err) {
				return
			}
			out.BlockPublicAccess = bpa(b) // none configured: all false, not the engine's all-true default
			f.set(InBlockPublicAccess, s)
		})
	}
	if in.ObjectOwnership != "" {
		f.set(InObjectOwnership, awsread.SourceConfig)
	} else {
		wave1 = append(wave1, func() {
			o, s, err := f.r.OwnershipControls(ctx, in.Bucket)
			if f.fail("object_ownership", InObjectOwnership, err) {
				return
			}
			if o == "" {
				o = "ObjectWriter" // no ownership controls: ACLs enabled, the writer owns
				s = awsread.Source(string(s) + " (none configured: ObjectWriter)")
			}
			out.ObjectOwnership = o
			f.set(InObjectOwnership, s)
		})
	}
	if strings.TrimSpace(in.BucketAccountID) != "" {
		f.set(InBucketAccountID, awsread.SourceConfig)
	} else {
		wave1 = append(wave1, func() {
			a, s, err := f.r.CallerAccount(ctx)
			if f.fail("none", InBucketAccountID, err) {
				return
			}
			out.BucketAccountID = a
			f.set(InBucketAccountID, awsread.Source(string(s)+" (the account of the provider's credentials; set bucket_account_id if the bucket belongs to another)"))
		})
	}
	wave1 = append(wave1, f.identityReads(ctx, kind)...)
	if in.ServiceControlPolicies != nil {
		f.set(InSCPs, awsread.SourceConfig)
	} else if !f.opts.ReadOrganizationPolicies {
		f.set(InSCPs, srcOrgNotRead)
	} else if principalAccount == "" {
		f.set(InSCPs, "default: none (the principal belongs to no account)")
	} else {
		wave1 = append(wave1, func() {
			lv, s, err := f.r.SCPs(ctx, principalAccount)
			if f.fail("scp", InSCPs, err) {
				return
			}
			out.ServiceControlPolicies = levels(lv)
			f.set(InSCPs, s)
		})
	}
	// Object data: needed in wave 1 for decryption; ACL needs may add it in wave 2.
	var obj *awsread.ObjectInfo
	objRead := false
	objAbsent := false
	readObject := func(layer, input string) func() {
		return func() {
			o, s, err := f.r.ObjectInfo(ctx, in.Bucket, *in.Key)
			if err != nil {
				if re, ok := awsread.AsReadError(err); ok && re.NotFound && re.Layer == awsread.LayerObject {
					objAbsent = true
					objRead = true
					return
				}
				f.fail(layer, input, err)
				return
			}
			_ = s
			obj, objRead = o, true
		}
	}
	encNeeded := in.Key != nil && in.Encryption == nil && decrypting[action]
	if in.Encryption != nil {
		f.set(InEncryption, awsread.SourceConfig)
	} else if in.Key != nil && creating[action] {
		wave1 = append(wave1, func() {
			e, s, err := f.r.BucketEncryption(ctx, in.Bucket)
			if f.fail("kms", InEncryption, err) {
				return
			}
			if e != nil {
				out.Encryption = &s3authz.Encryption{SSE: e.SSE, KMSKeyARN: e.KMSKeyID, BucketKeyEnabled: e.BucketKeyEnabled}
			} else {
				s = awsread.Source(string(s) + " (no default encryption: SSE-S3)")
			}
			f.set(InEncryption, s)
		})
	} else if encNeeded {
		wave1 = append(wave1, readObject("kms", InEncryption))
	} else {
		f.set(InEncryption, srcNotNeeded)
	}
	run(wave1...)
	if f.other != nil {
		return
	}
	if encNeeded && objRead {
		if objAbsent || obj == nil {
			f.set(InEncryption, srcObjectAbsent)
		} else {
			if obj.SSE != "" {
				out.Encryption = &s3authz.Encryption{SSE: obj.SSE, KMSKeyARN: obj.KMSKeyID, BucketKeyEnabled: obj.BucketKeyEnabled}
			}
			f.set(InEncryption, "live: s3:HeadObject")
		}
	}

	// Wave 2: what depends on the bucket owner, the Object Ownership or the encryption.
	var wave2 []func()
	owner := strings.TrimSpace(out.BucketAccountID)
	if in.AccountBlockPublicAccess != nil {
		f.set(InAccountBPA, awsread.SourceConfig)
	} else if owner != "" {
		wave2 = append(wave2, func() {
			b, s, err := f.r.AccountPublicAccessBlock(ctx, owner)
			if f.fail("block_public_access", InAccountBPA, err) {
				return
			}
			out.AccountBlockPublicAccess = bpa(b)
			f.set(InAccountBPA, s)
		})
	}
	if in.ResourceControlPolicies != nil {
		f.set(InRCPs, awsread.SourceConfig)
	} else if !f.opts.ReadOrganizationPolicies {
		f.set(InRCPs, srcOrgNotRead)
	} else if owner != "" {
		wave2 = append(wave2, func() {
			lv, s, err := f.r.RCPs(ctx, owner)
			if f.fail("rcp", InRCPs, err) {
				return
			}
			out.ResourceControlPolicies = levels(lv)
			f.set(InRCPs, s)
		})
	}
	aclsOn := out.ObjectOwnership != "" && out.ObjectOwnership != "BucketOwnerEnforced" && !f.failed(InObjectOwnership)
	var bucketACL *awsread.ACL
	if in.BucketACL != nil {
		f.set(InBucketACL, awsread.SourceConfig)
	} else if !aclsOn {
		f.set(InBucketACL, srcACLsDisabled)
	} else if owner != "" {
		wave2 = append(wave2, func() {
			a, s, err := f.r.BucketACL(ctx, in.Bucket)
			if f.fail("acl", InBucketACL, err) {
				return
			}
			bucketACL = a
			f.set(InBucketACL, s)
		})
	}
	objACLNeeded := aclsOn && in.Key != nil && objectACLGoverned[action] && (in.ObjectACL == nil || in.ObjectOwnerAccountID == "")
	if objACLNeeded && !objRead {
		wave2 = append(wave2, readObject("acl", InObjectACL))
	}
	var keyPolicyRead func()
	if enc := out.Encryption; enc != nil && strings.HasPrefix(enc.SSE, "aws:kms") && enc.KeyPolicy == nil && !f.failed(InEncryption) {
		keyPolicyRead = f.keyPolicyRead(ctx, enc, owner)
		wave2 = append(wave2, keyPolicyRead)
	} else if in.Encryption != nil && in.Encryption.KeyPolicy != nil {
		f.set(InKeyPolicy, awsread.SourceConfig)
	} else {
		f.set(InKeyPolicy, srcNotKMS)
	}
	run(wave2...)
	if f.other != nil {
		return
	}
	if aclsOn && in.BucketACL == nil && bucketACL != nil {
		out.BucketACL = convertACL(bucketACL, bucketACL.Owner, owner)
	}
	if in.ObjectACL != nil {
		f.set(InObjectACL, awsread.SourceConfig)
	}
	if in.ObjectOwnerAccountID != "" {
		f.set(InObjectOwnerAccountID, awsread.SourceConfig)
	}
	switch {
	case !objACLNeeded:
		if in.ObjectACL == nil {
			if aclsOn {
				f.set(InObjectACL, srcNotNeeded)
			} else {
				f.set(InObjectACL, srcACLsDisabled)
			}
		}
		if in.ObjectOwnerAccountID == "" {
			f.set(InObjectOwnerAccountID, "default: the bucket owner")
		}
	case f.failed(InObjectACL) || f.failed(InEncryption) && !objRead:
		// recorded
	case objAbsent || obj == nil:
		if in.ObjectACL == nil {
			f.set(InObjectACL, srcObjectAbsent)
		}
		if in.ObjectOwnerAccountID == "" {
			f.set(InObjectOwnerAccountID, srcObjectAbsent)
		}
	case obj.ACL == nil:
		err := obj.ACLError
		if err == nil {
			err = &awsread.ReadError{Layer: awsread.LayerObjectACL, Operation: "s3:GetObjectAcl", Code: "UnexpectedValue", Err: errors.New("no ACL returned")}
		}
		f.fail("acl", InObjectACL, err)
	default:
		bucketOwnerID := ""
		if bucketACL != nil {
			bucketOwnerID = bucketACL.Owner
		}
		if in.ObjectOwnerAccountID == "" {
			switch {
			case obj.ACL.Owner != "" && obj.ACL.Owner == bucketOwnerID:
				out.ObjectOwnerAccountID = owner
				f.set(InObjectOwnerAccountID, srcBucketOwnerACL)
			default:
				f.fail("acl", InObjectOwnerAccountID, &awsread.ReadError{Layer: awsread.LayerObjectACL, Operation: "s3:GetObjectAcl", Code: "UnknownOwner",
					Err: fmt.Errorf("the object is owned by canonical user %q, not the bucket owner; its account cannot be derived live (set object_owner_account_id)", obj.ACL.Owner)})
			}
		}
		if in.ObjectACL == nil {
			out.ObjectACL = convertACL(obj.ACL, bucketOwnerID, owner)
			f.set(InObjectACL, "live: s3:GetObjectAcl")
		}
	}
}

// codeNotRead marks a ReadError for an input live mode does not read: the
// configuration must give it.
const codeNotRead = "NotRead"

// accessPointInputs: a request through an access point (context
// s3access:AccessPointArn) is decided with the access point's policy and
// network origin, which live mode does not read. The engine takes absent
// values as "no access point policy, Internet origin"; live mode must not
// assume that, so each one the context leaves out is a failure of the
// bucket_policy layer (the layer the access point policy is reported
// under), and the decision is unknown.
func (f *filler) accessPointInputs() {
	has := func(key string) bool {
		for k := range f.in.Context {
			if strings.EqualFold(strings.TrimSpace(k), key) {
				return true
			}
		}
		return false
	}
	if !has(s3authz.KeyAccessPointArn) {
		return
	}
	type need struct {
		given     bool
		key, op   string
		assumed   string
		readLayer string
	}
	for _, n := range []need{
		{has(s3authz.KeyAccessPointPolicy), s3authz.KeyAccessPointPolicy, "s3control:GetAccessPointPolicy", "no access point policy", "access_point_policy"},
		{has(s3authz.KeyAccessPointNetworkOrigin) || has(s3authz.KeyAccessPointVpcID), s3authz.KeyAccessPointNetworkOrigin, "s3control:GetAccessPoint", "Internet network origin", "access_point_network_origin"},
	} {
		if n.given {
			continue
		}
		f.fail("bucket_policy", "context."+n.key, &awsread.ReadError{Layer: n.readLayer, Operation: n.op, Code: codeNotRead,
			Err: fmt.Errorf("the request goes through access point %s (context %s) and context %s is not given; live mode does not read access points and does not assume %s",
				strings.Join(f.in.Context[ctxKey(f.in.Context, s3authz.KeyAccessPointArn)], ", "), s3authz.KeyAccessPointArn, n.key, n.assumed)})
	}
}

// ctxKey returns the spelling of key (case-insensitive) used in c.
func ctxKey(c map[string][]string, key string) string {
	for k := range c {
		if strings.EqualFold(strings.TrimSpace(k), key) {
			return k
		}
	}
	return key
}

// identityReads returns the reads of the principal's identity policies and boundary.
func (f *filler) identityReads(ctx context.Context, kind string) []func() {
	in, out := f.in, f.out
	needID := in.IdentityPolicies == nil
	needPB := in.PermissionsBoundary == nil
	if !needID {
		f.set(InIdentityPolicies, awsread.SourceConfig)
	}
	if !needPB {
		f.set(InPermissionsBoundary, awsread.SourceConfig)
	}
	if !needID && !needPB {
		return nil
	}
	if kind == "none" {
		if needID {
			f.set(InIdentityPolicies, srcNoIdentity)
		}
		if needPB {
			f.set(InPermissionsBoundary, srcNoIdentity)
		}
		return nil
	}
	return []func(){func() {
		pp, s, err := f.r.PrincipalPolicies(ctx, in.Principal)
		if err != nil {
			layer, input := "identity", InIdentityPolicies
			if re, ok := awsread.AsReadError(err); ok && re.Layer == awsread.LayerBoundary && needPB {
				layer, input = "permissions_boundary", InPermissionsBoundary
			} else if !needID {
				layer, input = "permissions_boundary", InPermissionsBoundary
			}
			f.fail(layer, input, err)
			return
		}
		if needID {
			docs := make([]string, 0, len(pp.Policies))
			origins := make([]string, 0, len(pp.Policies))
			for _, p := range pp.Policies {
				docs = append(docs, p.Document)
				origins = append(origins, p.Origin)
			}
			out.IdentityPolicies = docs
			src := s
			if len(origins) > 0 {
				src = awsread.Source(string(s) + " [" + strings.Join(origins, "; ") + "]")
			} else if s.IsLive() {
				src = awsread.Source(string(s) + " [none attached]")
			}
			f.set(InIdentityPolicies, src)
		}
		if needPB {
			if pp.Boundary != nil {
				d := pp.Boundary.Document
				out.PermissionsBoundary = &d
				f.set(InPermissionsBoundary, awsread.Source(string(s)+" ["+pp.Boundary.Origin+"]"))
			} else {
				f.set(InPermissionsBoundary, awsread.Source(string(s)+" [no boundary]"))
			}
		}
	}}
}

// keyPolicyRead reads the key policy of a customer managed key.
func (f *filler) keyPolicyRead(ctx context.Context, enc *s3authz.Encryption, owner string) func() {
	id := strings.TrimSpace(enc.KMSKeyARN)
	if id == "" || id == "alias/aws/s3" || strings.HasSuffix(id, ":alias/aws/s3") {
		f.set(InKeyPolicy, srcManagedKey)
		return nil
	}
	return func() {
		keyARN := id
		if a, err := arn.Parse(id); err == nil {
			if !strings.HasPrefix(a.Resource, "key/") {
				f.fail("kms", InKeyPolicy, &awsread.ReadError{Layer: awsread.LayerKMS, Operation: "kms:GetKeyPolicy", Code: "InvalidInput",
					Err: fmt.Errorf("%s is not a key ARN (an alias cannot be resolved live); set encryption.kms_key_arn and encryption.key_policy", id)})
				return
			}
		} else {
			if strings.HasPrefix(id, "alias/") || owner == "" {
				f.fail("kms", InKeyPolicy, &awsread.ReadError{Layer: awsread.LayerKMS, Operation: "kms:GetKeyPolicy", Code: "InvalidInput",
					Err: fmt.Errorf("key %q is not a key ARN and cannot be resolved live; set encryption.kms_key_arn and encryption.key_policy", id)})
				return
			}
			region, _, err := f.r.BucketLocation(ctx, f.in.Bucket)
			if f.fail("kms", InKeyPolicy, err) {
				return
			}
			keyARN = "arn:" + partitionOf(f.in.Principal) + ":kms:" + region + ":" + owner + ":key/" + id
		}
		p, s, err := f.r.KeyPolicy(ctx, keyARN)
		if f.fail("kms", InKeyPolicy, err) {
			return
		}
		cp := *enc
		cp.KMSKeyARN = keyARN
		cp.KeyPolicy = p
		f.mu.Lock()
		f.out.Encryption = &cp
		f.mu.Unlock()
		f.set(InKeyPolicy, s)
	}
}

func partitionOf(principal string) string {
	if p, err := s3authz.ParsePrincipal(principal); err == nil && p.Partition != "" {
		return p.Partition
	}
	return "aws"
}

// principalKind returns "iam" for principals whose policies can be read
// (users, roles, sessions, root; federated users fail the read), "none" for
// anonymous and service principals, and the principal's account.
func principalKind(principal string) (kind, account string) {
	p, err := s3authz.ParsePrincipal(principal)
	if err != nil || p.Kind == authz.Anonymous || p.Kind == authz.Service {
		return "none", "" // invalid principals are rejected by the engine
	}
	return "iam", p.Account
}

func bpa(b *awsread.BPA) *s3authz.BPA {
	if b == nil {
		return &s3authz.BPA{}
	}
	c := *b
	return &c
}

func levels(lv []awsread.OrgLevel) [][]string {
	out := make([][]string, 0, len(lv))
	for _, l := range lv {
		docs := make([]string, 0, len(l.Policies))
		for _, p := range l.Policies {
			docs = append(docs, p.Document)
		}
		out = append(out, docs)
	}
	return out
}

// convertACL turns a read ACL into the engine's: a grant to the bucket
// owner's canonical id becomes a grant to the owner account; other grantees
// are kept (the engine rejects what it cannot interpret, and Check turns that
// into unknown).
func convertACL(a *awsread.ACL, ownerCanonical, ownerAccount string) *s3authz.ACL {
	out := &s3authz.ACL{}
	for _, g := range a.Grants {
		who := g.Grantee
		if ownerCanonical != "" && who == ownerCanonical && ownerAccount != "" {
			who = ownerAccount
		}
		out.Grants = append(out.Grants, s3authz.Grant{Grantee: who, Permission: g.Permission})
	}
	return out
}
