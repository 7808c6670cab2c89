#!/usr/bin/env bash
# The aggregate CI job (`make ci-gate`): passes only when every stage it needs succeeded.
# NEEDS_RESULTS holds the results GitHub reports for those jobs, space-separated
# (success | failure | cancelled | skipped). A stage skipped because an earlier one failed is a
# failure here: branch protection requires this one job, so it must never be green by omission.
# Locally: NEEDS_RESULTS="success success" make ci-gate
set -euo pipefail

if [ -z "${NEEDS_RESULTS:-}" ]; then
  echo "ci-gate: NEEDS_RESULTS is empty; no stage results to judge" >&2
  exit 1
fi
bad=0
for result in ${NEEDS_RESULTS}; do
  if [ "${result}" != "success" ]; then
    bad=$((bad + 1))
  fi
done
echo "ci-gate: stage results: ${NEEDS_RESULTS}"
if [ "${bad}" -gt 0 ]; then
  echo "ci-gate: ${bad} stage(s) did not succeed" >&2
  exit 1
fi
echo "ci-gate: every stage succeeded"
