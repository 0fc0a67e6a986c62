package testserver

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// S3Overlay is a FAKE layer in front of a real S3 endpoint (the Versity
// Gateway) for the writes and reads Versity lacks. It serves, from memory:
//
//   - bucket Block Public Access: GET/PUT/DELETE ?publicAccessBlock;
//   - the bucket ACL (GET ?acl on a bucket) for buckets given one with
//     SetBucketACL or written with PUT ?acl (AccessControlPolicy body);
//     other buckets' ACL reads go to the upstream;
//
// and it imitates three AWS behaviours Versity does not have:
//
//   - PutBucketPolicy of a public policy is refused (403 AccessDenied) while
//     the bucket's BlockPublicPolicy is on;
//   - unsigned (anonymous) requests are refused (403) while the bucket's
//     RestrictPublicBuckets is on and its policy is public;
//   - PutBucketOwnershipControls(BucketOwnerEnforced) is refused (400
//     InvalidBucketAclWithObjectOwnership) while the overlay's bucket ACL
//     grants anyone but the owner.
//
// "Public" here is the fake's own crude rule (an Allow statement whose
// Principal is "*" or {"AWS":"*"} and that has no Condition), not the
// engine's classifier. Everything else, signed or not, is proxied unchanged
// (Host kept, so SigV4 signatures stay valid) to the upstream, which stores
// bucket policies and ownership controls and evaluates bucket policies.
type S3Overlay struct {
	fakeBase
	Upstream string

	state    sync.Mutex
	bpa      map[string]*[4]bool // BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets
	acl      map[string]OverlayACL
	policies map[string]string // last policy stored through the overlay
	memPol   map[string]bool   // buckets whose policy the overlay keeps itself
	failN    map[string]overlayFail
}

// OverlayACL is a bucket ACL served by the overlay. Grants: grantee
// (canonical id, 12-digit account id, AllUsers, AuthenticatedUsers,
// LogDelivery) -> permission.
type OverlayACL struct {
	Owner  string
	Grants [][2]string
}

type overlayFail struct {
	e FakeError
	n int
}

// NewS3Overlay starts the overlay in front of upstream (e.g. Versity.Endpoint).
func NewS3Overlay(t testing.TB, upstream string) *S3Overlay {
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatalf("overlay upstream %q: %v", upstream, err)
	}
	o := &S3Overlay{Upstream: upstream, bpa: map[string]*[4]bool{}, acl: map[string]OverlayACL{},
		policies: map[string]string{}, memPol: map[string]bool{}, failN: map[string]overlayFail{}}
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(u)
		r.Out.Host = r.In.Host // the SigV4 signature covers the Host header
	}}
	o.init(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { o.serve(w, r, proxy) }))
	return o
}

// SetBPA sets a bucket's public access block (nil removes it).
func (o *S3Overlay) SetBPA(bucket string, b *[4]bool) {
	o.state.Lock()
	defer o.state.Unlock()
	if b == nil {
		delete(o.bpa, bucket)
		return
	}
	c := *b
	o.bpa[bucket] = &c
}

// BPA returns a bucket's public access block (nil: none).
func (o *S3Overlay) BPA(bucket string) *[4]bool {
	o.state.Lock()
	defer o.state.Unlock()
	if b := o.bpa[bucket]; b != nil {
		c := *b
		return &c
	}
	return nil
}

// SetBucketACL makes the overlay answer GetBucketAcl for the bucket.
func (o *S3Overlay) SetBucketACL(bucket string, a OverlayACL) {
	o.state.Lock()
	defer o.state.Unlock()
	o.acl[bucket] = a
}

// KeepPolicy makes the overlay store the bucket's policy itself instead of
// passing policy requests to the upstream: for policies Versity refuses
// (it accepts only principals of its own account). Such a policy is not
// evaluated by anyone; use it for storage tests only.
func (o *S3Overlay) KeepPolicy(bucket string) {
	o.state.Lock()
	defer o.state.Unlock()
	o.memPol[bucket] = true
}

// StoredPolicy returns the policy the overlay keeps for a KeepPolicy bucket ("" none).
func (o *S3Overlay) StoredPolicy(bucket string) string {
	o.state.Lock()
	defer o.state.Unlock()
	return o.policies[bucket]
}

// FailTimes makes the next n calls of op (e.g. "PutBucketPolicy") fail with e.
func (o *S3Overlay) FailTimes(op string, e FakeError, n int) {
	o.state.Lock()
	defer o.state.Unlock()
	o.failN[op] = overlayFail{e: e, n: n}
}

func (o *S3Overlay) takeFail(op string) (FakeError, bool) {
	o.state.Lock()
	defer o.state.Unlock()
	f, ok := o.failN[op]
	if !ok || f.n <= 0 {
		return FakeError{}, false
	}
	f.n--
	o.failN[op] = f
	return f.e, true
}

func unsigned(r *http.Request) bool {
	return r.Header.Get("Authorization") == "" && r.URL.Query().Get("X-Amz-Signature") == ""
}

// crudePublic: an Allow statement with Principal "*" / {"AWS":"*"} and no Condition.
func crudePublic(doc string) bool {
	var p struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &p) != nil {
		return false
	}
	var sts []map[string]json.RawMessage
	if json.Unmarshal(p.Statement, &sts) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(p.Statement, &one) != nil {
			return false
		}
		sts = []map[string]json.RawMessage{one}
	}
	for _, s := range sts {
		var eff string
		_ = json.Unmarshal(s["Effect"], &eff)
		if eff != "Allow" || s["Condition"] != nil {
			continue
		}
		pr := strings.ReplaceAll(string(s["Principal"]), " ", "")
		if pr == `"*"` || pr == `{"AWS":"*"}` || pr == `{"AWS":["*"]}` {
			return true
		}
	}
	return false
}

func (o *S3Overlay) serve(w http.ResponseWriter, r *http.Request, proxy *httputil.ReverseProxy) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	q := r.URL.Query()
	op := ""
	switch {
	case key == "" && q.Has("publicAccessBlock"):
		op = map[string]string{http.MethodGet: "GetPublicAccessBlock", http.MethodPut: "PutPublicAccessBlock", http.MethodDelete: "DeletePublicAccessBlock"}[r.Method]
	case key == "" && q.Has("policy"):
		op = map[string]string{http.MethodGet: "GetBucketPolicy", http.MethodPut: "PutBucketPolicy", http.MethodDelete: "DeleteBucketPolicy"}[r.Method]
	case key == "" && q.Has("ownershipControls"):
		op = map[string]string{http.MethodGet: "GetBucketOwnershipControls", http.MethodPut: "PutBucketOwnershipControls", http.MethodDelete: "DeleteBucketOwnershipControls"}[r.Method]
	case key == "" && q.Has("acl") && r.Method == http.MethodGet:
		op = "GetBucketAcl"
	case key == "" && q.Has("acl") && r.Method == http.MethodPut:
		op = "PutBucketAcl"
	}
	if op != "" {
		if e, ok := o.record(op); ok {
			s3Error(w, e, "forced by the fake")
			return
		}
		if e, ok := o.takeFail(op); ok {
			s3Error(w, e, "forced by the fake (counted)")
			return
		}
	}
	o.state.Lock()
	mem := o.memPol[bucket]
	o.state.Unlock()
	if mem && strings.HasSuffix(op, "BucketPolicy") {
		o.servePolicy(w, r, op, bucket)
		return
	}
	switch op {
	case "GetPublicAccessBlock":
		b := o.BPA(bucket)
		if b == nil {
			s3Error(w, FakeError{"NoSuchPublicAccessBlockConfiguration", 404}, "The public access block configuration was not found")
			return
		}
		fb := strconv.FormatBool
		writeXML(w, 200, x("PublicAccessBlockConfiguration", xt("BlockPublicAcls", fb(b[0])), xt("IgnorePublicAcls", fb(b[1])),
			xt("BlockPublicPolicy", fb(b[2])), xt("RestrictPublicBuckets", fb(b[3]))))
		return
	case "PutPublicAccessBlock":
		var c struct {
			BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets bool
		}
		if err := xml.NewDecoder(r.Body).Decode(&c); err != nil {
			s3Error(w, FakeError{"MalformedXML", 400}, err.Error())
			return
		}
		o.SetBPA(bucket, &[4]bool{c.BlockPublicAcls, c.IgnorePublicAcls, c.BlockPublicPolicy, c.RestrictPublicBuckets})
		w.WriteHeader(200)
		return
	case "DeletePublicAccessBlock":
		o.SetBPA(bucket, nil)
		w.WriteHeader(204)
		return
	case "GetBucketAcl":
		o.state.Lock()
		a, ok := o.acl[bucket]
		o.state.Unlock()
		if ok {
			var grants strings.Builder
			for _, g := range a.Grants {
				var grantee string
				if uri, isGroup := groupURI[g[0]]; isGroup {
					grantee = `<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group">` + xt("URI", uri) + `</Grantee>`
				} else {
					grantee = `<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">` + xt("ID", g[0]) + `</Grantee>`
				}
				grants.WriteString(x("Grant", grantee, xt("Permission", g[1])))
			}
			writeXML(w, 200, x("AccessControlPolicy", x("Owner", xt("ID", a.Owner)), x("AccessControlList", grants.String())))
			return
		}
	case "PutBucketAcl":
		var in struct {
			Owner  struct{ ID string }
			Grants []struct {
				Grantee    struct{ ID, URI string }
				Permission string
			} `xml:"AccessControlList>Grant"`
		}
		if err := xml.NewDecoder(r.Body).Decode(&in); err != nil {
			s3Error(w, FakeError{"MalformedACLError", 400}, err.Error())
			return
		}
		a := OverlayACL{Owner: in.Owner.ID}
		for _, g := range in.Grants {
			who := g.Grantee.ID
			for name, uri := range groupURI {
				if g.Grantee.URI == uri {
					who = name
				}
			}
			a.Grants = append(a.Grants, [2]string{who, g.Permission})
		}
		o.SetBucketACL(bucket, a)
		w.WriteHeader(200)
		return
	case "PutBucketPolicy":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			s3Error(w, FakeError{"IncompleteBody", 400}, err.Error())
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if b := o.BPA(bucket); b != nil && b[2] && crudePublic(string(body)) {
			s3Error(w, FakeError{"AccessDenied", 403}, "User is not authorized to perform: s3:PutBucketPolicy because public policies are prevented by the BlockPublicPolicy setting in S3 Block Public Access.")
			return
		}
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		proxy.ServeHTTP(rec, r)
		if rec.status < 300 {
			o.state.Lock()
			o.policies[bucket] = string(body)
			o.state.Unlock()
		}
		return
	case "DeleteBucketPolicy":
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		proxy.ServeHTTP(rec, r)
		if rec.status < 300 {
			o.state.Lock()
			delete(o.policies, bucket)
			o.state.Unlock()
		}
		return
	case "PutBucketOwnershipControls":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			s3Error(w, FakeError{"IncompleteBody", 400}, err.Error())
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if strings.Contains(string(body), "BucketOwnerEnforced") {
			o.state.Lock()
			a, ok := o.acl[bucket]
			o.state.Unlock()
			if ok {
				for _, g := range a.Grants {
					if g[0] != a.Owner {
						s3Error(w, FakeError{"InvalidBucketAclWithObjectOwnership", 400}, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
						return
					}
				}
			}
		}
	}
	if bucket != "" && unsigned(r) {
		o.state.Lock()
		b := o.bpa[bucket]
		pol, hasPol := o.policies[bucket]
		o.state.Unlock()
		if b != nil && b[3] && hasPol && crudePublic(pol) {
			s3Error(w, FakeError{"AccessDenied", 403}, "Access Denied (RestrictPublicBuckets, imitated by the overlay)")
			return
		}
	}
	proxy.ServeHTTP(w, r)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// servePolicy answers Get/Put/DeleteBucketPolicy from memory (KeepPolicy buckets).
func (o *S3Overlay) servePolicy(w http.ResponseWriter, r *http.Request, op, bucket string) {
	o.state.Lock()
	defer o.state.Unlock()
	switch op {
	case "GetBucketPolicy":
		p, ok := o.policies[bucket]
		if !ok {
			s3Error(w, FakeError{"NoSuchBucketPolicy", 404}, "The bucket policy does not exist")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		_, _ = w.Write([]byte(p))
	case "PutBucketPolicy":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			s3Error(w, FakeError{"IncompleteBody", 400}, err.Error())
			return
		}
		if b := o.bpa[bucket]; b != nil && b[2] && crudePublic(string(body)) {
			s3Error(w, FakeError{"AccessDenied", 403}, "public policies are prevented by the BlockPublicPolicy setting in S3 Block Public Access.")
			return
		}
		o.policies[bucket] = string(body)
		w.WriteHeader(204)
	case "DeleteBucketPolicy":
		delete(o.policies, bucket)
		w.WriteHeader(204)
	}
}
