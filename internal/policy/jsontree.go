package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// node is a JSON value that keeps object members in document order, duplicates
// included, so the validator can report a duplicate key at its place.
type node struct {
	kind   nodeKind
	str    string // string value, or number literal for nodeNumber
	b      bool
	arr    []node
	fields []field
}

type field struct {
	key string
	val node
}

type nodeKind int

const (
	nodeNull nodeKind = iota
	nodeString
	nodeNumber
	nodeBool
	nodeArray
	nodeObject
)

func (k nodeKind) String() string {
	switch k {
	case nodeString:
		return "string"
	case nodeNumber:
		return "number"
	case nodeBool:
		return "boolean"
	case nodeArray:
		return "array"
	case nodeObject:
		return "object"
	}
	return "null"
}

// maxDepth bounds nesting; no valid policy is deeper than 5.
const maxDepth = 32

var errTooDeep = errors.New("JSON nested too deeply")

// parseJSON reads exactly one JSON value from doc.
func parseJSON(doc string) (node, error) {
	if !utf8.ValidString(doc) {
		return node{}, errors.New("document is not valid UTF-8")
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	n, err := readNode(dec, 0)
	if err != nil {
		return node{}, jsonErr(dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return node{}, fmt.Errorf("unexpected data after the JSON document at offset %d", dec.InputOffset())
	}
	return n, nil
}

func jsonErr(dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%v (offset %d)", se.Error(), se.Offset)
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errors.New("unexpected end of JSON input")
	}
	if err == errTooDeep {
		return err
	}
	return fmt.Errorf("%v (offset %d)", err, dec.InputOffset())
}

func readNode(dec *json.Decoder, depth int) (node, error) {
	if depth > maxDepth {
		return node{}, errTooDeep
	}
	tok, err := dec.Token()
	if err != nil {
		return node{}, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := node{kind: nodeObject, fields: []field{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return node{}, err
				}
				k, ok := kt.(string)
				if !ok {
					return node{}, fmt.Errorf("object key is not a string")
				}
				v, err := readNode(dec, depth+1)
				if err != nil {
					return node{}, err
				}
				n.fields = append(n.fields, field{key: k, val: v})
			}
			if _, err := dec.Token(); err != nil { // '}'
				return node{}, err
			}
			return n, nil
		case '[':
			n := node{kind: nodeArray, arr: []node{}}
			for dec.More() {
				v, err := readNode(dec, depth+1)
				if err != nil {
					return node{}, err
				}
				n.arr = append(n.arr, v)
			}
			if _, err := dec.Token(); err != nil { // ']'
				return node{}, err
			}
			return n, nil
		}
		return node{}, fmt.Errorf("unexpected %q", t)
	case string:
		return node{kind: nodeString, str: t}, nil
	case json.Number:
		return node{kind: nodeNumber, str: t.String()}, nil
	case bool:
		return node{kind: nodeBool, b: t}, nil
	case nil:
		return node{kind: nodeNull}, nil
	}
	return node{}, fmt.Errorf("unexpected token %v", tok)
}

// packedLength counts the characters of doc, whitespace outside strings
// excluded (the way AWS measures policy size).
func packedLength(doc string) int {
	n := 0
	inStr, esc := false, false
	for _, r := range doc {
		if inStr {
			n++
			switch {
			case esc:
				esc = false
			case r == '\\':
				esc = true
			case r == '"':
				inStr = false
			}
			continue
		}
		switch r {
		case ' ', '\t', '\n', '\r':
			continue
		case '"':
			inStr = true
		}
		n++
	}
	return n
}
