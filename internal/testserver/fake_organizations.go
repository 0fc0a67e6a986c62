package testserver

import (
	"encoding/json"
	"net/http"
	"testing"
)

// FakeOrganizations is a FAKE AWS Organizations (JSON 1.1, X-Amz-Target
// AWSOrganizationsV20161128.*) answering ListParents, ListPoliciesForTarget
// and DescribePolicy from an in-memory tree. Versity has no Organizations API.
type FakeOrganizations struct {
	fakeBase
	// Parent maps a child (account id or ou-...) to its parent (ou-... or r-...). Ids starting with "r-" are roots.
	Parent map[string]string
	// Attached maps a target id to the ids of the policies attached to it.
	Attached map[string][]string
	// Policies maps a policy id to its type (SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY) and content.
	Policies map[string]FakeOrgPolicy
	// NotInUse makes every call fail with AWSOrganizationsNotInUseException.
	NotInUse bool
}

// FakeOrgPolicy is one organization policy.
type FakeOrgPolicy struct {
	Type    string
	Content string
}

// NewFakeOrganizations starts the fake with an empty organization.
func NewFakeOrganizations(t testing.TB) *FakeOrganizations {
	f := &FakeOrganizations{Parent: map[string]string{}, Attached: map[string][]string{}, Policies: map[string]FakeOrgPolicy{}}
	f.init(t, http.HandlerFunc(f.serve))
	return f
}

func (f *FakeOrganizations) serve(w http.ResponseWriter, r *http.Request) {
	op, ok := jsonTarget(r, "AWSOrganizationsV20161128")
	if !ok {
		jsonError(w, FakeError{"UnknownOperationException", 400}, "missing AWSOrganizationsV20161128 target")
		return
	}
	if e, ok := f.record(op); ok {
		jsonError(w, e, "forced by the fake")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.NotInUse {
		jsonError(w, FakeError{"AWSOrganizationsNotInUseException", 400}, "Your account is not a member of an organization.")
		return
	}
	var in map[string]string
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		jsonError(w, FakeError{"SerializationException", 400}, err.Error())
		return
	}
	switch op {
	case "ListParents":
		p, ok := f.Parent[in["ChildId"]]
		if !ok {
			jsonError(w, FakeError{"ChildNotFoundException", 400}, "child "+in["ChildId"]+" not found")
			return
		}
		typ := "ORGANIZATIONAL_UNIT"
		if len(p) > 2 && p[:2] == "r-" {
			typ = "ROOT"
		}
		jsonResponse(w, map[string]any{"Parents": []map[string]string{{"Id": p, "Type": typ}}})
	case "ListPoliciesForTarget":
		var out []map[string]any
		for _, id := range f.Attached[in["TargetId"]] {
			p := f.Policies[id]
			if p.Type != in["Filter"] {
				continue
			}
			out = append(out, map[string]any{"Id": id, "Arn": "arn:aws:organizations::111111111111:policy/o-fake/" + id, "Name": id, "Type": p.Type, "AwsManaged": false})
		}
		jsonResponse(w, map[string]any{"Policies": out})
	case "DescribePolicy":
		p, ok := f.Policies[in["PolicyId"]]
		if !ok {
			jsonError(w, FakeError{"PolicyNotFoundException", 400}, "policy "+in["PolicyId"]+" not found")
			return
		}
		jsonResponse(w, map[string]any{"Policy": map[string]any{
			"PolicySummary": map[string]any{"Id": in["PolicyId"], "Name": in["PolicyId"], "Type": p.Type},
			"Content":       p.Content,
		}})
	default:
		jsonError(w, FakeError{"UnknownOperationException", 400}, "fake Organizations does not implement "+op)
	}
}
