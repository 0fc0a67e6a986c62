# shellcheck shell=bash
# Shared helpers for the scripts in this directory. Source it; it sets:
#   REPO_ROOT   absolute path of the repository
#   CACHE_DIR   $REPO_ROOT/.cache (git-ignored; everything the scripts build or write lives here)
# and exports CHECKPOINT_DISABLE=1 so Terraform never phones home.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="$REPO_ROOT/.cache"
TERRAFORM_VERSION_TO_BUILD="1.8.5"
TERRAFORM_MIN_VERSION="1.8.0"
mkdir -p "$CACHE_DIR"
export CHECKPOINT_DISABLE=1

log() { printf '%s\n' "$*" >&2; }

# version_ge A B: true when dotted version A >= B (numeric parts only, pre-release suffix ignored).
version_ge() {
	local a b i
	IFS=. read -r -a a <<<"${1%%-*}"
	IFS=. read -r -a b <<<"${2%%-*}"
	for i in 0 1 2; do
		if ((${a[i]:-0} > ${b[i]:-0})); then return 0; fi
		if ((${a[i]:-0} < ${b[i]:-0})); then return 1; fi
	done
	return 0
}

# empty_cli_config: path of an empty Terraform CLI config file, so that a TF_CLI_CONFIG_FILE pointing at a
# missing file (or a user's ~/.terraformrc) is never read by tests.
empty_cli_config() {
	local f="$CACHE_DIR/terraform-empty.tfrc"
	: >"$f"
	printf '%s\n' "$f"
}

# terraform_version BIN: prints the version of a Terraform binary, e.g. 1.11.4.
terraform_version() {
	TF_CLI_CONFIG_FILE="$(empty_cli_config)" "$1" version -json 2>/dev/null |
		sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p' | head -n1
}

# usable_terraform BIN: true when BIN runs and is at least TERRAFORM_MIN_VERSION.
usable_terraform() {
	local v
	[[ -x "$1" ]] || return 1
	v="$(terraform_version "$1")"
	[[ -n "$v" ]] && version_ge "$v" "$TERRAFORM_MIN_VERSION"
}
