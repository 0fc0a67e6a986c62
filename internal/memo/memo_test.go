package memo

import (
	"sync"
	"testing"
)

func TestMap(t *testing.T) {
	c := New[int, string](3)
	if _, ok := c.Load(1); ok {
		t.Fatal("empty map has a value")
	}
	c.Store(1, "a")
	c.Store(2, "b")
	if v, ok := c.Load(1); !ok || v != "a" {
		t.Fatalf("Load(1) = %q %v", v, ok)
	}
	c.Store(3, "c")
	c.Store(4, "d") // past the bound: everything before is forgotten
	if _, ok := c.Load(1); ok {
		t.Error("the bound did not clear the map")
	}
	if v, ok := c.Load(4); !ok || v != "d" {
		t.Errorf("Load(4) = %q %v", v, ok)
	}
	c.Clear()
	if _, ok := c.Load(4); ok {
		t.Error("Clear kept a value")
	}
}

func TestMapConcurrent(t *testing.T) {
	c := New[int, int](64)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				k := (i + g) % 100
				if v, ok := c.Load(k); ok && v != k*k {
					t.Errorf("Load(%d) = %d", k, v)
					return
				}
				c.Store(k, k*k)
			}
		}(g)
	}
	wg.Wait()
}
