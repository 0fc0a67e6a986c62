#!/usr/bin/env bash
# Benchmarks of issue 5 (run by hand or from `make bench`):
#   1. Go benchmarks of the engine packages (internal/...);
#   2. the engine and `s3access check` on a generated set of 100,000 requests (seed 1; format: package
#      cmd/s3access/internal/benchset), as Go benchmarks and as the built binary on a JSON Lines file;
#   3. `terraform plan` of one s3access_checks data source with 1,000 requests, timed here.
# Everything is offline; generated files go to .cache/bench. BENCH_SEED changes the seed of 2b and 3;
# BENCH_PARTS selects parts (default "1 2 3").
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

seed="${BENCH_SEED:-1}"
requests="${BENCH_REQUESTS:-100000}"
plan_requests="${BENCH_PLAN_REQUESTS:-1000}"
out="$CACHE_DIR/bench"
mkdir -p "$out" "$CACHE_DIR/bin"

parts=" ${BENCH_PARTS:-1 2 3} "
part() { [[ "$parts" == *" $1 "* ]]; }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

if part 1; then
	log "== 1. Go benchmarks of the engine packages"
	go test -p 1 -run '^$' -bench . -benchmem ./internal/...
fi

if part 2; then
	log "== 2a. Go benchmarks on the generated set (100,000 requests, seed 1; one iteration decides the whole set)"
	go test -p 1 -run '^$' -bench GeneratedSet -benchtime=1x -benchmem ./cmd/s3access

	log "== 2b. s3access check on $requests generated requests (seed $seed)"
	go build -o "$CACHE_DIR/bin/s3access" ./cmd/s3access
	go run ./cmd/s3access/internal/benchset/gen -n "$requests" -seed "$seed" -format jsonl >"$out/requests.jsonl"
	t0=$(now)
	set +e
	"$CACHE_DIR/bin/s3access" check "$out/requests.jsonl" >"$out/results.jsonl"
	code=$?
	set -e
	t1=$(now)
	[[ $code -le 1 ]] || { log "bench: s3access check exited $code"; exit 1; }
	secs=$(elapsed "$t0" "$t1")
	lines=$(wc -l <"$out/results.jsonl")
	allowed=$(grep -c '"allowed":true' "$out/results.jsonl" || true)
	awk -v s="$secs" -v n="$lines" -v a="$allowed" 'BEGIN { printf "s3access check: %d requests (%d allowed) in %s s: %.0f requests/s, %.1f us/request\n", n, a, s, n / s, s * 1e6 / n }'
fi

if part 3; then
	log "== 3. terraform plan of one s3access_checks with $plan_requests requests (seed $seed)"
	terraform_bin="$("$REPO_ROOT/scripts/find-terraform.sh")"
	TF_CLI_CONFIG_FILE="$("$REPO_ROOT/scripts/dev-cli-config.sh")"
	export TF_CLI_CONFIG_FILE AWS_EC2_METADATA_DISABLED=true TF_DATA_DIR="$out/plan.terraform.d"
	mkdir -p "$out/plan"
	go run ./cmd/s3access/internal/benchset/gen -n "$plan_requests" -seed "$seed" -format tf >"$out/plan/main.tf"
	t0=$(now)
	"$terraform_bin" -chdir="$out/plan" plan -input=false -lock=false -refresh=false -no-color >"$out/plan.log" 2>&1 || {
		tail -30 "$out/plan.log" >&2
		exit 1
	}
	t1=$(now)
	grep -A4 'summary' "$out/plan.log" | sed 's/^/  /'
	echo "terraform plan: $plan_requests requests in one s3access_checks: $(elapsed "$t0" "$t1") s (log: $out/plan.log)"
fi
