package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The scenario corpus of internal/s3authz (spec section 7, T01-T157, and the
// red-team regressions R01...) run through the s3access_check data source, one Terraform configuration per
// corpus file, and through cmd/s3access: both must give the corpus's decision
// and deciding layer, and the same explanation, suggestions and trace.

const corpusDir = "../s3authz/testdata/corpus"

type corpusCase struct {
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

// loadCorpus returns the corpus files' cases (regressions.json included) by
// file, without the engine's skip list.
func loadCorpus(t *testing.T) map[string][]corpusCase {
	t.Helper()
	var skips []struct{ ID string }
	b, err := os.ReadFile(filepath.Join(corpusDir, "skip.json"))
	if err != nil {
		t.Fatalf("corpus skip list: %v", err)
	}
	if err := json.Unmarshal(b, &skips); err != nil {
		t.Fatalf("corpus skip list: %v", err)
	}
	skip := map[string]bool{}
	for _, s := range skips {
		skip[s.ID] = true
	}
	files, _ := filepath.Glob(filepath.Join(corpusDir, "7*.json"))
	if len(files) == 0 {
		t.Fatalf("no corpus files in %s", corpusDir)
	}
	// regressions.json: the red-team findings (R01...), same format; one more batch.
	files = append(files, filepath.Join(corpusDir, "regressions.json"))
	out := map[string][]corpusCase{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cases []corpusCase
		if err := json.Unmarshal(b, &cases); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, c := range cases {
			if !skip[c.ID] {
				out[filepath.Base(f)] = append(out[filepath.Base(f)], c)
			}
		}
	}
	return out
}

// cliResult is one result line of `s3access check`.
type cliResult struct {
	ID                 string   `json:"id"`
	Allowed            bool     `json:"allowed"`
	Decision           string   `json:"decision"`
	DecidingLayer      string   `json:"deciding_layer"`
	Explanation        string   `json:"explanation"`
	MissingContextKeys []string `json:"missing_context_keys"`
	Suggestions        []string `json:"suggestions"`
	ResourceARN        string   `json:"resource_arn"`
	Layers             []struct {
		Layer, Result, Detail string
	} `json:"layers"`
	MatchedStatements []struct {
		Layer          string `json:"layer"`
		PolicyIndex    int64  `json:"policy_index"`
		StatementIndex int64  `json:"statement_index"`
		Sid            string `json:"sid"`
		Effect         string `json:"effect"`
	} `json:"matched_statements"`
	Error string `json:"error"`
	Field string `json:"field"`
}

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
)

// buildCLI builds cmd/s3access once per test run.
func buildCLI(t *testing.T) string {
	t.Helper()
	cliOnce.Do(func() {
		dir, err := os.MkdirTemp("", "s3access-cli-")
		if err != nil {
			cliErr = err
			return
		}
		cliPath = filepath.Join(dir, "s3access")
		cmd := exec.Command("go", "build", "-o", cliPath, "../../cmd/s3access")
		if out, err := cmd.CombinedOutput(); err != nil {
			cliErr = fmt.Errorf("go build cmd/s3access: %v\n%s", err, out)
		}
	})
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	return cliPath
}

// runCLIOnCases runs the cases through the command as JSON Lines with their ids.
func runCLIOnCases(t *testing.T, cases []corpusCase) map[string]cliResult {
	t.Helper()
	var in bytes.Buffer
	for _, c := range cases {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(c.Input, &m); err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
		m["id"], _ = json.Marshal(c.ID)
		line, _ := json.Marshal(m)
		in.Write(line)
		in.WriteByte('\n')
	}
	cmd := exec.Command(buildCLI(t), "check")
	cmd.Stdin = &in
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	_ = cmd.Run() // exit status 0/1/2 is checked per result
	res := map[string]cliResult{}
	dec := json.NewDecoder(&out)
	for dec.More() {
		var r cliResult
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("cli output: %v (stderr %s)", err, errb.String())
		}
		res[r.ID] = r
	}
	if len(res) != len(cases) {
		t.Fatalf("cli: %d results for %d cases (stderr %s)", len(res), len(cases), errb.String())
	}
	return res
}

func blockName(id string) string { return "c_" + strings.ToLower(id) }

func TestCorpusThroughDataSourceAndCLI(t *testing.T) {
	corpus := loadCorpus(t)
	files := make([]string, 0, len(corpus))
	for f := range corpus {
		files = append(files, f)
	}
	sort.Strings(files)
	total := 0
	for _, file := range files {
		cases := corpus[file]
		t.Run(file, func(t *testing.T) {
			cli := runCLIOnCases(t, cases)
			var config strings.Builder
			var checks []statecheck.StateCheck
			for _, c := range cases {
				r := cli[c.ID]
				if c.Expect.ErrorField != "" {
					if r.Error == "" || !strings.HasPrefix(r.Field, c.Expect.ErrorField) {
						t.Errorf("%s (spec %s, %s): cli: want an error on %s, got %+v", c.ID, c.Spec, c.Title, c.Expect.ErrorField, r)
					}
					continue // error cases: TestCorpusErrorCasesThroughDataSource
				}
				if r.Error != "" {
					t.Errorf("%s (spec %s, %s): cli: error %s: %s", c.ID, c.Spec, c.Title, r.Field, r.Error)
					continue
				}
				if r.Decision != c.Expect.Decision || r.DecidingLayer != c.Expect.DecidingLayer {
					t.Errorf("%s (spec %s, %s): cli: %s/%s, corpus expects %s/%s", c.ID, c.Spec, c.Title,
						r.Decision, r.DecidingLayer, c.Expect.Decision, c.Expect.DecidingLayer)
				}
				block, err := checkBlock(blockName(c.ID), c.Input)
				if err != nil {
					t.Fatalf("%s: %v", c.ID, err)
				}
				config.WriteString(block)
				addr := "data.s3access_check." + blockName(c.ID)
				str := func(s string) knownvalue.Check { return knownvalue.StringExact(s) }
				strs := func(ss []string) knownvalue.Check {
					cs := make([]knownvalue.Check, len(ss))
					for i, s := range ss {
						cs[i] = str(s)
					}
					return knownvalue.ListExact(cs)
				}
				layers := make([]knownvalue.Check, len(r.Layers))
				for i, l := range r.Layers {
					layers[i] = knownvalue.ObjectExact(map[string]knownvalue.Check{"layer": str(l.Layer), "result": str(l.Result), "detail": str(l.Detail)})
				}
				matched := make([]knownvalue.Check, len(r.MatchedStatements))
				for i, m := range r.MatchedStatements {
					matched[i] = knownvalue.ObjectExact(map[string]knownvalue.Check{
						"layer": str(m.Layer), "policy_index": knownvalue.Int64Exact(m.PolicyIndex),
						"statement_index": knownvalue.Int64Exact(m.StatementIndex), "sid": str(m.Sid), "effect": str(m.Effect),
					})
				}
				checks = append(checks,
					// the corpus's expectation ...
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("decision"), str(c.Expect.Decision)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("deciding_layer"), str(c.Expect.DecidingLayer)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("allowed"), knownvalue.Bool(c.Expect.Decision == "allowed")),
					// ... and everything else identical to the command-line checker.
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("explanation"), str(r.Explanation)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("resource_arn"), str(r.ResourceARN)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("suggestions"), strs(r.Suggestions)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("missing_context_keys"), strs(r.MissingContextKeys)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("layers"), knownvalue.ListExact(layers)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("matched_statements"), knownvalue.ListExact(matched)),
				)
				total++
			}
			if len(checks) == 0 {
				return
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: config.String(), ConfigStateChecks: checks}},
			})
		})
	}
	t.Logf("%d corpus cases decided through s3access_check and cmd/s3access", total)
}

// Corpus cases whose input is invalid: the data source reports an attribute
// error on the argument the corpus names.
func TestCorpusErrorCasesThroughDataSource(t *testing.T) {
	n := 0
	for _, cases := range loadCorpus(t) {
		for _, c := range cases {
			if c.Expect.ErrorField == "" {
				continue
			}
			n++
			block, err := checkBlock("bad", c.Input)
			if err != nil {
				t.Fatal(err)
			}
			t.Run(c.ID, func(t *testing.T) {
				resource.UnitTest(t, resource.TestCase{
					ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
					Steps: []resource.TestStep{{
						Config:      block,
						ExpectError: regexp.MustCompile(`Invalid ` + regexp.QuoteMeta(c.Expect.ErrorField)),
					}},
				})
			})
		}
	}
	if n == 0 {
		t.Skip("the corpus has no invalid-input cases")
	}
}
