// Package s3model is the S3 and KMS model the evaluator builds on: the action
// catalog (resource types and condition keys, generated from the AWS Service
// Authorization Reference data), resource ARNs, the Block Public Access
// classifiers, ACLs and Object Ownership, and the KMS permissions S3 needs.
// It imports no Terraform package.
package s3model

import (
	"sort"
	"strings"
)

// ResourceType is a resource type of the Service Authorization Reference.
type ResourceType string

// S3 and KMS resource types (as named by the data set).
const (
	RTBucket                    ResourceType = "bucket"
	RTObject                    ResourceType = "object"
	RTAccessPoint               ResourceType = "accesspoint"
	RTAccessPointObject         ResourceType = "accesspointobject"
	RTJob                       ResourceType = "job"
	RTStorageLensConfiguration  ResourceType = "storagelensconfiguration"
	RTStorageLensGroup          ResourceType = "storagelensgroup"
	RTMultiRegionAccessPoint    ResourceType = "multiregionaccesspoint"
	RTObjectLambdaAccessPoint   ResourceType = "objectlambdaaccesspoint"
	RTAccessGrant               ResourceType = "accessgrant"
	RTAccessGrantsInstance      ResourceType = "accessgrantsinstance"
	RTAccessGrantsLocation      ResourceType = "accessgrantslocation"
	RTMultiRegionAccessPointReq ResourceType = "multiregionaccesspointrequestarn"
	RTKMSKey                    ResourceType = "key"
	RTKMSAlias                  ResourceType = "alias"
)

// ActionResource is one resource type an action can be authorized against.
type ActionResource struct {
	Type             ResourceType
	Required         bool
	ConditionKeys    []string
	DependentActions []string
}

// Action is one catalogued action.
type Action struct {
	Service       string // "s3" or "kms"
	Name          string // e.g. "GetObject"
	AccessLevel   string // List, Read, Write, Permissions management, Tagging (comma-joined when several)
	ResourceTypes []ActionResource
	// ConditionKeys are the action-level keys as the data spells them (tag keys with a
	// placeholder such as s3:ExistingObjectTag/<key> or aws:RequestTag/${TagKey}).
	ConditionKeys    []string
	DependentActions []string
}

// FullName is "service:Name", e.g. "s3:GetObject".
func (a Action) FullName() string { return a.Service + ":" + a.Name }

// hasType reports whether the action accepts resource type t.
func (a Action) hasType(t ResourceType) bool {
	for _, r := range a.ResourceTypes {
		if r.Type == t {
			return true
		}
	}
	return false
}

// IsObjectAction reports whether the action is authorized against an object
// (arn:...:s3:::bucket/key, or an object through an access point).
func (a Action) IsObjectAction() bool {
	return a.Service == "s3" && (a.hasType(RTObject) || a.hasType(RTAccessPointObject))
}

// IsBucketAction reports whether the action is authorized against a bucket ARN.
func (a Action) IsBucketAction() bool {
	return a.Service == "s3" && a.hasType(RTBucket) && !a.IsObjectAction()
}

// HasNoResource reports whether the action has no resource type: its request
// resource is "*" (spec 2.3: ListAllMyBuckets, account BPA, ListAccessPoints).
func (a Action) HasNoResource() bool { return len(a.ResourceTypes) == 0 }

// ResourceTypeInfo describes one resource type.
type ResourceTypeInfo struct {
	Service       string
	Type          ResourceType
	ARNFormat     string // e.g. arn:${Partition}:s3:::${BucketName}
	ConditionKeys []string
}

// ConditionKeyInfo describes one condition key. Service is "s3", "kms" or
// "global" (aws: keys and other keys available in every request).
type ConditionKeyInfo struct {
	Service  string
	Key      string // as the data spells it
	Type     string // String, ARN, Numeric, Bool, Date, IPAddress, ArrayOfString, ...
	Category string // global keys only: principal, session, network, resource, request
}

var (
	actionIndex   map[string]int // lower-cased "service:name" -> genActions index
	resourceIndex map[string]int // "service:type" -> genResourceTypes index
	keyExact      map[string]ConditionKeyInfo
	keyPrefixes   []keyPrefix // tag-style keys, longest prefix first
)

type keyPrefix struct {
	prefix string // lower-cased, e.g. "s3:existingobjecttag/"
	info   ConditionKeyInfo
}

func init() {
	actionIndex = make(map[string]int, len(genActions))
	for i, a := range genActions {
		actionIndex[strings.ToLower(a.FullName())] = i
	}
	resourceIndex = make(map[string]int, len(genResourceTypes))
	for i, r := range genResourceTypes {
		resourceIndex[r.Service+":"+string(r.Type)] = i
	}
	keyExact = map[string]ConditionKeyInfo{}
	// Global keys first so that their category wins over a service copy of an aws: key.
	for _, pass := range []bool{true, false} {
		for _, k := range genConditionKeys {
			if (k.Service == "global") != pass {
				continue
			}
			if p, ok := keyPattern(k.Key); ok {
				if !hasPrefix(p, keyPrefixes) {
					keyPrefixes = append(keyPrefixes, keyPrefix{p, k})
				}
				continue
			}
			lk := strings.ToLower(k.Key)
			if _, dup := keyExact[lk]; !dup {
				keyExact[lk] = k
			}
		}
	}
	sort.SliceStable(keyPrefixes, func(i, j int) bool { return len(keyPrefixes[i].prefix) > len(keyPrefixes[j].prefix) })
}

func hasPrefix(p string, list []keyPrefix) bool {
	for _, k := range list {
		if k.prefix == p {
			return true
		}
	}
	return false
}

// keyPattern returns the lower-cased fixed prefix of a key that carries a
// user-chosen suffix (tag key, encryption-context key): aws:ResourceTag/${TagKey},
// s3:ExistingObjectTag/<key>, aws:PrincipalTag/tag-key, kms:EncryptionContext:${EncryptionContextKey}.
func keyPattern(key string) (string, bool) {
	lk := strings.ToLower(key)
	for _, marker := range []string{"${", "<"} {
		if i := strings.Index(lk, marker); i > 0 {
			return lk[:i], true
		}
	}
	if strings.HasSuffix(lk, "/tag-key") {
		return strings.TrimSuffix(lk, "tag-key"), true
	}
	return "", false
}

// LookupAction finds an action by "service:Name", case-insensitively.
func LookupAction(s string) (Action, bool) {
	i, ok := actionIndex[strings.ToLower(strings.TrimSpace(s))]
	if !ok {
		return Action{}, false
	}
	return genActions[i], true
}

// Actions returns the actions of one service ("s3", "kms"), sorted by name.
func Actions(service string) []Action {
	service = strings.ToLower(service)
	var out []Action
	for _, a := range genActions {
		if a.Service == service {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// MatchActions returns the catalogued actions an IAM action pattern such as
// "s3:Get*", "s3:*Object?" or "*" matches (case-insensitive; * and ?).
func MatchActions(pattern string) []Action {
	p := strings.ToLower(strings.TrimSpace(pattern))
	var out []Action
	for _, a := range genActions {
		if Wildcard(p, strings.ToLower(a.FullName())) {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].FullName() < out[j].FullName() })
	return out
}

// Wildcard matches s against an IAM-style pattern where * matches any run of
// characters (including none) and ? exactly one. It is case-sensitive; callers
// lower-case both sides for action names.
func Wildcard(pattern, s string) bool {
	// Iterative matcher with backtracking on the last star: linear in practice.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// ClosestAction suggests the catalogued action nearest to an unknown one
// ("did you mean"), by case-insensitive edit distance. It returns false when
// nothing is close enough (distance above a third of the name, at least 2).
func ClosestAction(s string) (string, bool) {
	in := strings.ToLower(strings.TrimSpace(s))
	if in == "" {
		return "", false
	}
	service, name, hasService := strings.Cut(in, ":")
	if !hasService {
		name, service = service, ""
	}
	best, bestD := "", -1
	for _, a := range genActions {
		if service != "" && a.Service != service {
			continue
		}
		d := editDistance(name, strings.ToLower(a.Name))
		if bestD < 0 || d < bestD || (d == bestD && a.FullName() < best) {
			best, bestD = a.FullName(), d
		}
	}
	limit := len(name) / 3
	if limit < 2 {
		limit = 2
	}
	if bestD < 0 || bestD > limit {
		return "", false
	}
	return best, true
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// LookupResourceType returns the resource type of a service ("s3", "kms").
func LookupResourceType(service string, t ResourceType) (ResourceTypeInfo, bool) {
	i, ok := resourceIndex[strings.ToLower(service)+":"+string(t)]
	if !ok {
		return ResourceTypeInfo{}, false
	}
	return genResourceTypes[i], true
}

// LookupConditionKey finds a condition key of S3, KMS or the global set,
// case-insensitively; tag-style keys match with any non-empty suffix
// (s3:ExistingObjectTag/team, aws:PrincipalTag/dept, kms:EncryptionContext:aws:s3:arn).
func LookupConditionKey(key string) (ConditionKeyInfo, bool) {
	lk := strings.ToLower(strings.TrimSpace(key))
	if k, ok := keyExact[lk]; ok {
		return k, true
	}
	for _, p := range keyPrefixes {
		if len(lk) > len(p.prefix) && strings.HasPrefix(lk, p.prefix) {
			return p.info, true
		}
	}
	return ConditionKeyInfo{}, false
}

// ConditionKeyType returns the type of a condition key (String, ARN, Numeric,
// Bool, Date, IPAddress, ArrayOfString, ...).
func ConditionKeyType(key string) (string, bool) {
	k, ok := LookupConditionKey(key)
	return k.Type, ok
}

// keyMatches reports whether a catalogued key (possibly a tag-style pattern)
// covers a concrete key.
func keyMatches(catalogued, key string) bool {
	if p, ok := keyPattern(catalogued); ok {
		return len(key) > len(p) && strings.HasPrefix(key, p)
	}
	return strings.EqualFold(catalogued, key)
}

// resourceBoundGlobal are global keys that exist only when the action or its
// resource type lists them (tags on the request or the resource).
func resourceBoundGlobal(lk string) bool {
	return strings.HasPrefix(lk, "aws:requesttag/") || lk == "aws:tagkeys" || strings.HasPrefix(lk, "aws:resourcetag/")
}

// ActionSupportsKey reports whether a condition key can be present for an
// action: the action's own keys, the keys of its resource types (action-level
// and resource-type definitions), and the global keys available in every
// request (aws:SourceIp, aws:PrincipalArn, ...; request and resource tag keys
// only where listed). Unknown actions support nothing.
func ActionSupportsKey(action, key string) bool {
	a, ok := LookupAction(action)
	if !ok {
		return false
	}
	lk := strings.ToLower(strings.TrimSpace(key))
	if lk == "" {
		return false
	}
	for _, k := range a.ConditionKeys {
		if keyMatches(k, lk) {
			return true
		}
	}
	for _, r := range a.ResourceTypes {
		for _, k := range r.ConditionKeys {
			if keyMatches(k, lk) {
				return true
			}
		}
		if info, ok := LookupResourceType(a.Service, r.Type); ok {
			for _, k := range info.ConditionKeys {
				if keyMatches(k, lk) {
					return true
				}
			}
		}
	}
	if info, ok := LookupConditionKey(lk); ok && info.Service == "global" && !resourceBoundGlobal(lk) {
		return true
	}
	return false
}

// S3ActionCount and KMSActionCount are the numbers of actions in the catalog.
func S3ActionCount() int  { return genS3ActionCount }
func KMSActionCount() int { return genKMSActionCount }
