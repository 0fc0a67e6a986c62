// Package policy parses AWS IAM policy documents into a typed model that keeps
// the position of every element (statement index, Sid) for explanations.
// It imports no Terraform package.
package policy

// Kind says which sort of policy a document is; it decides which elements are
// required or forbidden (Principal) and which size limit applies.
type Kind string

const (
	KindIdentity    Kind = "identity"    // managed identity policy (6,144 chars)
	KindInline      Kind = "inline"      // inline user/role policy (10,240 chars)
	KindBoundary    Kind = "boundary"    // permissions boundary (managed policy, 6,144)
	KindSession     Kind = "session"     // session policy (identity grammar, 2,048 packed; 10,240 here)
	KindBucket      Kind = "bucket"      // bucket policy (20 KB)
	KindAccessPoint Kind = "accesspoint" // access point policy (20 KB)
	KindKey         Kind = "key"         // KMS key policy (32 KB)
	KindSCP         Kind = "scp"         // service control policy (5,120)
	KindRCP         Kind = "rcp"         // resource control policy (5,120)
	KindEndpoint    Kind = "endpoint"    // VPC endpoint policy (20,480)
)

// Version strings.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Effect of a statement.
type Effect string

const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Policy is one parsed document. A Policy is immutable once parsed:
// ParseCached shares one *Policy between every caller, and the evaluator
// caches its compiled form and evaluation plans by the policy's address
// and reads its statements when it explains a decision. To change a
// policy, build a new one (MergeStatement and RemoveStatement return new
// documents).
type Policy struct {
	Version    string // "2012-10-17", "2008-10-17" or "" when absent
	ID         string
	Kind       Kind
	Statements []Statement
	// SingleStatement is true when Statement was written as an object, not an array.
	SingleStatement bool
	// Warnings are accepted-but-suspicious constructs (e.g. NotPrincipal with
	// Allow); they never change evaluation. Added field.
	Warnings []*Error
}

// VariablesEnabled reports whether ${...} policy variables are substituted (Version 2012-10-17 only).
func (p *Policy) VariablesEnabled() bool { return p != nil && p.Version == Version2012 }

// Statement is one statement with its position in the document.
type Statement struct {
	Index  int    // position in the Statement array (0 for a single object)
	Sid    string // "" when absent
	Effect Effect

	// Exactly one of Principal / NotPrincipal is non-nil in resource-based
	// policies; both are nil in identity-style policies.
	Principal    *Principals
	NotPrincipal *Principals

	// Exactly one of Action / NotAction is non-nil (NotAction != nil means the statement used NotAction).
	Action    []string
	NotAction []string

	// Exactly one of Resource / NotResource is non-nil.
	Resource    []string
	NotResource []string

	// Conditions in document order of operators, then keys (sorted for determinism).
	Conditions []Condition
}

// Principals is the value of a Principal or NotPrincipal element.
type Principals struct {
	// Wildcard is true for "*" and for {"AWS":"*"} (equivalent: everyone, anonymous included).
	// When Wildcard is set, "*" is not repeated in AWS.
	Wildcard      bool
	AWS           []string // account ids, root/user/role/assumed-role/federated-user ARNs, unique ids (AIDA..., AROA...)
	Service       []string // e.g. cloudtrail.amazonaws.com ("*" allowed)
	Federated     []string // web identity / SAML providers
	CanonicalUser []string // 64-hex S3 canonical user ids
}

// Operator is a parsed condition operator such as "ForAnyValue:StringNotEqualsIfExists".
type Operator struct {
	Raw       string // as written in the document
	Qualifier string // "", "ForAllValues" or "ForAnyValue"
	Base      string // canonical base name without IfExists, e.g. "StringNotEquals", "Null"
	IfExists  bool
}

// Condition is one (operator, key, values) triple of a Condition block.
type Condition struct {
	Operator Operator
	Key      string   // as written; compare case-insensitively
	Values   []string // JSON strings, numbers and booleans normalised to strings
}

// Error is a validation error tied to a place in the document.
// Statement is -1 for document-level problems.
type Error struct {
	Statement int
	Sid       string
	Element   string // e.g. "Effect", "Principal.AWS[1]", "Condition.StringLike"
	Message   string
}

func (e *Error) Error() string {
	where := "policy"
	if e.Statement >= 0 {
		where = "statement " + itoa(e.Statement)
		if e.Sid != "" {
			where += " (Sid \"" + e.Sid + "\")"
		}
	}
	if e.Element != "" {
		where += ", " + e.Element
	}
	return where + ": " + e.Message
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	neg := i < 0
	if neg {
		i = -i
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		n--
		b[n] = '-'
	}
	return string(b[n:])
}
