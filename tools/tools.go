//go:build tools

// Package tools pins the versions of the development tools run with `go run` (see GNUmakefile).
package tools

import (
	// Registry documentation generator, run by `make generate` (scripts/generate-docs.sh).
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
