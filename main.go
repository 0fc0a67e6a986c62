// Command terraform-provider-s3access serves the s3access Terraform provider.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/s3access/terraform-provider-s3access/internal/provider"
)

// version is set by the release build (goreleaser ldflags).
var version = "dev"

// Generate the registry documentation with the local Terraform (see GNUmakefile, target generate).
//go:generate sh ./scripts/generate-docs.sh

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         provider.Address,
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
