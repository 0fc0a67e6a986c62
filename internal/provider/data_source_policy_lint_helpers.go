package provider

import (
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/s3access/terraform-provider-s3access/internal/lint"
)

func isKindErr(err error) bool { return errors.Is(err, lint.ErrInvalidKind) }

// errFromDiags folds framework diagnostics into an error.
func errFromDiags(d diag.Diagnostics) error {
	var parts []string
	for _, x := range d.Errors() {
		parts = append(parts, x.Summary()+": "+x.Detail())
	}
	return errors.New(strings.Join(parts, "; "))
}
