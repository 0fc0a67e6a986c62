#!/usr/bin/env bash
# Runs every test that needs no network beyond 127.0.0.1, including the Terraform-driven provider tests
# (resource.UnitTest). Used by `make test`, `make testacc` (with TF_ACC=1) and .ci/run.
#
# Extra arguments are passed to `go test` (default packages: ./...), e.g. scripts/test.sh ./internal/provider/...
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

# Terraform for the provider tests: found or built locally, never downloaded.
TF_ACC_TERRAFORM_PATH="$("$REPO_ROOT/scripts/find-terraform.sh")"
export TF_ACC_TERRAFORM_PATH
# A repo-local, empty CLI config: the machine's TF_CLI_CONFIG_FILE may point at a missing file.
TF_CLI_CONFIG_FILE="$(empty_cli_config)"
export TF_CLI_CONFIG_FILE
export CHECKPOINT_DISABLE=1
# Never let a test pick up real AWS credentials or the instance metadata service.
export AWS_EC2_METADATA_DISABLED=true
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE || true
export AWS_CONFIG_FILE="$CACHE_DIR/aws-config-none"
export AWS_SHARED_CREDENTIALS_FILE="$CACHE_DIR/aws-credentials-none"

# ---- HOOK: local S3 + IAM test server (Versity Gateway) ---------------------------------------------
# scripts/versitygw.sh (owned by the live-mode work) installs versitygw when absent and prints its path.
# When the script exists, the live tests must run (S3ACCESS_REQUIRE_VERSITY=1 makes a missing gateway a
# failure instead of a skip).
if [[ -f "$REPO_ROOT/scripts/versitygw.sh" ]]; then
	VERSITYGW_BIN="$(bash "$REPO_ROOT/scripts/versitygw.sh")"
	export VERSITYGW_BIN
	export S3ACCESS_REQUIRE_VERSITY=1
	log "test: versitygw at $VERSITYGW_BIN"
fi
# ---- end of hook ---------------------------------------------------------------------------------------

log "test: terraform $TF_ACC_TERRAFORM_PATH ($(terraform_version "$TF_ACC_TERRAFORM_PATH")), TF_ACC=${TF_ACC:-<unset>}"

pkgs=("$@")
if [[ ${#pkgs[@]} -eq 0 ]]; then pkgs=(./...); fi

logfile="$CACHE_DIR/test.log"
status=0
go test -p 2 -count=1 -timeout 20m "${pkgs[@]}" 2>&1 | tee "$logfile" || status=$?

passed=$(grep -c '^ok ' "$logfile" || true)
failed=$(grep -c '^FAIL[[:space:]]' "$logfile" || true)
notests=$(grep -c '^?[[:space:]]' "$logfile" || true)
echo
echo "==== test summary: $passed package(s) passed, $failed failed, $notests without tests (log: $logfile)"
if [[ $status -ne 0 ]]; then
	grep -E '^(--- FAIL|FAIL)' "$logfile" | sed 's/^/     /' || true
	echo "==== FAILED (exit $status)"
	exit "$status"
fi
echo "==== PASSED"
