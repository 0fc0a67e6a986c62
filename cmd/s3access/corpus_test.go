package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The scenario corpus of internal/s3authz (spec section 7, and the red-team
// regressions R01...) through the command:
// every case gets the corpus's decision and deciding layer (or an error on the
// argument the corpus names), and the exit status matches the decision.
func TestCorpus(t *testing.T) {
	dir := "../../internal/s3authz/testdata/corpus"
	var skips []struct{ ID string }
	b, err := os.ReadFile(filepath.Join(dir, "skip.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &skips); err != nil {
		t.Fatal(err)
	}
	skip := map[string]bool{}
	for _, s := range skips {
		skip[s.ID] = true
	}
	files, _ := filepath.Glob(filepath.Join(dir, "7*.json"))
	if len(files) == 0 {
		t.Fatal("no corpus files")
	}
	// regressions.json: the red-team findings (R01...), same format.
	files = append(files, filepath.Join(dir, "regressions.json"))
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cases []struct {
			ID     string          `json:"id"`
			Spec   string          `json:"spec"`
			Title  string          `json:"title"`
			Input  json.RawMessage `json:"input"`
			Expect struct {
				Decision      string `json:"decision"`
				DecidingLayer string `json:"deciding_layer"`
				ErrorField    string `json:"error_field"`
			} `json:"expect"`
		}
		if err := json.Unmarshal(b, &cases); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, c := range cases {
			if skip[c.ID] {
				continue
			}
			n++
			var out, errb bytes.Buffer
			code := run([]string{"check"}, bytes.NewReader(c.Input), &out, &errb)
			var r output
			if err := json.Unmarshal(out.Bytes(), &r); err != nil {
				t.Errorf("%s: output %q: %v", c.ID, out.String(), err)
				continue
			}
			if c.Expect.ErrorField != "" {
				if code != exitBadInput || !strings.HasPrefix(r.Field, c.Expect.ErrorField) {
					t.Errorf("%s (spec %s, %s): want exit 2 and an error on %s, got exit %d %+v", c.ID, c.Spec, c.Title, c.Expect.ErrorField, code, r)
				}
				continue
			}
			if r.Decision != c.Expect.Decision || r.DecidingLayer != c.Expect.DecidingLayer {
				t.Errorf("%s (spec %s, %s): got %s/%s (error %q), want %s/%s", c.ID, c.Spec, c.Title,
					r.Decision, r.DecidingLayer, r.Error, c.Expect.Decision, c.Expect.DecidingLayer)
			}
			want := exitDenied
			if c.Expect.Decision == "allowed" {
				want = exitAllowed
			}
			if code != want {
				t.Errorf("%s: exit %d, want %d", c.ID, code, want)
			}
		}
	}
	t.Logf("%d corpus cases", n)
}
