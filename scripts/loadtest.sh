#!/usr/bin/env bash
# The load test as one command (issue 7; docs/load-tests.md): a fresh PostgreSQL database, the API
# on it under uvicorn (2 workers, production settings), demo data, then Locust headless for a
# bounded time with the budgets of loadtests/_budgets.py. Exits with Locust's verdict and stops
# everything it started (by PID), whatever happens.
#
# Needs PostgreSQL and Redis already running (.ci/run starts them), and pg_isready, createdb,
# dropdb, curl and timeout on the PATH (checked first by scripts/require.sh). Knobs, all optional:
#   LOADTEST_RUN_TIME (60s)  LOADTEST_USERS (50)  LOADTEST_SPAWN_RATE (5)  LOADTEST_PORT (18080)
#   LOADTEST_REDIS_DB (13)   LOADTEST_REPORT_DIR (loadtest-reports)  LOCUST_ARGS (extra flags)
#   LOADTEST_HARD_LIMIT_S (600: Locust is stopped after this many seconds, whatever it is doing)
#   POSTGRES_URL (postgresql+asyncpg://postgres@127.0.0.1:5432/test: where to create the database)
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_TIME="${LOADTEST_RUN_TIME:-60s}"
USERS="${LOADTEST_USERS:-50}"
SPAWN_RATE="${LOADTEST_SPAWN_RATE:-5}"
PORT="${LOADTEST_PORT:-18080}"
REDIS_DB="${LOADTEST_REDIS_DB:-13}"
REPORT_DIR="${LOADTEST_REPORT_DIR:-loadtest-reports}"
POSTGRES_URL="${POSTGRES_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/test}"
READY_TIMEOUT_S=60
# A hard stop for Locust whatever happens (a master waiting forever for workers, say).
HARD_LIMIT_S="${LOADTEST_HARD_LIMIT_S:-600}"

# postgresql+asyncpg://user@host:port/db -> the pieces psql's tools take.
pg_rest="${POSTGRES_URL#*://}"
pg_userinfo="${pg_rest%%@*}"
pg_hostport="${pg_rest#*@}"
pg_hostport="${pg_hostport%%/*}"
PG_USER="${pg_userinfo%%:*}"
# A password in the URL (GitHub's service container has one) reaches createdb/dropdb this way.
[ "${PG_USER}" != "${pg_userinfo}" ] && export PGPASSWORD="${pg_userinfo#*:}"
PG_HOST="${pg_hostport%%:*}"
PG_PORT="${pg_hostport##*:}"
[ "${PG_PORT}" = "${pg_hostport}" ] && PG_PORT=5432

RUN_ID="$(date -u +%Y%m%d%H%M%S)_$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
DB_NAME="loadtest_${RUN_ID}"
DB_URL="postgresql+asyncpg://${pg_userinfo}@${pg_hostport}/${DB_NAME}"
BASE_URL="http://127.0.0.1:${PORT}"

die() { echo "loadtest: $*" >&2; exit 2; }

bash scripts/require.sh loadtest pg_isready createdb dropdb curl timeout || exit 2
pg_isready -q -h "${PG_HOST}" -p "${PG_PORT}" \
  || die "PostgreSQL is not answering at ${PG_HOST}:${PG_PORT} (start it, or run .ci/run)"
# Through redis-py (locked), not redis-cli: CI runners need not have Redis's tools installed.
uv run --frozen python -c 'import redis; redis.Redis(host="127.0.0.1", port=6379).ping()' \
  >/dev/null 2>&1 || die "Redis is not answering at 127.0.0.1:6379 (start it, or run .ci/run)"
if curl -s -o /dev/null "${BASE_URL}/health"; then
  die "port ${PORT} is already in use; pick another with LOADTEST_PORT (18080-18099)"
fi

api_pid=""
db_created=""
upload_dir="$(mktemp -d)"
cleanup() {
  local status=$?
  if [ -n "${api_pid}" ] && kill -0 "${api_pid}" 2>/dev/null; then
    kill -TERM "${api_pid}"
    for _ in $(seq 50); do kill -0 "${api_pid}" 2>/dev/null || break; sleep 0.2; done
    kill -0 "${api_pid}" 2>/dev/null && kill -KILL "${api_pid}"
    wait "${api_pid}" 2>/dev/null || true
  fi
  if [ -n "${db_created}" ]; then
    dropdb --force -h "${PG_HOST}" -p "${PG_PORT}" -U "${PG_USER}" "${DB_NAME}" \
      || echo "loadtest: could not drop database ${DB_NAME}" >&2
  fi
  rm -rf "${upload_dir}"
  exit "${status}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

createdb -h "${PG_HOST}" -p "${PG_PORT}" -U "${PG_USER}" "${DB_NAME}"
db_created=1
echo "loadtest: database ${DB_NAME}, API on ${BASE_URL}, ${USERS} users for ${RUN_TIME}"

export DATABASE_URL="${DB_URL}"
export ADMIN_EMAIL="loadtest-admin-${RUN_ID//_/-}@example.com"
ADMIN_PASSWORD="$(uv run --frozen python -c 'import secrets; print(secrets.token_urlsafe(24))')"
export ADMIN_PASSWORD
# Migrations, the admin and 36 demo books; app.seed refuses to run in production, so it runs
# as development against the same database.
ENVIRONMENT=development uv run --frozen python -m app.seed >/dev/null

SECRET_KEY="$(uv run --frozen python -c 'import secrets; print(secrets.token_urlsafe(48))')"
# Every simulated user logs in from 127.0.0.1, so the per-client login limit (20 a minute by
# default) would turn the run into 429s: raised here, for this run only. The per-email failure
# limit stays as it is (the load test never fails a login). Likewise the per-client
# registration limit (10 an hour): every simulated customer signs up.
ENVIRONMENT=production SECRET_KEY="${SECRET_KEY}" \
  REDIS_URL="redis://127.0.0.1:6379/${REDIS_DB}" \
  EVENTS_CHANNEL="bookstore:loadtest:${RUN_ID}" \
  LOGIN_RATE_LIMIT="100000 per minute" \
  REGISTER_RATE_LIMIT="100000 per hour" \
  UPLOAD_DIR="${upload_dir}" LOG_LEVEL=WARNING \
  uv run --frozen uvicorn app.main:app --host 127.0.0.1 --port "${PORT}" --workers 2 \
  --no-access-log --log-level warning --ws-max-size 65536 &
api_pid=$!

deadline=$((SECONDS + READY_TIMEOUT_S))
until curl -fs -o /dev/null "${BASE_URL}/health/ready"; do
  kill -0 "${api_pid}" 2>/dev/null || die "the API exited before it was ready"
  [ "${SECONDS}" -lt "${deadline}" ] || die "the API was not ready after ${READY_TIMEOUT_S} s"
  sleep 0.5
done

mkdir -p "${REPORT_DIR}"
status=0
# shellcheck disable=SC2086 # LOCUST_ARGS is a list of flags on purpose
LOADTEST_ADMIN_EMAIL="${ADMIN_EMAIL}" LOADTEST_ADMIN_PASSWORD="${ADMIN_PASSWORD}" \
  timeout --kill-after=15 "${HARD_LIMIT_S}" uv run --frozen locust --headless --host "${BASE_URL}" \
  --users "${USERS}" --spawn-rate "${SPAWN_RATE}" --run-time "${RUN_TIME}" \
  --csv "${REPORT_DIR}/${RUN_ID}" --html "${REPORT_DIR}/${RUN_ID}.html" \
  ${LOCUST_ARGS:-} || status=$?
echo "loadtest: Locust exit code ${status}; reports in ${REPORT_DIR}/${RUN_ID}*"
exit "${status}"
