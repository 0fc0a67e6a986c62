package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/s3access/terraform-provider-s3access/cmd/s3access/internal/benchset"
	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

// Benchmarks on the generated set of issue 5: 100,000 requests, seed 1
// (format documented in package benchset). Run them with -benchtime=1x
// (scripts/bench.sh): one iteration decides the whole set; ns/request is reported.

const benchSize, benchSeed = 100000, 1

var (
	benchOnce  sync.Once
	benchJSONL []byte
)

func benchInput(b *testing.B) []byte {
	b.Helper()
	benchOnce.Do(func() {
		var buf bytes.Buffer
		if err := benchset.WriteJSONL(&buf, benchset.Generate(benchSize, benchSeed)); err != nil {
			b.Fatal(err)
		}
		benchJSONL = buf.Bytes()
	})
	return benchJSONL
}

// BenchmarkEngineGeneratedSet: s3authz.Evaluate on each request (decoded once, policies cached by the engine).
func BenchmarkEngineGeneratedSet(b *testing.B) {
	var reqs []*s3authz.Request
	for _, line := range bytes.Split(bytes.TrimSpace(benchInput(b)), []byte("\n")) {
		in, err := decodeRequest(line)
		if err != nil {
			b.Fatal(err)
		}
		reqs = append(reqs, in.engineRequest())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range reqs {
			if _, err := s3authz.Evaluate(r); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(reqs)), "ns/request")
}

// BenchmarkCheckGeneratedSet: the whole command (read JSON Lines, decide, write JSON results).
func BenchmarkCheckGeneratedSet(b *testing.B) {
	in := benchInput(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var errb bytes.Buffer
		if code := run([]string{"check"}, bytes.NewReader(in), io.Discard, &errb); code == exitBadInput {
			b.Fatalf("bad input: %s", errb.String())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchSize), "ns/request")
}

// The generated set is reproducible, valid input, and mixes decisions and layers.
func TestBenchSet(t *testing.T) {
	gen := func(seed int64) []byte {
		var buf bytes.Buffer
		if err := benchset.WriteJSONL(&buf, benchset.Generate(3000, seed)); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a, b := gen(1), gen(1)
	if sha256.Sum256(a) != sha256.Sum256(b) {
		t.Fatal("same seed, different sets")
	}
	if bytes.Equal(a, gen(2)) {
		t.Fatal("different seeds, same set")
	}
	var out, errb bytes.Buffer
	if code := run([]string{"check"}, bytes.NewReader(a), &out, &errb); code != exitDenied {
		t.Fatalf("exit %d (want 1: a mix of allowed and denied): %s", code, errb.String())
	}
	decisions, layers := map[string]int{}, map[string]int{}
	dec := json.NewDecoder(&out)
	for dec.More() {
		var o output
		if err := dec.Decode(&o); err != nil {
			t.Fatal(err)
		}
		if o.Error != "" {
			t.Fatalf("request %d: %s: %s", o.Index, o.Field, o.Error)
		}
		decisions[o.Decision]++
		layers[o.DecidingLayer]++
	}
	for _, d := range []string{"allowed", "implicit_deny", "explicit_deny"} {
		if decisions[d] == 0 {
			t.Errorf("no %s decision in the set: %v", d, decisions)
		}
	}
	for _, l := range []string{"identity", "bucket_policy", "permissions_boundary"} {
		if layers[l] == 0 {
			t.Errorf("no decision by %s in the set: %v", l, layers)
		}
	}
	t.Logf("decisions %v, layers %v", decisions, layers)
}

func TestBenchSetTerraformConfig(t *testing.T) {
	var buf bytes.Buffer
	if err := benchset.WriteChecksConfig(&buf, benchset.Generate(10, 1)); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if n := strings.Count(s, "{ principal = "); n != 10 {
		t.Errorf("%d requests in the config, want 10", n)
	}
	if !strings.Contains(s, `data "s3access_checks" "bench"`) || !strings.Contains(s, "$${aws:username}") {
		t.Errorf("unexpected config:\n%s", s)
	}
}
