package policy

import (
	"container/list"
	"sync"
)

// cacheSize bounds the number of parsed documents kept by ParseCached.
const cacheSize = 1024

type cacheKey struct {
	kind Kind
	doc  string
}

type cacheEntry struct {
	key cacheKey
	p   *Policy
	err error
}

// policyCache is a concurrency-safe LRU of parse results (errors included:
// parsing is deterministic).
type policyCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // front = most recently used
	items map[cacheKey]*list.Element
}

func newPolicyCache(max int) *policyCache {
	return &policyCache{max: max, order: list.New(), items: map[cacheKey]*list.Element{}}
}

var defaultCache = newPolicyCache(cacheSize)

// ParseCached is Parse with a process-wide, concurrency-safe LRU cache keyed
// by (kind, document text), so a plan with many checks parses each policy
// once.
//
// The returned *Policy is shared between callers and must be treated as
// immutable: do not modify it or any slice or pointer reachable from it.
func ParseCached(doc string, kind Kind) (*Policy, error) {
	return defaultCache.parse(doc, kind)
}

func (c *policyCache) parse(doc string, kind Kind) (*Policy, error) {
	k := cacheKey{kind: kind, doc: doc}
	c.mu.Lock()
	if el, ok := c.items[k]; ok {
		c.order.MoveToFront(el)
		e := el.Value.(*cacheEntry)
		c.mu.Unlock()
		return e.p, e.err
	}
	c.mu.Unlock()

	// Parse outside the lock; two goroutines may parse the same document at
	// once, the first result stored wins.
	p, err := Parse(doc, kind)

	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.order.MoveToFront(el)
		e := el.Value.(*cacheEntry)
		return e.p, e.err
	}
	c.items[k] = c.order.PushFront(&cacheEntry{key: k, p: p, err: err})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).key)
	}
	return p, err
}

func (c *policyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
