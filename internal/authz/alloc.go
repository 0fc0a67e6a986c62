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
	if m := r.more; m != nil && m.tr != nil {
		return m.tr[:r.nt]
	}
	return r.tr[:r.nt]
}

func (r *Result) xss() []cext {
	if m := r.more; m != nil && m.xs != nil {
		return m.xs[:r.nx]
	}
	return r.xs[:r.nx]
}

func (r *Result) lys() []clayer {
	if m := r.more; m != nil && m.ly != nil {
		return m.ly[:r.nl]
	}
	return r.ly[:r.nl]
}

func (r *Result) sss() []string {
	if m := r.more; m != nil && m.ss != nil {
		return m.ss[:r.ns]
	}
	return r.ss[:r.ns]
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
