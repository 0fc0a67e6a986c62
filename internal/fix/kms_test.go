package fix

import (
	"errors"
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

const (
	keyARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	// The default key policy KMS creates: the account root may do everything (delegation to IAM).
	defaultKeyPolicy = `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}`
	reader           = "arn:aws:iam::123456789012:role/reader"
)

// spec 5.1 (permissions per operation) and 5.2 (kms:ViaService, encryption context).
func TestKeyAccessStatement(t *testing.T) {
	cases := []struct {
		name      string
		in        KeyAccessInput
		actions   []string
		contexts  []string
		wantField string
		wantMsg   string
	}{
		{name: "read", in: KeyAccessInput{Access: "read"}, actions: []string{"kms:Decrypt"}, contexts: []string{"arn:aws:s3:::data/*"}},
		{name: "write: GenerateDataKey and Decrypt for multipart", in: KeyAccessInput{Access: "write"}, actions: []string{"kms:Decrypt", "kms:GenerateDataKey"}, contexts: []string{"arn:aws:s3:::data/*"}},
		{name: "bucket keys: bucket ARN context, object form kept", in: KeyAccessInput{Access: "read", BucketKeyEnabled: true}, actions: []string{"kms:Decrypt"}, contexts: []string{"arn:aws:s3:::data", "arn:aws:s3:::data/*"}},
		{name: "unknown access", in: KeyAccessInput{Access: "admin"}, wantField: "access", wantMsg: "read or write"},
		{name: "alias ARN", in: KeyAccessInput{Access: "read", KeyARN: "arn:aws:kms:eu-west-1:123456789012:alias/data"}, wantField: "key_arn", wantMsg: "alias"},
		{name: "bare key id", in: KeyAccessInput{Access: "read", KeyARN: "1234abcd-12ab-34cd-56ef-1234567890ab"}, wantField: "key_arn", wantMsg: "not a KMS key ARN"},
		{name: "other region than the key", in: KeyAccessInput{Access: "read", Region: "us-east-1"}, wantField: "region", wantMsg: "own region"},
		{name: "wildcard principal", in: KeyAccessInput{Access: "read", Principal: "*"}, wantField: "principal", wantMsg: "not an IAM principal"},
		{name: "bad principal", in: KeyAccessInput{Access: "read", Principal: "arn:aws:s3:::bucket"}, wantField: "principal", wantMsg: "not an IAM principal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			if in.KeyARN == "" {
				in.KeyARN = keyARN
			}
			if in.Principal == "" {
				in.Principal = reader
			}
			in.Bucket = "data"
			st, _, err := KeyAccessStatement(in)
			if c.wantField != "" {
				var fe *Error
				if !errors.As(err, &fe) || fe.Field != c.wantField || !strings.Contains(err.Error(), c.wantMsg) {
					t.Fatalf("got %v, want %s error containing %q", err, c.wantField, c.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.Sid != "S3AccessKeyAccess data "+in.Access || strings.Join(st.Action, ",") != strings.Join(c.actions, ",") {
				t.Fatalf("statement %+v", st)
			}
			var via, ctx []string
			for _, cd := range st.Conditions {
				switch cd.Key {
				case "kms:ViaService":
					via = cd.Values
				case "kms:EncryptionContext:aws:s3:arn":
					ctx = cd.Values
				}
			}
			if strings.Join(via, ",") != "s3.eu-west-1.amazonaws.com" || strings.Join(ctx, ",") != strings.Join(c.contexts, ",") {
				t.Fatalf("conditions %+v", st.Conditions)
			}
		})
	}
}

// The statement works in the engine: a same-account role with an identity
// Allow for s3:GetObject, no KMS permission in IAM, reads an SSE-KMS object
// only once the statement is in the key policy (spec 5.2), with and without
// bucket keys; write needs the write level.
func TestKeyAccessInEngine(t *testing.T) {
	identity := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/*"}]}`
	decide := func(keyPolicy, action string, bucketKey bool) *s3authz.Result {
		k := "reports/q1.csv"
		res, err := s3authz.Evaluate(&s3authz.Request{
			Principal: reader, Action: action, Bucket: "data", Key: &k, IdentityPolicies: []string{identity},
			Encryption: &s3authz.Encryption{SSE: "aws:kms", KMSKeyARN: keyARN, KeyPolicy: &keyPolicy, BucketKeyEnabled: bucketKey},
			Context:    map[string][]string{"aws:RequestedRegion": {"eu-west-1"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	noGrant := `{"Version":"2012-10-17","Statement":[{"Sid":"Admin","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"kms:*","Resource":"*"}]}`
	if r := decide(noGrant, "s3:GetObject", false); r.Allowed || r.DecidingLayer != "kms" {
		t.Fatalf("without the statement: %s by %s", r.Decision, r.DecidingLayer)
	}
	for _, bk := range []bool{false, true} {
		for _, c := range []struct {
			access, action string
			want           bool
		}{{"read", "s3:GetObject", true}, {"read", "s3:PutObject", false}, {"write", "s3:PutObject", true}, {"write", "s3:GetObject", true}} {
			st, k, err := KeyAccessStatement(KeyAccessInput{KeyARN: keyARN, Principal: reader, Bucket: "data", Access: c.access, BucketKeyEnabled: bk})
			if err != nil {
				t.Fatal(err)
			}
			put, err := KeyPolicyPut(noGrant, st, k)
			if err != nil {
				t.Fatal(err)
			}
			if r := decide(put.Doc, c.action, bk); r.Allowed != c.want {
				t.Errorf("bucket key %v, access %s, %s: allowed %v want %v\n%s", bk, c.access, c.action, r.Allowed, c.want, r.Explanation)
			}
		}
	}
	// The statement is bound to its bucket: another bucket's objects are not covered.
	st, k, _ := KeyAccessStatement(KeyAccessInput{KeyARN: keyARN, Principal: reader, Bucket: "other", Access: "read"})
	put, _ := KeyPolicyPut(noGrant, st, k)
	if r := decide(put.Doc, "s3:GetObject", false); r.Allowed {
		t.Fatal("a statement for bucket other decrypts objects of bucket data")
	}
}

// The lockout check (ARCHITECTURE.md: "refuses a policy that would lock the key out").
func TestKeyLockout(t *testing.T) {
	st, k, err := KeyAccessStatement(KeyAccessInput{KeyARN: keyARN, Principal: reader, Bucket: "data", Access: "read"})
	if err != nil {
		t.Fatal(err)
	}
	put, err := KeyPolicyPut(defaultKeyPolicy, st, k)
	if err != nil || !put.Changed {
		t.Fatalf("default key policy: %v", err)
	}
	if ok, _ := OthersKept(ptr(defaultKeyPolicy), &put.Doc, policy.KindKey); !ok {
		t.Fatal("admin statement lost")
	}
	// Same Sid as the admin statement: the merge would replace it.
	st2, _, err := KeyAccessStatement(KeyAccessInput{KeyARN: keyARN, Principal: reader, Bucket: "data", Access: "read", Sid: "Enable IAM User Permissions"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := KeyPolicyPut(defaultKeyPolicy, st2, k); err == nil || !strings.Contains(err.Error(), "no administrator") {
		t.Fatalf("lockout not refused: %v", err)
	}
	// Removing our statement keeps the admin.
	rm, err := KeyPolicyRemove(put.Doc, st.Sid, k)
	if err != nil || !rm.Changed {
		t.Fatalf("remove: %+v %v", rm, err)
	}
	a, _ := policy.Parse(defaultKeyPolicy, policy.KindKey)
	b, _ := policy.Parse(rm.Doc, policy.KindKey)
	if !policy.Equivalent(a, b) {
		t.Fatalf("after remove: %s", rm.Doc)
	}
	// Removing the admin statement (or the only statement) is refused.
	if _, err := KeyPolicyRemove(put.Doc, "Enable IAM User Permissions", k); err == nil {
		t.Fatal("removal of the admin statement accepted")
	}
	if _, err := KeyPolicyRemove(defaultKeyPolicy, "Enable IAM User Permissions", k); err == nil || !strings.Contains(err.Error(), "only statement") {
		t.Fatalf("removal of the only statement: %v", err)
	}
	admins := []struct {
		doc  string
		want bool
	}{
		{defaultKeyPolicy, true},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":["kms:Create*","kms:Put*"],"Resource":"*"}]}`, true},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"kms:PutKeyPolicy","Resource":"` + keyARN + `"}]}`, true},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"kms:PutKeyPolicy","Resource":"arn:aws:kms:eu-west-1:123456789012:key/other"}]}`, false},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/user"},"Action":["kms:Decrypt","kms:Encrypt"],"Resource":"*"}]}`, false},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]}`, false},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"kms:*","Resource":"*"}]}`, false},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"kms:PutKeyPolicy","Resource":"*"}]}`, false},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"kms:PutKeyPolicy","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`, true},
	}
	for i, c := range admins {
		err := CheckKeyAdmin(c.doc, k)
		if (err == nil) != c.want {
			t.Errorf("case %d: admin %v, err %v", i, c.want, err)
		}
	}
}

func TestKeyAccessFromStatement(t *testing.T) {
	for _, in := range []KeyAccessInput{
		{KeyARN: keyARN, Principal: reader, Bucket: "data", Access: "read"},
		{KeyARN: keyARN, Principal: reader, Bucket: "data", Access: "write", BucketKeyEnabled: true, Sid: "Custom sid"},
	} {
		st, _, err := KeyAccessStatement(in)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := KeyAccessFromStatement(st, keyARN)
		if !ok || got.Principal != in.Principal || got.Bucket != in.Bucket || got.Access != in.Access || got.BucketKeyEnabled != in.BucketKeyEnabled || got.Region != "eu-west-1" {
			t.Fatalf("read back %+v %v from %+v", got, ok, in)
		}
	}
	// Changed shapes are not read back.
	for _, js := range []string{
		`{"Effect":"Allow","Principal":{"AWS":"` + reader + `"},"Action":"kms:*","Resource":"*"}`,
		`{"Effect":"Allow","Principal":{"AWS":"` + reader + `"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.eu-west-1.amazonaws.com"}}}`,
		`{"Effect":"Allow","Principal":{"AWS":"` + reader + `"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.eu-west-1.amazonaws.com"},"StringLike":{"kms:EncryptionContext:aws:s3:arn":"arn:aws:s3:::*"}}}`,
	} {
		st, err := policy.ParseStatement(js, policy.KindKey)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := KeyAccessFromStatement(st, keyARN); ok {
			t.Errorf("%s read back as %+v", js, got)
		}
	}
}
