package awsread

import (
	"context"
	"errors"
	"sync"
)

// Cached wraps a Reader: each distinct read (per bucket, key, principal, key
// ARN, account) happens at most once for the wrapper's lifetime (one provider
// instance, i.e. one plan); concurrent callers of the same read share one call;
// at most maxConcurrent underlying reads run at a time. Failures are cached too
// (a read denied once is denied for the whole plan), except context
// cancellation, which is retried by the next caller.
type Cached struct {
	r   Reader
	sem chan struct{}

	mu      sync.Mutex
	entries map[string]*entry
	calls   map[string]int // underlying calls per key, for tests
}

type entry struct {
	done chan struct{}
	val  any
	src  Source
	err  error
}

// NewCached returns a caching Reader; maxConcurrent < 1 means 1.
func NewCached(r Reader, maxConcurrent int) *Cached {
	if maxConcurrent < 1 {
		maxConcurrent = 1
	}
	return &Cached{r: r, sem: make(chan struct{}, maxConcurrent), entries: map[string]*entry{}, calls: map[string]int{}}
}

var _ Reader = (*Cached)(nil)

// Calls returns how many underlying reads were made for key (method + "\x00" + args).
func (c *Cached) Calls(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[key]
}

func isCtxErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

func cachedDo[T any](ctx context.Context, c *Cached, key string, f func(context.Context) (T, Source, error)) (T, Source, error) {
	for {
		c.mu.Lock()
		e, ok := c.entries[key]
		if !ok {
			e = &entry{done: make(chan struct{})}
			c.entries[key] = e
			c.calls[key]++
			c.mu.Unlock()
			var zero T
			select {
			case c.sem <- struct{}{}:
				v, src, err := f(ctx)
				<-c.sem
				e.val, e.src, e.err = v, src, err
			case <-ctx.Done():
				e.val, e.src, e.err = zero, "", ctx.Err()
			}
			if e.err != nil && isCtxErr(e.err) {
				c.mu.Lock()
				delete(c.entries, key)
				c.mu.Unlock()
			}
			close(e.done)
			v, _ := e.val.(T)
			return v, e.src, e.err
		}
		c.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			var zero T
			return zero, "", ctx.Err()
		}
		if e.err != nil && isCtxErr(e.err) && ctx.Err() == nil {
			continue // the first caller was cancelled; read again with ours
		}
		v, _ := e.val.(T)
		return v, e.src, e.err
	}
}

func k(parts ...string) string {
	n := 0
	for _, p := range parts {
		n += len(p) + 1
	}
	b := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	return string(b)
}

func (c *Cached) BucketPolicy(ctx context.Context, bucket string) (*string, Source, error) {
	return cachedDo(ctx, c, k("BucketPolicy", bucket), func(ctx context.Context) (*string, Source, error) { return c.r.BucketPolicy(ctx, bucket) })
}

func (c *Cached) BucketPublicAccessBlock(ctx context.Context, bucket string) (*BPA, Source, error) {
	return cachedDo(ctx, c, k("BucketPublicAccessBlock", bucket), func(ctx context.Context) (*BPA, Source, error) { return c.r.BucketPublicAccessBlock(ctx, bucket) })
}

func (c *Cached) AccountPublicAccessBlock(ctx context.Context, accountID string) (*BPA, Source, error) {
	return cachedDo(ctx, c, k("AccountPublicAccessBlock", accountID), func(ctx context.Context) (*BPA, Source, error) {
		return c.r.AccountPublicAccessBlock(ctx, accountID)
	})
}

func (c *Cached) OwnershipControls(ctx context.Context, bucket string) (string, Source, error) {
	return cachedDo(ctx, c, k("OwnershipControls", bucket), func(ctx context.Context) (string, Source, error) { return c.r.OwnershipControls(ctx, bucket) })
}

func (c *Cached) BucketACL(ctx context.Context, bucket string) (*ACL, Source, error) {
	return cachedDo(ctx, c, k("BucketACL", bucket), func(ctx context.Context) (*ACL, Source, error) { return c.r.BucketACL(ctx, bucket) })
}

func (c *Cached) BucketOwner(ctx context.Context, bucket string) (string, Source, error) {
	return cachedDo(ctx, c, k("BucketOwner", bucket), func(ctx context.Context) (string, Source, error) { return c.r.BucketOwner(ctx, bucket) })
}

func (c *Cached) BucketLocation(ctx context.Context, bucket string) (string, Source, error) {
	return cachedDo(ctx, c, k("BucketLocation", bucket), func(ctx context.Context) (string, Source, error) { return c.r.BucketLocation(ctx, bucket) })
}

func (c *Cached) BucketEncryption(ctx context.Context, bucket string) (*Encryption, Source, error) {
	return cachedDo(ctx, c, k("BucketEncryption", bucket), func(ctx context.Context) (*Encryption, Source, error) { return c.r.BucketEncryption(ctx, bucket) })
}

func (c *Cached) ObjectInfo(ctx context.Context, bucket, key string) (*ObjectInfo, Source, error) {
	return cachedDo(ctx, c, k("ObjectInfo", bucket, key), func(ctx context.Context) (*ObjectInfo, Source, error) { return c.r.ObjectInfo(ctx, bucket, key) })
}

func (c *Cached) KeyPolicy(ctx context.Context, keyARN string) (*string, Source, error) {
	return cachedDo(ctx, c, k("KeyPolicy", keyARN), func(ctx context.Context) (*string, Source, error) { return c.r.KeyPolicy(ctx, keyARN) })
}

func (c *Cached) PrincipalPolicies(ctx context.Context, principalARN string) (*PrincipalPolicies, Source, error) {
	return cachedDo(ctx, c, k("PrincipalPolicies", principalARN), func(ctx context.Context) (*PrincipalPolicies, Source, error) {
		return c.r.PrincipalPolicies(ctx, principalARN)
	})
}

func (c *Cached) CallerAccount(ctx context.Context) (string, Source, error) {
	return cachedDo(ctx, c, k("CallerAccount"), func(ctx context.Context) (string, Source, error) { return c.r.CallerAccount(ctx) })
}

func (c *Cached) SCPs(ctx context.Context, accountID string) ([]OrgLevel, Source, error) {
	return cachedDo(ctx, c, k("SCPs", accountID), func(ctx context.Context) ([]OrgLevel, Source, error) { return c.r.SCPs(ctx, accountID) })
}

func (c *Cached) RCPs(ctx context.Context, accountID string) ([]OrgLevel, Source, error) {
	return cachedDo(ctx, c, k("RCPs", accountID), func(ctx context.Context) ([]OrgLevel, Source, error) { return c.r.RCPs(ctx, accountID) })
}
