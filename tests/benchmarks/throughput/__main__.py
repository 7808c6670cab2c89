"""`python -m tests.benchmarks.throughput`: wrk against four read targets, side by side.

(a) a constant FastAPI endpoint, (b) raw asyncpg `GET /books/{id}`, (b') raw asyncpg
`GET /books?limit=20`, (c) the real `GET /books/{id}`, (d) the real `GET /books?limit=20`: each
on its own single uvicorn worker, all on one scratch PostgreSQL database of 1,000 books. Rounds
are interleaved (every target once per round) so a burst of load from elsewhere on this shared
machine hits all targets alike; the table gives the medians over the rounds.
"""

import argparse
import json
import os
import secrets
import shutil
import statistics
import tempfile
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from tests.benchmarks.throughput.database import BOOKS, plain_dsn, scratch_database
from tests.benchmarks.throughput.servers import uvicorn_server
from tests.benchmarks.throughput.wrk import WRK, WrkResult, run_wrk

DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
HERE = Path(__file__).parent
BOOKS_SCRIPT = HERE / "books.lua"
CONSTANT_PORT, RAW_PORT, APP_PORT, BARE_APP_PORT = 18101, 18102, 18103, 18104


@dataclass(frozen=True, slots=True)
class Target:
    label: str
    port: int
    path: str
    spread_ids: bool = False


TARGETS = (
    Target("(a)  constant", CONSTANT_PORT, "/constant"),
    Target("(b)  raw asyncpg GET /books/{id}", RAW_PORT, "/books/", spread_ids=True),
    Target("(b') raw asyncpg GET /books?limit=20", RAW_PORT, "/books?limit=20"),
    Target("(c)  app GET /books/{id}", APP_PORT, "/books/", spread_ids=True),
    Target("(d)  app GET /books?limit=20", APP_PORT, "/books?limit=20"),
)
WITHOUT_MIDDLEWARE = (
    Target("(c0) app GET /books/{id}, no middleware", BARE_APP_PORT, "/books/", spread_ids=True),
    Target("(d0) app GET /books?limit=20, no middleware", BARE_APP_PORT, "/books?limit=20"),
)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.throughput")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL_THROUGHPUT"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured, per target")
    parser.add_argument("--warmup", type=float, default=2.0, help="discarded, per target")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument(
        "--without-middleware",
        action="store_true",
        help="also (c0), (d0): the app with its middleware removed, to see what they cost",
    )
    return parser.parse_args()


def _app_env(database_url: str, connections: int, upload_dir: str) -> dict[str, str]:
    """The real app as production runs it: every middleware on (CORS too), JSON access logs."""
    return {
        "ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": database_url,
        "DATABASE_POOL_SIZE": str(connections),
        "CORS_ORIGINS": "https://bench.example",
        "UPLOAD_DIR": upload_dir,
        "LOG_LEVEL": "INFO",
    }


def _measure(target: Target, args: argparse.Namespace) -> WrkResult:
    url = f"http://127.0.0.1:{target.port}{target.path}"
    script = BOOKS_SCRIPT if target.spread_ids else None
    options = {"connections": args.connections, "threads": args.threads, "script": script}
    run_wrk(url, seconds=args.warmup, **options)
    return run_wrk(url, seconds=args.seconds, **options)


def _answer(port: int, path: str) -> tuple[object, str | None, str | None]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
        body = json.loads(response.read())
        return body, response.headers["X-Total-Count"], response.headers["Link"]


def _check_same_answers() -> None:
    """The raw endpoints must answer exactly what the app does, or the ratios mean nothing."""
    for path in ("/books/10", "/books/11", "/books?limit=20"):
        raw, app = _answer(RAW_PORT, path), _answer(APP_PORT, path)
        if raw != app:
            raise SystemExit(f"raw and app answers differ for {path}:\n{raw}\n{app}")


def _median(results: list[WrkResult]) -> WrkResult:
    return WrkResult(
        statistics.median(r.requests_per_second for r in results),
        statistics.median(r.p50_ms for r in results),
        statistics.median(r.p99_ms for r in results),
        sum(r.errors for r in results),
    )


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _print_table(results: dict[str, list[WrkResult]], targets: tuple[Target, ...]) -> None:
    print(f"{'target':<46}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}  rounds req/s")
    medians = {}
    for label, runs in results.items():
        median = medians[label] = _median(runs)
        per_round = " ".join(f"{r.requests_per_second:.0f}" for r in runs)
        print(
            f"{label:<46}{median.requests_per_second:>9.0f}{median.p50_ms:>9.2f}"
            f"{median.p99_ms:>9.2f}{median.errors:>8}  {per_round}"
        )
    rate = {label: m.requests_per_second for label, m in medians.items()}
    a, b, b_list, c, d = (rate[t.label] for t in TARGETS)
    print(f"c/b = {c / b:.2f}   d/b' = {d / b_list:.2f}   b/a = {b / a:.2f}")
    if len(targets) > len(TARGETS):
        c0, d0 = (rate[t.label] for t in WITHOUT_MIDDLEWARE)
        print(f"c0/b = {c0 / b:.2f}   d0/b' = {d0 / b_list:.2f}   (no middleware)")


def main() -> None:
    args = _arguments()
    if shutil.which(WRK) is None:  # before a database and four servers are set up for nothing
        raise SystemExit(
            "throughput: wrk is not on PATH (apt-get install wrk, or brew install wrk)"
        )
    base_url = args.database_url or DEFAULT_DATABASE_URL
    print(f"load average at start: {_load()} ({os.cpu_count()} CPUs, shared with other work:")
    print("  figures move with whatever else runs; compare ratios from one run, not across runs)")
    print(
        f"wrk --latency -t{args.threads} -c{args.connections}, {args.warmup:g} s warm-up + "
        f"{args.seconds:g} s per target, {args.rounds} interleaved rounds, medians; "
        f"one uvicorn worker (uvloop, httptools) per server; {BOOKS} books"
    )
    with ExitStack() as stack:
        url = stack.enter_context(scratch_database(base_url))
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="throughput-")))
        env_books = {"BOOKS": str(BOOKS)}
        os.environ.update(env_books)  # read by books.lua in wrk
        raw_env = {"RAW_DATABASE_DSN": plain_dsn(url, url.rsplit("/", 1)[1])}
        raw_env["RAW_POOL_SIZE"] = str(args.connections)
        app_env = _app_env(url, args.connections, str(logs / "uploads"))
        servers: list[tuple[str, int, str, dict[str, str]]] = [
            ("tests.benchmarks.throughput.constant_app:app", CONSTANT_PORT, "/constant", {}),
            ("tests.benchmarks.throughput.raw_app:app", RAW_PORT, "/books/1", raw_env),
            ("app.main:app", APP_PORT, "/books/1", app_env),
        ]
        targets: tuple[Target, ...] = TARGETS
        if args.without_middleware:
            bare = "tests.benchmarks.throughput.bare_app:app"
            servers.append((bare, BARE_APP_PORT, "/books/1", app_env))
            targets = (*TARGETS, *WITHOUT_MIDDLEWARE)
        for app, port, ready, env in servers:
            stack.enter_context(uvicorn_server(app, port, ready, env, logs / f"{port}.log"))
        _check_same_answers()
        results: dict[str, list[WrkResult]] = {t.label: [] for t in targets}
        for _ in range(args.rounds):
            for target in targets:
                results[target.label].append(_measure(target, args))
        _print_table(results, targets)
    print(f"load average at end: {_load()}")


if __name__ == "__main__":
    main()
