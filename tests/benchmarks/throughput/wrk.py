"""Runs wrk (`--latency`) and reads requests/s, p50, p99 and errors from its report."""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

WRK = "wrk"
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_PERCENTILE = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def parse(report: str) -> WrkResult:
    rate = _RATE.search(report)
    percentiles = {int(p): float(v) * _UNITS[unit] for p, v, unit in _PERCENTILE.findall(report)}
    if rate is None or set(percentiles) != {50, 99}:
        raise ValueError(f"unexpected wrk report:\n{report}")
    errors = sum(int(n) for n in _NON_2XX.findall(report))
    socket_errors = _SOCKET_ERRORS.search(report)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return WrkResult(float(rate.group(1)), percentiles[50], percentiles[99], errors)


def run_wrk(
    url: str, *, seconds: float, connections: int, threads: int, script: Path | None
) -> WrkResult:
    command = [
        WRK,
        "--latency",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
    ]
    if script is not None:
        command += ["-s", str(script)]
    completed = subprocess.run(  # noqa: S603 - fixed command, loopback URL
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
    )
    return parse(completed.stdout)
