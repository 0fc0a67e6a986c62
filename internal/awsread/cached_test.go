package awsread_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3access/terraform-provider-s3access/internal/awsread"
)

// countingReader is an in-memory Reader that counts calls, tracks the peak
// number of concurrent calls and can block or fail.
type countingReader struct {
	mu       sync.Mutex
	calls    map[string]int
	inflight atomic.Int32
	peak     atomic.Int32
	delay    time.Duration
	fail     error
}

func (c *countingReader) hit(ctx context.Context, key string) error {
	c.mu.Lock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[key]++
	c.mu.Unlock()
	n := c.inflight.Add(1)
	defer c.inflight.Add(-1)
	for {
		p := c.peak.Load()
		if n <= p || c.peak.CompareAndSwap(p, n) {
			break
		}
	}
	if c.delay > 0 {
		select {
		case <-time.After(c.delay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return c.fail
}

func (c *countingReader) n(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[key]
}

func (c *countingReader) BucketPolicy(ctx context.Context, b string) (*string, awsread.Source, error) {
	if err := c.hit(ctx, "bp "+b); err != nil {
		return nil, "", err
	}
	p := "policy of " + b
	return &p, awsread.Live("s3:GetBucketPolicy"), nil
}
func (c *countingReader) BucketPublicAccessBlock(ctx context.Context, b string) (*awsread.BPA, awsread.Source, error) {
	return &awsread.BPA{BlockPublicAcls: true}, "x", c.hit(ctx, "bpa "+b)
}
func (c *countingReader) AccountPublicAccessBlock(ctx context.Context, a string) (*awsread.BPA, awsread.Source, error) {
	return nil, "x", c.hit(ctx, "abpa "+a)
}
func (c *countingReader) OwnershipControls(ctx context.Context, b string) (string, awsread.Source, error) {
	return "ObjectWriter", "x", c.hit(ctx, "oc "+b)
}
func (c *countingReader) BucketACL(ctx context.Context, b string) (*awsread.ACL, awsread.Source, error) {
	return &awsread.ACL{Owner: "o"}, "x", c.hit(ctx, "acl "+b)
}
func (c *countingReader) BucketOwner(ctx context.Context, b string) (string, awsread.Source, error) {
	return "o", "x", c.hit(ctx, "owner "+b)
}
func (c *countingReader) BucketLocation(ctx context.Context, b string) (string, awsread.Source, error) {
	return "eu-west-1", "x", c.hit(ctx, "loc "+b)
}
func (c *countingReader) BucketEncryption(ctx context.Context, b string) (*awsread.Encryption, awsread.Source, error) {
	return &awsread.Encryption{SSE: "AES256"}, "x", c.hit(ctx, "enc "+b)
}
func (c *countingReader) ObjectInfo(ctx context.Context, b, k string) (*awsread.ObjectInfo, awsread.Source, error) {
	return &awsread.ObjectInfo{SSE: "AES256"}, "x", c.hit(ctx, "obj "+b+"/"+k)
}
func (c *countingReader) KeyPolicy(ctx context.Context, k string) (*string, awsread.Source, error) {
	p := "kp"
	return &p, "x", c.hit(ctx, "kp "+k)
}
func (c *countingReader) PrincipalPolicies(ctx context.Context, p string) (*awsread.PrincipalPolicies, awsread.Source, error) {
	return &awsread.PrincipalPolicies{Name: p}, "x", c.hit(ctx, "pp "+p)
}
func (c *countingReader) CallerAccount(ctx context.Context) (string, awsread.Source, error) {
	return "111111111111", "x", c.hit(ctx, "caller")
}
func (c *countingReader) SCPs(ctx context.Context, a string) ([]awsread.OrgLevel, awsread.Source, error) {
	return []awsread.OrgLevel{{Target: a}}, "x", c.hit(ctx, "scp "+a)
}
func (c *countingReader) RCPs(ctx context.Context, a string) ([]awsread.OrgLevel, awsread.Source, error) {
	return []awsread.OrgLevel{{Target: a}}, "x", c.hit(ctx, "rcp "+a)
}

// TestCachedOneReadPerKey: 50 concurrent callers per method and argument make
// exactly one underlying read each, and get the same answer.
func TestCachedOneReadPerKey(t *testing.T) {
	base := &countingReader{delay: 20 * time.Millisecond}
	c := awsread.NewCached(base, 3)
	ctx := context.Background()
	reads := []struct {
		key  string
		read func() (any, error)
	}{
		{"bp b1", func() (any, error) { p, _, err := c.BucketPolicy(ctx, "b1"); return *p, err }},
		{"bp b2", func() (any, error) { p, _, err := c.BucketPolicy(ctx, "b2"); return *p, err }},
		{"bpa b1", func() (any, error) { v, _, err := c.BucketPublicAccessBlock(ctx, "b1"); return *v, err }},
		{"abpa 1", func() (any, error) { v, _, err := c.AccountPublicAccessBlock(ctx, "1"); return v == nil, err }},
		{"oc b1", func() (any, error) { v, _, err := c.OwnershipControls(ctx, "b1"); return v, err }},
		{"acl b1", func() (any, error) { v, _, err := c.BucketACL(ctx, "b1"); return v.Owner, err }},
		{"owner b1", func() (any, error) { v, _, err := c.BucketOwner(ctx, "b1"); return v, err }},
		{"loc b1", func() (any, error) { v, _, err := c.BucketLocation(ctx, "b1"); return v, err }},
		{"enc b1", func() (any, error) { v, _, err := c.BucketEncryption(ctx, "b1"); return v.SSE, err }},
		{"obj b1/k", func() (any, error) { v, _, err := c.ObjectInfo(ctx, "b1", "k"); return v.SSE, err }},
		{"obj b1/k2", func() (any, error) { v, _, err := c.ObjectInfo(ctx, "b1", "k2"); return v.SSE, err }},
		{"kp k", func() (any, error) { v, _, err := c.KeyPolicy(ctx, "k"); return *v, err }},
		{"pp p", func() (any, error) { v, _, err := c.PrincipalPolicies(ctx, "p"); return v.Name, err }},
		{"caller", func() (any, error) { v, _, err := c.CallerAccount(ctx); return v, err }},
		{"scp 1", func() (any, error) { v, _, err := c.SCPs(ctx, "1"); return v[0].Target, err }},
		{"rcp 1", func() (any, error) { v, _, err := c.RCPs(ctx, "1"); return v[0].Target, err }},
	}
	var wg sync.WaitGroup
	results := make([][]any, len(reads))
	var mu sync.Mutex
	for i, rd := range reads {
		for j := 0; j < 50; j++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, err := rd.read()
				if err != nil {
					t.Errorf("%s: %v", rd.key, err)
				}
				mu.Lock()
				results[i] = append(results[i], v)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	for i, rd := range reads {
		if n := base.n(rd.key); n != 1 {
			t.Errorf("%s: %d underlying reads, want 1", rd.key, n)
		}
		for _, v := range results[i] {
			if v != results[i][0] {
				t.Errorf("%s: answers differ: %v vs %v", rd.key, v, results[i][0])
			}
		}
	}
	if p := base.peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak concurrency %d, want between 2 and the bound 3", p)
	}
}

// TestCachedErrorsAndCancellation: a failed read is cached for the plan (one
// AccessDenied, not one per check); a cancelled read is not.
func TestCachedErrorsAndCancellation(t *testing.T) {
	denied := &awsread.ReadError{Layer: awsread.LayerBucketPolicy, Operation: "s3:GetBucketPolicy", Code: "AccessDenied", AccessDenied: true}
	base := &countingReader{fail: denied}
	c := awsread.NewCached(base, 0)
	for i := 0; i < 3; i++ {
		_, _, err := c.BucketPolicy(context.Background(), "b")
		if !errors.Is(err, denied) {
			t.Fatalf("err = %v", err)
		}
	}
	if base.n("bp b") != 1 {
		t.Errorf("denied read repeated %d times", base.n("bp b"))
	}

	slow := &countingReader{delay: time.Second}
	c2 := awsread.NewCached(slow, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, _, err := c2.BucketPolicy(ctx, "b"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	slow.delay = 0
	p, _, err := c2.BucketPolicy(context.Background(), "b")
	if err != nil || *p != "policy of b" || slow.n("bp b") != 2 {
		t.Errorf("after cancellation: %v %v, %d reads", p, err, slow.n("bp b"))
	}
	if c2.Calls("BucketPolicy\x00b") != 2 {
		t.Errorf("Calls = %d", c2.Calls("BucketPolicy\x00b"))
	}
}

func BenchmarkCachedHit(b *testing.B) {
	c := awsread.NewCached(&countingReader{}, 4)
	ctx := context.Background()
	c.BucketPolicy(ctx, "b")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c.BucketPolicy(ctx, "b")
	}
}
