#!/usr/bin/env bash
# `make generate`: regenerates docs/ with tfplugindocs from examples/ and templates/.
# The provider schema comes from the local Terraform through a dev override (`terraform providers schema
# -json`), handed to tfplugindocs with --providers-schema, so tfplugindocs never downloads Terraform.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

terraform_bin="$("$REPO_ROOT/scripts/find-terraform.sh")"
TF_CLI_CONFIG_FILE="$("$REPO_ROOT/scripts/dev-cli-config.sh")"
export TF_CLI_CONFIG_FILE CHECKPOINT_DISABLE=1

work="$CACHE_DIR/schema"
rm -rf "$work"
mkdir -p "$work"
cat >"$work/main.tf" <<'TF'
terraform {
  required_providers {
    s3access = { source = "s3access/s3access" }
  }
}
TF
TF_DATA_DIR="$work/.terraform" "$terraform_bin" -chdir="$work" providers schema -json >"$work/schema.full.json"
# tfplugindocs looks the provider up by its short name (or under the hashicorp namespace): rename the key.
sed 's#"registry.terraform.io/s3access/s3access":#"s3access":#' "$work/schema.full.json" >"$work/schema.json"
grep -q '"s3access":' "$work/schema.json" || { log "generate: provider schema not found in terraform output"; exit 1; }

# Stage templates/: tfplugindocs names a page template after the short name (data-sources/check.md.tmpl for
# s3access_check); a template named with the full type name (data-sources/s3access_check.md.tmpl) is
# accepted too and renamed here.
staged="$CACHE_DIR/templates"
rm -rf "$staged"
mkdir -p "$staged"
if [[ -d templates ]]; then cp -R templates/. "$staged/"; fi
for kind in data-sources resources functions ephemeral-resources; do
	for f in "$staged/$kind"/s3access_*.md.tmpl; do
		[[ -e "$f" ]] || continue
		short="$(dirname "$f")/$(basename "$f" | sed 's/^s3access_//')"
		if [[ -e "$short" ]]; then
			log "generate: both $(basename "$f") and $(basename "$short") exist under templates/$kind; keep one"
			exit 1
		fi
		mv "$f" "$short"
	done
done

go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate \
	--provider-name s3access \
	--rendered-provider-name "s3access" \
	--website-source-dir .cache/templates \
	--providers-schema "$work/schema.json"
