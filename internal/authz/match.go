package authz

import (
	"strings"
	"unicode/utf8"
)

// glob matches s against pattern p where '*' matches any run of characters
// (including none, '/' and ':') and '?' matches exactly one character. fold
// makes ASCII letters compare case-insensitively. lit, when non-nil, has one
// entry per byte of p; lit[i] == true makes p[i] a literal even if it is '*'
// or '?' (escapes and substituted variable values, spec 6.7). It does not
// allocate and runs in O(len(p)*len(s)) worst case with backtracking only to
// the last '*'.
func glob(p, s string, fold bool, lit []bool) bool {
	if lit == nil && !fold && strings.IndexByte(p, '?') < 0 {
		return starGlob(p, s)
	}
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		if pi < len(p) {
			c := p[pi]
			wild := lit == nil || !lit[pi]
			if wild && c == '*' {
				star, mark = pi, si
				pi++
				continue
			}
			if wild && c == '?' {
				pi++
				si += runeLen(s, si)
				continue
			}
			if eqByte(c, s[si], fold) {
				pi++
				si++
				continue
			}
		}
		if star >= 0 {
			pi = star + 1
			mark += runeLen(s, mark)
			si = mark
			continue
		}
		return false
	}
	for pi < len(p) && p[pi] == '*' && (lit == nil || !lit[pi]) {
		pi++
	}
	return pi == len(p)
}

// starGlob matches patterns whose only wildcard is '*' (case-sensitive, no
// literal mask): the first segment must be a prefix, the last a suffix, and
// the middle segments are found leftmost-first, which is optimal for '*'-only
// patterns. It does not allocate.
func starGlob(p, s string) bool {
	i := strings.IndexByte(p, '*')
	if i < 0 {
		return p == s
	}
	if !strings.HasPrefix(s, p[:i]) {
		return false
	}
	s = s[i:]
	p = p[i:]
	j := strings.LastIndexByte(p, '*')
	suffix := p[j+1:]
	if len(suffix) > len(s) || !strings.HasSuffix(s, suffix) {
		return false
	}
	s = s[:len(s)-len(suffix)]
	p = p[:j+1] // starts and ends with '*'
	for len(p) > 1 {
		p = p[1:]
		k := strings.IndexByte(p, '*')
		seg := p[:k]
		p = p[k:]
		if seg == "" {
			continue
		}
		at := strings.Index(s, seg)
		if at < 0 {
			return false
		}
		s = s[at+len(seg):]
	}
	return true
}

func runeLen(s string, i int) int {
	if s[i] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
}

func eqByte(a, b byte, fold bool) bool {
	if a == b {
		return true
	}
	if !fold {
		return false
	}
	if a >= 'A' && a <= 'Z' {
		a += 'a' - 'A'
	}
	if b >= 'A' && b <= 'Z' {
		b += 'a' - 'A'
	}
	return a == b
}

// MatchAction reports whether an Action pattern matches an action (spec
// 6.3): case-insensitive, '*' and '?' wildcards, "*" alone matches every
// action of every service; otherwise the service prefix (before ':') and the
// action name are matched separately, so "s3:*" never matches "s3control:..."
// and a pattern without ':' matches nothing.
func MatchAction(pattern, action string) bool {
	if pattern == "*" {
		return true
	}
	pc := strings.IndexByte(pattern, ':')
	ac := strings.IndexByte(action, ':')
	if pc < 0 || ac < 0 {
		return false
	}
	return glob(pattern[:pc], action[:ac], true, nil) && glob(pattern[pc+1:], action[ac+1:], true, nil)
}

// MatchResource reports whether a Resource pattern matches a resource ARN
// (spec 6.5): case-sensitive, '*' matches any run of characters including '/'
// and ':', '?' one character, "*" alone matches everything.
func MatchResource(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	return glob(pattern, arn, false, nil)
}

// MatchARN implements ArnLike/ArnEquals (spec 6.6): both strings are split
// into their six ':'-separated components (the sixth keeps any further ':'),
// and each component is matched separately, case-sensitively, with '*' and
// '?' wildcards that cannot cross a component boundary. A pattern of "*"
// alone matches any value; otherwise a value or pattern that is not an ARN
// matches nothing.
func MatchARN(pattern, value string) bool {
	return matchARN(pattern, nil, value)
}

// arnSplit returns the start offsets of the six components of an ARN, or
// ok=false when s does not start with "arn:" or has fewer than five ':'.
func arnSplit(s string) (idx [7]int, ok bool) {
	n := 0
	idx[0] = 0
	for i := 0; i < len(s) && n < 5; i++ {
		if s[i] == ':' {
			n++
			idx[n] = i + 1
		}
	}
	if n < 5 {
		return idx, false
	}
	idx[6] = len(s) + 1
	return idx, true
}

func matchARN(p string, lit []bool, v string) bool {
	if p == "*" && lit == nil {
		return true
	}
	pi, ok := arnSplit(p)
	if !ok {
		return false
	}
	vi, ok := arnSplit(v)
	if !ok {
		return false
	}
	for k := 0; k < 6; k++ {
		ps, pe := pi[k], pi[k+1]-1
		vs, ve := vi[k], vi[k+1]-1
		var l []bool
		if lit != nil {
			l = lit[ps:pe]
		}
		if !glob(p[ps:pe], v[vs:ve], false, l) {
			return false
		}
	}
	return true
}
