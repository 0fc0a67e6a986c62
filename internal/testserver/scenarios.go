package testserver

import "strings"

// Scenario is one request made against Versity with a user's own keys, with
// the HTTP status Versity v1.8.0 actually returned (ObservedStatus, recorded by
// TestScenariosAgainstVersity, which fails if Versity disagrees) and the
// outcome the spec (s3-authz.md section 7) expects from AWS. The engine
// engineer can assert, per scenario, that the engine's prediction matches
// ObservedStatus wherever VersityDiffers is false.
//
// Every scenario uses its own bucket and user, in account 000000000000
// (VersityAccount). Policies are complete JSON documents.
type Scenario struct {
	ID          string // spec case id, e.g. "T01"
	Description string
	User        string // IAM user name; "" means the gateway's root user
	// UserPolicies are the user's inline identity policies.
	UserPolicies []string
	BucketPolicy string // "" means no bucket policy
	Op           string // Probe op, e.g. OpGetObject
	Bucket       string
	Key          string // object key (created before the probe for object ops); "" for bucket ops
	// Context is the request context the engine needs to describe the probe
	// (e.g. aws:SecureTransport false: the probes go over plain http).
	Context map[string][]string
	// AWSAllowed is what the spec expects from AWS for this request.
	AWSAllowed bool
	// ObservedStatus is what Versity v1.8.0 returned (200/204 allowed, 403 denied).
	ObservedStatus int
	// VersityDiffers marks a scenario where Versity's answer is not AWS's (a
	// gateway quirk); compare the engine with AWSAllowed there, not with Versity.
	VersityDiffers bool
}

// Principal returns the ARN the scenario's request is made as.
func (s Scenario) Principal() string {
	if s.User == "" {
		return "arn:aws:iam::" + VersityAccount + ":root"
	}
	return UserARN(s.User)
}

// ObservedAllowed reports whether Versity allowed the request.
func (s Scenario) ObservedAllowed() bool { return s.ObservedStatus >= 200 && s.ObservedStatus < 300 }

func doc(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

// Scenarios are the probes recorded against Versity v1.8.0.
var Scenarios = []Scenario{
	{
		ID: "T01", Description: "inline identity Allow s3:GetObject on bkt/*, no bucket policy",
		User:         "t01-alice",
		UserPolicies: []string{doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::t01-bkt/*"}`)},
		Op:           OpGetObject, Bucket: "t01-bkt", Key: "k",
		AWSAllowed: true, ObservedStatus: 200,
	},
	{
		ID: "T06", Description: "no identity policy, no bucket policy: GetObject (user with no permissions at all)",
		User: "t06-alice",
		Op:   OpGetObject, Bucket: "t06-bkt", Key: "k",
		AWSAllowed: false, ObservedStatus: 403,
	},
	{
		ID: "T06", Description: "no identity policy, no bucket policy: ListBucket",
		User: "t06b-alice",
		Op:   OpListBucket, Bucket: "t06b-bkt",
		AWSAllowed: false, ObservedStatus: 403,
	},
	{
		ID: "T113", Description: "inline Allow s3:GetObject on the bucket ARN (not bkt/*): wrong resource type",
		User:         "t113-alice",
		UserPolicies: []string{doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::t113-bkt"}`)},
		Op:           OpGetObject, Bucket: "t113-bkt", Key: "k",
		AWSAllowed: false, ObservedStatus: 403,
	},
	{
		ID: "T112", Description: "inline Allow s3:ListBucket on bkt/* (object ARN): wrong resource type",
		User:         "t112-alice",
		UserPolicies: []string{doc(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::t112-bkt/*"}`)},
		Op:           OpListBucket, Bucket: "t112-bkt",
		AWSAllowed: false, ObservedStatus: 403,
	},
	{
		ID: "T02", Description: "bucket policy Allow Principal=the user s3:GetObject bkt/*, no identity policy",
		User:         "t02-alice",
		BucketPolicy: doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/t02-alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::t02-bkt/*"}`),
		Op:           OpGetObject, Bucket: "t02-bkt", Key: "k",
		AWSAllowed: true, ObservedStatus: 200,
	},
	{
		ID: "T03", Description: "bucket policy Allow Principal=the account (000000000000) s3:GetObject, no identity policy",
		User:         "t03-alice",
		BucketPolicy: doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::t03-bkt/*"}`),
		Op:           OpGetObject, Bucket: "t03-bkt", Key: "k",
		AWSAllowed: false, ObservedStatus: 403,
	},
	{
		ID: "T04", Description: "inline Allow s3:* on *, bucket policy Deny Principal=* s3:GetObject bkt/*",
		User:         "t04-alice",
		UserPolicies: []string{doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)},
		BucketPolicy: doc(`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::t04-bkt/*"}`),
		Op:           OpGetObject, Bucket: "t04-bkt", Key: "k",
		AWSAllowed: false, ObservedStatus: 403,
	},
	{
		ID: "T04", Description: "inline Allow s3:GetObject bkt/*, bucket policy Deny Principal=the user",
		User:         "t04b-alice",
		UserPolicies: []string{doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::t04b-bkt/*"}`)},
		BucketPolicy: doc(`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:user/t04b-alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::t04b-bkt/*"}`),
		Op:           OpGetObject, Bucket: "t04b-bkt", Key: "k",
		AWSAllowed: false, ObservedStatus: 403,
	},
	{
		ID: "T05", Description: "bucket policy Allow the user s3:*, inline identity Deny s3:*",
		User:         "t05-alice",
		UserPolicies: []string{doc(`{"Effect":"Deny","Action":"s3:*","Resource":"*"}`)},
		BucketPolicy: doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/t05-alice"},"Action":"s3:*","Resource":["arn:aws:s3:::t05-bkt","arn:aws:s3:::t05-bkt/*"]}`),
		Op:           OpGetObject, Bucket: "t05-bkt", Key: "k",
		AWSAllowed: false, ObservedStatus: 403,
	},
	{
		ID: "T50", Description: "bucket policy Deny Principal=* s3:* on bkt and bkt/*; request by the root user",
		User:         "",
		BucketPolicy: doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::t50-bkt","arn:aws:s3:::t50-bkt/*"]}`),
		Op:           OpGetObject, Bucket: "t50-bkt", Key: "k",
		AWSAllowed: false, ObservedStatus: 200, VersityDiffers: true,
	},
	// Added for the live-mode predicted-vs-actual test (internal/livecheck).
	{
		ID: "T02", Description: "bucket policy Allow Principal=the user s3:ListBucket on the bucket ARN, no identity policy",
		User:         "t02l-alice",
		BucketPolicy: doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/t02l-alice"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::t02l-bkt"}`),
		Op:           OpListBucket, Bucket: "t02l-bkt",
		AWSAllowed: true, ObservedStatus: 200,
	},
	{
		ID: "T49", Description: "no policies at all; request by the root user",
		Op: OpGetObject, Bucket: "t49-bkt", Key: "k",
		AWSAllowed: true, ObservedStatus: 200,
	},
	{
		ID: "T81", Description: "BucketOwnerEnforced (default); inline Allow s3:PutObject bkt/*; PutObject without an ACL header",
		User:         "t81-alice",
		UserPolicies: []string{doc(`{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::t81-bkt/*"}`)},
		Op:           OpPutObject, Bucket: "t81-bkt", Key: "new",
		AWSAllowed: true, ObservedStatus: 200,
	},
	{
		ID: "T111", Description: "inline Allow s3:GetObject bkt/Reports/*; GetObject bkt/reports/q1 (resources are case-sensitive)",
		User:         "t111-alice",
		UserPolicies: []string{doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::t111-bkt/Reports/*"}`)},
		Op:           OpGetObject, Bucket: "t111-bkt", Key: "reports/q1",
		AWSAllowed: false, ObservedStatus: 403,
	},
	{
		ID: "T114", Description: "inline Allow s3:* on arn:aws:s3:::bkt* ('*' spans the bucket name and '/'); GetObject bkt-logs/2024/a",
		User:         "t114-alice",
		UserPolicies: []string{doc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::t114-bkt*"}`)},
		Op:           OpGetObject, Bucket: "t114-bkt-logs", Key: "2024/a",
		AWSAllowed: true, ObservedStatus: 200,
	},
	{
		ID: "T115", Description: "inline Allow s3:* *, Deny s3:* NotResource [bkt, bkt/*]; GetObject bkt/x",
		User: "t115-alice",
		UserPolicies: []string{doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`,
			`{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::t115-bkt","arn:aws:s3:::t115-bkt/*"]}`)},
		Op: OpGetObject, Bucket: "t115-bkt", Key: "x",
		AWSAllowed: true, ObservedStatus: 200,
	},
	{
		ID: "T117", Description: "inline Allow NotAction s3:DeleteObject on *; DeleteObject",
		User:         "t117-alice",
		UserPolicies: []string{doc(`{"Effect":"Allow","NotAction":"s3:DeleteObject","Resource":"*"}`)},
		Op:           OpDeleteObject, Bucket: "t117-bkt", Key: "k",
		AWSAllowed: false, ObservedStatus: 403,
	},
	{
		ID: "T117", Description: "inline Allow NotAction s3:DeleteObject on *; GetObject",
		User:         "t117b-alice",
		UserPolicies: []string{doc(`{"Effect":"Allow","NotAction":"s3:DeleteObject","Resource":"*"}`)},
		Op:           OpGetObject, Bucket: "t117b-bkt", Key: "k",
		AWSAllowed: true, ObservedStatus: 200,
	},
	{
		ID: "T46", Description: "inline Allow s3:GetObject bkt/*; bucket policy Deny Principal=* s3:* If Bool aws:SecureTransport=false; request over plain http",
		User:         "t46-alice",
		UserPolicies: []string{doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::t46-bkt/*"}`)},
		BucketPolicy: doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::t46-bkt","arn:aws:s3:::t46-bkt/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`),
		Op:           OpGetObject, Bucket: "t46-bkt", Key: "k",
		Context:    map[string][]string{"aws:SecureTransport": {"false"}},
		AWSAllowed: false, ObservedStatus: 403,
	},
	{
		ID: "T122", Description: "inline Allow s3:GetObject bkt/home/${aws:username}/*; alice GetObject bkt/home/<alice>/x",
		User:         "t122-alice",
		UserPolicies: []string{doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::t122-bkt/home/${aws:username}/*"}`)},
		Op:           OpGetObject, Bucket: "t122-bkt", Key: "home/t122-alice/x",
		AWSAllowed: true, ObservedStatus: 200,
	},
	{
		ID: "T122", Description: "inline Allow s3:GetObject bkt/home/${aws:username}/*; alice GetObject bkt/home/bob/x",
		User:         "t122b-alice",
		UserPolicies: []string{doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::t122b-bkt/home/${aws:username}/*"}`)},
		Op:           OpGetObject, Bucket: "t122b-bkt", Key: "home/bob/x",
		AWSAllowed: false, ObservedStatus: 403,
	},
}
