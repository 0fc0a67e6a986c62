package testserver

import (
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
)

// S3Front is an S3 endpoint for live-mode tests: the bucket and object reads
// Versity does not implement are answered by a FakeS3 (a FAKE: Block Public
// Access, default encryption, object ACLs), everything else, signed requests
// included, is proxied unchanged (Host kept, so SigV4 signatures verify) to
// the real upstream (the Versity Gateway), which stores and evaluates bucket
// policies, ownership controls, bucket ACLs, objects and user policies.
//
// A bucket the fake does not know answers as "nothing configured"
// (NoSuchPublicAccessBlockConfiguration, no default encryption), which is
// what a new bucket without those settings returns in AWS.
type S3Front struct {
	URL  string
	Fake *FakeS3
	// Upstream is the real S3 endpoint everything else goes to.
	Upstream string
}

// NewS3Front starts the front for upstream (e.g. Versity.Endpoint) with a new FakeS3.
func NewS3Front(t testing.TB, upstream string) *S3Front {
	t.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatalf("S3Front upstream %q: %v", upstream, err)
	}
	f := &S3Front{Fake: NewFakeS3(t), Upstream: upstream}
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(u)
		r.Out.Host = r.In.Host
	}}
	var fb fakeBase
	fb.init(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.faked(r) {
			bucket, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
			f.Fake.mu.Lock()
			if f.Fake.Buckets[bucket] == nil {
				f.Fake.Buckets[bucket] = &FakeBucket{Objects: map[string]FakeObject{}}
			}
			f.Fake.mu.Unlock()
			f.Fake.serve(w, r)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	f.URL = fb.URL
	return f
}

// faked reports whether the fake answers the request: GetPublicAccessBlock,
// GetBucketEncryption and GetObjectAcl.
func (f *S3Front) faked(r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	_, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	q := r.URL.Query()
	switch {
	case key == "" && (q.Has("publicAccessBlock") || q.Has("encryption")):
		return true
	case key != "" && q.Has("acl"):
		return true
	}
	return false
}
