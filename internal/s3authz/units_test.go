package s3authz

import (
	"errors"
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/authz"
)

func sp(s string) *string { return &s }

const (
	uA  = "arn:aws:iam::111111111111:user/alice"
	A   = "111111111111"
	K   = "arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111"
	idS = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
)

// TestParsePrincipal: ARCHITECTURE section 2 principal forms, spec 1.1.
func TestParsePrincipal(t *testing.T) {
	for _, tc := range []struct {
		in      string
		kind    authz.PrincipalKind
		account string
		slr     bool
		bad     bool
	}{
		{"anonymous", authz.Anonymous, "", false, false},
		{"111111111111", authz.Root, A, false, false},
		{"arn:aws:iam::111111111111:root", authz.Root, A, false, false},
		{uA, authz.IAMUser, A, false, false},
		{"arn:aws:iam::111111111111:role/app", authz.Role, A, false, false},
		{"arn:aws:iam::111111111111:role/aws-service-role/x.amazonaws.com/R", authz.Role, A, true, false},
		{"arn:aws:sts::111111111111:assumed-role/app/s1", authz.RoleSession, A, false, false},
		{"arn:aws:sts::111111111111:federated-user/alice", authz.FederatedUser, A, false, false},
		{"cloudtrail.amazonaws.com", authz.Service, "", false, false},
		{"", "", "", false, true},
		{"*", "", "", false, true},
		{"arn:aws:iam::*:root", "", "", false, true},
		{"arn:aws:s3:::bkt", "", "", false, true},
		{"AIDAEXAMPLEEXAMPLE12", "", "", false, true},
		{"Bad.amazonaws.com", "", "", false, true},
		{".amazonaws.com", "", "", false, true},
	} {
		p, err := ParsePrincipal(tc.in)
		if tc.bad {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != "principal" {
				t.Errorf("%q: want InputError on principal, got %v", tc.in, err)
			}
			continue
		}
		if err != nil || p.Kind != tc.kind || p.Account != tc.account || p.ServiceLinkedRole != tc.slr {
			t.Errorf("%q: got %+v, %v", tc.in, p, err)
		}
	}
}

// TestPlanAction: spec 2.2 operation -> permission mapping and 5.1 KMS needs.
func TestPlanAction(t *testing.T) {
	for _, tc := range []struct {
		in      string
		version bool
		needs   string
		kms     string
		bad     bool
	}{
		{"s3:getobject", false, "s3:GetObject", "kms:Decrypt", false},
		{"s3:GetObject", true, "s3:GetObjectVersion", "kms:Decrypt", false},
		{"HeadObject", false, "s3:GetObject", "", false},
		{"HeadBucket", false, "s3:ListBucket", "", false},
		{"ListObjectVersions", false, "s3:ListBucketVersions", "", false},
		{"CopyObject", false, "s3:GetObject,s3:PutObject", "kms:GenerateDataKey", false},
		{"UploadPart", false, "s3:PutObject", "kms:Decrypt,kms:GenerateDataKey", false},
		{"GetObjectAttributes", true, "s3:GetObjectVersion,s3:GetObjectVersionAttributes", "", false},
		{"DeleteObjects", true, "s3:DeleteObjectVersion", "", false},
		{"DeleteBucketOwnershipControls", false, "s3:PutBucketOwnershipControls", "", false},
		{"GetBucketAcl", false, "s3:GetBucketAcl", "", false},
		{"iam:CreateUser", false, "", "", true},
		{"s3:Get*", false, "", "", true},
		{"s3:NoSuchThing", false, "", "", true},
		{"Frobnicate", false, "", "", true},
		{" ", false, "", "", true},
	} {
		p, err := planAction(tc.in, tc.version)
		if tc.bad {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != "action" {
				t.Errorf("%q: want InputError on action, got %v", tc.in, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		var n []string
		for _, x := range p.Needs {
			n = append(n, x.Action)
		}
		if strings.Join(n, ",") != tc.needs || strings.Join(p.KMS, ",") != tc.kms {
			t.Errorf("%q: needs %v kms %v", tc.in, n, p.KMS)
		}
	}
}

// TestContext: spec 6.8 defaults, overrides and key validation.
func TestContext(t *testing.T) {
	p, _ := ParsePrincipal("arn:aws:sts::111111111111:assumed-role/app/s1")
	env, err := buildContext(map[string][]string{"aws:SecureTransport": {"false"}, "aws:PrincipalTag/team": {"red"}, "s3:RequestObjectTagKeys": {"a"}}, p, "222222222222")
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"aws:PrincipalArn": "arn:aws:iam::111111111111:role/app", "aws:PrincipalAccount": A, "aws:ResourceAccount": "222222222222",
		"s3:ResourceAccount": "222222222222", "aws:SecureTransport": "false", "aws:principaltag/TEAM": "red", "aws:PrincipalType": "AssumedRole",
	} {
		if v, ok := single(env.ctx, k); !ok || v != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}
	if _, ok := env.ctx.Get("s3:TlsVersion"); ok {
		t.Error("s3:TlsVersion set without TLS")
	}
	if v, _ := env.ctx.Get("s3:RequestObjectTagKeys"); !v.Multi {
		t.Error("s3:RequestObjectTagKeys must be multivalued")
	}
	for _, bad := range []map[string][]string{
		{"aws:NoSuchKey": {"x"}}, {"nocolon": {"x"}}, {"s3access:Bogus": {"x"}}, {"aws:SourceIp": {}},
		{"aws:SecureTransport": {"yes"}}, {"aws:sourceip": {"1.1.1.1"}, "aws:SourceIp": {"1.1.1.1"}},
	} {
		var ie *InputError
		if _, err := buildContext(bad, p, A); !errors.As(err, &ie) || ie.Field != "context" {
			t.Errorf("%v: want InputError on context, got %v", bad, err)
		}
	}
	if _, err := buildContext(map[string][]string{"ec2:Vpc": {"x"}, "aws:RequestTag/a": {"b"}}, p, A); err != nil {
		t.Errorf("other services' keys and tag keys must pass: %v", err)
	}
}

// TestInputErrors: every argument error names the argument (and index).
func TestInputErrors(t *testing.T) {
	base := func() *Request {
		return &Request{Principal: uA, Action: "s3:GetObject", Bucket: "bkt", Key: sp("k"), BlockPublicAccess: &BPA{}}
	}
	for _, tc := range []struct {
		name  string
		mod   func(r *Request)
		field string
		index int
	}{
		{"identity policy", func(r *Request) { r.IdentityPolicies = []string{idS, `{"Statement":[{"Effect":"Maybe"}]}`} }, "identity_policies", 1},
		{"boundary", func(r *Request) { r.PermissionsBoundary = sp("{") }, "permissions_boundary", -1},
		{"session", func(r *Request) { r.SessionPolicy = sp("[]") }, "session_policy", -1},
		{"vpce", func(r *Request) { r.VPCEndpointPolicy = sp("{}") }, "vpc_endpoint_policy", -1},
		{"bucket policy", func(r *Request) { r.BucketPolicy = sp(idS) }, "bucket_policy", -1},
		{"scp", func(r *Request) { r.ServiceControlPolicies = [][]string{{idS}, {idS, "x"}} }, "service_control_policies", 1001},
		{"rcp", func(r *Request) { r.ResourceControlPolicies = [][]string{{"x"}} }, "resource_control_policies", 0},
		{"bucket", func(r *Request) { r.Bucket = "Bad_Bucket" }, "bucket", -1},
		{"bucket account", func(r *Request) { r.BucketAccountID = "12" }, "bucket_account_id", -1},
		{"anonymous needs owner", func(r *Request) { r.Principal = "anonymous" }, "bucket_account_id", -1},
		{"object owner", func(r *Request) { r.ObjectOwnerAccountID = "x" }, "object_owner_account_id", -1},
		{"ownership", func(r *Request) { r.ObjectOwnership = "Mine" }, "object_ownership", -1},
		{"canned", func(r *Request) { r.ObjectACL = &ACL{Canned: "nope"} }, "object_acl", -1},
		{"grant", func(r *Request) {
			r.BucketACL = &ACL{Grants: []Grant{{Grantee: "AllUsers", Permission: "READ"}, {Grantee: "x", Permission: "READ"}}}
		}, "bucket_acl", 1},
		{"sse", func(r *Request) { r.Encryption = &Encryption{SSE: "rot13"} }, "encryption", -1},
		{"kms key", func(r *Request) { r.Encryption = &Encryption{SSE: "aws:kms", KMSKeyARN: "k1"} }, "encryption", -1},
		{"key policy", func(r *Request) { r.Encryption = &Encryption{SSE: "aws:kms", KMSKeyARN: K, KeyPolicy: sp(idS)} }, "encryption", -1},
		{"copy source", func(r *Request) { r.Action = "CopyObject" }, "context", -1},
		{"mgmt", func(r *Request) { r.Context = map[string][]string{KeyManagementAccount: {"m"}} }, "context", -1},
	} {
		r := base()
		tc.mod(r)
		_, err := Evaluate(r)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != tc.field || ie.Index != tc.index {
			t.Errorf("%s: want InputError %s[%d], got %v", tc.name, tc.field, tc.index, err)
		} else if ie.Error() == "" || ie.Unwrap() == nil {
			t.Errorf("%s: empty error", tc.name)
		}
	}
	if _, err := Evaluate(nil); err == nil {
		t.Error("nil request accepted")
	}
}

// TestPipelineRules: pre-authz, KMS unknown, explanation hint (spec 1.3, 5, ARCHITECTURE example).
func TestPipelineRules(t *testing.T) {
	kmsEnc := func(kp *string) *Encryption { return &Encryption{SSE: "aws:kms", KMSKeyARN: K, KeyPolicy: kp} }
	for _, tc := range []struct {
		name     string
		r        Request
		decision string
		layer    string
		expl     string
	}{
		{"ARCHITECTURE example: bucket ARN for an object action", Request{Principal: uA, Action: "s3:GetObject", Bucket: "config", Key: sp("app/settings.json"),
			IdentityPolicies: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::config"}]}`}},
			"implicit_deny", "identity", "object actions need arn:aws:s3:::config/*"},
		{"reverse hint: objects ARN for a bucket action", Request{Principal: uA, Action: "s3:ListBucket", Bucket: "bkt",
			IdentityPolicies: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt/*"}]}`}},
			"implicit_deny", "identity", "bucket actions need arn:aws:s3:::bkt."},
		{"5.2 key policy missing -> unknown", Request{Principal: uA, Action: "s3:GetObject", Bucket: "bkt", Key: sp("k"), IdentityPolicies: []string{idS}, Encryption: kmsEnc(nil)},
			"unknown", "kms", "encryption.key_policy"},
		{"5.2 key policy missing but IAM denies -> explicit", Request{Principal: uA, Action: "s3:GetObject", Bucket: "bkt", Key: sp("k"),
			IdentityPolicies: []string{idS, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:*","Resource":"*"}]}`}, Encryption: kmsEnc(nil)},
			"explicit_deny", "kms", "kms:Decrypt"},
		{"5.1 non-TLS SSE-KMS request rejected", Request{Principal: uA, Action: "s3:GetObject", Bucket: "bkt", Key: sp("k"), IdentityPolicies: []string{idS}, Encryption: kmsEnc(nil),
			Context: map[string][]string{"aws:SecureTransport": {"false"}}}, "rejected", "none", "TLS"},
		{"5.1 SigV2 SSE-KMS request rejected", Request{Principal: uA, Action: "s3:GetObject", Bucket: "bkt", Key: sp("k"), IdentityPolicies: []string{idS}, Encryption: kmsEnc(nil),
			Context: map[string][]string{"s3:signatureversion": {"AWS"}}}, "rejected", "none", "Signature Version 2"},
		{"3.1 BlockPublicPolicy needs the new policy", Request{Principal: uA, Action: "s3:PutBucketPolicy", Bucket: "bkt", IdentityPolicies: []string{idS}},
			"unknown", "block_public_access", KeyNewBucketPolicy},
		{"3.1 invalid new policy", Request{Principal: uA, Action: "s3:PutBucketPolicy", Bucket: "bkt", IdentityPolicies: []string{idS},
			Context: map[string][]string{KeyNewBucketPolicy: {"{"}}}, "rejected", "none", "MalformedPolicy"},
		{"default BPA all true blocks anonymous via public policy", Request{Principal: "anonymous", BucketAccountID: A, Action: "s3:GetObject", Bucket: "bkt", Key: sp("k"),
			BucketPolicy: sp(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}]}`)},
			"explicit_deny", "block_public_access", "restrict_public_buckets"},
		{"copy source with another bucket", Request{Principal: uA, Action: "CopyObject", Bucket: "bkt2", Key: sp("b"), IdentityPolicies: []string{idS}, BlockPublicAccess: &BPA{},
			Context: map[string][]string{"s3:x-amz-copy-source": {"/bkt/a?versionId=1"}}}, "allowed", "identity", "allowed"},
		{"copy source malformed", Request{Principal: uA, Action: "CopyObject", Bucket: "bkt2", Key: sp("b"), IdentityPolicies: []string{idS},
			Context: map[string][]string{"s3:x-amz-copy-source": {"nokey"}}}, "unknown", "none", "s3:x-amz-copy-source"},
		{"copy source key policy invalid", Request{Principal: uA, Action: "CopyObject", Bucket: "bkt2", Key: sp("b"), IdentityPolicies: []string{idS},
			Context: map[string][]string{"s3:x-amz-copy-source": {"/bkt/a"}, KeyCopySourceSSE: {"aws:kms"}, KeyCopySourceKeyPolicy: {"{"}}}, "unknown", "kms", "invalid"},
		{"grant header on enforced bucket", Request{Principal: uA, Action: "s3:PutObject", Bucket: "bkt", Key: sp("k"), IdentityPolicies: []string{idS},
			Context: map[string][]string{"s3:x-amz-grant-read": {"uri=http://acs.amazonaws.com/groups/global/AllUsers"}}}, "rejected", "none", "AccessControlListNotSupported"},
		{"grant-full-control only on enforced bucket", Request{Principal: uA, Action: "s3:PutObject", Bucket: "bkt", Key: sp("k"), IdentityPolicies: []string{idS},
			Context: map[string][]string{"s3:x-amz-grant-full-control": {"id=abc"}}}, "allowed", "identity", "allowed"},
		{"public grant header blocked by BlockPublicAcls", Request{Principal: uA, Action: "s3:PutObjectAcl", Bucket: "bkt", Key: sp("k"), IdentityPolicies: []string{idS}, ObjectOwnership: "ObjectWriter",
			Context: map[string][]string{"s3:x-amz-grant-read": {"uri=http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}}}, "explicit_deny", "block_public_access", "BlockPublicAcls"},
		{"SCP level missing allow suggests that level", Request{Principal: uA, Action: "s3:GetObject", Bucket: "bkt", Key: sp("k"), IdentityPolicies: []string{idS},
			ServiceControlPolicies: [][]string{{idS}, {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`}}}, "implicit_deny", "scp", "level 1"},
		{"5.2 aws/s3 managed key: any principal of the owner account through S3", Request{Principal: uA, Action: "s3:PutObject", Bucket: "bkt", Key: sp("k"), IdentityPolicies: []string{idS},
			Encryption: &Encryption{SSE: "aws:kms"}}, "allowed", "identity", "kms: allow"},
		{"aws/s3 managed key with kms identity allow", Request{Principal: uA, Action: "s3:PutObject", Bucket: "bkt", Key: sp("k"),
			IdentityPolicies: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","kms:*"],"Resource":"*"}]}`},
			Encryption:       &Encryption{SSE: "aws:kms"}}, "allowed", "identity", "allowed"},
		{"VPC endpoint missing allow", Request{Principal: "arn:aws:sts::111111111111:assumed-role/app/s1", Action: "s3:GetObject", Bucket: "bkt", Key: sp("k"), IdentityPolicies: []string{idS},
			VPCEndpointPolicy: sp(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"*"}]}`)}, "implicit_deny", "vpc_endpoint", "aws:PrincipalArn"},
		{"boundary and session suggestions", Request{Principal: "arn:aws:sts::111111111111:assumed-role/app/s1", Action: "s3:GetObject", Bucket: "bkt", Key: sp("k"), IdentityPolicies: []string{idS},
			SessionPolicy: sp(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`)}, "implicit_deny", "session_policy", "session policy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.r
			res, err := Evaluate(&r)
			if err != nil {
				t.Fatal(err)
			}
			if res.Decision != tc.decision || res.DecidingLayer != tc.layer || !strings.Contains(res.Explanation, tc.expl) {
				t.Errorf("got %s/%s, want %s/%s containing %q\n%s", res.Decision, res.DecidingLayer, tc.decision, tc.layer, tc.expl, res.Explanation)
			}
			if len(res.Layers) != len(layerOrder) {
				t.Errorf("layers: %d, want %d", len(res.Layers), len(layerOrder))
			}
		})
	}
}

// A key that does not fit the action is bad input on "key", not a decision
// (issue 5: key on a bucket action, missing key on an object action).
func TestKeyArgumentMustFitAction(t *testing.T) {
	k := "k"
	for _, tc := range []struct {
		name string
		r    Request
		msg  string
	}{
		{"object action without key", Request{Principal: "arn:aws:iam::111111111111:user/alice", Action: "s3:GetObject", Bucket: "bkt"}, "needs an object key"},
		{"API operation on an object without key", Request{Principal: "arn:aws:iam::111111111111:user/alice", Action: "HeadObject", Bucket: "bkt"}, "needs an object key"},
		{"bucket action with key", Request{Principal: "arn:aws:iam::111111111111:user/alice", Action: "s3:ListBucket", Bucket: "bkt", Key: &k}, "key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Evaluate(&tc.r)
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != "key" || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %v, want an InputError on key containing %q", err, tc.msg)
			}
		})
	}
}
