// Command s3access decides S3 requests offline with the same engine as the
// s3access Terraform provider.
//
//	s3access check [--explain] [file|-]
//
// The input is one JSON request, a JSON array of requests, or JSON Lines (one
// request per line). A request's field names are exactly the arguments of the
// s3access_check data source (principal, action, bucket, key,
// identity_policies, bucket_policy, block_public_access, context, ...);
// policies may be JSON objects or strings holding JSON. An optional "id" is
// echoed in the result.
//
// For every request one JSON line is written with the computed attribute
// names of s3access_check (allowed, decision, deciding_layer, explanation,
// layers, matched_statements, missing_context_keys, suggestions,
// resource_arn) plus "index" (position in the input) and "id". A request with
// bad input gets {"index", "id", "error", "field"} instead. With --explain a
// human-readable report is written instead of JSON.
//
// Exit status: 0 every request allowed, 1 at least one not allowed (denied,
// rejected or unknown), 2 bad input or usage (takes precedence).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

// evaluate is the decision engine (a variable so tests can observe calls).
var evaluate = s3authz.Evaluate

const (
	exitAllowed  = 0
	exitDenied   = 1
	exitBadInput = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `usage: s3access check [--explain] [file|-]

Decides S3 requests offline. Input (file, or standard input when absent or "-"):
one JSON request, a JSON array of requests, or JSON Lines. Field names are the
arguments of the s3access_check data source; policies are JSON objects or strings.
Output: one JSON result per request (or a report with --explain).
Exit status: 0 all allowed, 1 some denied, 2 bad input.
`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "check" {
		if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
			report(stdout, "%s", usage)
			return exitAllowed
		}
		report(stderr, "%s", usage)
		return exitBadInput
	}
	fs := flag.NewFlagSet("s3access check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	explain := fs.Bool("explain", false, "print the explanation for humans instead of JSON")
	fs.Usage = func() { report(stderr, "%s", usage) }
	if err := fs.Parse(args[1:]); err != nil {
		return exitBadInput
	}
	if fs.NArg() > 1 {
		report(stderr, "%s", usage)
		return exitBadInput
	}
	in := stdin
	if name := fs.Arg(0); name != "" && name != "-" {
		f, err := os.Open(name)
		if err != nil {
			report(stderr, "s3access: %v\n", err)
			return exitBadInput
		}
		defer func() { _ = f.Close() }() // opened read-only: a failed close loses nothing
		in = f
	}
	w := bufio.NewWriterSize(stdout, 64<<10)
	c := &checker{w: w, stderr: stderr, explain: *explain}
	if err := c.each(in); err != nil {
		report(stderr, "s3access: %v\n", err)
		c.bad = true
	}
	if err := w.Flush(); err != nil {
		report(stderr, "s3access: writing the results: %v\n", err)
		c.bad = true
	}
	switch {
	case c.bad:
		return exitBadInput
	case c.n == 0:
		report(stderr, "s3access: no request in the input\n")
		return exitBadInput
	case c.denied:
		return exitDenied
	}
	return exitAllowed
}

type checker struct {
	w       *bufio.Writer
	enc     *json.Encoder
	stderr  io.Writer
	explain bool

	n      int
	bad    bool
	denied bool
}

// each reads the input as one value, a JSON array or a stream of values and
// checks every request. A JSON syntax error stops the reading (the stream
// cannot be resynchronised); any other bad request is reported and skipped.
func (c *checker) each(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	first, err := firstByte(br)
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	dec := json.NewDecoder(br)
	dec.DisallowUnknownFields()
	// next decodes one request; a syntax error ends the input.
	next := func() (bool, error) {
		var in inputRequest
		err := dec.Decode(&in)
		if err == io.EOF {
			return false, nil
		}
		var se *json.SyntaxError
		if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
			return false, fmt.Errorf("request %d: %w", c.n, err)
		}
		if err != nil {
			err = readError(err)
		}
		c.check(&in, err)
		return true, nil
	}
	if first != '[' {
		for {
			if more, err := next(); !more || err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	for dec.More() {
		if _, err := next(); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("after request %d: %w", c.n, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON array")
	}
	return nil
}

func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		if b == ' ' || b == '\t' || b == '\n' || b == '\r' {
			continue
		}
		return b, br.UnreadByte()
	}
}

// check decides one decoded request; err is its decoding error, if any.
func (c *checker) check(in *inputRequest, err error) {
	index := c.n
	c.n++
	if err == nil {
		err = in.validate()
	}
	var res *s3authz.Result
	if err == nil {
		r := in.engineRequest()
		res, err = evaluate(r)
	}
	id := in.ID
	var o *output
	if err != nil {
		c.bad = true
		o = errorOutput(id, index, err)
	} else {
		o = resultOutput(id, index, res)
		if !o.Allowed {
			c.denied = true
		}
	}
	if c.explain {
		c.writeExplained(o, in)
		return
	}
	if c.enc == nil {
		c.enc = json.NewEncoder(c.w)
		c.enc.SetEscapeHTML(false)
	}
	if err := c.enc.Encode(o); err != nil {
		report(c.stderr, "s3access: writing result %d: %v\n", index, err)
		c.bad = true
	}
}

func (c *checker) writeExplained(o *output, in *inputRequest) {
	var b bytes.Buffer
	label := fmt.Sprintf("request %d", o.Index)
	if len(o.ID) > 0 {
		label += " " + string(o.ID)
	}
	if in != nil && in.Principal != nil && in.Action != nil {
		label += ": " + *in.Principal + " " + *in.Action
		if o.ResourceARN != "" {
			label += " " + o.ResourceARN
		}
	}
	if o.Error != "" {
		where := ""
		if o.Field != "" {
			where = o.Field + ": "
		}
		fmt.Fprintf(&b, "%s\n  BAD INPUT: %s%s\n\n", label, where, o.Error)
		c.write(o.Index, b.Bytes())
		return
	}
	verdict := "DENIED"
	if o.Allowed {
		verdict = "ALLOWED"
	}
	fmt.Fprintf(&b, "%s\n  %s (%s, deciding layer: %s)\n", label, verdict, o.Decision, o.DecidingLayer)
	for _, line := range strings.Split(strings.TrimRight(o.Explanation, "\n"), "\n") {
		b.WriteString("  " + line + "\n")
	}
	if len(o.MissingContextKeys) > 0 {
		fmt.Fprintf(&b, "  missing context keys: %s\n", strings.Join(o.MissingContextKeys, ", "))
	}
	for _, s := range o.Suggestions {
		if strings.Contains(o.Explanation, s) {
			continue // the explanation already ends with its fixes
		}
		b.WriteString("  fix: " + strings.ReplaceAll(s, "\n", "\n       ") + "\n")
	}
	b.WriteString("\n")
	c.write(o.Index, b.Bytes())
}

// write writes one explained result; a failed write makes the run bad input
// (exit 2), like a failed JSON result.
func (c *checker) write(index int, p []byte) {
	if _, err := c.w.Write(p); err != nil {
		report(c.stderr, "s3access: writing result %d: %v\n", index, err)
		c.bad = true
	}
}

// report writes a message for the user (usage, errors). A failure to write
// to stderr (or stdout for help) is ignored: there is nowhere left to say it.
func report(w io.Writer, format string, a ...any) {
	_, _ = fmt.Fprintf(w, format, a...)
}
