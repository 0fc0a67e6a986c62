package testserver

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// FakeS3 is a FAKE S3 (REST-XML, path style) for the bucket and object
// reads Versity does not implement: GetPublicAccessBlock, GetBucketEncryption,
// GetObjectAcl, plus HeadObject with SSE headers. Everything else gets
// NotImplemented (501).
type FakeS3 struct {
	fakeBase
	Buckets map[string]*FakeBucket
}

// FakeBucket is one bucket of FakeS3.
type FakeBucket struct {
	BPA       *[4]bool // nil: NoSuchPublicAccessBlockConfiguration
	SSE       string   // "": ServerSideEncryptionConfigurationNotFoundError
	KMSKeyID  string
	BucketKey bool
	Objects   map[string]FakeObject
	OwnerID   string
}

// FakeObject is one object of FakeS3. Grants: grantee ("AllUsers",
// "AuthenticatedUsers", "LogDelivery", or a canonical id) -> permission.
type FakeObject struct {
	SSE       string
	KMSKeyID  string
	BucketKey bool
	OwnerID   string
	Grants    [][2]string
}

// NewFakeS3 starts the fake.
func NewFakeS3(t testing.TB) *FakeS3 {
	f := &FakeS3{Buckets: map[string]*FakeBucket{}}
	f.init(t, http.HandlerFunc(f.serve))
	return f
}

func s3Error(w http.ResponseWriter, e FakeError, msg string) {
	writeXML(w, e.Status, x("Error", xt("Code", e.Code), xt("Message", msg), xt("RequestId", "fake-request")))
}

var groupURI = map[string]string{
	"AllUsers":           "http://acs.amazonaws.com/groups/global/AllUsers",
	"AuthenticatedUsers": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
	"LogDelivery":        "http://acs.amazonaws.com/groups/s3/LogDelivery",
}

func (f *FakeS3) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	q := r.URL.Query()
	var op string
	switch {
	case r.Method == http.MethodHead && key != "":
		op = "HeadObject"
	case r.Method == http.MethodGet && key == "" && q.Has("publicAccessBlock"):
		op = "GetPublicAccessBlock"
	case r.Method == http.MethodGet && key == "" && q.Has("encryption"):
		op = "GetBucketEncryption"
	case r.Method == http.MethodGet && key != "" && q.Has("acl"):
		op = "GetObjectAcl"
	default:
		s3Error(w, ErrNotImplemented, "fake S3 does not implement "+r.Method+" "+r.URL.String())
		return
	}
	if e, ok := f.record(op); ok {
		s3Error(w, e, "forced by the fake")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.Buckets[bucket]
	if b == nil {
		s3Error(w, FakeError{"NoSuchBucket", 404}, "The specified bucket does not exist")
		return
	}
	var o FakeObject
	if key != "" {
		var ok bool
		if o, ok = b.Objects[key]; !ok {
			s3Error(w, FakeError{"NoSuchKey", 404}, "The specified key does not exist.")
			return
		}
	}
	switch op {
	case "HeadObject":
		if o.SSE != "" {
			w.Header().Set("x-amz-server-side-encryption", o.SSE)
		}
		if o.KMSKeyID != "" {
			w.Header().Set("x-amz-server-side-encryption-aws-kms-key-id", o.KMSKeyID)
		}
		if o.BucketKey {
			w.Header().Set("x-amz-server-side-encryption-bucket-key-enabled", "true")
		}
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(200)
	case "GetPublicAccessBlock":
		if b.BPA == nil {
			s3Error(w, FakeError{"NoSuchPublicAccessBlockConfiguration", 404}, "The public access block configuration was not found")
			return
		}
		fb := strconv.FormatBool
		writeXML(w, 200, x("PublicAccessBlockConfiguration", xt("BlockPublicAcls", fb(b.BPA[0])), xt("IgnorePublicAcls", fb(b.BPA[1])),
			xt("BlockPublicPolicy", fb(b.BPA[2])), xt("RestrictPublicBuckets", fb(b.BPA[3]))))
	case "GetBucketEncryption":
		if b.SSE == "" {
			s3Error(w, FakeError{"ServerSideEncryptionConfigurationNotFoundError", 404}, "The server side encryption configuration was not found")
			return
		}
		def := xt("SSEAlgorithm", b.SSE)
		if b.KMSKeyID != "" {
			def += xt("KMSMasterKeyID", b.KMSKeyID)
		}
		writeXML(w, 200, x("ServerSideEncryptionConfiguration", x("Rule", x("ApplyServerSideEncryptionByDefault", def), xt("BucketKeyEnabled", strconv.FormatBool(b.BucketKey)))))
	case "GetObjectAcl":
		var grants strings.Builder
		for _, g := range o.Grants {
			var grantee string
			if uri, ok := groupURI[g[0]]; ok {
				grantee = `<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group">` + xt("URI", uri) + `</Grantee>`
			} else {
				grantee = `<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">` + xt("ID", g[0]) + `</Grantee>`
			}
			grants.WriteString(x("Grant", grantee, xt("Permission", g[1])))
		}
		writeXML(w, 200, x("AccessControlPolicy", x("Owner", xt("ID", o.OwnerID)), x("AccessControlList", grants.String())))
	}
}
