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
	var missing []string
	// literal ranges [start,end) of the output that contain '*' or '?'; the
	// mask is only built when there is one (the common case needs none).
	var ranges []int
	b.Grow(len(s) + 16)
	addLit := func(t string) {
		if strings.ContainsAny(t, "*?") {
			ranges = append(ranges, b.Len(), b.Len()+len(t))
		}
		b.WriteString(t)
	}
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "${")
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j])
		i += j
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			addLit(s[i:])
			break
		}
		body := s[i+2 : i+2+end]
		i += 2 + end + 1
		switch body {
		case "*", "?", "$":
			addLit(body)
			continue
		}
		key, def, hasDef, ok := parseVarBody(body)
		if !ok {
			missing = append(missing, "${"+body+"}")
			continue
		}
		if v, found := ctx.Get(key); found && !v.Multi && len(v.Values) == 1 {
			addLit(v.Values[0])
			continue
		}
		if hasDef {
			addLit(def)
			continue
		}
		missing = append(missing, key)
	}
	out := b.String()
	var lit []bool
	if len(ranges) > 0 {
		lit = make([]bool, len(out))
		for k := 0; k < len(ranges); k += 2 {
			for x := ranges[k]; x < ranges[k+1]; x++ {
				lit[x] = true
			}
		}
	}
	return expansion{s: out, lit: lit, missing: missing}
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
