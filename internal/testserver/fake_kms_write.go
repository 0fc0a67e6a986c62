package testserver

import (
	"encoding/json"
	"net/http"
	"testing"
)

// NewFakeKMSWrite starts a FAKE KMS that answers GetKeyPolicy like NewFakeKMS
// and also PutKeyPolicy (PolicyName "default" only), storing the document
// under the KeyId exactly as sent. It does not run KMS's own lockout safety
// check or validate the document: the provider's checks are what is tested.
func NewFakeKMSWrite(t testing.TB) *FakeKMS {
	f := &FakeKMS{Policies: map[string]string{}}
	f.init(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, ok := jsonTarget(r, "TrentService")
		if !ok || op != "PutKeyPolicy" {
			f.serve(w, r)
			return
		}
		if e, failed := f.record(op); failed {
			jsonError(w, e, "forced by the fake")
			return
		}
		var in struct{ KeyId, PolicyName, Policy string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			jsonError(w, FakeError{"SerializationException", 400}, err.Error())
			return
		}
		if in.PolicyName != "" && in.PolicyName != "default" {
			jsonError(w, FakeError{"ValidationException", 400}, "only the default key policy exists")
			return
		}
		f.mu.Lock()
		_, exists := f.Policies[in.KeyId]
		if exists {
			f.Policies[in.KeyId] = in.Policy
		}
		f.mu.Unlock()
		if !exists {
			jsonError(w, FakeError{"NotFoundException", 400}, "Key '"+in.KeyId+"' does not exist")
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(200)
		_, _ = w.Write([]byte("{}"))
	}))
	return f
}

// WrittenPolicy returns the stored key policy.
func (f *FakeKMS) WrittenPolicy(keyID string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.Policies[keyID]
}

// SeedPolicy stores a key policy (creating the key).
func (f *FakeKMS) SeedPolicy(keyID, doc string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Policies[keyID] = doc
}
