package s3authz

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The golden file pins the complete Result (decision, deciding layer,
// Explanation, Layers, MatchedStatements, MissingContextKeys, Suggestions,
// Fixes, ResourceARN) or the InputError text of every corpus case of spec
// section 7 (testdata/corpus, regressions included, skipped cases too) and of
// the requests the red-team and fuzz generators build (fixed seeds). It was
// recorded from the engine before the performance work on Evaluate; any
// change to an output byte fails TestGolden. Regenerate only for an intended
// behaviour change with: go test ./internal/s3authz/ -run TestGolden -update-golden.
var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden/results.jsonl.gz from the current engine")

const goldenFile = "testdata/golden/results.jsonl.gz"

// goldenTime fixes aws:CurrentTime / aws:EpochTime for the recorded run.
var goldenTime = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

type goldenCase struct {
	id  string
	req *Request
}

// goldenCases lists the recorded requests in a fixed order.
func goldenCases(t testing.TB) []goldenCase {
	var out []goldenCase
	cases, _ := loadCorpus(t)
	for _, c := range cases {
		out = append(out, goldenCase{"corpus/" + c.ID, c.decode(t)})
	}
	// red-team generator (redteam_test.go): base requests and their
	// Deny-mutated and Deny-everything variants.
	r := rand.New(rand.NewSource(7))
	for i := 0; i < 400; i++ {
		q := rtRequest(r)
		out = append(out, goldenCase{fmt.Sprintf("redteam/%d", i), q})
		c := rtClone(q)
		c.BucketPolicy = rtAddDeny(c.BucketPolicy, rtStmt(r, "Deny", true))
		out = append(out, goldenCase{fmt.Sprintf("redteam/%d/bucket-deny", i), c})
		c = rtClone(q)
		if len(c.IdentityPolicies) > 0 {
			c.IdentityPolicies[0] = *rtAddDeny(&c.IdentityPolicies[0], rtStmt(r, "Deny", false))
			out = append(out, goldenCase{fmt.Sprintf("redteam/%d/identity-deny", i), c})
		}
	}
	r = rand.New(rand.NewSource(11))
	for i := 0; i < 100; i++ {
		c := rtRequest(r)
		c.ServiceControlPolicies = [][]string{{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*"}]}`}}
		out = append(out, goldenCase{fmt.Sprintf("redteam-scp/%d", i), c})
	}
	// fuzz generator (fuzz_test.go) over pseudo-random inputs: covers KMS,
	// copies, ACLs, ownership and BPA combinations.
	r = rand.New(rand.NewSource(3))
	for i := 0; i < 600; i++ {
		b := make([]byte, 40)
		r.Read(b)
		out = append(out, goldenCase{fmt.Sprintf("fuzz/%d", i), fuzzRequest(b)})
	}
	// SSE-KMS variants of the benchmark request: callers, actions, key
	// policies, copy sources and request headers (spec 5).
	keyPolicies := []*string{nil,
		sp(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}]}`),
		sp(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/bob"},"Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}]}`),
		sp(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringNotEquals":{"kms:EncryptionContext:aws:s3:arn":"arn:aws:s3:::bkt/reports/2024/q1.csv"}}}]}`)}
	keys := []string{K, "", "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:us-east-1:111111111111:alias/aws/s3"}
	ctxs := []map[string][]string{
		{"aws:SourceIp": {"198.51.100.7"}, "aws:PrincipalTag/team": {"red"}},
		{"aws:SourceIp": {"198.51.100.7"}, "s3:x-amz-copy-source": {"/bkt/reports/a"}, "s3access:CopySourceSSE": {"aws:kms"}},
		{"aws:SourceIp": {"198.51.100.7"}, "s3:x-amz-copy-source": {"/bkt/reports/a"}, "s3access:CopySourceSSE": {"aws:kms"}, "s3access:CopySourceKMSKeyArn": {K},
			"s3access:CopySourceKeyPolicy": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"kms:*","Resource":"*"}]}`}},
		{"aws:SourceIp": {"198.51.100.7"}, "s3:x-amz-server-side-encryption": {"aws:kms"}, "s3:x-amz-grant-read": {"id=" + strings.Repeat("a", 64)}, "s3:x-amz-grant-full-control": {"id=" + strings.Repeat("b", 64)}},
		{"aws:SourceIp": {"198.51.100.7"}, "aws:SecureTransport": {"false"}, "aws:RequestedRegion": {"eu-west-1"}},
		{"aws:SourceIp": {"203.0.113.9"}, "s3:x-amz-acl": {"public-read"}, "s3:signatureversion": {"AWS"}},
	}
	actions := []string{"s3:GetObject", "s3:PutObject", "HeadObject", "CopyObject", "UploadPart", "s3:PutObjectAcl", "s3:ListBucket", "GetObjectAttributes"}
	r = rand.New(rand.NewSource(5))
	for i := 0; i < 300; i++ {
		q := benchRequest()
		q.Principal = rtPick(r, rtPrincipals)
		q.BucketAccountID = "111111111111"
		q.Action = rtPick(r, actions)
		if q.Action == "s3:ListBucket" {
			q.Key = nil
		}
		q.Encryption.KeyPolicy = keyPolicies[r.Intn(len(keyPolicies))]
		q.Encryption.KMSKeyARN = rtPick(r, keys)
		q.Encryption.BucketKeyEnabled = r.Intn(2) == 0
		q.Context = ctxs[r.Intn(len(ctxs))]
		if q.Action == "CopyObject" && q.Context["s3:x-amz-copy-source"] == nil {
			q.Context = ctxs[1+r.Intn(2)]
		}
		if r.Intn(3) == 0 {
			q.ObjectOwnership = "ObjectWriter"
			q.BucketACL = &ACL{Canned: rtPick(r, []string{"private", "public-read", "authenticated-read"})}
		}
		if r.Intn(4) == 0 {
			q.BlockPublicAccess = nil
		}
		out = append(out, goldenCase{fmt.Sprintf("kms/%d", i), q})
	}
	return out
}

type goldenRecord struct {
	ID     string  `json:"id"`
	Error  string  `json:"error,omitempty"`
	Result *Result `json:"result,omitempty"`
}

func goldenRecords(t testing.TB) []goldenRecord {
	saved := now
	now = func() time.Time { return goldenTime }
	defer func() { now = saved }()
	var recs []goldenRecord
	for _, c := range goldenCases(t) {
		res, err := Evaluate(c.req)
		rec := goldenRecord{ID: c.id, Result: res}
		if err != nil {
			rec.Error = err.Error()
		}
		recs = append(recs, rec)
	}
	return recs
}

func encodeRecord(t testing.TB, r goldenRecord) string {
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGolden: every recorded request yields byte-identical output.
func TestGolden(t *testing.T) {
	recs := goldenRecords(t)
	if *updateGolden {
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if _, err := io.WriteString(zw, encodeRecord(t, r)+"\n"); err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(goldenFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenFile, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d records to %s", len(recs), goldenFile)
		return
	}
	f, err := os.Open(goldenFile)
	if err != nil {
		t.Fatalf("golden file missing (%v): it is committed; regenerate only for an intended change with -update-golden", err)
	}
	// Read-only file: a Close error cannot lose data, and every read error
	// already surfaces through gzip or the scanner.
	defer func() { _ = f.Close() }()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	var order []string
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r goldenRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		want[r.ID] = sc.Text()
		order = append(order, r.ID)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(order) != len(recs) {
		t.Errorf("golden has %d records, the generators now build %d", len(order), len(recs))
	}
	nAllowed, nErr, bad := 0, 0, 0
	for _, r := range recs {
		got := encodeRecord(t, r)
		w, ok := want[r.ID]
		switch {
		case !ok:
			t.Errorf("%s: not in the golden file", r.ID)
		case got != w:
			bad++
			if bad <= 5 {
				t.Errorf("%s: output changed\n got: %s\nwant: %s\nfirst difference at byte %d: %q", r.ID, got, w, firstDiff(got, w), excerpt(got, firstDiff(got, w)))
			}
		}
		if r.Result != nil && r.Result.Allowed {
			nAllowed++
		}
		if r.Error != "" {
			nErr++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d records differ from %s", bad, len(recs), goldenFile)
	}
	// the recorded set must exercise both outcomes and input errors, or it
	// guards little
	if nAllowed < 50 || len(recs)-nAllowed-nErr < 50 || nErr < 10 {
		t.Errorf("golden set too one-sided: %d allowed, %d errors, %d records", nAllowed, nErr, len(recs))
	}
}

func firstDiff(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

func excerpt(s string, i int) string {
	lo, hi := i-60, i+60
	if lo < 0 {
		lo = 0
	}
	if hi > len(s) {
		hi = len(s)
	}
	return strings.ToValidUTF8(s[lo:hi], "?")
}

// TestGoldenConcurrent: Evaluate shares pooled engine buffers and cached base
// contexts between calls; concurrent calls give the same output as one at a
// time (run with -race).
func TestGoldenConcurrent(t *testing.T) {
	saved := now
	now = func() time.Time { return goldenTime }
	defer func() { now = saved }()
	cases := goldenCases(t)
	if testing.Short() {
		cases = cases[:300]
	}
	want := make([]string, len(cases))
	for i, c := range cases {
		res, err := Evaluate(c.req)
		want[i] = encodeRecord(t, goldenRecord{ID: c.id, Result: res, Error: errText(err)})
	}
	const workers = 4
	errs := make(chan string, workers)
	for w := 0; w < workers; w++ {
		go func(w int) {
			bad := ""
			for i := len(cases) - 1 - w; i >= 0; i -= 1 + w%2 {
				res, err := Evaluate(cases[i].req)
				if got := encodeRecord(t, goldenRecord{ID: cases[i].id, Result: res, Error: errText(err)}); got != want[i] && bad == "" {
					bad = cases[i].id + ": concurrent output differs"
				}
			}
			errs <- bad
		}(w)
	}
	for w := 0; w < workers; w++ {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestLayerSlots: the fixed slots result() fills match layerOrder (the
// order of Result.Layers, ARCHITECTURE section 2).
func TestLayerSlots(t *testing.T) {
	for _, c := range []struct {
		slot int
		want string
	}{{slotACL, "acl"}, {slotBPA, "block_public_access"}, {slotOwnership, "object_ownership"}, {slotKMS, "kms"}} {
		if got := string(layerOrder[c.slot]); got != c.want {
			t.Errorf("slot %d is %s, want %s", c.slot, got, c.want)
		}
		if layerSlot(c.want) != c.slot {
			t.Errorf("layerSlot(%s) = %d, want %d", c.want, layerSlot(c.want), c.slot)
		}
	}
	if layerSlot("root") != -1 || layerSlot("none") != -1 {
		t.Error("root/none have no slot")
	}
}
