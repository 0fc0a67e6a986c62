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
	hash  uintptr   // hashInput of that shape
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
	h, n := hashInput(in)
	slot := &planSlots[(h^h>>17)%uintptr(len(planSlots))]
	if pl := slot.Load(); pl != nil && pl.hash == h && len(pl.key) == n && pl.matches(in) {
		return pl
	}
	var k keyBuf
	inputKey(in, &k)
	if k.full {
		return makePlan(in, nil)
	}
	pl := makePlan(in, append([]uintptr(nil), k.w[:k.n]...))
	pl.hash = h
	slot.Store(pl)
	return pl
}

// Hashing and comparing an input's shape without building its key
// (inputKey is the reference: the three walk the input alike).
func mixKey(h, w uintptr) uintptr { return (h ^ w) * 1099511628211 }

func polAddr(p *policy.Policy) uintptr {
	// Safe: the address is only compared and hashed, never turned back
	// into a pointer; a cached plan holds the policies themselves.
	return uintptr(unsafe.Pointer(p))
}

// hashInput returns the hash of in's key and the key's length.
func hashInput(in *Input) (h uintptr, n int) {
	h = 1469598103934665603
	h, n = mixKey(h, keyLayer+uintptr(plRCP)), n+1
	for _, level := range in.RCPs {
		h, n = mixKey(h, keyLevel), n+1
		for _, p := range level {
			h = mixKey(h, polAddr(p))
		}
		n += len(level)
	}
	h, n = mixKey(h, keyLayer+uintptr(plSCP)), n+1
	for _, level := range in.SCPs {
		h, n = mixKey(h, keyLevel), n+1
		for _, p := range level {
			h = mixKey(h, polAddr(p))
		}
		n += len(level)
	}
	h = mixKey(mixKey(h, keyLayer+uintptr(plVPCE)), polAddr(in.VPCE))
	h = mixKey(mixKey(h, keyLayer+uintptr(plResource)), polAddr(in.Resource))
	h = mixKey(h, keyLayer+uintptr(plIdentity))
	for _, p := range in.Identity {
		h = mixKey(h, polAddr(p))
	}
	h = mixKey(mixKey(h, keyLayer+uintptr(plBoundary)), polAddr(in.Boundary))
	h = mixKey(mixKey(h, keyLayer+uintptr(plSession)), polAddr(in.Session))
	return h, n + 9 + len(in.Identity)
}

// matches reports whether in's key is pl.key (whose length is checked).
func (pl *plan) matches(in *Input) bool {
	key := pl.key
	i := 0
	eq := func(w uintptr) bool {
		ok := i < len(key) && key[i] == w
		i++
		return ok
	}
	if !eq(keyLayer + uintptr(plRCP)) {
		return false
	}
	for _, level := range in.RCPs {
		if !eq(keyLevel) {
			return false
		}
		for _, p := range level {
			if !eq(polAddr(p)) {
				return false
			}
		}
	}
	if !eq(keyLayer + uintptr(plSCP)) {
		return false
	}
	for _, level := range in.SCPs {
		if !eq(keyLevel) {
			return false
		}
		for _, p := range level {
			if !eq(polAddr(p)) {
				return false
			}
		}
	}
	if !eq(keyLayer+uintptr(plVPCE)) || !eq(polAddr(in.VPCE)) || !eq(keyLayer+uintptr(plResource)) || !eq(polAddr(in.Resource)) || !eq(keyLayer+uintptr(plIdentity)) {
		return false
	}
	for _, p := range in.Identity {
		if !eq(polAddr(p)) {
			return false
		}
	}
	return eq(keyLayer+uintptr(plBoundary)) && eq(polAddr(in.Boundary)) && eq(keyLayer+uintptr(plSession)) && eq(polAddr(in.Session)) && i == len(key)
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
	for l := range out.first {
		if uint8(l) > pl {
			out.first[l] = 1
		}
	}
	if p == nil {
		for l := range out.first {
			out.first[l] = 0
		}
		return out
	}
	out.ents = []planEnt{{p: p, cp: compiledFor(p, p.VariablesEnabled()), layer: pl, dup: -1, idx: int32(idx)}}
	return out
}
