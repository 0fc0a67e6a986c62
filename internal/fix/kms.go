package fix

import (
	"fmt"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

// Key access levels.
const (
	AccessRead  = "read"
	AccessWrite = "write"
)

// DefaultKeyAccessSidPrefix starts the default Sid of a key-access statement.
const DefaultKeyAccessSidPrefix = "S3AccessKeyAccess"

// KeyAccessInput is the configuration of one s3access_kms_key_access.
type KeyAccessInput struct {
	KeyARN    string
	Principal string // an IAM principal ARN or 12-digit account id
	Bucket    string
	Access    string // read | write
	Region    string // the bucket's region; "" -> the key's region
	// BucketKeyEnabled: the bucket uses S3 Bucket Keys (encryption context is
	// the bucket ARN instead of the object ARN).
	BucketKeyEnabled bool
	Sid              string
}

// KeyAccessActions are the KMS permissions S3 needs for the access level
// (spec 5.1): read -> kms:Decrypt; write -> kms:GenerateDataKey, plus
// kms:Decrypt for multipart part uploads.
func KeyAccessActions(access string) ([]string, error) {
	switch access {
	case AccessRead:
		return []string{s3model.KMSDecrypt}, nil
	case AccessWrite:
		return []string{s3model.KMSDecrypt, s3model.KMSGenerateDataKey}, nil
	}
	return nil, errf("access", "%q is not an access level: use read or write", access)
}

// KeyAccessStatement builds the key-policy statement: the principal may use
// the key only through S3 in the bucket's region (kms:ViaService) and only
// for the bucket (kms:EncryptionContext:aws:s3:arn). Without bucket keys the
// context is the object ARN (bucket/*); with bucket keys it is the bucket ARN,
// and the object form stays allowed for objects written before bucket keys
// were turned on (spec 5.1).
func KeyAccessStatement(in KeyAccessInput) (policy.Statement, s3model.KMSKey, error) {
	k, err := s3model.ParseKMSKeyARN(in.KeyARN)
	if err != nil {
		return policy.Statement{}, k, &Error{Field: "key_arn", Msg: "not a KMS key ARN", Err: err}
	}
	if k.Alias != "" {
		return policy.Statement{}, k, errf("key_arn", "%q is an alias ARN; a key policy belongs to the key: give arn:%s:kms:%s:%s:key/<key id>", in.KeyARN, k.Partition, k.Region, k.Account)
	}
	if err := s3model.ValidateBucketName(in.Bucket); err != nil {
		return policy.Statement{}, k, &Error{Field: "bucket", Msg: "invalid bucket name", Err: err}
	}
	acts, err := KeyAccessActions(in.Access)
	if err != nil {
		return policy.Statement{}, k, err
	}
	principal := strings.TrimSpace(in.Principal)
	_, err = policy.ParseAWSPrincipal(principal)
	if err != nil || principal == "*" {
		if err == nil {
			err = fmt.Errorf("a wildcard principal is not accepted")
		}
		return policy.Statement{}, k, &Error{Field: "principal", Msg: fmt.Sprintf("%q is not an IAM principal ARN or account id", in.Principal), Err: err}
	}
	region := in.Region
	if region == "" {
		region = k.Region
	}
	if region != k.Region {
		return policy.Statement{}, k, errf("region", "the bucket's region %s differs from the key's region %s: S3 can only use a KMS key in the bucket's own region", region, k.Region)
	}
	bucketARN := s3model.BucketARN(k.Partition, in.Bucket)
	contexts := []string{bucketARN + "/*"}
	if in.BucketKeyEnabled {
		contexts = []string{bucketARN, bucketARN + "/*"}
	}
	sid := in.Sid
	if sid == "" {
		sid = DefaultKeyAccessSid(in.Bucket, in.Access)
	}
	js := `{"Effect":"Allow","Principal":{"AWS":` + jsonString(principal) + `},"Action":` + jsonList(acts) +
		`,"Resource":"*","Condition":{"StringEquals":{"kms:ViaService":` + jsonString(s3model.ViaService(region)) +
		`},"StringLike":{"kms:EncryptionContext:` + s3model.EncryptionContextKey + `":` + jsonList(contexts) + `}}}`
	st, err := ParseOwnStatement(js, sid, policy.KindKey)
	if err != nil {
		return policy.Statement{}, k, err
	}
	return st, k, nil
}

// DefaultKeyAccessSid is a Sid derived from the bucket and access level
// (key policy Sids may hold any printable character).
func DefaultKeyAccessSid(bucket, access string) string {
	return DefaultKeyAccessSidPrefix + " " + bucket + " " + access
}

// KeyPolicyPut merges the statement into the key policy after checking that
// the result still has an administrator.
func KeyPolicyPut(current string, st policy.Statement, k s3model.KMSKey) (Put, error) {
	if strings.TrimSpace(current) == "" {
		return Put{}, errf("key_arn", "the key has no key policy to merge into (every KMS key has one; the read returned nothing)")
	}
	cur := current
	put, err := PlanPut(&cur, policy.KindKey, st)
	if err != nil {
		return Put{}, err
	}
	if !put.Changed {
		return put, nil
	}
	if err := CheckKeyAdmin(put.Doc, k); err != nil {
		return Put{}, err
	}
	return put, nil
}

// KeyPolicyRemove removes the statement with the Sid, refusing a removal that
// would leave the key without statements or without an administrator.
func KeyPolicyRemove(current, sid string, k s3model.KMSKey) (Remove, error) {
	cur := current
	rm, err := PlanRemove(&cur, policy.KindKey, sid)
	if err != nil {
		return Remove{}, err
	}
	if !rm.Changed {
		return rm, nil
	}
	if rm.Delete {
		return Remove{}, errf("sid", "statement %q is the key's only statement; removing it would leave key %s with an empty policy and no administrator", sid, k.KeyID)
	}
	if err := CheckKeyAdmin(rm.Doc, k); err != nil {
		return Remove{}, err
	}
	return rm, nil
}

// CheckKeyAdmin is the lockout check: the key policy must let some principal
// change it again. It holds when an Allow statement grants kms:PutKeyPolicy
// (directly or by a wildcard such as kms:*) on the key to a named AWS
// principal (the account root delegates to IAM) and no unconditional Deny
// takes kms:PutKeyPolicy away from everyone. Conservative by design: a
// statement with NotPrincipal, NotAction or NotResource, or a
// wildcard principal, does not count as an administrator.
func CheckKeyAdmin(doc string, k s3model.KMSKey) error {
	p, err := policy.Parse(doc, policy.KindKey)
	if err != nil {
		return &Error{Field: "key_arn", Msg: "the resulting key policy does not parse", Err: err}
	}
	keyARN := "arn:" + k.Partition + ":kms:" + k.Region + ":" + k.Account + ":key/" + k.KeyID
	const admin = "kms:PutKeyPolicy"
	for _, st := range p.Statements {
		if st.Effect == policy.Deny && len(st.Conditions) == 0 && st.Principal != nil && st.Principal.Wildcard &&
			matchesAny(st.Action, admin, true) && matchesAny(st.Resource, keyARN, false) {
			return errf("key_arn", "the key policy would lock key %s: statement %d%s denies kms:PutKeyPolicy to everyone, so nobody could change the policy again", k.KeyID, st.Index, sidNote(st.Sid))
		}
	}
	for _, st := range p.Statements {
		if st.Effect != policy.Allow || st.Principal == nil || st.Principal.Wildcard || len(st.Principal.AWS) == 0 {
			continue
		}
		if matchesAny(st.Action, admin, true) && matchesAny(st.Resource, keyARN, false) {
			return nil
		}
	}
	return errf("key_arn", "the change would leave key %s with no administrator: no Allow statement would grant kms:PutKeyPolicy to a named AWS principal (such as arn:%s:iam::%s:root), so nobody could change the key policy again. Keep an administrator statement (the default key policy's \"Enable IAM User Permissions\" is one) and do not reuse its Sid", k.KeyID, k.Partition, k.Account)
}

func sidNote(sid string) string {
	if sid == "" {
		return ""
	}
	return fmt.Sprintf(" (Sid %q)", sid)
}

// matchesAny reports whether one of the patterns (IAM wildcards) matches s.
func matchesAny(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if fold {
			if s3model.Wildcard(strings.ToLower(p), strings.ToLower(s)) {
				return true
			}
		} else if s3model.Wildcard(p, s) {
			return true
		}
	}
	return false
}

// KeyAccessFromStatement reads the arguments back from a statement in the
// shape KeyAccessStatement builds (for import and drift); ok is false when the
// statement has another shape.
func KeyAccessFromStatement(st policy.Statement, keyARN string) (KeyAccessInput, bool) {
	in := KeyAccessInput{KeyARN: keyARN, Sid: st.Sid}
	if st.Effect != policy.Allow || st.Principal == nil || st.Principal.Wildcard || len(st.Principal.AWS) != 1 || st.NotAction != nil {
		return in, false
	}
	in.Principal = st.Principal.AWS[0]
	switch acts := strings.ToLower(strings.Join(st.Action, ",")); acts {
	case "kms:decrypt":
		in.Access = AccessRead
	case "kms:decrypt,kms:generatedatakey", "kms:generatedatakey,kms:decrypt":
		in.Access = AccessWrite
	default:
		return in, false
	}
	for _, c := range st.Conditions {
		switch {
		case strings.EqualFold(c.Key, "kms:ViaService") && len(c.Values) == 1:
			r := strings.TrimSuffix(strings.TrimPrefix(c.Values[0], "s3."), ".amazonaws.com")
			in.Region = r
		case strings.EqualFold(c.Key, "kms:EncryptionContext:"+s3model.EncryptionContextKey):
			for _, v := range c.Values {
				if b, _, isObj, err := s3model.ParseS3ARN(v); err == nil {
					in.Bucket = b
					if !isObj {
						in.BucketKeyEnabled = true
					}
				}
			}
		}
	}
	want, _, err := KeyAccessStatement(in)
	if err != nil || !SameStatement(want, st) {
		return in, false
	}
	return in, true
}
