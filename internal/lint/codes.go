package lint

// Finding codes. They are stable: users match them in postconditions.
const (
	CodeInvalidPolicy          = "invalid-policy"
	CodeInvalidARN             = "invalid-arn"
	CodeInvalidPrincipal       = "invalid-principal"
	CodeInvalidCondition       = "invalid-condition"
	CodeS3ARNAccountID         = "s3-arn-account-id"
	CodeObjectActionBucketARN  = "object-action-on-bucket-arn"
	CodeBucketActionObjectARN  = "bucket-action-on-object-arn"
	CodeActionNeedsStar        = "action-needs-wildcard-resource"
	CodeUnknownAction          = "unknown-action"
	CodeWildcardMatchesNothing = "action-wildcard-matches-nothing"
	CodeMissingVersion         = "missing-version"
	CodeOldVersion             = "old-version"
	CodeVariableNotSubstituted = "variable-not-substituted"
	CodeAllowNotPrincipal      = "allow-with-notprincipal"
	CodePrincipalNotAllowed    = "principal-not-allowed"
	CodeMissingPrincipal       = "missing-principal"
	CodePublicGrant            = "public-grant"
	CodePublicWrite            = "public-write"
	CodeCrossAccountGrant      = "cross-account-grant"
	CodeCrossAccountPut        = "cross-account-put-without-owner-control"
	CodeBroadAction            = "broad-action"
	CodeBroadResource          = "broad-resource"
	CodeAllowNotAction         = "allow-with-notaction"
	CodeConditionTypeMismatch  = "condition-type-mismatch"
	CodeConditionKeyUnknown    = "unknown-condition-key"
	CodeConditionKeyUnused     = "condition-key-not-supported"
	CodeSetOperatorNeeded      = "multivalued-key-without-set-operator"
	CodeForAllValuesAllow      = "forallvalues-with-allow"
	CodeNullMisuse             = "null-misuse"
	CodeDuplicateSid           = "duplicate-sid"
	CodeRedundantStatement     = "redundant-statement"
	CodeShadowedStatement      = "shadowed-statement"
	CodeOwnerLockout           = "bucket-owner-lockout"
	CodeSourceIPDeny           = "source-ip-deny-blocks-vpc-endpoints"
	CodeManagedPolicySize      = "managed-policy-size"
)

var codeInfo = map[string]CodeInfo{}

func def(code string, sev Severity, desc string) {
	codeInfo[code] = CodeInfo{Code: code, Severity: sev, Description: desc}
}

func init() {
	def(CodeInvalidPolicy, SeverityError, "The document is rejected by the policy grammar (JSON, element names, Effect, Sid, size limit, ...).")
	def(CodeInvalidARN, SeverityError, "A Resource/NotResource entry is not an ARN, or an S3 ARN with an invalid bucket name.")
	def(CodeInvalidPrincipal, SeverityError, "A Principal/NotPrincipal entry is malformed (partial wildcard, bad ARN, bad service name).")
	def(CodeInvalidCondition, SeverityError, "A Condition block is malformed (unknown operator, value of the wrong form).")
	def(CodeS3ARNAccountID, SeverityError, "An S3 bucket or object ARN carries a region or account id; such an ARN matches no bucket.")
	def(CodeObjectActionBucketARN, SeverityError, "An object action (by the action catalog) is granted or denied only on bucket ARNs, so it never applies.")
	def(CodeBucketActionObjectARN, SeverityError, "A bucket action (by the action catalog) is granted or denied only on object ARNs, so it never applies.")
	def(CodeActionNeedsStar, SeverityError, "An action without a resource type (s3:ListAllMyBuckets, account BPA) is scoped to a bucket or object ARN; it needs \"*\".")
	def(CodeUnknownAction, SeverityError, "An S3 or KMS action that does not exist (misspelt, or an API operation name such as s3:HeadObject); the closest real action is suggested.")
	def(CodeWildcardMatchesNothing, SeverityError, "An S3 or KMS action pattern with * or ? matches no action.")
	def(CodeMissingVersion, SeverityWarning, "No Version element: the 2008-10-17 language applies and policy variables are literal text.")
	def(CodeOldVersion, SeverityInfo, "Version 2008-10-17: policy variables are literal text.")
	def(CodeVariableNotSubstituted, SeverityError, "A ${...} policy variable under Version 2008-10-17 or no Version: it is matched literally.")
	def(CodeAllowNotPrincipal, SeverityError, "Allow with NotPrincipal grants everyone not listed, anonymous callers included.")
	def(CodePrincipalNotAllowed, SeverityError, "A principal element or principal type the policy kind does not accept (Principal in an identity policy or SCP, CanonicalUser in a key policy, a non-\"*\" principal in an RCP).")
	def(CodeMissingPrincipal, SeverityError, "A resource-based policy statement without Principal or NotPrincipal.")
	def(CodePublicGrant, SeverityWarning, "An Allow statement is public by the Block Public Access definition (wildcard principal not pinned by a fixed-value condition).")
	def(CodePublicWrite, SeverityError, "A public statement grants write, delete or permission-management actions.")
	def(CodeCrossAccountGrant, SeverityInfo, "An Allow statement grants principals of another account.")
	def(CodeCrossAccountPut, SeverityInfo, "Another account may upload objects without the bucket-owner-full-control condition; with ACLs enabled the bucket owner cannot read those objects.")
	def(CodeBroadAction, SeverityWarning, "Allow of \"*\" or \"s3:*\" (every action).")
	def(CodeBroadResource, SeverityWarning, "Allow of S3 actions on every bucket (Resource \"*\" or arn:aws:s3:::*) in an identity policy.")
	def(CodeAllowNotAction, SeverityWarning, "Allow with NotAction grants every action not listed, of every service.")
	def(CodeConditionTypeMismatch, SeverityError, "The condition operator does not fit the key's type (IpAddress on a string key, Date on a non-date key, ...).")
	def(CodeConditionKeyUnknown, SeverityError, "An s3:, kms: or aws: condition key that does not exist; it is never present, so a positive operator never matches.")
	def(CodeConditionKeyUnused, SeverityWarning, "A condition key that none of the statement's actions supports: it is never present for them.")
	def(CodeSetOperatorNeeded, SeverityWarning, "A multivalued key (ArrayOf... type) used without ForAnyValue/ForAllValues.")
	def(CodeForAllValuesAllow, SeverityWarning, "ForAllValues with Allow is true when the key is missing, so the Allow applies to requests without the key.")
	def(CodeNullMisuse, SeverityWarning, "Null on a key that is always present, or Null contradicting another operator on the same key.")
	def(CodeDuplicateSid, SeverityError, "Two statements share a Sid.")
	def(CodeRedundantStatement, SeverityInfo, "A statement is covered by another statement with the same effect, principal and conditions.")
	def(CodeShadowedStatement, SeverityWarning, "An Allow statement is entirely overridden by an unconditional Deny of the same policy.")
	def(CodeOwnerLockout, SeverityError, "A bucket policy Deny applies to every principal, the bucket owner's administrators included, for the bucket-policy actions (only the root user can recover).")
	def(CodeSourceIPDeny, SeverityWarning, "A Deny with NotIpAddress aws:SourceIp also denies requests through VPC endpoints and AWS services, which carry no aws:SourceIp.")
	def(CodeManagedPolicySize, SeverityWarning, "An identity policy longer than the 6,144-character managed-policy limit (only an inline policy can hold it).")
}
