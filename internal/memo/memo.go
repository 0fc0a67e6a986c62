// Package memo is a bounded, concurrency-safe memo for values derived from
// immutable keys (parsed policies and what is computed from them). It
// imports no Terraform package.
package memo

import (
	"sync"
	"sync/atomic"
)

// Map remembers values by key. It is bounded crudely: when more than max
// values have been stored, everything is forgotten and the count starts
// again (a value is always recomputable from its key). The zero Map is not
// usable; make one with New.
type Map[K comparable, V any] struct {
	m   sync.Map
	n   atomic.Int64
	max int64
}

// New returns a Map that holds at most max values.
func New[K comparable, V any](max int) *Map[K, V] {
	return &Map[K, V]{max: int64(max)}
}

// Load returns the value stored for k.
func (c *Map[K, V]) Load(k K) (V, bool) {
	if v, ok := c.m.Load(k); ok {
		if tv, isV := v.(V); isV {
			return tv, true
		}
	}
	var zero V
	return zero, false
}

// Store remembers v for k.
func (c *Map[K, V]) Store(k K, v V) {
	if c.n.Add(1) > c.max {
		c.m.Clear()
		c.n.Store(1)
	}
	c.m.Store(k, v)
}

// Clear forgets every value.
func (c *Map[K, V]) Clear() {
	c.m.Clear()
	c.n.Store(0)
}
