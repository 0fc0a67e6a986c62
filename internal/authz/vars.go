package authz

import "strings"

// hasVar reports whether s contains a policy variable reference.
func hasVar(s string) bool { return strings.Contains(s, "${") }

// expansion is a pattern after variable substitution. lit marks bytes that
// must be compared literally even if they are '*' or '?' (escapes and
// substituted values; spec 6.7: a substituted value never introduces a
// wildcard). lit is nil when every byte keeps its pattern meaning.
type expansion struct {
	s   string
	lit []bool
	// missing lists the variables that had no value and no default; when it
	// is non-empty the pattern is unresolved.
	missing []string
}

func (e expansion) resolved() bool { return len(e.missing) == 0 }

// expandVars substitutes ${key}, ${key, 'default'}, ${*}, ${?} and ${$}
// in s (spec 6.7). Only single-valued context keys substitute; a
// multivalued or absent key without a default leaves the expansion
// unresolved. A "${" without a closing "}" is kept as literal text.
func expandVars(s string, ctx *Context) expansion {
	var b strings.Builder
	var lit []bool
	var missing []string
	b.Grow(len(s) + 16)
	addLit := func(t string, literal bool) {
		for i := 0; i < len(t); i++ {
			lit = append(lit, literal)
		}
		b.WriteString(t)
	}
	anyLit := false
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "${")
		if j < 0 {
			addLit(s[i:], false)
			break
		}
		addLit(s[i:i+j], false)
		i += j
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			addLit(s[i:], true)
			anyLit = true
			break
		}
		body := s[i+2 : i+2+end]
		i += 2 + end + 1
		switch body {
		case "*", "?", "$":
			addLit(body, true)
			anyLit = true
			continue
		}
		key, def, hasDef, ok := parseVarBody(body)
		if !ok {
			missing = append(missing, "${"+body+"}")
			continue
		}
		if v, found := ctx.Get(key); found && !v.Multi && len(v.Values) == 1 {
			addLit(v.Values[0], true)
			anyLit = true
			continue
		}
		if hasDef {
			addLit(def, true)
			anyLit = true
			continue
		}
		missing = append(missing, key)
	}
	if !anyLit {
		lit = nil
	}
	return expansion{s: b.String(), lit: lit, missing: missing}
}

// parseVarBody parses "key" or "key, 'default'".
func parseVarBody(body string) (key, def string, hasDef, ok bool) {
	c := strings.IndexByte(body, ',')
	if c < 0 {
		key = strings.TrimSpace(body)
		return key, "", false, key != ""
	}
	key = strings.TrimSpace(body[:c])
	d := strings.TrimSpace(body[c+1:])
	if key == "" || len(d) < 2 || d[0] != '\'' || d[len(d)-1] != '\'' {
		return "", "", false, false
	}
	return key, d[1 : len(d)-1], true, true
}
