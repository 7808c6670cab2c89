"""`python -m tests.benchmarks.register_burst`: one worker's peak memory under a burst of sign-ups.

Issue 15, finding 4: each registration is an Argon2 hash of 64 MiB with production parameters,
so 40 registrations at once took a worker from 117 MiB to 2.6 GiB. This starts one uvicorn worker
(`ENVIRONMENT=production`, so production's Argon2 parameters) on a fresh SQLite file in a
temporary folder, on a free loopback port, sends the registrations all at once, each on a
connection of its own, and reads the worker's peak resident memory from the kernel (VmHWM in
/proc/PID/status, reset just before the burst, so no sampling can miss the peak). Linux only.

Every request comes from 127.0.0.1, so the per-client REGISTER_RATE_LIMIT lets only its budget
through: `--register-rate-limit "1000 per hour"` raises it for this server, to measure what the
hashes cost when a burst does get through (from many clients, say).
"""

import argparse
import asyncio
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.migrations import upgrade_to_head

READY_SECONDS = 30.0
REQUEST_SECONDS = 300.0  # bounds a hang only
MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Burst:
    statuses: Counter[int]
    seconds: float
    cpu_seconds: float
    idle_rss: int
    peak_rss: int


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.register_burst")
    parser.add_argument("--registrations", type=int, default=40, help="sent at once")
    parser.add_argument(
        "--register-rate-limit", help="REGISTER_RATE_LIMIT for the server (default: the app's)"
    )
    parser.add_argument(
        "--max-concurrent-hashes", help="MAX_CONCURRENT_HASHES for the server (default: the app's)"
    )
    arguments = parser.parse_args()
    if not 1 <= arguments.registrations <= 200:
        parser.error("--registrations must be between 1 and 200")
    return arguments


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _status_kib(pid: int, field: str) -> int:
    """A `kB` line of /proc/PID/status (VmRSS, VmHWM), in bytes."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    match = re.search(rf"^{field}:\s+(\d+) kB$", status, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no {field} in /proc/{pid}/status")
    return int(match.group(1)) * 1024


def _reset_peak(pid: int) -> None:
    """VmHWM starts again from the current RSS (Linux 4.0+, `man 5 proc`, clear_refs)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5", encoding="ascii")


def _cpu_seconds(pid: int) -> float:
    """User plus system time of the process (every thread), /proc/PID/stat fields 14 and 15."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_ready(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)  # polling a starting server, with a deadline
    raise RuntimeError(f"the server was not ready after {READY_SECONDS} s")


@contextmanager
def _server(env: Mapping[str, str], log: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """One uvicorn worker (the process measured) on a free loopback port, stopped by PID."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_ready(base_url, process)
            yield process, base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


async def _register(base_url: str, count: int) -> Counter[int]:
    password = secrets.token_urlsafe(16)
    async with httpx.AsyncClient(
        base_url=base_url,
        timeout=REQUEST_SECONDS,
        limits=httpx.Limits(max_connections=count),
    ) as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    "/auth/register",
                    json={
                        "name": f"Burst {n}",
                        "email": f"burst{n}@example.com",
                        "password": password,
                    },
                )
                for n in range(count)
            )
        )
    return Counter(response.status_code for response in responses)


def run(arguments: argparse.Namespace, folder: Path) -> Burst:
    database_url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
    upgrade_to_head(database_url)
    env = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": database_url,
        "UPLOAD_DIR": str(folder / "uploads"),
        "LOG_LEVEL": "WARNING",
    }
    if arguments.register_rate_limit is not None:
        env["REGISTER_RATE_LIMIT"] = arguments.register_rate_limit
    if arguments.max_concurrent_hashes is not None:
        env["MAX_CONCURRENT_HASHES"] = arguments.max_concurrent_hashes
    with _server(env, folder / "server.log") as (process, base_url):
        idle_rss = _status_kib(process.pid, "VmRSS")
        _reset_peak(process.pid)
        cpu_before, started = _cpu_seconds(process.pid), time.monotonic()
        statuses = asyncio.run(_register(base_url, arguments.registrations))
        seconds = time.monotonic() - started
        cpu_seconds = _cpu_seconds(process.pid) - cpu_before
        peak_rss = _status_kib(process.pid, "VmHWM")
    return Burst(statuses, seconds, cpu_seconds, idle_rss, peak_rss)


def main() -> None:
    arguments = _arguments()
    print(f"register_burst: load average {os.getloadavg()[0]:.2f} (this machine may be shared)")
    with tempfile.TemporaryDirectory(prefix="register-burst-") as folder:
        burst = run(arguments, Path(folder))
    statuses = ", ".join(f"{count} × {status}" for status, count in sorted(burst.statuses.items()))
    print(f"register_burst: {arguments.registrations} registrations at once: {statuses}")
    print(
        f"register_burst: worker RSS {burst.idle_rss / MIB:.0f} MiB idle, "
        f"peak {burst.peak_rss / MIB:.0f} MiB during the burst"
    )
    print(
        f"register_burst: {burst.seconds:.2f} s until the last answer, "
        f"{burst.cpu_seconds:.2f} s of the worker's CPU"
    )


if __name__ == "__main__":
    main()
