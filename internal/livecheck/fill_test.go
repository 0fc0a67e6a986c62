package livecheck

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/awsread"
	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

// memReader is an in-memory awsread.Reader: each method returns its field,
// or the error in errs under the method's name; calls are counted.
type memReader struct {
	mu        sync.Mutex
	calls     map[string]int
	errs      map[string]error
	policy    *string
	bpa       *awsread.BPA
	acctBPA   *awsread.BPA
	ownership string
	acl       *awsread.ACL
	enc       *awsread.Encryption
	obj       *awsread.ObjectInfo
	keyPolicy *string
	pp        *awsread.PrincipalPolicies
	account   string
	scps      []awsread.OrgLevel
	rcps      []awsread.OrgLevel
	region    string
}

func (m *memReader) hit(op string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.calls == nil {
		m.calls = map[string]int{}
	}
	m.calls[op]++
	return m.errs[op]
}

func (m *memReader) n(op string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls[op]
}

func src(op string) awsread.Source { return awsread.Live(op) }

func (m *memReader) BucketPolicy(context.Context, string) (*string, awsread.Source, error) {
	return m.policy, src("s3:GetBucketPolicy"), m.hit("BucketPolicy")
}
func (m *memReader) BucketPublicAccessBlock(context.Context, string) (*awsread.BPA, awsread.Source, error) {
	return m.bpa, src("s3:GetPublicAccessBlock"), m.hit("BucketPublicAccessBlock")
}
func (m *memReader) AccountPublicAccessBlock(context.Context, string) (*awsread.BPA, awsread.Source, error) {
	return m.acctBPA, src("s3control:GetPublicAccessBlock"), m.hit("AccountPublicAccessBlock")
}
func (m *memReader) OwnershipControls(context.Context, string) (string, awsread.Source, error) {
	return m.ownership, src("s3:GetBucketOwnershipControls"), m.hit("OwnershipControls")
}
func (m *memReader) BucketACL(context.Context, string) (*awsread.ACL, awsread.Source, error) {
	return m.acl, src("s3:GetBucketAcl"), m.hit("BucketACL")
}
func (m *memReader) BucketOwner(context.Context, string) (string, awsread.Source, error) {
	return "owner", src("s3:GetBucketAcl"), m.hit("BucketOwner")
}
func (m *memReader) BucketLocation(context.Context, string) (string, awsread.Source, error) {
	return m.region, src("s3:GetBucketLocation"), m.hit("BucketLocation")
}
func (m *memReader) BucketEncryption(context.Context, string) (*awsread.Encryption, awsread.Source, error) {
	return m.enc, src("s3:GetBucketEncryption"), m.hit("BucketEncryption")
}
func (m *memReader) ObjectInfo(context.Context, string, string) (*awsread.ObjectInfo, awsread.Source, error) {
	return m.obj, src("s3:HeadObject"), m.hit("ObjectInfo")
}
func (m *memReader) KeyPolicy(context.Context, string) (*string, awsread.Source, error) {
	return m.keyPolicy, src("kms:GetKeyPolicy"), m.hit("KeyPolicy")
}
func (m *memReader) PrincipalPolicies(context.Context, string) (*awsread.PrincipalPolicies, awsread.Source, error) {
	return m.pp, src("iam:GetUser"), m.hit("PrincipalPolicies")
}
func (m *memReader) CallerAccount(context.Context) (string, awsread.Source, error) {
	return m.account, src("sts:GetCallerIdentity"), m.hit("CallerAccount")
}
func (m *memReader) SCPs(context.Context, string) ([]awsread.OrgLevel, awsread.Source, error) {
	return m.scps, src("organizations:ListPoliciesForTarget"), m.hit("SCPs")
}
func (m *memReader) RCPs(context.Context, string) ([]awsread.OrgLevel, awsread.Source, error) {
	return m.rcps, src("organizations:ListPoliciesForTarget"), m.hit("RCPs")
}

const (
	acctA  = "111111111111"
	acctB  = "222222222222"
	userA  = "arn:aws:iam::111111111111:user/alice"
	allowS = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	keyARN = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

func ptr(s string) *string { return &s }

func doc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

func base() *memReader {
	return &memReader{account: acctA, ownership: "BucketOwnerEnforced", region: "us-east-1",
		pp: &awsread.PrincipalPolicies{Kind: awsread.KindUser, Account: acctA, Name: "alice",
			Policies: []awsread.NamedPolicy{{Origin: "user inline alice/p", Document: allowS}}}}
}

func getReq(action, key string) *s3authz.Request {
	r := &s3authz.Request{Principal: userA, Action: action, Bucket: "bkt"}
	if key != "" {
		r.Key = ptr(key)
	}
	return r
}

// TestCheckLive: decisions from live layers (spec section 7 cases named),
// each asserting where the deciding input came from.
func TestCheckLive(t *testing.T) {
	anonPublic := doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`)
	cases := []struct {
		name     string
		reader   func() *memReader
		req      func() *s3authz.Request
		opts     Options
		decision string
		layer    string
		sources  map[string]string // input -> substring of its source
		calls    map[string]int
		explain  string
	}{
		{
			name: "T01 identity read live allows", reader: base, req: func() *s3authz.Request { return getReq("s3:GetObject", "k") },
			decision: "allowed", layer: "identity",
			sources: map[string]string{InIdentityPolicies: "live: iam:GetUser [user inline alice/p]", InBucketPolicy: "live: s3:GetBucketPolicy",
				InBucketAccountID: "live: sts:GetCallerIdentity", InObjectACL: "ACLs are disabled", InSCPs: "read_organization_policies = false"},
			calls:   map[string]int{"BucketACL": 0, "SCPs": 0, "RCPs": 0},
			explain: "SCPs and RCPs were not evaluated",
		},
		{
			name: "T04 live bucket policy deny wins over identity allow",
			reader: func() *memReader {
				m := base()
				m.policy = ptr(doc(`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`))
				return m
			},
			req: func() *s3authz.Request { return getReq("s3:GetObject", "k") }, decision: "explicit_deny", layer: "bucket_policy",
			sources: map[string]string{InBucketPolicy: "live: s3:GetBucketPolicy"},
		},
		{
			name: "config wins: configured layers are not read",
			reader: func() *memReader {
				m := base()
				m.errs = map[string]error{"BucketPolicy": errors.New("must not be called"), "PrincipalPolicies": errors.New("must not be called")}
				return m
			},
			req: func() *s3authz.Request {
				r := getReq("s3:GetObject", "k")
				r.BucketPolicy = ptr(doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*"}`))
				r.IdentityPolicies = []string{allowS}
				r.PermissionsBoundary = ptr(allowS)
				r.BucketAccountID = acctA
				return r
			},
			decision: "explicit_deny", layer: "bucket_policy",
			sources: map[string]string{InBucketPolicy: "config", InIdentityPolicies: "config", InBucketAccountID: "config"},
			calls:   map[string]int{"BucketPolicy": 0, "PrincipalPolicies": 0, "CallerAccount": 0},
		},
		{
			name:   "T55 no BPA configured means all false (not the engine's all-true default): anonymous public read allowed",
			reader: func() *memReader { m := base(); m.policy = ptr(anonPublic); return m },
			req: func() *s3authz.Request {
				r := getReq("s3:GetObject", "k")
				r.Principal = "anonymous"
				return r
			},
			decision: "allowed", layer: "bucket_policy",
			sources: map[string]string{InBlockPublicAccess: "live: s3:GetPublicAccessBlock", InIdentityPolicies: "no identity policies"},
			calls:   map[string]int{"PrincipalPolicies": 0},
		},
		{
			name: "T56 account RestrictPublicBuckets read live blocks the public policy",
			reader: func() *memReader {
				m := base()
				m.policy = ptr(anonPublic)
				m.acctBPA = &awsread.BPA{RestrictPublicBuckets: true}
				return m
			},
			req: func() *s3authz.Request {
				r := getReq("s3:GetObject", "k")
				r.Principal = "anonymous"
				r.BucketAccountID = acctA
				return r
			},
			decision: "explicit_deny", layer: "block_public_access",
			sources: map[string]string{InAccountBPA: "live: s3control:GetPublicAccessBlock"},
		},
		{
			name: "T72 no ownership controls: ObjectWriter, object ACL public-read read live",
			reader: func() *memReader {
				m := base()
				m.ownership = ""
				m.acl = &awsread.ACL{Owner: "ownercanon", Grants: []awsread.Grant{{Grantee: "ownercanon", Permission: "FULL_CONTROL"}}}
				m.obj = &awsread.ObjectInfo{ACL: &awsread.ACL{Owner: "ownercanon", Grants: []awsread.Grant{
					{Grantee: "ownercanon", Permission: "FULL_CONTROL"}, {Grantee: "AllUsers", Permission: "READ"}}}}
				return m
			},
			req: func() *s3authz.Request {
				r := getReq("s3:GetObject", "k")
				r.Principal = "anonymous"
				r.BucketAccountID = acctA
				return r
			},
			decision: "allowed", layer: "acl",
			sources: map[string]string{InObjectOwnership: "ObjectWriter", InObjectACL: "live: s3:GetObjectAcl", InBucketACL: "live: s3:GetBucketAcl",
				InObjectOwnerAccountID: "bucket owner owns"},
		},
		{
			name: "object owned by another canonical user: owner account cannot be derived, unknown",
			reader: func() *memReader {
				m := base()
				m.ownership = "ObjectWriter"
				m.acl = &awsread.ACL{Owner: "ownercanon"}
				m.obj = &awsread.ObjectInfo{ACL: &awsread.ACL{Owner: "othercanon"}}
				return m
			},
			req:      func() *s3authz.Request { return getReq("s3:GetObject", "k") },
			decision: "unknown", layer: "acl", explain: "UnknownOwner",
		},
		{
			name: "object ACL not implemented while ACLs are enabled: unknown acl",
			reader: func() *memReader {
				m := base()
				m.ownership = "BucketOwnerPreferred"
				m.acl = &awsread.ACL{Owner: "ownercanon"}
				m.obj = &awsread.ObjectInfo{ACLError: &awsread.ReadError{Layer: awsread.LayerObjectACL, Operation: "s3:GetObjectAcl", Code: "NotImplemented", NotImplemented: true}}
				return m
			},
			req:      func() *s3authz.Request { return getReq("s3:GetObject", "k") },
			decision: "unknown", layer: "acl", explain: "s3:GetObjectAcl failed with NotImplemented",
		},
		{
			name: "T91 SSE-KMS object: key policy read live, no kms:Decrypt for the caller",
			reader: func() *memReader {
				m := base()
				m.pp.Policies[0].Document = doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`)
				m.obj = &awsread.ObjectInfo{SSE: "aws:kms", KMSKeyID: keyARN}
				m.keyPolicy = ptr(doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}`))
				return m
			},
			req: func() *s3authz.Request { return getReq("s3:GetObject", "k") }, decision: "implicit_deny", layer: "kms",
			sources: map[string]string{InEncryption: "live: s3:HeadObject", InKeyPolicy: "live: kms:GetKeyPolicy"},
		},
		{
			name: "T92 SSE-KMS object, caller has kms:Decrypt: allowed",
			reader: func() *memReader {
				m := base()
				m.obj = &awsread.ObjectInfo{SSE: "aws:kms", KMSKeyID: keyARN}
				m.keyPolicy = ptr(doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}`))
				m.pp.Policies = append(m.pp.Policies, awsread.NamedPolicy{Origin: "kms", Document: doc(`{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}`)})
				return m
			},
			req: func() *s3authz.Request { return getReq("s3:GetObject", "k") }, decision: "allowed",
			sources: map[string]string{InKeyPolicy: "live: kms:GetKeyPolicy"},
		},
		{
			name: "key policy denied: unknown kms",
			reader: func() *memReader {
				m := base()
				m.obj = &awsread.ObjectInfo{SSE: "aws:kms", KMSKeyID: "1234abcd-12ab-34cd-56ef-1234567890ab"}
				m.errs = map[string]error{"KeyPolicy": &awsread.ReadError{Layer: awsread.LayerKMS, Operation: "kms:GetKeyPolicy", Code: "AccessDeniedException", AccessDenied: true}}
				return m
			},
			req: func() *s3authz.Request { return getReq("s3:GetObject", "k") }, decision: "unknown", layer: "kms",
			explain: "kms:GetKeyPolicy failed with AccessDeniedException",
			calls:   map[string]int{"BucketLocation": 1},
		},
		{
			name: "aws/s3 managed key: no key policy read",
			reader: func() *memReader {
				m := base()
				m.obj = &awsread.ObjectInfo{SSE: "aws:kms"}
				return m
			},
			req: func() *s3authz.Request { return getReq("s3:GetObject", "k") }, decision: "allowed",
			sources: map[string]string{InKeyPolicy: "aws/s3 AWS managed key"}, calls: map[string]int{"KeyPolicy": 0},
		},
		{
			name: "missing object: nothing to decrypt",
			reader: func() *memReader {
				m := base()
				m.errs = map[string]error{"ObjectInfo": &awsread.ReadError{Layer: awsread.LayerObject, Operation: "s3:HeadObject", Code: "NotFound", NotFound: true}}
				return m
			},
			req: func() *s3authz.Request { return getReq("s3:GetObject", "k") }, decision: "allowed",
			sources: map[string]string{InEncryption: "no such object"},
		},
		{
			name: "T95 write: bucket default SSE-KMS read live, caller lacks kms:GenerateDataKey",
			reader: func() *memReader {
				m := base()
				m.pp.Policies[0].Document = doc(`{"Effect":"Allow","Action":["s3:PutObject","kms:Decrypt"],"Resource":"*"}`)
				m.enc = &awsread.Encryption{SSE: "aws:kms", KMSKeyID: keyARN}
				m.keyPolicy = ptr(doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}`))
				return m
			},
			req: func() *s3authz.Request { return getReq("s3:PutObject", "k") }, decision: "implicit_deny", layer: "kms",
			sources: map[string]string{InEncryption: "live: s3:GetBucketEncryption"}, calls: map[string]int{"ObjectInfo": 0},
		},
		{
			name: "T28 SCPs read live when enabled",
			reader: func() *memReader {
				m := base()
				m.scps = []awsread.OrgLevel{{Target: "r-1", Policies: []awsread.NamedPolicy{
					{Document: allowS}, {Document: doc(`{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}`)}}}, {Target: acctA, Policies: []awsread.NamedPolicy{{Document: allowS}}}}
				m.rcps = []awsread.OrgLevel{}
				return m
			},
			req: func() *s3authz.Request { return getReq("s3:DeleteObject", "k") }, opts: Options{ReadOrganizationPolicies: true},
			decision: "explicit_deny", layer: "scp",
			sources: map[string]string{InSCPs: "live: organizations", InRCPs: "live: organizations"},
		},
		{
			name: "SCP read denied: unknown scp",
			reader: func() *memReader {
				m := base()
				m.errs = map[string]error{"SCPs": &awsread.ReadError{Layer: awsread.LayerSCP, Operation: "organizations:ListParents", Code: "AccessDeniedException", AccessDenied: true}}
				return m
			},
			req: func() *s3authz.Request { return getReq("s3:GetObject", "k") }, opts: Options{ReadOrganizationPolicies: true},
			decision: "unknown", layer: "scp", explain: "organizations:ListParents failed with AccessDeniedException",
		},
		{
			name: "caller identity unreadable: the bucket owner is unknown",
			reader: func() *memReader {
				m := base()
				m.errs = map[string]error{"CallerAccount": &awsread.ReadError{Layer: awsread.LayerCaller, Operation: "sts:GetCallerIdentity", Code: "ExpiredToken", AccessDenied: true}}
				return m
			},
			req:      func() *s3authz.Request { return getReq("s3:GetObject", "k") },
			decision: "unknown", layer: "none", explain: "bucket owner (bucket_account_id)",
		},
		{
			name:   "unparseable live bucket policy: unknown, not an error on an argument the user did not set",
			reader: func() *memReader { m := base(); m.policy = ptr(`{"Statement":"nope"`); return m },
			req:    func() *s3authz.Request { return getReq("s3:GetObject", "k") }, decision: "unknown", layer: "bucket_policy",
			explain: "UnusableValue",
		},
		{
			name: "boundary read live restricts (T17)",
			reader: func() *memReader {
				m := base()
				m.pp.Boundary = &awsread.NamedPolicy{Origin: "boundary arn:aws:iam::111111111111:policy/b", Document: doc(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}`)}
				return m
			},
			req: func() *s3authz.Request { return getReq("s3:GetObject", "k") }, decision: "implicit_deny", layer: "permissions_boundary",
			sources: map[string]string{InPermissionsBoundary: "boundary arn:aws:iam::111111111111:policy/b"},
		},
		{
			name:   "assumed-role session: the explanation says the session policy was not read",
			reader: func() *memReader { m := base(); m.pp.Kind = awsread.KindAssumedRole; return m },
			req: func() *s3authz.Request {
				r := getReq("s3:GetObject", "k")
				r.Principal = "arn:aws:sts::111111111111:assumed-role/app/s1"
				return r
			},
			decision: "allowed", explain: "session policy cannot be read",
		},
		{
			name: "cross-account bucket owner from config: account BPA read for that account",
			reader: func() *memReader {
				m := base()
				m.policy = ptr(doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`))
				return m
			},
			req: func() *s3authz.Request {
				r := getReq("s3:GetObject", "k")
				r.BucketAccountID = acctB
				return r
			},
			decision: "allowed", calls: map[string]int{"CallerAccount": 0, "AccountPublicAccessBlock": 1},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.reader()
			rep, err := Check(context.Background(), m, tc.req(), tc.opts)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			res := rep.Result
			if res.Decision != tc.decision {
				t.Fatalf("decision %s (%s), want %s: %s", res.Decision, res.DecidingLayer, tc.decision, res.Explanation)
			}
			if res.Allowed != (tc.decision == "allowed") {
				t.Errorf("allowed=%v with decision %s", res.Allowed, res.Decision)
			}
			if tc.layer != "" && res.DecidingLayer != tc.layer {
				t.Errorf("deciding_layer %s, want %s: %s", res.DecidingLayer, tc.layer, res.Explanation)
			}
			for in, want := range tc.sources {
				if got := string(rep.Sources[in]); !strings.Contains(got, want) {
					t.Errorf("source of %s = %q, want it to contain %q", in, got, want)
				}
			}
			for op, n := range tc.calls {
				if got := m.n(op); got != n {
					t.Errorf("%s called %d times, want %d", op, got, n)
				}
			}
			if tc.explain != "" && !strings.Contains(res.Explanation, tc.explain) {
				t.Errorf("explanation lacks %q:\n%s", tc.explain, res.Explanation)
			}
			if res.Decision != "unknown" {
				// every layer says where its inputs came from
				for _, l := range res.Layers {
					if !strings.Contains(l.Detail, "(source: ") {
						t.Errorf("layer %s detail has no source: %q", l.Layer, l.Detail)
					}
				}
			}
		})
	}
}

// TestCheckInvalidConfigIsAnError: a bad argument is the user's error (an
// *s3authz.InputError naming it), found before anything is read.
func TestCheckInvalidConfigIsAnError(t *testing.T) {
	m := base()
	r := getReq("s3:GetObject", "")
	_, err := Check(context.Background(), m, r, Options{})
	var ie *s3authz.InputError
	if !errors.As(err, &ie) || ie.Field != "key" {
		t.Fatalf("err = %v, want an InputError on key", err)
	}
	if len(m.calls) != 0 {
		t.Errorf("reads were made before validation: %v", m.calls)
	}
	if _, err := Check(context.Background(), m, nil, Options{}); err == nil {
		t.Error("nil request accepted")
	}
}

// TestCheckCancelled: a cancelled context is an error, not a decision.
func TestCheckCancelled(t *testing.T) {
	m := base()
	m.errs = map[string]error{"BucketPolicy": context.Canceled}
	if _, err := Check(context.Background(), m, getReq("s3:GetObject", "k"), Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestFillDoesNotModifyTheRequest: the caller's request is left as given.
func TestFillDoesNotModifyTheRequest(t *testing.T) {
	m := base()
	m.policy = ptr(allowS)
	r := getReq("s3:GetObject", "k")
	out, _, err := Fill(context.Background(), m, r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.BucketPolicy != nil || r.IdentityPolicies != nil || r.BlockPublicAccess != nil || r.BucketAccountID != "" {
		t.Errorf("request modified: %+v", r)
	}
	if out.BucketPolicy == nil || len(out.IdentityPolicies) != 1 || out.BlockPublicAccess == nil || out.BucketAccountID != acctA {
		t.Errorf("filled request incomplete: %+v", out)
	}
}
