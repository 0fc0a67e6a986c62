#!/usr/bin/env bash
# Prints the absolute path of a Terraform >= 1.8 binary, never downloading a release:
#   1. $TF_ACC_TERRAFORM_PATH when set and usable,
#   2. `terraform` on PATH,
#   3. .cache/terraform/bin/terraform built by an earlier run,
#   4. otherwise builds Terraform 1.8.5 from source with the Go toolchain
#      (go install github.com/hashicorp/terraform@v1.8.5 through the Go module proxy; a few minutes).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ -n "${TF_ACC_TERRAFORM_PATH:-}" ]]; then
	if usable_terraform "$TF_ACC_TERRAFORM_PATH"; then
		printf '%s\n' "$TF_ACC_TERRAFORM_PATH"
		exit 0
	fi
	log "find-terraform: TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH is not a usable Terraform >= $TERRAFORM_MIN_VERSION; looking elsewhere"
fi

if on_path="$(command -v terraform 2>/dev/null)"; then
	on_path="$(cd "$(dirname "$on_path")" && pwd)/$(basename "$on_path")"
	if usable_terraform "$on_path"; then
		printf '%s\n' "$on_path"
		exit 0
	fi
	log "find-terraform: $on_path is older than $TERRAFORM_MIN_VERSION; using a locally built one"
fi

built="$CACHE_DIR/terraform/bin/terraform"
if usable_terraform "$built"; then
	printf '%s\n' "$built"
	exit 0
fi

log "find-terraform: no Terraform found; building $TERRAFORM_VERSION_TO_BUILD from source into $CACHE_DIR/terraform/bin (takes a few minutes)"
mkdir -p "$CACHE_DIR/terraform/bin"
(cd "$CACHE_DIR" && GOBIN="$CACHE_DIR/terraform/bin" GOFLAGS=-buildvcs=false \
	go install "github.com/hashicorp/terraform@v$TERRAFORM_VERSION_TO_BUILD") >&2
if ! usable_terraform "$built"; then
	log "find-terraform: building Terraform failed: $built does not run"
	exit 1
fi
printf '%s\n' "$built"
