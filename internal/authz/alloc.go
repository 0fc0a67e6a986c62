package authz

import "github.com/s3access/terraform-provider-s3access/internal/policy"

// Inline capacities of a Result (issue 3, performance): a usual request
// (a few policies, up to 16 statements, a few missing keys and non-constant
// reasons) fits in the Result itself, one allocation of 576 bytes; a
// larger one grows the buffers of resultMore.
const (
	resultTraces = 16
	resultExts   = 4
	resultLayers = 8
	resultStrs   = 4
	resultPols   = 10
)

// resultMore holds the buffers that replace a Result's inline arrays when
// a request outgrows them (nil slices stay inline).
type resultMore struct {
	tr []ctrace
	xs []cext
	ly []clayer
	ss []string
	pp []*policy.Policy
	pm []uint64
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

func (r *Result) pps() ([]*policy.Policy, []uint64) {
	if m := r.more; m != nil && m.pp != nil {
		return m.pp[:r.np], m.pm[:r.np]
	}
	return r.pp[:r.np], r.pm[:r.np]
}

// polMeta packs a policy's layer code, index and sub-index (tracePol).
func polMeta(layer uint8, idx, sub int) uint64 {
	return uint64(uint32(int32(idx)))<<32 | uint64(uint32(sub)&(1<<29-1))<<3 | uint64(layer&7)
}

// tracePolOf unpacks the policy table entry (p, m).
func tracePolOf(p *policy.Policy, m uint64) tracePol {
	return tracePol{p: p, idx: int32(uint32(m >> 32)), sub: int32(uint32(m>>3) & (1<<29 - 1)), n: uint32(len(p.Statements)), layer: uint8(m & 7)}
}
