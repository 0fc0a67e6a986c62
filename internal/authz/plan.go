package authz

import (
	"sync/atomic"
	"unsafe"

	"github.com/s3access/terraform-provider-s3access/internal/policy"
)

// An evaluation plan (issue 3, performance) lists the policies of an Input
// in evaluation order with their compiled forms. Requests that share their
// policies (every check of an s3access_checks data source, the requests of
// one principal) share one plan, found by the policies' addresses, so that
// the per-policy work of an evaluation is a few loads; a Result refers to
// its plan instead of copying a policy table. Plans are immutable.

// planEnt is one policy of a plan.
type planEnt struct {
	p     *policy.Policy
	cp    *cPolicy // compiled form when the plan was made (checked with current)
	layer uint8
	// dup is the index, among the entries of the same chain, of an earlier
	// entry with the same policy (an SCP attached at several levels), -1.
	dup      int32
	idx, sub int32
	// deny caches, by statement, the reason of an explicit deny decided by
	// that statement (firstDeny), built on first use, with the layer name
	// it was built for (the resource layer's name is the input's).
	deny []atomic.Pointer[denyText]
}

type denyText struct {
	layer Layer
	text  string
}

type plan struct {
	ents []planEnt
	// first[L] is the index of the first entry of layer L; the entries of
	// layer L are ents[first[L]:first[L+1]].
	first [plSession + 2]int32
	key   []uintptr // the input's shape (inputKey), for the cache
	// rps holds the request plans (reqplan.go), by action id.
	rps atomic.Pointer[[]*rpSlot]
}

// Key words that are not policy addresses (addresses are larger).
const (
	keyLayer = 1 // + layer code: a layer starts
	keyLevel = 9 // a chain level starts
	keyNil   = 0 // a nil policy in a chain level or the identity list
)

// maxKey bounds the key of a cached plan; a larger input gets a plan of
// its own.
const maxKey = 48

// keyBuf collects the shape of an input (inputKey): its policies'
// addresses in evaluation order with layer and level marks.
type keyBuf struct {
	w    [maxKey]uintptr
	n    int
	full bool
}

func (k *keyBuf) add(w uintptr) {
	if k.n == len(k.w) {
		k.full = true
		return
	}
	k.w[k.n] = w
	k.n++
}

func (k *keyBuf) addPolicy(p *policy.Policy) { k.add(polAddr(p)) }

// inputKey collects the shape of in into k; k.full reports an input too
// large for a cached plan.
func inputKey(in *Input, k *keyBuf) {
	k.add(keyLayer + uintptr(plRCP))
	for _, level := range in.RCPs {
		k.add(keyLevel)
		for _, p := range level {
			k.addPolicy(p)
		}
	}
	k.add(keyLayer + uintptr(plSCP))
	for _, level := range in.SCPs {
		k.add(keyLevel)
		for _, p := range level {
			k.addPolicy(p)
		}
	}
	k.add(keyLayer + uintptr(plVPCE))
	k.addPolicy(in.VPCE)
	k.add(keyLayer + uintptr(plResource))
	k.addPolicy(in.Resource)
	k.add(keyLayer + uintptr(plIdentity))
	for _, p := range in.Identity {
		k.addPolicy(p)
	}
	k.add(keyLayer + uintptr(plBoundary))
	k.addPolicy(in.Boundary)
	k.add(keyLayer + uintptr(plSession))
	k.addPolicy(in.Session)
}

var planSlots [256]atomic.Pointer[plan]

// planFor returns the plan of in, cached by its shape.
func planFor(in *Input) *plan {
	var k keyBuf
	inputKey(in, &k)
	if k.full {
		return makePlan(in, nil)
	}
	key := k.w[:k.n]
	h := hashKey(key)
	slot := &planSlots[(h^h>>17)%uintptr(len(planSlots))]
	if pl := slot.Load(); pl != nil && equalKey(pl.key, key) {
		return pl
	}
	pl := makePlan(in, append([]uintptr(nil), key...))
	slot.Store(pl)
	return pl
}

func polAddr(p *policy.Policy) uintptr {
	// Safe: the address is only compared and hashed, never turned back
	// into a pointer; a cached plan holds the policies themselves.
	return uintptr(unsafe.Pointer(p))
}

func hashKey(key []uintptr) uintptr {
	h := uintptr(1469598103934665603)
	for _, w := range key {
		h = (h ^ w) * 1099511628211
	}
	return h
}

func equalKey(a, b []uintptr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// makePlan builds the plan of in (key: its cache key, or nil).
func makePlan(in *Input, key []uintptr) *plan {
	pl := &plan{key: key}
	add := func(p *policy.Policy, layer uint8, idx, sub int, chainStart int) {
		if p == nil {
			return
		}
		ent := planEnt{p: p, cp: compiledFor(p, p.VariablesEnabled()), layer: layer, dup: -1, idx: int32(idx), sub: int32(sub), deny: make([]atomic.Pointer[denyText], len(p.Statements))}
		for k := chainStart; k >= 0 && k < len(pl.ents); k++ {
			if pl.ents[k].p == p {
				ent.dup = int32(k - chainStart)
				break
			}
		}
		pl.ents = append(pl.ents, ent)
	}
	mark := func(layer uint8) int {
		pl.first[layer] = int32(len(pl.ents))
		return len(pl.ents)
	}
	for _, lc := range [2]struct {
		pl     uint8
		levels [][]*policy.Policy
	}{{plRCP, in.RCPs}, {plSCP, in.SCPs}} {
		start := mark(lc.pl)
		for li, level := range lc.levels {
			for pi, p := range level {
				add(p, lc.pl, li, pi, start)
			}
		}
	}
	mark(plVPCE)
	add(in.VPCE, plVPCE, 0, 0, -1)
	mark(plResource)
	add(in.Resource, plResource, 0, 0, -1)
	mark(plIdentity)
	for i, p := range in.Identity {
		add(p, plIdentity, i, 0, -1)
	}
	mark(plBoundary)
	add(in.Boundary, plBoundary, 0, 0, -1)
	mark(plSession)
	add(in.Session, plSession, 0, 0, -1)
	pl.first[plSession+1] = int32(len(pl.ents))
	return pl
}

// singlePlan is the plan of one policy in layer pl (EvaluatePolicy).
func singlePlan(p *policy.Policy, pl uint8, idx int) *plan {
	out := &plan{}
	if p != nil {
		out.ents = []planEnt{{p: p, cp: compiledFor(p, p.VariablesEnabled()), layer: pl, dup: -1, idx: int32(idx)}}
		for l := pl + 1; int(l) < len(out.first); l++ {
			out.first[l] = 1
		}
	}
	return out
}
