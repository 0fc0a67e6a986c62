package authz

import "strings"

// keyScratch collects the missing condition keys of one evaluation without a
// heap allocation per statement (issue 3, performance). The keys of each
// statement are written into keys and remembered as a range of it (refs);
// the request-wide list goes to glob. evaluateInto copies both into one
// slice of the result at the end (placeKeys), so that every
// StatementTrace.MissingKeys and Result.MissingKeys is a heap slice owned by
// the result, with exactly the contents the per-statement appendUnique
// bookkeeping produced. When a buffer is full, the statement's keys are
// copied to a slice of their own and the request-wide list spills to the
// heap (over), which gives the same contents.
type keyScratch struct {
	keys [16]string
	n    int
	refs [12]keyRef
	nr   int

	glob [12]string
	ng   int
	over []string // request-wide keys beyond glob, in order
}

// keyRef says that traces[ti].MissingKeys is keys[a:b].
type keyRef struct {
	ti, a, b int32
}

// appendUniqueTo appends s to list unless an entry equals it ASCII/Unicode
// case-insensitively (the de-duplication of appendUnique, without the
// initial allocation: list may be a slice of a scratch array).
func appendUniqueTo(list []string, s string) []string {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return list
		}
	}
	return append(list, s)
}

// begin returns an empty slice over the free part of keys, for the keys of
// the next statement (nil when there is no room left).
func (ks *keyScratch) begin() []string {
	if ks == nil || ks.nr == len(ks.refs) || ks.n == len(ks.keys) {
		return nil
	}
	return ks.keys[ks.n:ks.n:len(ks.keys)]
}

// commit records the keys of traces[ti] built from begin's slice. It returns
// the slice the trace must hold now: nil when the keys stay in the scratch
// buffer (placeKeys sets the trace's field), otherwise a heap copy.
func (ks *keyScratch) commit(ti int, list []string) []string {
	if len(list) == 0 {
		return nil
	}
	if ks != nil && ks.n < len(ks.keys) && &list[0] == &ks.keys[ks.n] && ks.nr < len(ks.refs) {
		ks.refs[ks.nr] = keyRef{ti: int32(ti), a: int32(ks.n), b: int32(ks.n + len(list))}
		ks.nr++
		ks.n += len(list)
		return nil
	}
	// Outside the scratch buffer (it grew past it, or there is no buffer):
	// a copy of its own, so that no slice of the scratch buffer escapes.
	return append([]string(nil), list...)
}

// addGlobal adds k to the request-wide list unless present (case-insensitively).
func (ks *keyScratch) addGlobal(k string) {
	for _, x := range ks.glob[:ks.ng] {
		if strings.EqualFold(x, k) {
			return
		}
	}
	for _, x := range ks.over {
		if strings.EqualFold(x, k) {
			return
		}
	}
	if ks.ng < len(ks.glob) {
		ks.glob[ks.ng] = k
		ks.ng++
		return
	}
	ks.over = append(ks.over, k)
}

// globalCount is the number of request-wide missing keys.
func (ks *keyScratch) globalCount() int { return ks.ng + len(ks.over) }

// placeKeys gives the traces their missing keys from the scratch buffer and
// returns the request-wide list (nil when empty), both as slices of one
// backing array: buf when it is large enough (EvaluateInto reuse), else a
// new one. Every slice has its capacity capped at its length, so appending
// to one never writes into another. backing is nil when there are no keys
// (so that a reused Result equals a fresh one field for field, keyBuf
// included; the buffer is then allocated again by a later request).
func (ks *keyScratch) placeKeys(traces []StatementTrace, buf []string) (backing, global []string) {
	total := ks.n + ks.globalCount()
	if total == 0 {
		return nil, nil
	}
	if cap(buf) >= total {
		backing = buf[:total]
	} else {
		backing = make([]string, total)
	}
	copy(backing, ks.keys[:ks.n])
	for _, r := range ks.refs[:ks.nr] {
		traces[r.ti].MissingKeys = backing[r.a:r.b:r.b]
	}
	g := copy(backing[ks.n:], ks.glob[:ks.ng])
	copy(backing[ks.n+g:], ks.over)
	if ks.globalCount() == 0 {
		return backing, nil
	}
	return backing, backing[ks.n:total:total]
}
