package testserver

import (
	"net/http"
	"testing"
)

// FakeSTS is a FAKE STS (query protocol, XML) answering GetCallerIdentity only.
type FakeSTS struct {
	fakeBase
	Account string
	Arn     string
	UserID  string
}

// NewFakeSTS starts a fake STS whose caller is arn in account.
func NewFakeSTS(t testing.TB, account, arn string) *FakeSTS {
	f := &FakeSTS{Account: account, Arn: arn, UserID: "AIDAFAKE"}
	f.init(t, http.HandlerFunc(f.serve))
	return f
}

func (f *FakeSTS) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		queryError(w, FakeError{"MalformedQueryString", 400}, err.Error())
		return
	}
	action := r.Form.Get("Action")
	if e, ok := f.record(action); ok {
		queryError(w, e, "forced by the fake")
		return
	}
	switch action {
	case "GetCallerIdentity":
		queryResponse(w, action, "https://sts.amazonaws.com/doc/2011-06-15/", xt("Arn", f.Arn), xt("UserId", f.UserID), xt("Account", f.Account))
	default:
		queryError(w, FakeError{"InvalidAction", 400}, "fake STS does not implement "+action)
	}
}
