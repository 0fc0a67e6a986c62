// Command gen writes a reproducible benchmark request set (see package benchset):
//
//	go run ./cmd/s3access/internal/benchset/gen -n 100000 -seed 1 -format jsonl > requests.jsonl
//	go run ./cmd/s3access/internal/benchset/gen -n 1000 -seed 1 -format tf > main.tf
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/s3access/terraform-provider-s3access/cmd/s3access/internal/benchset"
)

func main() {
	n := flag.Int("n", 100000, "number of requests")
	seed := flag.Int64("seed", 1, "random seed (the same seed gives the same set)")
	format := flag.String("format", "jsonl", "jsonl (s3access check input) or tf (one s3access_checks data source)")
	flag.Parse()
	w := bufio.NewWriter(os.Stdout)
	reqs := benchset.Generate(*n, *seed)
	var err error
	switch *format {
	case "jsonl":
		err = benchset.WriteJSONL(w, reqs)
	case "tf":
		err = benchset.WriteChecksConfig(w, reqs)
	default:
		err = fmt.Errorf("unknown format %q", *format)
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(2)
	}
}
