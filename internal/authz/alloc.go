package authz

// A fresh Result, its layer verdicts and its statement traces are allocated
// together (issue 3, performance): one allocation instead of three for the
// usual sizes. A larger request gets a Result with room for the layers, and
// evaluateInto allocates its traces.

// resultLayers is room for the seven policy layers and one grant layer.
const resultLayers = 8

// resultKeys is room for the missing keys of a fresh result (every
// Statements[i].MissingKeys and MissingKeys share one backing array).
const resultKeys = 6

type resultHead struct {
	res    Result
	layers [resultLayers]LayerResult
	keys   [resultKeys]string
}

type (
	result4 struct {
		resultHead
		traces [4]StatementTrace
	}
	result8 struct {
		resultHead
		traces [8]StatementTrace
	}
	result16 struct {
		resultHead
		traces [16]StatementTrace
	}
	result32 struct {
		resultHead
		traces [32]StatementTrace
	}
)

// newResult returns an empty Result whose Layers have room for
// resultLayers entries and whose Statements have room for n traces when n
// is at most 32, and an empty slice with room for resultKeys missing keys
// in the same allocation (to become the Result's keyBuf when keys are
// missing; it stays unused otherwise, so that keyBuf is nil as before).
func newResult(n int) (*Result, []string) {
	var h *resultHead
	var t []StatementTrace
	switch {
	case n <= 4:
		b := new(result4)
		h, t = &b.resultHead, b.traces[:0]
	case n <= 8:
		b := new(result8)
		h, t = &b.resultHead, b.traces[:0]
	case n <= 16:
		b := new(result16)
		h, t = &b.resultHead, b.traces[:0]
	case n <= 32:
		b := new(result32)
		h, t = &b.resultHead, b.traces[:0]
	default:
		h = new(resultHead)
	}
	h.res.Layers = h.layers[:0]
	h.res.Statements = t
	return &h.res, h.keys[:0]
}
