package lint

import "testing"

// TestQuickstartSeeds: the policies of examples/quickstart (the classic S3 403
// causes, spec 7.2) each produce the finding that would have prevented them,
// where a mistake in one policy is the cause. Cause 1 (a permission that is
// simply not granted) and cause 5 (kms:Decrypt missing) are not mistakes
// inside a policy; s3access_policy_document prevents them (TestPolicyDocumentProved).
func TestQuickstartSeeds(t *testing.T) {
	cases := []struct {
		name, kind, policy string
		want               []string
	}{
		{"cause 2 (T112): object action on the bucket ARN", "identity",
			`{"Version":"2012-10-17","Statement":[{"Sid":"ReadArtifacts","Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":"arn:aws:s3:::build-artifacts"}]}`,
			[]string{CodeObjectActionBucketARN}},
		{"cause 3 (T42-T44): NotIpAddress deny", "bucket",
			`{"Version":"2012-10-17","Statement":[{"Sid":"OfficeOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::finance","arn:aws:s3:::finance/*"],"Condition":{"NotIpAddress":{"aws:SourceIp":"198.51.100.0/24"}}}]}`,
			[]string{CodeSourceIPDeny, CodeOwnerLockout}},
		{"cause 4 (T55, T56): public website policy", "bucket",
			`{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::www.example.com/*"}]}`,
			[]string{CodePublicGrant}},
		{"cause 6 (T83, T87): partner uploads without bucket-owner-full-control", "bucket",
			`{"Version":"2012-10-17","Statement":[{"Sid":"PartnerUpload","Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::inbox/from-partner/*"}]}`,
			[]string{CodeCrossAccountPut, CodeCrossAccountGrant}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Lint(c.policy, c.kind, Options{BucketAccountID: own})
			if err != nil {
				t.Fatal(err)
			}
			for _, code := range c.want {
				if _, ok := has(r, code); !ok {
					t.Errorf("want %s, got %v", code, r.Findings)
				}
			}
		})
	}
}

func TestLintInputs(t *testing.T) {
	if _, err := Lint(`{}`, "user", Options{}); err == nil {
		t.Error("unknown kind accepted")
	}
	if _, err := Lint(`{}`, "bucket", Options{BucketAccountID: "12"}); err == nil {
		t.Error("bad bucket_account_id accepted")
	}
	// Not even JSON: one error finding, no panic.
	r, err := Lint(`not json`, "identity", Options{})
	if err != nil || r.ErrorCount != 1 || r.Findings[0].Code != CodeInvalidPolicy || r.Findings[0].StatementIndex != -1 {
		t.Errorf("not json: %v %v", r, err)
	}
	// One bad statement does not hide the others' findings.
	r, _ = Lint(doc(`{"Effect":"Maybe","Action":"s3:GetObject","Resource":"*"}`, `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt"}`), "identity", Options{})
	if _, ok := has(r, CodeInvalidPolicy); !ok {
		t.Errorf("bad Effect not reported: %v", r.Findings)
	}
	if f, ok := has(r, CodeObjectActionBucketARN); !ok || f.StatementIndex != 1 {
		t.Errorf("statement 1 not checked: %v", r.Findings)
	}
	if DetectKind(doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`)) != "bucket" ||
		DetectKind(doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)) != "identity" {
		t.Error("DetectKind")
	}
}

// TestEveryS3ActionResourceType: the resource-type check follows the catalog
// for every S3 action, not a hand list: each object action is reported on a
// bucket ARN and not on an object ARN; each bucket action the reverse.
func TestEveryS3ActionResourceType(t *testing.T) {
	n := 0
	for _, a := range s3Actions() {
		var onBucket, onObject bool
		switch {
		case a.IsObjectAction():
			onBucket = true
		case a.IsBucketAction():
			onObject = true
		default:
			continue
		}
		n++
		for _, c := range []struct {
			res  string
			code string
			want bool
		}{
			{"arn:aws:s3:::bkt", CodeObjectActionBucketARN, onBucket},
			{"arn:aws:s3:::bkt/*", CodeBucketActionObjectARN, onObject},
			{"arn:aws:s3:::bkt/*", CodeObjectActionBucketARN, false},
			{"arn:aws:s3:::bkt", CodeBucketActionObjectARN, false},
		} {
			r, _ := Lint(doc(`{"Effect":"Allow","Action":"`+a.FullName()+`","Resource":"`+c.res+`"}`), "identity", Options{})
			if _, got := has(r, c.code); got != c.want {
				t.Errorf("%s on %s: %s reported=%v, want %v", a.FullName(), c.res, c.code, got, c.want)
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d S3 bucket/object actions checked", n)
	}
}

func s3Actions() []s3modelAction { return s3modelActions("s3") }
