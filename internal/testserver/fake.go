package testserver

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// The fakes in fake_*.go are httptest servers that speak just enough of one
// AWS service's wire protocol for the operations awsread calls. They are
// FAKES: they do not check signatures, they keep state in memory, and they
// answer only the listed operations (anything else gets the service's
// "unknown operation" error, so a reader that calls something unexpected fails
// closed). Use them where Versity lacks the API (see README.md).

// FakeError forces an operation to fail with an AWS error code and HTTP status.
type FakeError struct {
	Code   string
	Status int
}

// Common forced errors.
var (
	ErrAccessDenied   = FakeError{Code: "AccessDenied", Status: 403}
	ErrNotImplemented = FakeError{Code: "NotImplemented", Status: 501}
	ErrThrottling     = FakeError{Code: "Throttling", Status: 400}
)

// fakeBase holds what every fake shares: the server, forced errors and a call log.
type fakeBase struct {
	URL string // endpoint, e.g. http://127.0.0.1:12345

	mu    sync.Mutex
	fail  map[string]FakeError
	calls map[string]int
}

func (f *fakeBase) init(t testing.TB, h http.Handler) {
	f.fail = map[string]FakeError{}
	f.calls = map[string]int{}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	f.URL = srv.URL
}

// Fail makes every later call of the operation (e.g. "GetKeyPolicy") fail with e.
func (f *fakeBase) Fail(op string, e FakeError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[op] = e
}

// Calls returns how many times the operation was called.
func (f *fakeBase) Calls(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// record counts the call and returns the forced error, if any.
func (f *fakeBase) record(op string) (FakeError, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[op]++
	e, ok := f.fail[op]
	return e, ok
}

// x builds an XML element; children are already-serialised XML strings.
func x(name string, children ...string) string {
	return "<" + name + ">" + strings.Join(children, "") + "</" + name + ">"
}

// xt builds an XML element with escaped text.
func xt(name, text string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(text))
	return "<" + name + ">" + b.String() + "</" + name + ">"
}

func writeXML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amz-request-id", "fake-request")
	w.WriteHeader(status)
	// A client that went away cannot be told; its SDK call fails on its own.
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+body)
}

// queryError writes an error in the AWS query protocol (IAM, STS).
func queryError(w http.ResponseWriter, e FakeError, msg string) {
	typ := "Sender"
	if e.Status >= 500 {
		typ = "Receiver"
	}
	writeXML(w, e.Status, x("ErrorResponse", x("Error", xt("Type", typ), xt("Code", e.Code), xt("Message", msg)), xt("RequestId", "fake-request")))
}

// queryResponse writes a query-protocol success for action with the result body.
func queryResponse(w http.ResponseWriter, action, ns string, result ...string) {
	writeXML(w, 200, `<`+action+`Response xmlns="`+ns+`">`+x(action+"Result", result...)+x("ResponseMetadata", xt("RequestId", "fake-request"))+`</`+action+`Response>`)
}

// jsonError writes an error in the AWS JSON 1.1 protocol (KMS, Organizations).
func jsonError(w http.ResponseWriter, e FakeError, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": e.Code, "message": msg})
}

func jsonResponse(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(200)
	_ = json.NewEncoder(w).Encode(v)
}

// jsonTarget returns the operation named by X-Amz-Target ("Prefix.Operation").
func jsonTarget(r *http.Request, prefix string) (string, bool) {
	t := r.Header.Get("X-Amz-Target")
	if !strings.HasPrefix(t, prefix+".") {
		return "", false
	}
	return strings.TrimPrefix(t, prefix+"."), true
}
