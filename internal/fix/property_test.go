package fix

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// Property (issue 8 tests): whatever the existing policy, putting and then
// removing our statement keeps every foreign statement semantically, the
// intermediate policy holds ours exactly once, and a second put is a no-op.
// Policies are generated with ten foreign statements in varied spellings
// (string or list, object or array Statement, with or without Sid, Deny and
// Allow, conditions), from fixed seeds so failures reproduce.

var (
	genPrincipals = []string{`"*"`, `{"AWS":"*"}`, `{"AWS":"111122223333"}`, `{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::444455556666:role/r"]}`,
		`{"Service":"logging.s3.amazonaws.com"}`, `{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}`}
	genActions   = []string{`"s3:GetObject"`, `["s3:GetObject","s3:PutObject"]`, `"s3:*"`, `["S3:ListBucket"]`, `"s3:Get*"`}
	genResources = []string{`"arn:aws:s3:::bkt/*"`, `["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]`, `"arn:aws:s3:::bkt/logs/*"`, `["arn:aws:s3:::bkt"]`}
	genConds     = []string{``, `,"Condition":{"Bool":{"aws:SecureTransport":"false"}}`, `,"Condition":{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}`,
		`,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"StringLike":{"s3:prefix":["home/*"]}}`, `,"Condition":{"NumericLessThan":{"s3:max-keys":10}}`}
)

func genStatement(r *rand.Rand, i int) string {
	var b strings.Builder
	b.WriteString("{")
	if r.Intn(3) > 0 {
		fmt.Fprintf(&b, `"Sid":"Foreign%d",`, i)
	}
	eff := "Allow"
	if r.Intn(3) == 0 {
		eff = "Deny"
	}
	fmt.Fprintf(&b, `"Effect":%q,"Principal":%s,"Action":%s,"Resource":%s%s}`, eff,
		genPrincipals[r.Intn(len(genPrincipals))], genActions[r.Intn(len(genActions))], genResources[r.Intn(len(genResources))], genConds[r.Intn(len(genConds))])
	return b.String()
}

func genPolicy(r *rand.Rand, n int) string {
	sts := make([]string, n)
	for i := range sts {
		sts[i] = genStatement(r, i)
	}
	head := `{"Version":"2012-10-17",`
	if r.Intn(2) == 0 {
		head += `"Id":"generated",`
	}
	return head + `"Statement":[` + strings.Join(sts, ",") + `]}`
}

func TestPropertyForeignStatementsKept(t *testing.T) {
	mine := mustStmt(t, `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/app/*"}`, "Mine")
	for seed := int64(1); seed <= 300; seed++ {
		r := rand.New(rand.NewSource(seed))
		doc := genPolicy(r, 10)
		before, err := policy.Parse(doc, policy.KindBucket)
		if err != nil {
			t.Fatalf("seed %d: generated policy invalid: %v\n%s", seed, err, doc)
		}
		put, err := PlanPut(&doc, policy.KindBucket, mine)
		if err != nil || !put.Changed {
			t.Fatalf("seed %d: put: %v", seed, err)
		}
		mid, err := policy.Parse(put.Doc, policy.KindBucket)
		if err != nil {
			t.Fatalf("seed %d: merged policy invalid: %v", seed, err)
		}
		if len(mid.Statements) != 11 {
			t.Fatalf("seed %d: %d statements after put", seed, len(mid.Statements))
		}
		count := 0
		for _, s := range mid.Statements {
			if s.Sid == "Mine" {
				count++
				if !SameStatement(s, mine) {
					t.Fatalf("seed %d: our statement changed", seed)
				}
			}
		}
		if count != 1 {
			t.Fatalf("seed %d: %d statements with our Sid", seed, count)
		}
		if ok, err := OthersKept(&doc, &put.Doc, policy.KindBucket); !ok || err != nil {
			t.Fatalf("seed %d: foreign statements not kept by put (%v)\nbefore %s\nafter  %s", seed, err, doc, put.Doc)
		}
		again, err := PlanPut(&put.Doc, policy.KindBucket, mine)
		if err != nil || again.Changed {
			t.Fatalf("seed %d: second put changed the policy (%v)", seed, err)
		}
		rm, err := PlanRemove(&put.Doc, policy.KindBucket, "Mine")
		if err != nil || !rm.Changed || rm.Delete {
			t.Fatalf("seed %d: remove %+v %v", seed, rm, err)
		}
		after, err := policy.Parse(rm.Doc, policy.KindBucket)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if !policy.Equivalent(before, after) {
			t.Fatalf("seed %d: not equivalent after put+remove\nbefore %s\nafter  %s", seed, doc, rm.Doc)
		}
	}
}

// OthersKept must detect a lost or altered foreign statement (the read-back
// check that catches a concurrent writer); otherwise the property above
// could not fail.
func TestOthersKeptDetectsLoss(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	doc := genPolicy(r, 10)
	p, _ := policy.Parse(doc, policy.KindBucket)
	for drop := 0; drop < 10; drop++ {
		np := &policy.Policy{Version: p.Version, ID: p.ID, Kind: p.Kind}
		for i, s := range p.Statements {
			if i != drop {
				np.Statements = append(np.Statements, s)
			}
		}
		b, _ := np.CanonicalJSON()
		out := string(b)
		if ok, _ := OthersKept(&doc, &out, policy.KindBucket); ok {
			t.Fatalf("dropping statement %d not detected", drop)
		}
		// Except-listed Sids may go.
		if sid := p.Statements[drop].Sid; sid != "" {
			if ok, _ := OthersKept(&doc, &out, policy.KindBucket, sid); !ok {
				t.Fatalf("dropping excepted statement %s reported", sid)
			}
		}
	}
	altered := strings.Replace(doc, `"Effect":"Allow"`, `"Effect":"Deny"`, 1)
	if altered != doc {
		if ok, _ := OthersKept(&doc, &altered, policy.KindBucket); ok {
			t.Fatal("altered statement not detected")
		}
	}
}
