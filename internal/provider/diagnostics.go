package provider

import (
	"errors"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/s3access/terraform-provider-s3access/internal/s3authz"
)

// nestedIndexBase is how internal/s3authz encodes the two indexes of a
// list(list(string)) argument (service_control_policies,
// resource_control_policies) in InputError.Index: outer*nestedIndexBase+inner.
const nestedIndexBase = 1000

var nestedListFields = map[string]bool{
	"service_control_policies":  true,
	"resource_control_policies": true,
}

// aclFields: their InputError.Index is the index of a grant.
var aclFields = map[string]bool{"bucket_acl": true, "object_acl": true}

// fieldRoot maps an engine argument name (the InputError.Field, first segment)
// to the path of that argument in a data source's configuration. For
// s3access_check every argument is a root attribute; s3access_checks maps the
// per-principal and per-request arguments to their nested place.
type fieldRoot func(field string) path.Path

func rootField(field string) path.Path { return path.Root(field) }

// inputErrorPath returns the attribute path an InputError points at.
func inputErrorPath(ie *s3authz.InputError, root fieldRoot) path.Path {
	segs := strings.Split(ie.Field, ".")
	p := root(segs[0])
	for _, s := range segs[1:] {
		p = p.AtName(s)
	}
	if ie.Index < 0 {
		return p
	}
	switch last := segs[len(segs)-1]; {
	case nestedListFields[last]:
		return p.AtListIndex(ie.Index / nestedIndexBase).AtListIndex(ie.Index % nestedIndexBase)
	case aclFields[last]:
		return p.AtName("grants").AtListIndex(ie.Index)
	}
	return p.AtListIndex(ie.Index)
}

// addEngineError turns an error of s3authz.Evaluate into a diagnostic: an
// attribute error on the argument for *s3authz.InputError (summary
// "Invalid <argument>", detail naming the statement and element), a plain
// error otherwise. prefix, when not empty, starts the detail (e.g. which
// request of s3access_checks).
func addEngineError(diags *diag.Diagnostics, err error, root fieldRoot, prefix string) {
	var ie *s3authz.InputError
	if errors.As(err, &ie) {
		detail := ie.Err.Error()
		if ie.Index >= 0 {
			detail = ie.Field + indexSuffix(ie) + ": " + detail
		}
		if prefix != "" {
			detail = prefix + ": " + detail
		}
		diags.AddAttributeError(inputErrorPath(ie, root), "Invalid "+ie.Field, detail)
		return
	}
	detail := err.Error()
	if prefix != "" {
		detail = prefix + ": " + detail
	}
	diags.AddError("Cannot evaluate the S3 request", detail)
}

// indexSuffix renders the index of an InputError the way the path reads:
// "[1]", "[2][0]" for SCP/RCP levels, ".grants[1]" for ACL grants.
func indexSuffix(ie *s3authz.InputError) string {
	segs := strings.Split(ie.Field, ".")
	switch last := segs[len(segs)-1]; {
	case nestedListFields[last]:
		return "[" + strconv.Itoa(ie.Index/nestedIndexBase) + "][" + strconv.Itoa(ie.Index%nestedIndexBase) + "]"
	case aclFields[last]:
		return ".grants[" + strconv.Itoa(ie.Index) + "]"
	}
	return "[" + strconv.Itoa(ie.Index) + "]"
}
