"""`make contract-live`: Schemathesis against a live server (issue 15; docs/schemathesis.md).

What the in-process contract test (tests/contract) cannot see, because it never crosses a socket:
the routing a real client meets (405s and their `Allow`, paths that shadow each other), uvicorn's
HTTP parsing, the outbound catalogue call. Steps, all on loopback and in a temporary directory:

1. migrate and seed a fresh SQLite file (`python -m app.seed`: the admin and 36 books);
2. start a fake Open Library catalogue (a thread of this process) and point `CATALOG_URL` at it;
3. start uvicorn on a socket this script bound to a free port (passed with `--fd`, so no other
   process can take the port in between), `ENVIRONMENT=production`; its PID is kept and it is
   stopped by that PID on the way out, whatever happened;
4. register a customer, log both in, and make the rows the operations need (an order, a file);
5. run `schemathesis run --checks all` three times, each bounded by `--max-time`: as the customer
   over every operation a customer may use, then as the admin over the ones only an admin (or a
   book's owner) reaches, then the admin's deletions of books, last. Existing ids and ISBNs are
   offered through Schemathesis dictionaries, which only ever put a value where the generation
   mode allows it (a valid id in positive cases).
   Warnings fail the run too: an operation never reached ("missing test data", "missing auth")
   is a gap, not a pass.

Exit status: 0 when every pass passes, Schemathesis's status of the first that did not, 2 when
the set-up failed. Knobs (environment): CONTRACT_LIVE_MAX_TIME (seconds for the customer's pass,
60; the admin's gets half, the deletions a sixth), CONTRACT_LIVE_WORKERS (Schemathesis workers,
1: Hypothesis's lambda descriptions are not thread-safe on Python 3.11 and showed up as runtime
errors with 2), CONTRACT_LIVE_REPORT_DIR (reports/contract-live), CONTRACT_LIVE_ARGS (extra
`schemathesis run` flags, e.g. `--seed 1` or `--include-path /orders`).
"""

import json
import os
import re
import secrets
import shlex
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
HOOKS = ROOT / "scripts" / "contract_live_hooks.py"
LOOPBACK = "127.0.0.1"
READY_DEADLINE_SECONDS = 60.0
STOP_GRACE_SECONDS = 10.0
ADMIN_EMAIL = "contract-admin@example.com"

CUSTOMER_EMAIL = "contract-customer@example.com"
SETUP_FAILED = 2

# Operations (by FastAPI's operation ids) a customer cannot reach with the data it has: the admin
# area, and changes to the books the seed's admin owns. They run in the admin's pass, everything
# else in the customer's, so each pass's warnings mean what they say.
ADMIN_OPERATIONS = r"^(list_users|update_user|replace_book|update_book|delete_book|replace_cover)_"
DELETES = r"^delete_book_"


def tiny_png() -> bytes:
    """A valid 1x1 greyscale PNG (as tests/support/uploads.py builds it): the cover read needs
    a book that has a cover."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload)
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


UPLOADS = ("POST /files/upload", "POST /files/upload-multiple", "PUT /books/{book_id}/cover")


def log(message: str) -> None:
    print(f"contract-live: {message}", flush=True)


# --- the fake catalogue -------------------------------------------------------------------------

_EDITION_PATH = re.compile(r"^/isbn/(?P<isbn>\d{10}|\d{13})\.json$")


def catalogue_handler(known: dict[str, str]) -> type[BaseHTTPRequestHandler]:
    """Open Library's `GET /isbn/{isbn}.json` for the ISBNs in `known` (ISBN to title); 404 for
    any other path or ISBN, as the real one answers."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            match = _EDITION_PATH.match(self.path)
            if match is None or match["isbn"] not in known:
                self._send(404, {"error": "notfound"})
                return
            edition = {
                "title": known[match["isbn"]],
                "authors": [{"name": "A. N. Author"}],
                "publish_date": "June 1965",
                "description": {"type": "/type/text", "value": "From the fake catalogue."},
            }
            self._send(200, edition)

        def _send(self, status: int, body: dict[str, Any]) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: Schemathesis's output is the one worth reading."""

    return Handler


@contextmanager
def fake_catalogue(known: dict[str, str]) -> Iterator[str]:
    """The fake catalogue on a free loopback port while the block runs; yields its base URL."""
    server = ThreadingHTTPServer((LOOPBACK, 0), catalogue_handler(known))
    thread = threading.Thread(target=server.serve_forever, name="fake-catalogue", daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(STOP_GRACE_SECONDS)


# --- the API under uvicorn ----------------------------------------------------------------------


def listening_socket() -> socket.socket:
    """A socket bound to a free loopback port and listening; uvicorn inherits it (`--fd`)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOOPBACK, 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to this one PID, SIGKILL if it outlives the grace period."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def api_server(env: dict[str, str]) -> Iterator[str]:
    """uvicorn serving `app.main:app` on a free loopback port; yields its base URL once
    `/health/ready` answers 200. Stopped by its PID when the block ends, however it ends."""
    sock = listening_socket()
    base_url = f"http://{LOOPBACK}:{sock.getsockname()[1]}"
    command = [
        sys.executable, "-m", "uvicorn", "app.main:app", "--ws-max-size", "65536",
        "--fd", str(sock.fileno()), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, pass_fds=(sock.fileno(),))  # noqa: S603
    sock.close()  # the child holds its own copy
    log(f"API on {base_url} (uvicorn PID {process.pid})")
    try:
        wait_until_ready(base_url, process)
        yield base_url
    finally:
        stop(process)
        log(f"uvicorn PID {process.pid} stopped (exit code {process.returncode})")


def wait_until_ready(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SetupError(f"uvicorn exited with {process.returncode} before it was ready")
        try:
            if httpx.get(f"{base_url}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SetupError(f"the API was not ready after {READY_DEADLINE_SECONDS} s")


class SetupError(Exception):
    """The run could not start: nothing was tested."""


# --- the data the operations need ---------------------------------------------------------------


@dataclass(frozen=True)
class Data:
    customer_password: str
    customer_token: str
    admin_token: str
    book_ids: list[int]
    in_stock_book_ids: list[int]
    isbns: list[str]
    covered_book_ids: list[int]
    order_ids: list[int]
    file_ids: list[int]
    user_ids: list[int]


def expect(response: httpx.Response, *statuses: int) -> Any:
    if response.status_code not in statuses:
        raise SetupError(f"{response.request.method} {response.request.url.path}: "
                         f"{response.status_code} {response.text}")  # fmt: skip
    return response.json() if response.content else None


def log_in(client: httpx.Client, email: str, password: str) -> str:
    pair = expect(client.post("/auth/login", json={"email": email, "password": password}), 200)
    token: str = pair["access_token"]
    return token


def prepare(base_url: str, admin_password: str) -> Data:
    """A customer, both tokens, a cover on one book, and an order and a file of the customer's."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        password = secrets.token_urlsafe(18)
        customer = {"name": "Contract Customer", "email": CUSTOMER_EMAIL, "password": password}
        customer_id = expect(client.post("/auth/register", json=customer), 201)["id"]
        customer_token = log_in(client, CUSTOMER_EMAIL, password)
        admin_token = log_in(client, ADMIN_EMAIL, admin_password)
        books = expect(client.get("/books", params={"limit": 100}), 200)
        as_customer = {"Authorization": f"Bearer {customer_token}"}
        as_admin = {"Authorization": f"Bearer {admin_token}"}
        covered = books[0]["id"]
        cover = {"file": ("cover.png", tiny_png(), "image/png")}
        expect(client.put(f"/books/{covered}/cover", files=cover, headers=as_admin), 200)
        in_stock = [book for book in books if book["stock"] > 0]
        order = {"items": [{"book_id": in_stock[0]["id"], "quantity": 1}]}
        order_id = expect(client.post("/orders", json=order, headers=as_customer), 201)["id"]
        upload = {"file": ("notes.txt", b"contract-live\n", "text/plain")}
        file_id = expect(client.post("/files/upload", files=upload, headers=as_customer), 201)["id"]
    return Data(
        customer_password=password,
        customer_token=customer_token,
        admin_token=admin_token,
        book_ids=[book["id"] for book in books],
        in_stock_book_ids=[book["id"] for book in in_stock],
        isbns=[book["isbn"] for book in books],
        covered_book_ids=[covered],
        order_ids=[order_id],
        file_ids=[file_id],
        user_ids=[customer_id],
    )


# --- Schemathesis -------------------------------------------------------------------------------


def schemathesis_config(data: Data, token: str) -> str:
    """One pass's configuration: the bearer token, the known ids as dictionaries bound to their
    path parameters (the cover read gets the book that has one), and warnings that fail the run."""
    dictionaries: dict[str, list[int] | list[str]] = {
        "book_ids": data.book_ids,
        "in_stock_book_ids": data.in_stock_book_ids,
        "small_quantities": [1, 2],
        "covered_book_ids": data.covered_book_ids,
        "isbns": data.isbns,
        "order_ids": data.order_ids,
        "file_ids": data.file_ids,
        "user_ids": data.user_ids,
        "emails": [CUSTOMER_EMAIL],
        "passwords": [data.customer_password],
    }
    lines = [
        "# Written by scripts/contract_live.py for one pass.",
        f'hooks = "{HOOKS}"',
        f'headers = {{ Authorization = "Bearer {token}" }}',
        "",
        "[warnings]",
        "fail-on = true",
        "",
        "[parameters]",
        '"path.book_id" = { dictionary = "book_ids", probability = 0.5 }',
        '"path.isbn" = { dictionary = "isbns", probability = 0.5 }',
        '"path.order_id" = { dictionary = "order_ids", probability = 0.5 }',
        '"path.file_id" = { dictionary = "file_ids", probability = 0.5 }',
        '"path.user_id" = { dictionary = "user_ids", probability = 0.5 }',
        # The logins can only succeed with an account: the customer's, offered half the time.
        '"body.email" = { dictionary = "emails", probability = 0.5 }',
        '"body.username" = { dictionary = "emails", probability = 0.5 }',
        '"body.password" = { dictionary = "passwords", probability = 0.5 }',
        # Orders succeed only for books in stock, in quantities the stock has.
        '"body.items[*].book_id" = { dictionary = "in_stock_book_ids", probability = 0.5 }',
        '"body.items[*].quantity" = { dictionary = "small_quantities", probability = 0.5 }',
        "",
        # 400s that depend on who asks or on stored state, which no schema can state (API.md): an
        # admin demoting themselves (the stateful phase finds the admin's own id through the
        # links), a new password with a wrong current one.
        *(
            line
            for name in ("PATCH /admin/users/{user_id}", "PATCH /users/me")
            for line in (
                "[[operations]]",
                f'include-name = "{name}"',
                "[operations.checks.positive_data_acceptance]",
                'expected-statuses = ["2xx", "3xx", 400, 401, 403, 404, 409, 429, "5xx"]',
                "",
            )
        ),
        # What an uploaded file is, is read from its bytes (415 for anything else), and a file part
        # needs a filename (400): neither can be stated in an OpenAPI multipart schema.
        *(
            line
            for name in UPLOADS
            for line in (
                "[[operations]]",
                f'include-name = "{name}"',
                "[operations.checks.positive_data_acceptance]",
                'expected-statuses = ["2xx", "3xx", 400, 401, 403, 404, 409, 415, 429, "5xx"]',
                "",
            )
        ),
        "[[operations]]",
        'include-name = "GET /books/{book_id}/cover"',
        'parameters = { "path.book_id" = { dictionary = "covered_book_ids", probability = 0.5 } }',
    ]
    for name, values in dictionaries.items():
        lines += ["", f"[dictionaries.{name}]", f"values = {json.dumps(values)}"]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Pass:
    name: str
    token: str
    selection: list[str]
    max_time: int


def run_pass(base_url: str, data: Data, run: Pass, *, workdir: Path, report_dir: Path) -> int:
    config = workdir / f"schemathesis-{run.name}.toml"
    config.write_text(schemathesis_config(data, run.token))
    command = [
        str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config), "run",
        f"{base_url}/openapi.json",
        "--checks", "all",
        "--max-time", str(run.max_time),
        "--workers", os.environ.get("CONTRACT_LIVE_WORKERS", "1"),
        "--report", "junit",
        "--report-junit-path", str(report_dir / f"{run.name}.xml"),
        *run.selection,
        *shlex.split(os.environ.get("CONTRACT_LIVE_ARGS", "")),
    ]  # fmt: skip
    log(f"{run.name} pass: schemathesis {shlex.join(command[1:])}")
    # The hooks import the password policy from `app`; Schemathesis runs in the temp dir.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(command, cwd=workdir, env=env, check=False).returncode  # noqa: S603


def api_environment(workdir: Path, *, catalog_url: str, admin_password: str) -> dict[str, str]:
    """The server's settings: production, on the run's own database, uploads and catalogue."""
    inherited = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
    return {
        **inherited,  # without REDIS_URL: in-process limits and events, nothing shared
        "ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'contract.db'}",
        "UPLOAD_DIR": str(workdir / "uploads"),
        "CATALOG_URL": catalog_url,
        "ADMIN_EMAIL": ADMIN_EMAIL,
        "ADMIN_PASSWORD": admin_password,
        # Every request comes from 127.0.0.1: per-client limits would turn most of the run into
        # 429s (documented, so no failure, but nothing tested). Raised for this run only.
        "LOGIN_RATE_LIMIT": "100000 per minute",
        "REGISTER_RATE_LIMIT": "100000 per minute",
        # The customer's email is offered to the login operations; the fuzzer's wrong passwords
        # for it must not lock it out before a right one is tried.
        "LOGIN_FAILURES_LIMIT": "100000 per minute",
        "LOG_LEVEL": "WARNING",
    }


def main() -> int:
    max_time = int(os.environ.get("CONTRACT_LIVE_MAX_TIME", "60"))
    report_dir = ROOT / os.environ.get("CONTRACT_LIVE_REPORT_DIR", "reports/contract-live")
    report_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="contract-live-") as tmp:
        workdir = Path(tmp)
        admin_password = secrets.token_urlsafe(18)
        seed_env = {
            **os.environ,
            "ENVIRONMENT": "development",  # app.seed refuses production
            "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'contract.db'}",
            "ADMIN_EMAIL": ADMIN_EMAIL,
            "ADMIN_PASSWORD": admin_password,  # given, so no .demo-admin.json is written
        }
        seed = [sys.executable, "-m", "app.seed"]
        subprocess.run(seed, cwd=ROOT, env=seed_env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        titles: dict[str, str] = {}  # filled below, once the API says which ISBNs the seed wrote
        try:
            with fake_catalogue(titles) as catalog_url:
                env = api_environment(
                    workdir, catalog_url=catalog_url, admin_password=admin_password
                )
                with api_server(env) as base_url:
                    data = prepare(base_url, admin_password)
                    titles.update(dict.fromkeys(data.isbns, "A Book the Catalogue Knows"))
                    # 21 operations for the customer, 5 for the admin; deleting books comes
                    # last, in a pass of its own, so it cannot take the rows the others use.
                    customer = Pass(
                        "customer", data.customer_token,
                        ["--exclude-operation-id-regex", ADMIN_OPERATIONS], max_time,
                    )  # fmt: skip
                    admin = Pass(
                        "admin", data.admin_token,
                        ["--include-operation-id-regex", ADMIN_OPERATIONS,
                         "--exclude-operation-id-regex", DELETES], max_time // 2,
                    )  # fmt: skip
                    deletes = Pass(
                        "admin-deletes", data.admin_token,
                        ["--include-operation-id-regex", DELETES], max_time // 6,
                    )  # fmt: skip
                    statuses = {
                        run.name: run_pass(
                            base_url, data, run, workdir=workdir, report_dir=report_dir
                        )
                        for run in (customer, admin, deletes)
                    }
        except SetupError as error:
            log(f"set-up failed: {error}")
            return SETUP_FAILED
    failed = {name: status for name, status in statuses.items() if status != 0}
    for name, status in failed.items():
        log(f"{name} pass FAILED (exit code {status})")
    if not failed:
        log("every pass clean")
    return next(iter(failed.values()), 0)


if __name__ == "__main__":
    sys.exit(main())
