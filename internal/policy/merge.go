package policy

import (
	"fmt"
	"strings"
)

// ParseStatement parses and validates one statement object (as JSON) with
// the rules of the given policy kind. Errors name statement 0.
func ParseStatement(js string, kind Kind) (Statement, error) {
	if !kind.Valid() {
		return Statement{}, &Error{Statement: -1, Message: fmt.Sprintf("unknown policy kind %q", kind)}
	}
	n, err := parseJSON(js)
	if err != nil {
		return Statement{}, &Error{Statement: 0, Message: "invalid JSON: " + err.Error()}
	}
	st, _, perr := parseStatement(&n, 0, kind)
	if perr != nil {
		return Statement{}, perr
	}
	return st, nil
}

// MergeStatement inserts stmt into doc, or replaces the statement that has
// the same Sid (in place). stmt must have a Sid. Every other statement is kept
// (in canonical spelling, see CanonicalJSON); Version and Id are kept. An
// empty or all-whitespace doc starts a new policy with Version 2012-10-17.
// The result is validated with Parse (size limit included) and returned as
// canonical JSON.
func MergeStatement(doc string, kind Kind, stmt Statement) (string, error) {
	if stmt.Sid == "" {
		return "", &Error{Statement: -1, Element: "Sid", Message: "the statement to merge needs a Sid"}
	}
	var p *Policy
	if strings.TrimSpace(doc) == "" {
		if !kind.Valid() {
			return "", &Error{Statement: -1, Message: fmt.Sprintf("unknown policy kind %q", kind)}
		}
		p = &Policy{Version: Version2012, Kind: kind}
	} else {
		var err error
		if p, err = Parse(doc, kind); err != nil {
			return "", err
		}
	}
	np := &Policy{Version: p.Version, ID: p.ID, Kind: kind, Statements: append([]Statement(nil), p.Statements...)}
	replaced := false
	for i := range np.Statements {
		if np.Statements[i].Sid == stmt.Sid {
			stmt.Index = i
			np.Statements[i] = stmt
			replaced = true
			break
		}
	}
	if !replaced {
		stmt.Index = len(np.Statements)
		np.Statements = append(np.Statements, stmt)
	}
	return finish(np, kind)
}

// RemoveStatement removes the statement with the given Sid. When no
// statement has that Sid, doc is returned unchanged. When the removed
// statement was the last one, newDoc is "" and empty is true (AWS rejects a
// policy without statements: delete the policy instead).
func RemoveStatement(doc string, kind Kind, sid string) (newDoc string, empty bool, err error) {
	if sid == "" {
		return "", false, &Error{Statement: -1, Element: "Sid", Message: "a Sid is needed to remove a statement"}
	}
	p, err := Parse(doc, kind)
	if err != nil {
		return "", false, err
	}
	np := &Policy{Version: p.Version, ID: p.ID, Kind: kind}
	for _, s := range p.Statements {
		if s.Sid != sid {
			s.Index = len(np.Statements)
			np.Statements = append(np.Statements, s)
		}
	}
	if len(np.Statements) == len(p.Statements) {
		return doc, false, nil
	}
	if len(np.Statements) == 0 {
		return "", true, nil
	}
	out, err := finish(np, kind)
	return out, false, err
}

func finish(p *Policy, kind Kind) (string, error) {
	b, err := p.CanonicalJSON()
	if err != nil {
		return "", err
	}
	if _, err := Parse(string(b), kind); err != nil {
		return "", err
	}
	return string(b), nil
}
