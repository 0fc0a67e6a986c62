#!/usr/bin/env bash
# `make demo`: builds the provider and runs `terraform plan` on examples/quickstart through a dev override.
# Offline: no AWS account, no credentials, no registry download.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

terraform_bin="$("$REPO_ROOT/scripts/find-terraform.sh")"
TF_CLI_CONFIG_FILE="$("$REPO_ROOT/scripts/dev-cli-config.sh")"
export TF_CLI_CONFIG_FILE CHECKPOINT_DISABLE=1
# The demo evaluates offline; make sure nothing could reach AWS with ambient credentials.
export AWS_EC2_METADATA_DISABLED=true
# Keep Terraform's working data out of the example directory.
export TF_DATA_DIR="$CACHE_DIR/quickstart.terraform.d"

log "demo: $terraform_bin ($(terraform_version "$terraform_bin")), provider $CACHE_DIR/bin/terraform-provider-s3access"
# dev_overrides: no `terraform init` is needed (Terraform warns about the override; that is expected).
"$terraform_bin" -chdir=examples/quickstart plan -input=false -lock=false "$@"
