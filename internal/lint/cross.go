package lint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
	"github.com/s3access/terraform-provider-s3access/internal/s3model"
)

// crossStatement runs the checks that compare statements: redundant and
// shadowed statements. Comparisons are structural and sound: a statement is
// reported only when every request it could match is matched by the other.
func (l *linter) crossStatement(p *policy.Policy) {
	sts := p.Statements
	for i := range sts {
		a := &sts[i]
		if a.Action == nil || a.Resource == nil {
			continue
		}
		for j := range sts {
			b := &sts[j]
			if i == j || b.Action == nil && b.NotAction == nil {
				continue
			}
			if a.Effect == b.Effect && samePrincipals(a, b) && sameConditions(a, b) && coversAll(b, a) {
				if coversAll(a, b) && i < j {
					continue // identical scope: report only the later one
				}
				l.add(a, CodeRedundantStatement, SeverityInfo, "",
					fmt.Sprintf("Everything this statement %s is already %s by statement %d%s.", verb(a), map[bool]string{true: "denied", false: "granted"}[a.Effect == policy.Deny], b.Index, sidSuffix(b)),
					"Remove this statement, or merge it into the other one.")
				break
			}
			if a.Effect == policy.Allow && b.Effect == policy.Deny && len(b.Conditions) == 0 && principalCovers(b, a) && coversAll(b, a) {
				l.add(a, CodeShadowedStatement, SeverityWarning, "",
					fmt.Sprintf("This Allow never takes effect: statement %d%s denies every action on every resource it grants, unconditionally.", b.Index, sidSuffix(b)),
					"Narrow the Deny (add a condition or drop the overlapping actions/resources), or remove this Allow.")
				break
			}
		}
	}
}

func sidSuffix(st *policy.Statement) string {
	if st.Sid == "" {
		return ""
	}
	return fmt.Sprintf(" (Sid %q)", st.Sid)
}

// coversAll reports whether statement b's Action/Resource cover every action
// and resource of a (a has Action and Resource).
func coversAll(b, a *policy.Statement) bool {
	for _, x := range a.Action {
		if !actionCovered(b, x) {
			return false
		}
	}
	for _, r := range a.Resource {
		if !resourceCovered(b, r) {
			return false
		}
	}
	return true
}

func actionCovered(b *policy.Statement, x string) bool {
	lx := strings.ToLower(x)
	if b.NotAction != nil {
		if hasWildcard(x) {
			return false
		}
		for _, n := range b.NotAction {
			if s3model.Wildcard(strings.ToLower(n), lx) {
				return false
			}
		}
		return true
	}
	for _, y := range b.Action {
		if patternCovers(strings.ToLower(y), lx) {
			return true
		}
	}
	return false
}

func resourceCovered(b *policy.Statement, r string) bool {
	if b.NotResource != nil {
		if hasWildcard(r) || strings.Contains(r, "${") {
			return false
		}
		for _, n := range b.NotResource {
			if s3model.Wildcard(n, r) {
				return false
			}
		}
		return true
	}
	for _, y := range b.Resource {
		if patternCovers(y, r) {
			return true
		}
	}
	return false
}

// patternCovers: every string matched by pattern x is matched by pattern y.
// Sound, not complete: a '?' in y only covers a literal character of x.
func patternCovers(y, x string) bool {
	if y == "*" {
		return true
	}
	if x == y {
		return true
	}
	if strings.Contains(y, "${") || strings.Contains(x, "${") {
		return false
	}
	if hasWildcard(x) && strings.Contains(y, "?") {
		return false
	}
	// y's '*' matches any run, including x's own '*' and '?': treating x's
	// wildcards as literal characters is then exact.
	return s3model.Wildcard(y, x)
}

func principalKey(p *policy.Principals) string {
	if p == nil {
		return "-"
	}
	s := func(l []string) string {
		c := append([]string(nil), l...)
		sort.Strings(c)
		return strings.Join(c, ",")
	}
	return fmt.Sprintf("%v|%s|%s|%s|%s", p.Wildcard, s(p.AWS), s(p.Service), s(p.Federated), s(p.CanonicalUser))
}

func samePrincipals(a, b *policy.Statement) bool {
	return principalKey(a.Principal) == principalKey(b.Principal) && principalKey(a.NotPrincipal) == principalKey(b.NotPrincipal)
}

// principalCovers: b's principal matches everyone a's does.
func principalCovers(b, a *policy.Statement) bool {
	if b.Principal == nil && b.NotPrincipal == nil {
		return a.Principal == nil && a.NotPrincipal == nil // identity-style policies
	}
	if b.Principal != nil && b.Principal.Wildcard {
		return true
	}
	return samePrincipals(a, b)
}

func condKey(st *policy.Statement) string {
	var parts []string
	for _, c := range st.Conditions {
		v := append([]string(nil), c.Values...)
		sort.Strings(v)
		parts = append(parts, c.Operator.Canonical()+"|"+strings.ToLower(c.Key)+"|"+strings.Join(v, "\x00"))
	}
	sort.Strings(parts)
	return strings.Join(parts, "\x01")
}

func sameConditions(a, b *policy.Statement) bool { return condKey(a) == condKey(b) }
