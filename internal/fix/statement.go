package fix

import (
	"fmt"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

// BucketStatementInput is the configuration of one s3access_bucket_policy_statement.
type BucketStatementInput struct {
	Bucket    string
	Partition string // "" -> aws
	Sid       string
	Statement string // JSON of one statement; its Sid, when present, must equal Sid
	// AllowPublic accepts a statement that the public-policy classifier
	// (spec 3.3) finds public.
	AllowPublic bool
}

// ValidateBucketStatement checks a statement before anything is written
// (plan time): it parses under bucket-policy rules, carries the resource's
// Sid, names only resources inside the bucket, and is not public unless
// AllowPublic. It returns the statement with its Sid set.
func ValidateBucketStatement(in BucketStatementInput) (policy.Statement, error) {
	if err := s3model.ValidateBucketName(in.Bucket); err != nil {
		return policy.Statement{}, &Error{Field: "bucket", Msg: "invalid bucket name", Err: err}
	}
	st, err := ParseOwnStatement(in.Statement, in.Sid, policy.KindBucket)
	if err != nil {
		return policy.Statement{}, err
	}
	if err := ResourcesInsideBucket(st, partitionOr(in.Partition), in.Bucket); err != nil {
		return policy.Statement{}, err
	}
	if !in.AllowPublic {
		if pub := StatementPublic(st); pub != "" {
			return policy.Statement{}, errf("statement", "statement %q would make bucket %s public (%s); S3 Block Public Access would also refuse it. Narrow the Principal or add a condition that pins the caller, or set allow_public = true if the bucket is meant to be public", st.Sid, in.Bucket, pub)
		}
	}
	return st, nil
}

// ParseOwnStatement parses the JSON of one statement under the rules of kind
// and sets its Sid: a Sid written in the JSON must equal sid.
func ParseOwnStatement(js, sid string, kind policy.Kind) (policy.Statement, error) {
	if strings.TrimSpace(sid) == "" {
		return policy.Statement{}, errf("sid", "a Sid is required: it is how the statement is found again in the policy")
	}
	// Validate the Sid with the kind's rules by parsing a minimal statement.
	if _, err := policy.ParseStatement(`{"Sid":`+jsonString(sid)+`,"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`, kind); err != nil {
		return policy.Statement{}, &Error{Field: "sid", Msg: "invalid Sid", Err: err}
	}
	st, err := policy.ParseStatement(js, kind)
	if err != nil {
		return policy.Statement{}, &Error{Field: "statement", Msg: "the statement does not parse as a " + string(kind) + " policy statement", Err: err}
	}
	if st.Sid != "" && st.Sid != sid {
		return policy.Statement{}, errf("statement", "the statement's Sid %q differs from sid %q; omit the Sid in the statement or make them equal", st.Sid, sid)
	}
	st.Sid = sid
	st.Index = 0
	return st, nil
}

// ResourcesInsideBucket refuses NotResource and any Resource that is not the
// bucket's own ARN or an object ARN inside it (a wildcard in the bucket part
// could reach other buckets).
func ResourcesInsideBucket(st policy.Statement, partition, bucket string) error {
	if st.NotResource != nil {
		return errf("statement", "NotResource is not accepted: it names every resource except the listed ones, which reaches outside bucket %s; list the bucket's resources in Resource", bucket)
	}
	if len(st.Resource) == 0 {
		return errf("statement", "the statement names no Resource")
	}
	bucketARN := s3model.BucketARN(partition, bucket)
	for i, r := range st.Resource {
		if r == bucketARN || strings.HasPrefix(r, bucketARN+"/") {
			continue
		}
		return errf("statement", "Resource[%d] %q is outside bucket %s: a bucket policy statement may only name %s or %s/<key pattern>", i, r, bucket, bucketARN, bucketARN)
	}
	return nil
}

// StatementPublic returns why the statement, on its own, makes a bucket
// policy public (spec 3.3), or "" when it does not.
func StatementPublic(st policy.Statement) string {
	st.Index = 0
	res := s3model.PolicyPublicity(&policy.Policy{Version: policy.Version2012, Kind: policy.KindBucket, Statements: []policy.Statement{st}}, s3model.PublicityOptions{})
	if !res.Public {
		return ""
	}
	if len(res.PublicStatements) > 0 && res.PublicStatements[0].Reason != "" {
		return res.PublicStatements[0].Reason
	}
	return "the public-policy classifier cannot prove it non-public"
}

// FindStatement returns the statement with the given Sid in doc (its slices
// are shared with a cached parse: read, do not modify; nil doc or
// no such statement: nil, nil).
func FindStatement(doc *string, kind policy.Kind, sid string) (*policy.Statement, error) {
	if doc == nil || strings.TrimSpace(*doc) == "" {
		return nil, nil
	}
	p, err := policy.ParseCached(*doc, kind) // read only
	if err != nil {
		return nil, &Error{Field: "", Msg: "the current " + string(kind) + " policy does not parse", Err: err}
	}
	for i := range p.Statements {
		if p.Statements[i].Sid == sid {
			s := p.Statements[i]
			return &s, nil
		}
	}
	return nil, nil
}

// SameStatement compares two statements semantically (ordering, string vs
// list, case of action names), ignoring the Sid.
func SameStatement(a, b policy.Statement) bool {
	a.Sid, b.Sid, a.Index, b.Index = "", "", 0, 0
	return policy.StatementsEquivalent(a, b)
}

// SameStatementJSON compares two statement JSON texts semantically, ignoring
// the Sid. Text that does not parse is compared verbatim.
func SameStatementJSON(a, b string, kind policy.Kind) bool {
	sa, err1 := policy.ParseStatement(a, kind)
	sb, err2 := policy.ParseStatement(b, kind)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return SameStatement(sa, sb)
}

// StatementJSON is the canonical JSON of a statement without its Sid (the
// form kept in state: the Sid is its own argument).
func StatementJSON(st policy.Statement) (string, error) {
	st.Sid = ""
	b, err := st.JSON()
	return string(b), err
}

// Put is the result of planning a statement merge.
type Put struct {
	Doc string // the whole new policy (canonical JSON)
	// Changed is false when the policy already holds an equivalent statement
	// under the Sid (nothing to write).
	Changed bool
	// Replaced is true when a different statement with the same Sid was there.
	Replaced bool
}

// PlanPut merges st (with its Sid) into the current policy (nil: none),
// keeping every other statement. It refuses a result that does not parse or
// is over the size limit.
func PlanPut(current *string, kind policy.Kind, st policy.Statement) (Put, error) {
	doc := ""
	if current != nil {
		doc = *current
	}
	existing, err := FindStatement(current, kind, st.Sid)
	if err != nil {
		return Put{}, err
	}
	if existing != nil && SameStatement(*existing, st) {
		return Put{Doc: doc, Changed: false}, nil
	}
	out, err := policy.MergeStatement(doc, kind, st)
	if err != nil {
		return Put{}, &Error{Field: "statement", Msg: fmt.Sprintf("merging statement %q into the %s policy fails", st.Sid, kind), Err: err}
	}
	return Put{Doc: out, Changed: true, Replaced: existing != nil}, nil
}

// Remove is the result of planning the removal of a statement.
type Remove struct {
	Doc string // the new policy; "" when Delete
	// Delete: the removed statement was the last one; delete the policy.
	Delete bool
	// Changed is false when no statement had the Sid.
	Changed bool
}

// PlanRemove removes the statement with the Sid from the current policy.
func PlanRemove(current *string, kind policy.Kind, sid string) (Remove, error) {
	if current == nil || strings.TrimSpace(*current) == "" {
		return Remove{}, nil
	}
	existing, err := FindStatement(current, kind, sid)
	if err != nil {
		return Remove{}, err
	}
	if existing == nil {
		return Remove{Doc: *current}, nil
	}
	out, empty, err := policy.RemoveStatement(*current, kind, sid)
	if err != nil {
		return Remove{}, &Error{Msg: fmt.Sprintf("removing statement %q from the %s policy fails", sid, kind), Err: err}
	}
	return Remove{Doc: out, Delete: empty, Changed: true}, nil
}

// OthersKept reports whether every statement of before except those with the
// given Sids is in after, semantically (used to check a read-back policy for
// lost updates and in tests). A nil or empty document has no statements.
func OthersKept(before, after *string, kind policy.Kind, except ...string) (bool, error) {
	b, err := statementsOf(before, kind)
	if err != nil {
		return false, err
	}
	a, err := statementsOf(after, kind)
	if err != nil {
		return false, err
	}
	skip := map[string]bool{}
	for _, s := range except {
		skip[s] = true
	}
	used := make([]bool, len(a))
outer:
	for _, sb := range b {
		if sb.Sid != "" && skip[sb.Sid] {
			continue
		}
		for j, sa := range a {
			if !used[j] && sa.Sid == sb.Sid && policy.StatementsEquivalent(sa, sb) {
				used[j] = true
				continue outer
			}
		}
		return false, nil
	}
	return true, nil
}

func statementsOf(doc *string, kind policy.Kind) ([]policy.Statement, error) {
	if doc == nil || strings.TrimSpace(*doc) == "" {
		return nil, nil
	}
	p, err := policy.ParseCached(*doc, kind) // read only: callers never modify the statements
	if err != nil {
		return nil, &Error{Msg: "the " + string(kind) + " policy does not parse", Err: err}
	}
	return p.Statements, nil
}
