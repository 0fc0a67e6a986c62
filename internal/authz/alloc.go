package authz

// A fresh Result, its layer verdicts, its compact statement traces, its
// policy table and its string table are allocated together (issue 3,
// performance): one allocation for the usual sizes. A larger request gets a
// Result with room for the layers, and evaluateInto grows the rest.

// resultLayers is room for the seven policy layers and one grant layer.
const resultLayers = 8

// resultStrs is room for the missing keys and reasons of a fresh result,
// resultExts for its statements with missing keys or a reason text. (The
// sizes keep result16 within the 896-byte size class, malloc header
// included.)
const (
	resultStrs = 8
	resultExts = 4
)

type resultHead struct {
	res    Result
	layers [resultLayers]clayer
	strs   [resultStrs]string
	exts   [resultExts]cext
}

type (
	result4 struct {
		resultHead
		traces [4]ctrace
		pols   [4]tracePol
	}
	result8 struct {
		resultHead
		traces [8]ctrace
		pols   [6]tracePol
	}
	result16 struct {
		resultHead
		traces [16]ctrace
		pols   [10]tracePol
	}
	result32 struct {
		resultHead
		traces [32]ctrace
		pols   [16]tracePol
	}
)

// newResult returns an empty Result whose Layers have room for
// resultLayers entries, whose traces have room for n statements when n is
// at most 32, and whose policy and string tables have room for the usual
// numbers of policies and strings.
func newResult(n int) *Result {
	var h *resultHead
	var t []ctrace
	var p []tracePol
	switch {
	case n <= 4:
		b := new(result4)
		h, t, p = &b.resultHead, b.traces[:0], b.pols[:0]
	case n <= 8:
		b := new(result8)
		h, t, p = &b.resultHead, b.traces[:0], b.pols[:0]
	case n <= 16:
		b := new(result16)
		h, t, p = &b.resultHead, b.traces[:0], b.pols[:0]
	case n <= 32:
		b := new(result32)
		h, t, p = &b.resultHead, b.traces[:0], b.pols[:0]
	default:
		h = new(resultHead)
	}
	h.res.lays = h.layers[:0]
	h.res.traces, h.res.pols, h.res.strs, h.res.exts = t, p, h.strs[:0], h.exts[:0]
	return &h.res
}
