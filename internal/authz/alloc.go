package authz

// Inline capacities of a Result (issue 3, performance): a usual request
// (a few policies, up to 16 statements, a few missing keys and non-constant
// reasons) fits in the Result itself, one small allocation; a larger one
// grows the buffers of resultMore. The policies are the evaluation plan's.
const (
	resultTraces = 16
	resultExts   = 4
	resultLayers = 8
	resultStrs   = 4
)

// resultMore holds the buffers that replace a Result's inline arrays when
// a request outgrows them (nil slices stay inline).
type resultMore struct {
	tr []ctrace
	xs []cext
	ly []clayer
	ss []string
}

// The records of r, inline or grown.
func (r *Result) trs() []ctrace {
	return records(r.more, func(m *resultMore) []ctrace { return m.tr }, r.tr[:], r.nt)
}
func (r *Result) xss() []cext {
	return records(r.more, func(m *resultMore) []cext { return m.xs }, r.xs[:], r.nx)
}
func (r *Result) lys() []clayer {
	return records(r.more, func(m *resultMore) []clayer { return m.ly }, r.ly[:], r.nl)
}
func (r *Result) sss() []string {
	return records(r.more, func(m *resultMore) []string { return m.ss }, r.ss[:], r.ns)
}

// records returns the first n records: in the grown buffer of more when
// there is one, else in the inline array.
func records[T any](more *resultMore, grown func(*resultMore) []T, inline []T, n uint32) []T {
	if more != nil {
		if g := grown(more); g != nil {
			return g[:n]
		}
	}
	return inline[:n]
}

// eachPol calls fn with every policy evaluated, in evaluation order (the
// traces follow the same order: len(p.Statements) per policy), until fn
// returns false.
func eachPol(pl *plan, lmask uint16, fn func(tp tracePol) bool) {
	if pl == nil {
		return
	}
	for l := plRCP; l <= plSession; l++ {
		if lmask&(1<<l) == 0 {
			continue
		}
		for k := pl.first[l]; k < pl.first[l+1]; k++ {
			ent := &pl.ents[k]
			tp := tracePol{p: ent.p, idx: ent.idx, sub: ent.sub, n: uint32(len(ent.p.Statements)), layer: ent.layer, ent: ent}
			if !fn(tp) {
				return
			}
		}
	}
}
