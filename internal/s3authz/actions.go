package s3authz

import (
	"fmt"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

// permNeed is one IAM permission an S3 request needs.
type permNeed struct {
	Action   string // canonical "s3:Name"
	OnSource bool   // authorized against the copy source object (CopyObject, UploadPartCopy)
}

// opPlan is what one request needs: its S3 permissions (every one must be
// allowed) and the KMS permissions on the destination / source key (spec 5.1).
type opPlan struct {
	Operation string // API operation name, or the IAM action as given
	Needs     []permNeed
	KMS       []string // KMS actions on the object's (destination) key when SSE-KMS
	SourceKMS []string // KMS actions on the copy source's key when SSE-KMS
	Copy      bool     // needs a copy source
	// KMSRequest marks GET/PUT-style requests of an SSE-KMS object that S3
	// refuses when unsigned, SigV2 or without TLS (spec 5.1).
	KMSRequest bool
}

type opDef struct {
	needs     []string
	kms       []string
	sourceKMS []string
	copy      bool
}

// apiOperations maps S3 API operation names that are not IAM actions (or
// whose IAM action differs) to what they need (spec 2.2, 5.1). Keys are
// lower-case.
var apiOperations = map[string]opDef{
	"headobject":                    {needs: []string{"s3:GetObject"}},
	"headbucket":                    {needs: []string{"s3:ListBucket"}},
	"listobjects":                   {needs: []string{"s3:ListBucket"}},
	"listobjectsv2":                 {needs: []string{"s3:ListBucket"}},
	"listobjectversions":            {needs: []string{"s3:ListBucketVersions"}},
	"createmultipartupload":         {needs: []string{"s3:PutObject"}, kms: []string{"kms:GenerateDataKey"}},
	"uploadpart":                    {needs: []string{"s3:PutObject"}, kms: []string{"kms:Decrypt", "kms:GenerateDataKey"}},
	"uploadpartcopy":                {needs: []string{"s3:GetObject", "s3:PutObject"}, kms: []string{"kms:Decrypt", "kms:GenerateDataKey"}, sourceKMS: []string{"kms:Decrypt"}, copy: true},
	"completemultipartupload":       {needs: []string{"s3:PutObject"}, kms: []string{"kms:Decrypt"}},
	"abortmultipartupload":          {needs: []string{"s3:AbortMultipartUpload"}},
	"listparts":                     {needs: []string{"s3:ListMultipartUploadParts"}},
	"listmultipartuploads":          {needs: []string{"s3:ListBucketMultipartUploads"}},
	"copyobject":                    {needs: []string{"s3:GetObject", "s3:PutObject"}, kms: []string{"kms:GenerateDataKey"}, sourceKMS: []string{"kms:Decrypt"}, copy: true},
	"getobjectattributes":           {needs: []string{"s3:GetObject", "s3:GetObjectAttributes"}},
	"deleteobjects":                 {needs: []string{"s3:DeleteObject"}},
	"getobject":                     {needs: []string{"s3:GetObject"}, kms: []string{"kms:Decrypt"}},
	"putobject":                     {needs: []string{"s3:PutObject"}, kms: []string{"kms:GenerateDataKey"}},
	"deleteobject":                  {needs: []string{"s3:DeleteObject"}},
	"getbucketpolicy":               {needs: []string{"s3:GetBucketPolicy"}},
	"putbucketpolicy":               {needs: []string{"s3:PutBucketPolicy"}},
	"deletebucketpolicy":            {needs: []string{"s3:DeleteBucketPolicy"}},
	"deletebucketpublicaccessblock": {needs: []string{"s3:PutBucketPublicAccessBlock"}},
	"deletepublicaccessblock":       {needs: []string{"s3:PutBucketPublicAccessBlock"}},
	"deletebucketownershipcontrols": {needs: []string{"s3:PutBucketOwnershipControls"}},
	"listbuckets":                   {needs: []string{"s3:ListAllMyBuckets"}},
}

// iamKMS is the KMS need of IAM actions given directly (spec 5.1).
var iamKMS = map[string][]string{
	"s3:getobject":        {"kms:Decrypt"},
	"s3:getobjectversion": {"kms:Decrypt"},
	"s3:putobject":        {"kms:GenerateDataKey"},
}

// versioned maps an action to its version variant, used when the request
// names a version id (context key s3:versionid, spec 2.2).
var versioned = map[string]string{
	"s3:getobject":           "s3:GetObjectVersion",
	"s3:deleteobject":        "s3:DeleteObjectVersion",
	"s3:putobjectacl":        "s3:PutObjectVersionAcl",
	"s3:getobjectacl":        "s3:GetObjectVersionAcl",
	"s3:getobjectattributes": "s3:GetObjectVersionAttributes",
	"s3:getobjecttagging":    "s3:GetObjectVersionTagging",
	"s3:putobjecttagging":    "s3:PutObjectVersionTagging",
	"s3:deleteobjecttagging": "s3:DeleteObjectVersionTagging",
}

// planAction resolves the action argument: an S3 IAM action ("s3:GetObject",
// any case) or an S3 API operation name ("HeadObject", "CopyObject", ...).
// With a version id every permission takes its version variant.
func planAction(action string, withVersion bool) (*opPlan, error) {
	a := strings.TrimSpace(action)
	bad := func(format string, args ...any) (*opPlan, error) {
		return nil, &InputError{Field: "action", Index: -1, Err: fmt.Errorf(format, args...)}
	}
	if a == "" {
		return bad("empty action: expected an S3 action such as s3:GetObject or an S3 API operation such as HeadObject")
	}
	var def opDef
	plan := &opPlan{Operation: a}
	if svc, name, ok := strings.Cut(a, ":"); ok {
		if !strings.EqualFold(svc, "s3") {
			return bad("%q is not an S3 action: s3access_check decides S3 requests (s3:<Action> or an S3 API operation name)", a)
		}
		if strings.ContainsAny(name, "*?") {
			return bad("%q: the action of a request cannot contain wildcards", a)
		}
		def = opDef{needs: []string{a}, kms: iamKMS[strings.ToLower(a)]}
	} else {
		d, ok := apiOperations[strings.ToLower(a)]
		if !ok {
			if act, found := s3model.LookupAction("s3:" + a); found {
				d = opDef{needs: []string{act.FullName()}}
			} else {
				return bad("unknown action %q: expected an S3 action such as s3:GetObject or an S3 API operation such as HeadObject, CopyObject, ListObjectsV2", a)
			}
		}
		def = d
	}
	for i, n := range def.needs {
		if withVersion {
			if v, ok := versioned[strings.ToLower(n)]; ok {
				n = v
			}
		}
		act, ok := s3model.LookupAction(n)
		if !ok {
			hint := ""
			if c, found := s3model.ClosestAction(n); found {
				hint = fmt.Sprintf(" (did you mean %s?)", c)
			}
			return bad("unknown S3 action %q%s", n, hint)
		}
		plan.Needs = append(plan.Needs, permNeed{Action: act.FullName(), OnSource: def.copy && i == 0})
	}
	plan.KMS = def.kms
	plan.SourceKMS = def.sourceKMS
	plan.Copy = def.copy
	if withVersion && len(def.kms) > 0 {
		// the version variant of GetObject still needs kms:Decrypt
		plan.KMS = def.kms
	}
	plan.KMSRequest = len(plan.KMS) > 0
	return plan, nil
}
