#!/usr/bin/env bash
# The micro-benchmark gate (issue 22; docs/benchmarks.md): SQLite, then PostgreSQL, each compared
# with a baseline saved on this machine. A database without one yet gets this run saved as its
# baseline, and the script says so. Both halves always run; the exit status is 1 when either
# failed, 0 otherwise.
#
# Usage: scripts/benchmark.sh          compare (make benchmark)
#        scripts/benchmark.sh save     replace this machine's baselines (make benchmark-save)
# Knobs: BENCH_STORAGE (.benchmarks/baseline, git-ignored)  BENCH_FAIL (min:40%)
#        POSTGRES_URL (postgresql+asyncpg://postgres@127.0.0.1:5432/test)  PYTEST_ARGS
set -uo pipefail
cd "$(dirname "$0")/.."

MODE="${1:-compare}"
STORAGE="${BENCH_STORAGE:-.benchmarks/baseline}"
FAIL="${BENCH_FAIL:-min:40%}"
POSTGRES_URL="${POSTGRES_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/test}"
DATABASES=(sqlite postgres)
# Shell words, as make used to paste them into the command: -k 'not jwt' keeps its quotes.
eval "pytest_args=(${PYTEST_ARGS:-})"

case "${MODE}" in
  compare | save) ;;
  *) echo "usage: scripts/benchmark.sh [compare|save]" >&2; exit 2 ;;
esac

# pytest-benchmark files runs under <storage>/<machine id>/ (system, implementation, Python, bits).
machine="$(uv run --frozen python -c \
  'from pytest_benchmark.utils import get_machine_id; print(get_machine_id())')" || {
  echo "benchmark: could not import pytest-benchmark (run uv sync --frozen)" >&2
  exit 2
}
folder="${STORAGE}/${machine}"

bench() {  # database, then pytest-benchmark's flags
  local database=$1
  shift
  local url=(env -u DATABASE_URL)
  [ "${database}" = postgres ] && url=(env "DATABASE_URL=${POSTGRES_URL}")
  # create/drop-tables-per-test is a reference figure, timed on DDL that swings several-fold with
  # the shared server's load: run it by hand, it is not gated.
  "${url[@]}" uv run --frozen pytest tests/benchmarks -m benchmark -p no:xdist -p no:randomly \
    -k 'not create_and_drop' --benchmark-storage="file://${STORAGE}" "$@" "${pytest_args[@]}"
}

has_baseline() {
  compgen -G "${folder}/*_$1.json" >/dev/null
}

save() {
  rm -f "${folder}"/*_"$1".json
  bench "$1" --benchmark-save="$1"
}

# A regression must show in a second run too, so another process's burst of load cannot fail the
# gate on its own; a real slowdown fails both runs.
compare() {
  local flags=(--benchmark-compare="*_$1" --benchmark-compare-fail="${FAIL}")
  bench "$1" "${flags[@]}" && return 0
  echo "benchmark: $1 failed once; running again to confirm"
  bench "$1" "${flags[@]}"
}

results=()
failed=0
for database in "${DATABASES[@]}"; do
  if [ "${MODE}" = save ]; then
    echo "benchmark: saving the ${database} baseline in ${folder}"
    save "${database}"
    status=$?
    ran="saved"
  elif has_baseline "${database}"; then
    echo "benchmark: ${database}, compared with ${folder}/*_${database}.json (fails at ${FAIL})"
    compare "${database}"
    status=$?
    ran="compared"
  else
    echo "benchmark: no ${database} baseline for this machine in ${folder} yet: saving this run" \
      "as the baseline, nothing to compare with; the next make benchmark compares with it"
    save "${database}"
    status=$?
    ran="saved as the first baseline"
  fi
  if [ "${status}" -eq 0 ]; then
    results+=("${database}: ${ran}, ok")
  else
    results+=("${database}: ${ran}, FAILED (pytest exit ${status})")
    failed=1
  fi
done

printf 'benchmark: %s\n' "${results[@]}"
exit "${failed}"
