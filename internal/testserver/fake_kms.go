package testserver

import (
	"encoding/json"
	"net/http"
	"testing"
)

// FakeKMS is a FAKE KMS (JSON 1.1, X-Amz-Target TrentService.*) answering
// GetKeyPolicy from an in-memory map keyed by key ARN or key id. Versity has no KMS.
type FakeKMS struct {
	fakeBase
	Policies map[string]string
}

// NewFakeKMS starts the fake.
func NewFakeKMS(t testing.TB) *FakeKMS {
	f := &FakeKMS{Policies: map[string]string{}}
	f.init(t, http.HandlerFunc(f.serve))
	return f
}

func (f *FakeKMS) serve(w http.ResponseWriter, r *http.Request) {
	op, ok := jsonTarget(r, "TrentService")
	if !ok {
		jsonError(w, FakeError{"UnknownOperationException", 400}, "missing TrentService target")
		return
	}
	if e, ok := f.record(op); ok {
		jsonError(w, e, "forced by the fake")
		return
	}
	if op != "GetKeyPolicy" {
		jsonError(w, FakeError{"UnknownOperationException", 400}, "fake KMS does not implement "+op)
		return
	}
	var in struct{ KeyId, PolicyName string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		jsonError(w, FakeError{"SerializationException", 400}, err.Error())
		return
	}
	if in.PolicyName != "" && in.PolicyName != "default" {
		jsonError(w, FakeError{"NotFoundException", 400}, "only the default key policy exists")
		return
	}
	f.mu.Lock()
	p, ok := f.Policies[in.KeyId]
	f.mu.Unlock()
	if !ok {
		jsonError(w, FakeError{"NotFoundException", 400}, "Key '"+in.KeyId+"' does not exist")
		return
	}
	jsonResponse(w, map[string]string{"Policy": p, "PolicyName": "default"})
}
