package testserver

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

// FakeIAM is a FAKE IAM (query protocol, XML) for what Versity's IAM API lacks:
// managed policies (GetPolicy, GetPolicyVersion), attachments
// (ListAttached{User,Group,Role}Policies), groups (ListGroupsForUser,
// ListGroupPolicies, GetGroupPolicy), roles (GetRole, ListRolePolicies,
// GetRolePolicy) and permissions boundaries. It also answers GetUser,
// ListUserPolicies and GetUserPolicy for its own users. Policy documents are
// returned URL-encoded, as IAM does.
//
// With Upstream set (a Versity IAM endpoint), requests about users the fake
// does not know, for the operations Versity implements (GetUser,
// ListUserPolicies, GetUserPolicy), are forwarded there unchanged (Host kept,
// so the SigV4 signature still verifies); the fake answers the rest, with an
// empty result for such users. That is: Versity is real for inline user
// policies, the fake supplies attachments, groups and boundaries.
type FakeIAM struct {
	fakeBase
	Account  string
	Upstream string
	Users    map[string]*FakeIAMUser
	Roles    map[string]*FakeIAMRole
	Groups   map[string]*FakeIAMGroup
	Managed  map[string]string // policy ARN -> document (default version "v1")
}

// FakeIAMUser is one user of the fake.
type FakeIAMUser struct {
	Inline   map[string]string // name -> document
	Attached []string          // managed policy ARNs
	Groups   []string
	Boundary string // managed policy ARN or ""
}

// FakeIAMRole is one role of the fake.
type FakeIAMRole struct {
	Inline   map[string]string
	Attached []string
	Boundary string
}

// FakeIAMGroup is one group of the fake.
type FakeIAMGroup struct {
	Inline   map[string]string
	Attached []string
}

// NewFakeIAM starts the fake for account, forwarding to upstream when it is not "".
func NewFakeIAM(t testing.TB, account, upstream string) *FakeIAM {
	f := &FakeIAM{Account: account, Upstream: upstream, Users: map[string]*FakeIAMUser{}, Roles: map[string]*FakeIAMRole{},
		Groups: map[string]*FakeIAMGroup{}, Managed: map[string]string{}}
	f.init(t, http.HandlerFunc(f.serve))
	return f
}

const iamNS = "https://iam.amazonaws.com/doc/2010-05-08/"

var upstreamActions = map[string]bool{"GetUser": true, "ListUserPolicies": true, "GetUserPolicy": true}

func enc(doc string) string { return url.PathEscape(doc) }

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func members(name string, items []string, f func(string) string) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(x("member", f(it)))
	}
	return x(name, b.String())
}

func (f *FakeIAM) arn(kind, name string) string {
	return "arn:aws:iam::" + f.Account + ":" + kind + "/" + name
}

func (f *FakeIAM) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		queryError(w, FakeError{"MalformedQueryString", 400}, err.Error())
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		queryError(w, FakeError{"MalformedQueryString", 400}, err.Error())
		return
	}
	action := form.Get("Action")
	user := form.Get("UserName")
	f.mu.Lock()
	_, known := f.Users[user]
	f.mu.Unlock()
	if f.Upstream != "" && upstreamActions[action] && !known {
		f.record(action + "(upstream)")
		f.forward(w, r, body)
		return
	}
	if e, ok := f.record(action); ok {
		queryError(w, e, "forced by the fake")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	noSuch := func(what string) { queryError(w, FakeError{"NoSuchEntity", 404}, "The "+what+" cannot be found.") }
	names := func(m map[string]string) string {
		return members("PolicyNames", sortedKeys(m), func(s string) string { return escText(s) }) + xt("IsTruncated", "false")
	}
	attached := func(arns []string) string {
		return members("AttachedPolicies", arns, func(a string) string {
			return xt("PolicyName", a[strings.LastIndex(a, "/")+1:]) + xt("PolicyArn", a)
		}) + xt("IsTruncated", "false")
	}
	boundary := func(a string) string {
		if a == "" {
			return ""
		}
		return x("PermissionsBoundary", xt("PermissionsBoundaryType", "Policy"), xt("PermissionsBoundaryArn", a))
	}
	created := xt("CreateDate", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339))
	u := f.Users[user]
	if u == nil && f.Upstream != "" && user != "" {
		u = &FakeIAMUser{} // a Versity user: nothing attached, no groups, no boundary
	}
	g := f.Groups[form.Get("GroupName")]
	ro := f.Roles[form.Get("RoleName")]
	switch action {
	case "GetUser":
		if u == nil {
			noSuch("user " + user)
			return
		}
		queryResponse(w, action, iamNS, x("User", xt("Path", "/"), xt("UserName", user), xt("UserId", "AIDA"+strings.ToUpper(user)),
			xt("Arn", f.arn("user", user)), created, boundary(u.Boundary)))
	case "ListUserPolicies":
		if u == nil {
			noSuch("user " + user)
			return
		}
		queryResponse(w, action, iamNS, names(u.Inline))
	case "GetUserPolicy":
		if u == nil || u.Inline[form.Get("PolicyName")] == "" {
			noSuch("user policy")
			return
		}
		queryResponse(w, action, iamNS, xt("UserName", user), xt("PolicyName", form.Get("PolicyName")), xt("PolicyDocument", enc(u.Inline[form.Get("PolicyName")])))
	case "ListAttachedUserPolicies":
		if u == nil {
			noSuch("user " + user)
			return
		}
		queryResponse(w, action, iamNS, attached(u.Attached))
	case "ListGroupsForUser":
		if u == nil {
			noSuch("user " + user)
			return
		}
		queryResponse(w, action, iamNS, members("Groups", u.Groups, func(gn string) string {
			return xt("Path", "/") + xt("GroupName", gn) + xt("GroupId", "AGPA"+strings.ToUpper(gn)) + xt("Arn", f.arn("group", gn)) + created
		}), xt("IsTruncated", "false"))
	case "ListGroupPolicies":
		if g == nil {
			noSuch("group")
			return
		}
		queryResponse(w, action, iamNS, names(g.Inline))
	case "GetGroupPolicy":
		if g == nil || g.Inline[form.Get("PolicyName")] == "" {
			noSuch("group policy")
			return
		}
		queryResponse(w, action, iamNS, xt("GroupName", form.Get("GroupName")), xt("PolicyName", form.Get("PolicyName")), xt("PolicyDocument", enc(g.Inline[form.Get("PolicyName")])))
	case "ListAttachedGroupPolicies":
		if g == nil {
			noSuch("group")
			return
		}
		queryResponse(w, action, iamNS, attached(g.Attached))
	case "GetRole":
		if ro == nil {
			noSuch("role")
			return
		}
		rn := form.Get("RoleName")
		queryResponse(w, action, iamNS, x("Role", xt("Path", "/"), xt("RoleName", rn), xt("RoleId", "AROA"+strings.ToUpper(rn)),
			xt("Arn", f.arn("role", rn)), created, boundary(ro.Boundary)))
	case "ListRolePolicies":
		if ro == nil {
			noSuch("role")
			return
		}
		queryResponse(w, action, iamNS, names(ro.Inline))
	case "GetRolePolicy":
		if ro == nil || ro.Inline[form.Get("PolicyName")] == "" {
			noSuch("role policy")
			return
		}
		queryResponse(w, action, iamNS, xt("RoleName", form.Get("RoleName")), xt("PolicyName", form.Get("PolicyName")), xt("PolicyDocument", enc(ro.Inline[form.Get("PolicyName")])))
	case "ListAttachedRolePolicies":
		if ro == nil {
			noSuch("role")
			return
		}
		queryResponse(w, action, iamNS, attached(ro.Attached))
	case "GetPolicy":
		a := form.Get("PolicyArn")
		if _, ok := f.Managed[a]; !ok {
			noSuch("policy " + a)
			return
		}
		queryResponse(w, action, iamNS, x("Policy", xt("PolicyName", a[strings.LastIndex(a, "/")+1:]), xt("Arn", a), xt("DefaultVersionId", "v1"), xt("IsAttachable", "true")))
	case "GetPolicyVersion":
		a := form.Get("PolicyArn")
		d, ok := f.Managed[a]
		if !ok || form.Get("VersionId") != "v1" {
			noSuch("policy version")
			return
		}
		queryResponse(w, action, iamNS, x("PolicyVersion", xt("Document", enc(d)), xt("VersionId", "v1"), xt("IsDefaultVersion", "true")))
	default:
		queryError(w, FakeError{"InvalidAction", 400}, "fake IAM does not implement "+action)
	}
}

func escText(s string) string {
	t := xt("a", s)
	return t[3 : len(t)-4]
}

// forward sends the request unchanged (same Host header, same body) to Upstream.
func (f *FakeIAM) forward(w http.ResponseWriter, r *http.Request, body []byte) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, strings.TrimRight(f.Upstream, "/")+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		queryError(w, FakeError{"InternalFailure", 500}, err.Error())
		return
	}
	req.Header = r.Header.Clone()
	req.Host = r.Host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		queryError(w, FakeError{"ServiceUnavailable", 503}, "upstream: "+err.Error())
		return
	}
	defer func() { _ = resp.Body.Close() }() // read to the end below; nothing to report on close
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}
