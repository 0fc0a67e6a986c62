package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Canonical JSON (for comparing and merging policies):
//
//   - compact, no insignificant whitespace, no HTML escaping;
//   - top-level keys in the order Version, Id, Statement; Version and Id are
//     omitted when empty;
//   - Statement is always an array, statements in document order (the order
//     of statements carries no meaning; Equivalent ignores it);
//   - statement keys in the order Sid, Effect, Principal|NotPrincipal,
//     Action|NotAction, Resource|NotResource, Condition; Sid and Condition are
//     omitted when empty;
//   - every list is written as an array, even with one element;
//   - Action/NotAction are sorted case-insensitively and de-duplicated
//     case-insensitively (the first spelling is kept); Resource/NotResource,
//     principal lists and condition values are sorted and de-duplicated
//     exactly;
//   - a principal that is only "*" (or {"AWS":"*"}) is written "*"; otherwise
//     an object with keys in the order AWS, CanonicalUser, Federated, Service,
//     "*" first in AWS when the wildcard was given together with others;
//   - condition operators are written in canonical spelling, sorted; keys
//     sorted case-insensitively (written as in the document); values are
//     always JSON strings (numbers and booleans were normalised by Parse).

// CanonicalJSON returns the canonical form of p.
func (p *Policy) CanonicalJSON() ([]byte, error) {
	if p == nil {
		return nil, fmt.Errorf("nil policy")
	}
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	if p.Version != "" {
		writeKey(&b, "Version", &first)
		writeString(&b, p.Version)
	}
	if p.ID != "" {
		writeKey(&b, "Id", &first)
		writeString(&b, p.ID)
	}
	writeKey(&b, "Statement", &first)
	b.WriteByte('[')
	for i := range p.Statements {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeStatement(&b, &p.Statements[i], false); err != nil {
			return nil, err
		}
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

// JSON returns the canonical JSON of one statement (Index is not written).
func (s Statement) JSON() ([]byte, error) {
	var b bytes.Buffer
	if err := writeStatement(&b, &s, false); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Equivalent reports whether two policies say the same thing: same Version and
// Id, and the same statements in any order, each compared with
// StatementsEquivalent. Kind is not compared.
func Equivalent(a, b *Policy) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Version != b.Version || a.ID != b.ID || len(a.Statements) != len(b.Statements) {
		return false
	}
	ka, err1 := statementKeysOf(a.Statements)
	kb, err2 := statementKeysOf(b.Statements)
	if err1 != nil || err2 != nil {
		return false
	}
	for i := range ka {
		if ka[i] != kb[i] {
			return false
		}
	}
	return true
}

func statementKeysOf(sts []Statement) ([]string, error) {
	out := make([]string, len(sts))
	for i := range sts {
		k, err := semanticKey(&sts[i])
		if err != nil {
			return nil, err
		}
		out[i] = k
	}
	sort.Strings(out)
	return out, nil
}

// StatementsEquivalent reports whether two statements are the same: same Sid,
// Effect, principals, actions (case-insensitive), resources, and conditions
// (operator names canonical, keys case-insensitive), ignoring order,
// duplicates and string-versus-list spelling. Index is ignored. A statement
// that cannot be written (an invalid operator) is equivalent to nothing.
func StatementsEquivalent(a, b Statement) bool {
	ka, err1 := semanticKey(&a)
	kb, err2 := semanticKey(&b)
	return err1 == nil && err2 == nil && ka == kb
}

func semanticKey(s *Statement) (string, error) {
	var b bytes.Buffer
	if err := writeStatement(&b, s, true); err != nil {
		return "", err
	}
	return b.String(), nil
}

func writeKey(b *bytes.Buffer, k string, first *bool) {
	if !*first {
		b.WriteByte(',')
	}
	*first = false
	writeString(b, k)
	b.WriteByte(':')
}

func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // strings always encode
	b.Truncate(b.Len() - 1) // drop the newline Encode adds
}

func writeList(b *bytes.Buffer, l []string) {
	b.WriteByte('[')
	for i, s := range l {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, s)
	}
	b.WriteByte(']')
}

// sortedUnique returns a sorted copy of l without exact duplicates.
func sortedUnique(l []string) []string {
	out := append([]string(nil), l...)
	sort.Strings(out)
	n := 0
	for i, s := range out {
		if i == 0 || s != out[n-1] {
			out[n] = s
			n++
		}
	}
	return out[:n]
}

// actionsCanonical sorts case-insensitively and removes case-insensitive
// duplicates; with fold the result is lower-cased.
func actionsCanonical(l []string, fold bool) []string {
	type a struct{ low, raw string }
	tmp := make([]a, len(l))
	for i, s := range l {
		tmp[i] = a{strings.ToLower(s), s}
	}
	sort.SliceStable(tmp, func(i, j int) bool { return tmp[i].low < tmp[j].low })
	var out []string
	for i, x := range tmp {
		if i > 0 && x.low == tmp[i-1].low {
			continue
		}
		if fold {
			out = append(out, x.low)
		} else {
			out = append(out, x.raw)
		}
	}
	return out
}

func writePrincipals(b *bytes.Buffer, p *Principals) {
	if p.Wildcard && len(p.AWS)+len(p.CanonicalUser)+len(p.Federated)+len(p.Service) == 0 {
		writeString(b, "*")
		return
	}
	b.WriteByte('{')
	first := true
	aws := sortedUnique(p.AWS)
	if p.Wildcard {
		aws = append([]string{"*"}, removeString(aws, "*")...)
	}
	for _, kv := range []struct {
		k string
		v []string
	}{{"AWS", aws}, {"CanonicalUser", p.CanonicalUser}, {"Federated", p.Federated}, {"Service", p.Service}} {
		if len(kv.v) == 0 {
			continue
		}
		writeKey(b, kv.k, &first)
		writeList(b, sortedUnique(kv.v))
	}
	b.WriteByte('}')
}

func removeString(l []string, s string) []string {
	out := l[:0:0]
	for _, x := range l {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// writeStatement writes the canonical statement; fold lower-cases actions and
// condition keys for semantic comparison.
func writeStatement(b *bytes.Buffer, s *Statement, fold bool) error {
	b.WriteByte('{')
	first := true
	if s.Sid != "" {
		writeKey(b, "Sid", &first)
		writeString(b, s.Sid)
	}
	writeKey(b, "Effect", &first)
	writeString(b, string(s.Effect))
	if s.Principal != nil {
		writeKey(b, "Principal", &first)
		writePrincipals(b, s.Principal)
	}
	if s.NotPrincipal != nil {
		writeKey(b, "NotPrincipal", &first)
		writePrincipals(b, s.NotPrincipal)
	}
	if s.Action != nil {
		writeKey(b, "Action", &first)
		writeList(b, actionsCanonical(s.Action, fold))
	}
	if s.NotAction != nil {
		writeKey(b, "NotAction", &first)
		writeList(b, actionsCanonical(s.NotAction, fold))
	}
	if s.Resource != nil {
		writeKey(b, "Resource", &first)
		writeList(b, sortedUnique(s.Resource))
	}
	if s.NotResource != nil {
		writeKey(b, "NotResource", &first)
		writeList(b, sortedUnique(s.NotResource))
	}
	if len(s.Conditions) > 0 {
		writeKey(b, "Condition", &first)
		if err := writeConditions(b, s.Conditions, fold); err != nil {
			return &Error{Statement: s.Index, Sid: s.Sid, Element: "Condition", Message: err.Error()}
		}
	}
	b.WriteByte('}')
	return nil
}

func writeConditions(b *bytes.Buffer, conds []Condition, fold bool) error {
	type kv struct {
		key, low string
		vals     []string
	}
	byOp := map[string][]kv{}
	for _, c := range conds {
		op := c.Operator
		if op.Base == "" {
			parsed, err := ParseOperator(op.Raw)
			if err != nil {
				return err
			}
			op = parsed
		}
		name := op.Canonical()
		low := strings.ToLower(c.Key)
		if c.Key == "" {
			return fmt.Errorf("%s: empty condition key", name)
		}
		for _, e := range byOp[name] {
			if e.low == low {
				return fmt.Errorf("%s: condition key %q appears twice", name, c.Key)
			}
		}
		if len(c.Values) == 0 {
			return fmt.Errorf("%s: condition key %q has no values", name, c.Key)
		}
		key := c.Key
		if fold {
			key = low
		}
		byOp[name] = append(byOp[name], kv{key, low, sortedUnique(c.Values)})
	}
	ops := make([]string, 0, len(byOp))
	for k := range byOp {
		ops = append(ops, k)
	}
	sort.Strings(ops)
	b.WriteByte('{')
	for i, op := range ops {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, op)
		b.WriteString(":{")
		keys := byOp[op]
		sort.Slice(keys, func(x, y int) bool {
			if keys[x].low != keys[y].low {
				return keys[x].low < keys[y].low
			}
			return keys[x].key < keys[y].key
		})
		for j, k := range keys {
			if j > 0 {
				b.WriteByte(',')
			}
			writeString(b, k.key)
			b.WriteByte(':')
			writeList(b, k.vals)
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return nil
}
