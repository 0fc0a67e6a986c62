package policy

import (
	"fmt"
	"sync"
	"testing"
)

func TestParseCachedSharesResult(t *testing.T) {
	p1, err := ParseCached(bucketPolicy, KindBucket)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := ParseCached(bucketPolicy, KindBucket)
	if err != nil {
		t.Fatal(err)
	}
	if p1 != p2 {
		t.Fatal("second ParseCached did not return the cached policy")
	}
	direct, _ := Parse(bucketPolicy, KindBucket)
	if !Equivalent(p1, direct) {
		t.Fatal("cached policy differs from Parse")
	}
	// The kind is part of the key: the same text is invalid as an identity policy.
	if _, err := ParseCached(bucketPolicy, KindIdentity); err == nil {
		t.Fatal("kind not part of the cache key")
	}
	_, e1 := ParseCached(`{`, KindIdentity)
	_, e2 := ParseCached(`{`, KindIdentity)
	if e1 == nil || e1 != e2 {
		t.Fatalf("errors not cached: %v %v", e1, e2)
	}
}

func TestPolicyCacheEviction(t *testing.T) {
	c := newPolicyCache(3)
	doc := func(i int) string {
		return fmt.Sprintf(`{"Statement":{"Sid":"S%d","Effect":"Allow","Action":"*","Resource":"*"}}`, i)
	}
	first, _ := c.parse(doc(0), KindIdentity)
	for i := 1; i < 3; i++ {
		c.parse(doc(i), KindIdentity)
	}
	if again, _ := c.parse(doc(0), KindIdentity); again != first { // refresh 0
		t.Fatal("entry 0 lost before the cap")
	}
	c.parse(doc(3), KindIdentity) // evicts 1, the least recently used
	if c.len() != 3 {
		t.Fatalf("len = %d", c.len())
	}
	if again, _ := c.parse(doc(0), KindIdentity); again != first {
		t.Fatal("recently used entry evicted")
	}
	if _, ok := c.items[cacheKey{KindIdentity, doc(1)}]; ok {
		t.Fatal("least recently used entry kept")
	}
}

func TestParseCachedConcurrent(t *testing.T) {
	c := newPolicyCache(8)
	var wg sync.WaitGroup
	res := make([]*Policy, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				p, err := c.parse(fmt.Sprintf(`{"Statement":{"Sid":"S%d","Effect":"Allow","Action":"*","Resource":"*"}}`, i%10), KindIdentity)
				if err != nil {
					t.Error(err)
					return
				}
				if i == 0 {
					res[g] = p
				}
			}
		}(g)
	}
	wg.Wait()
	if c.len() > 8 {
		t.Fatalf("cache over cap: %d", c.len())
	}
	for _, p := range res {
		if p == nil || p.Statements[0].Sid != "S0" {
			t.Fatal("wrong cached result")
		}
	}
}
