package lint

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

// Access levels of a declared access.
const (
	AccessRead      = "read"       // s3:GetObject + s3:ListBucket (prefix-scoped)
	AccessWrite     = "write"      // s3:PutObject + s3:AbortMultipartUpload
	AccessReadWrite = "read_write" // both
	AccessList      = "list"       // s3:ListBucket (prefix-scoped) only
)

// AccessLevels lists the accepted access values.
var AccessLevels = []string{AccessRead, AccessWrite, AccessReadWrite, AccessList}

// DocumentInput is a declared access.
type DocumentInput struct {
	Bucket    string
	Prefixes  []string // key prefixes, e.g. "reports/"; empty: the whole bucket
	Access    string   // read, write, read_write, list
	KMSKeyARN string   // the bucket's SSE-KMS key, when objects are encrypted with one
	// PrincipalARN is the principal that gets the access (IAM role/user ARN or
	// account); OtherAccountID names the account when the principal is a whole
	// other account. Either makes the bucket-policy and key-policy statements.
	PrincipalARN   string
	OtherAccountID string
}

// Documents are the generated JSON texts. BucketPolicyStatements and
// KeyPolicyStatements are JSON arrays of statements ("" when no principal was
// given, or no KMS key for the key policy).
type Documents struct {
	IdentityPolicy         string
	BucketPolicyStatements string
	KeyPolicyStatements    string
}

// DocumentError is invalid input tied to an argument.
type DocumentError struct {
	Field string
	Err   error
}

func (e *DocumentError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *DocumentError) Unwrap() error { return e.Err }

// jsonStatement keeps the element order of AWS's own examples.
type jsonStatement struct {
	Sid       string                    `json:"Sid"`
	Effect    string                    `json:"Effect"`
	Principal map[string]any            `json:"Principal,omitempty"`
	Action    []string                  `json:"Action"`
	Resource  any                       `json:"Resource"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

type jsonPolicy struct {
	Version   string          `json:"Version"`
	Statement []jsonStatement `json:"Statement"`
}

// PolicyDocument writes the least-privilege policies for a declared access:
// object actions on arn:PART:s3:::BUCKET/PREFIX* (or BUCKET/*), s3:ListBucket
// on the bucket ARN with a StringLike s3:prefix condition when prefixes are
// given, KMS actions on the key with kms:ViaService for S3 in the key's region.
// Every generated document is checked with the strict parser before it is
// returned.
func PolicyDocument(in DocumentInput) (*Documents, error) {
	if err := s3model.ValidateBucketName(in.Bucket); err != nil {
		return nil, &DocumentError{Field: "bucket", Err: err}
	}
	var list, read, write bool
	switch in.Access {
	case AccessRead:
		list, read = true, true
	case AccessWrite:
		write = true
	case AccessReadWrite:
		list, read, write = true, true, true
	case AccessList:
		list = true
	default:
		return nil, &DocumentError{Field: "access", Err: fmt.Errorf("%q: expected one of %s", in.Access, strings.Join(AccessLevels, ", "))}
	}
	partition := "aws"
	var key s3model.KMSKey
	if in.KMSKeyARN != "" {
		k, err := s3model.ParseKMSKeyARN(in.KMSKeyARN)
		if err != nil {
			return nil, &DocumentError{Field: "kms_key_arn", Err: err}
		}
		if k.Alias != "" {
			return nil, &DocumentError{Field: "kms_key_arn", Err: fmt.Errorf("%q is an alias ARN: KMS authorizes use of a key on its key ARN (arn:%s:kms:%s:%s:key/ID), so a policy naming the alias grants nothing", in.KMSKeyARN, k.Partition, k.Region, k.Account)}
		}
		key = k
		partition = k.Partition
	}
	principal := ""
	if in.PrincipalARN != "" {
		ref, err := policy.ParseAWSPrincipal(in.PrincipalARN)
		if err != nil || ref.Kind == policy.RefWildcard || ref.Kind == policy.RefUniqueID {
			if err == nil {
				err = fmt.Errorf("%q: name one principal (role, user or account ARN), not a wildcard or unique id", in.PrincipalARN)
			}
			return nil, &DocumentError{Field: "principal_arn", Err: err}
		}
		if in.OtherAccountID != "" && ref.Account != in.OtherAccountID {
			return nil, &DocumentError{Field: "other_account_id", Err: fmt.Errorf("%q differs from the account of principal_arn (%s)", in.OtherAccountID, ref.Account)}
		}
		principal = in.PrincipalARN
		if ref.Kind == policy.RefAccount {
			principal = ref.AccountRootARN()
		}
	} else if in.OtherAccountID != "" {
		if !policy.IsAccountID(in.OtherAccountID) {
			return nil, &DocumentError{Field: "other_account_id", Err: fmt.Errorf("%q is not a 12-digit account id", in.OtherAccountID)}
		}
		principal = "arn:" + partition + ":iam::" + in.OtherAccountID + ":root"
	}
	bucketARN := s3model.BucketARN(partition, in.Bucket)
	var objects, prefixValues []string
	seen := map[string]bool{}
	for i, p := range in.Prefixes {
		field := fmt.Sprintf("prefixes[%d]", i)
		switch {
		case p == "":
			return nil, &DocumentError{Field: field, Err: fmt.Errorf("empty prefix: leave prefixes unset for the whole bucket")}
		case strings.ContainsAny(p, "*?"):
			return nil, &DocumentError{Field: field, Err: fmt.Errorf("%q: a prefix is literal; * and ? would be wildcards in the policy", p)}
		case strings.Contains(p, "${"):
			return nil, &DocumentError{Field: field, Err: fmt.Errorf("%q: policy variables are not supported in prefixes", p)}
		case strings.HasPrefix(p, "/"):
			return nil, &DocumentError{Field: field, Err: fmt.Errorf("%q: S3 keys do not start with '/' (write %q)", p, strings.TrimLeft(p, "/"))}
		case len(p) > 1024:
			return nil, &DocumentError{Field: field, Err: fmt.Errorf("longer than the 1024-byte key limit")}
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		objects = append(objects, bucketARN+"/"+p+"*")
		prefixValues = append(prefixValues, p+"*")
	}
	if len(objects) == 0 {
		objects = []string{bucketARN + "/*"}
	}

	var s3Stmts []jsonStatement
	if list {
		st := jsonStatement{Sid: "List", Effect: "Allow", Action: []string{"s3:ListBucket"}, Resource: bucketARN}
		if len(prefixValues) > 0 {
			st.Condition = map[string]map[string]any{"StringLike": {"s3:prefix": prefixValues}}
		}
		s3Stmts = append(s3Stmts, st)
	}
	if read {
		s3Stmts = append(s3Stmts, jsonStatement{Sid: "ReadObjects", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: oneOrMany(objects)})
	}
	if write {
		s3Stmts = append(s3Stmts, jsonStatement{Sid: "WriteObjects", Effect: "Allow", Action: []string{"s3:AbortMultipartUpload", "s3:PutObject"}, Resource: oneOrMany(objects)})
	}
	var kmsActions []string
	if key.Region != "" {
		if write {
			kmsActions = append(kmsActions, "kms:Decrypt", "kms:GenerateDataKey") // multipart uploads need Decrypt too (spec 5.1)
		} else if read {
			kmsActions = append(kmsActions, "kms:Decrypt")
		}
	}
	viaS3 := map[string]map[string]any{"StringEquals": {"kms:ViaService": s3model.ViaService(key.Region)}}

	identity := append([]jsonStatement(nil), s3Stmts...)
	if len(kmsActions) > 0 {
		identity = append(identity, jsonStatement{Sid: "UseBucketKey", Effect: "Allow", Action: kmsActions, Resource: in.KMSKeyARN, Condition: viaS3})
	}
	out := &Documents{}
	doc, err := json.Marshal(jsonPolicy{Version: policy.Version2012, Statement: identity})
	if err != nil {
		return nil, err
	}
	if _, err := policy.Parse(string(doc), policy.KindIdentity); err != nil {
		return nil, fmt.Errorf("generated identity policy is invalid (a bug): %w", err)
	}
	out.IdentityPolicy = string(doc)

	if principal != "" {
		var bs []jsonStatement
		for _, st := range s3Stmts {
			st.Sid = "Grant" + st.Sid
			st.Principal = map[string]any{"AWS": principal}
			bs = append(bs, st)
		}
		s, err := statementsJSON(bs, policy.KindBucket)
		if err != nil {
			return nil, err
		}
		out.BucketPolicyStatements = s
		if len(kmsActions) > 0 {
			ks := []jsonStatement{{Sid: "AllowS3UseOfKey", Effect: "Allow", Principal: map[string]any{"AWS": principal}, Action: kmsActions, Resource: "*", Condition: viaS3}}
			s, err := statementsJSON(ks, policy.KindKey)
			if err != nil {
				return nil, err
			}
			out.KeyPolicyStatements = s
		}
	}
	return out, nil
}

func oneOrMany(l []string) any {
	if len(l) == 1 {
		return l[0]
	}
	return l
}

func statementsJSON(sts []jsonStatement, kind policy.Kind) (string, error) {
	b, err := json.Marshal(sts)
	if err != nil {
		return "", err
	}
	doc, _ := json.Marshal(jsonPolicy{Version: policy.Version2012, Statement: sts})
	if _, err := policy.Parse(string(doc), kind); err != nil {
		return "", fmt.Errorf("generated %s policy statements are invalid (a bug): %w", kind, err)
	}
	return string(b), nil
}
