package authz

import "github.com/s3access/terraform-provider-s3access/internal/policy"

// A request plan (issue 3, performance) is an evaluation plan specialised
// for one request action and one set of applicable layers: the traces of
// every statement whose outcome the action alone decides (trivial
// statements, and the copies of a policy repeated in an SCP or RCP chain),
// the list of statements left to evaluate, and each policy's contribution
// so far. With it an evaluation copies the known traces at once and
// evaluates only the other statements, in trace order, instead of walking
// the layers policy by policy. evalEach is the same evaluation without a
// request plan (and the reference path).

type reqPlan struct {
	mask  uint16
	base  []ctrace   // the traces of the layers in mask, trivial ones final
	work  []workItem // the statements to evaluate, in trace order
	spans []span     // the policies, in trace order
}

// workItem is a statement to evaluate: the statement and its compiled
// form, its trace, its policy (span), and whether the request action
// matches it.
type workItem struct {
	st   *policy.Statement
	cs   *cStmt
	ti   int32
	span int16
	am   bool
}

// span is one policy of a request plan.
type span struct {
	start, n int32
	ent      int32 // index in plan.ents
	dup      int32 // span whose traces this one copies (a repeated policy), -1
	layer    uint8
	idx      int32 // level (SCP, RCP) or position (identity)
	vars     bool
	sum      polSummary // the trivial statements' outcome
	// The policy as it was when the plan was made (evalPlanned checks
	// that it is unchanged): its statements and its Version.
	stmts   *policy.Statement
	version string
}

// maxSpans bounds the policies of a request plan (evalPlanned keeps one
// summary per policy on the stack).
const maxSpans = 32

// rpSlot lists the request plans of one action (by layer mask).
type rpSlot struct {
	list []*reqPlan
}

// reqPlan returns the request plan of pl for the action id and the layers
// in mask, building it on first use; nil when there is none (a policy of
// more than 63 statements, too many policies, an action without id).
func (pl *plan) reqPlan(id int32, mask uint16, ra *reqAction) *reqPlan {
	if id < 0 {
		return nil
	}
	if m := pl.rps.Load(); m != nil && int(id) < len(*m) {
		if sl := (*m)[id]; sl != nil {
			for _, rp := range sl.list {
				if rp.mask == mask {
					return rp
				}
			}
		}
	}
	rp := pl.makeReqPlan(id, mask, ra)
	if rp == nil {
		return nil
	}
	for {
		old := pl.rps.Load()
		var cur []*rpSlot
		if old != nil {
			cur = *old
		}
		n := max(len(cur), int(id)+1)
		next := make([]*rpSlot, n)
		copy(next, cur)
		sl := &rpSlot{}
		if next[id] != nil {
			if len(next[id].list) >= 8 {
				return rp // (enough layer combinations cached for this action)
			}
			sl.list = append(sl.list, next[id].list...)
		}
		sl.list = append(sl.list, rp)
		next[id] = sl
		if pl.rps.CompareAndSwap(old, &next) {
			return rp
		}
	}
}

func (pl *plan) makeReqPlan(id int32, mask uint16, ra *reqAction) *reqPlan {
	rp := &reqPlan{mask: mask}
	var spanOf [maxSpans]int16 // plan entry -> span
	if len(pl.ents) > maxSpans {
		return nil
	}
	for l := plRCP; l <= plSession; l++ {
		if mask&(1<<l) == 0 {
			continue
		}
		for k := pl.first[l]; k < pl.first[l+1]; k++ {
			ent := &pl.ents[k]
			n := len(ent.p.Statements)
			ap := ent.cp.actionPlan(id, ra)
			if ap == nil || !ent.cp.current(ent.p, ent.p.VariablesEnabled()) {
				return nil
			}
			si := len(rp.spans)
			spanOf[k] = int16(si)
			sp := span{start: int32(len(rp.base)), n: int32(n), ent: k, dup: -1, layer: ent.layer, idx: ent.idx, vars: ent.p.VariablesEnabled(), version: ent.p.Version}
			if n > 0 {
				sp.stmts = &ent.p.Statements[0]
			}
			if ent.dup >= 0 {
				// The same policy earlier in this chain: its traces are copied.
				sp.dup = int32(spanOf[pl.first[l]+ent.dup])
				rp.base = append(rp.base, make([]ctrace, n)...)
			} else {
				rp.base = append(rp.base, ap.base...)
				sp.sum = polSummary{Allow: ap.allow, Deny: ap.deny, class: ap.best}
				for _, i := range ap.work {
					rp.work = append(rp.work, workItem{st: &ent.p.Statements[i], cs: &ent.cp.stmts[i], ti: sp.start + int32(i), span: int16(si), am: ap.mask>>i&1 != 0})
				}
			}
			rp.spans = append(rp.spans, sp)
		}
	}
	return rp
}

// evalPlanned evaluates the layers in mask with the request plan, filling
// ls as evalEach would; false when there is no request plan (or a policy
// changed since the plan was made), and nothing was done.
func (e *evaluator) evalPlanned(in *Input, mask uint16, ls *layerSums) bool {
	if e.ref {
		return false
	}
	rp := e.plan.reqPlan(e.actID, mask, &e.ra)
	if rp == nil {
		return false
	}
	for i := range rp.spans {
		sp := &rp.spans[i]
		p := e.plan.ents[sp.ent].p
		if len(p.Statements) != int(sp.n) || (sp.n > 0 && &p.Statements[0] != sp.stmts) || !sameString(p.Version, sp.version) {
			return false // changed since the plan was made: evalEach recompiles
		}
	}
	e.lmask |= mask
	start := e.nt
	e.addTraces(rp.base)
	var sums [maxSpans]polSummary
	for i := range rp.spans {
		sums[i] = rp.spans[i].sum
	}
	for i := range rp.work {
		w := &rp.work[i]
		sp := &rp.spans[w.span]
		e.vars, e.pl = sp.vars, sp.layer
		ct := &e.tr[start+int(w.ti)]
		cs := w.cs
		if cs.simple {
			e.evalSimple(ct, w.st, cs, w.am)
		} else {
			e.evalCompiled(ct, w.st, cs, w.am)
		}
		sums[w.span].add(ct, cs.eff == effDeny)
	}
	for i := range rp.spans {
		if sp := &rp.spans[i]; sp.dup >= 0 {
			from := &rp.spans[sp.dup]
			copy(e.tr[start+int(sp.start):start+int(sp.start+sp.n)], e.tr[start+int(from.start):start+int(from.start+from.n)])
			sums[i] = sums[sp.dup]
		}
	}
	// The layers' outcomes, as evalEach combines them.
	ls.missing = [2]int{-1, -1}
	k := 0
	for l := plRCP; l <= plSession; l++ {
		if mask&(1<<l) == 0 {
			continue
		}
		switch l {
		case plRCP, plSCP:
			levels, miss := in.RCPs, &ls.missing[0]
			if l == plSCP {
				levels, miss = in.SCPs, &ls.missing[1]
			}
			for li := range levels {
				levelAllow := false
				for ; k < len(rp.spans) && rp.spans[k].layer == l && int(rp.spans[k].idx) == li; k++ {
					ls.s[l].Deny = ls.s[l].Deny || sums[k].Deny
					levelAllow = levelAllow || sums[k].Allow
				}
				if !levelAllow && *miss < 0 {
					*miss = li
				}
			}
		case plIdentity:
			for ; k < len(rp.spans) && rp.spans[k].layer == l; k++ {
				ls.s[l].Allow = ls.s[l].Allow || sums[k].Allow
				ls.s[l].Deny = ls.s[l].Deny || sums[k].Deny
			}
		default:
			if k < len(rp.spans) && rp.spans[k].layer == l {
				ls.s[l] = sums[k]
				k++
			}
		}
	}
	return true
}
