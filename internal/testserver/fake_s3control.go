package testserver

import (
	"net/http"
	"strconv"
	"testing"
)

// FakeS3Control is a FAKE S3 Control (REST-XML) answering GetPublicAccessBlock
// (GET /v20180820/configuration/publicAccessBlock, x-amz-account-id header)
// from an in-memory map. Versity has no S3 Control API.
type FakeS3Control struct {
	fakeBase
	// BPA per account id; an account without an entry has no configuration
	// (NoSuchPublicAccessBlockConfiguration, 404).
	BPA map[string][4]bool // BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets
}

// NewFakeS3Control starts the fake.
func NewFakeS3Control(t testing.TB) *FakeS3Control {
	f := &FakeS3Control{BPA: map[string][4]bool{}}
	f.init(t, http.HandlerFunc(f.serve))
	return f
}

func s3ctlError(w http.ResponseWriter, e FakeError, msg string) {
	writeXML(w, e.Status, x("ErrorResponse", x("Error", xt("Code", e.Code), xt("Message", msg)), xt("RequestId", "fake-request")))
}

func (f *FakeS3Control) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || r.URL.Path != "/v20180820/configuration/publicAccessBlock" {
		s3ctlError(w, FakeError{"NotImplemented", 501}, "fake S3 Control does not implement "+r.Method+" "+r.URL.Path)
		return
	}
	if e, ok := f.record("GetPublicAccessBlock"); ok {
		s3ctlError(w, e, "forced by the fake")
		return
	}
	acct := r.Header.Get("x-amz-account-id")
	f.mu.Lock()
	b, ok := f.BPA[acct]
	f.mu.Unlock()
	if !ok {
		s3ctlError(w, FakeError{"NoSuchPublicAccessBlockConfiguration", 404}, "The public access block configuration was not found")
		return
	}
	fb := strconv.FormatBool
	writeXML(w, 200, x("PublicAccessBlockConfiguration",
		xt("BlockPublicAcls", fb(b[0])), xt("IgnorePublicAcls", fb(b[1])),
		xt("BlockPublicPolicy", fb(b[2])), xt("RestrictPublicBuckets", fb(b[3]))))
}
