#!/usr/bin/env bash
# The external tools a target needs, checked before it starts (issue 22): one line per missing
# tool, saying what provides it, then exit 2. Usage: scripts/require.sh <who> <tool>...
# Called by scripts/loadtest.sh and `make throughput`; listed in docs/load-tests.md and
# docs/benchmarks.md.
set -uo pipefail

who="${1:?usage: scripts/require.sh <who> <tool>...}"
shift

install_hint() {
  case "$1" in
    pg_isready | createdb | dropdb) echo "PostgreSQL's client tools: apt-get install postgresql-client" ;;
    wrk) echo "apt-get install wrk, or brew install wrk" ;;
    curl) echo "apt-get install curl" ;;
    timeout) echo "GNU coreutils" ;;
    *) echo "install it" ;;
  esac
}

missing=0
for tool in "$@"; do
  if ! command -v "${tool}" >/dev/null 2>&1; then
    echo "${who}: ${tool} is not on PATH ($(install_hint "${tool}"))" >&2
    missing=$((missing + 1))
  fi
done
[ "${missing}" -eq 0 ] || exit 2
