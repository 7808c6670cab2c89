"""Throughput on loopback with wrk: the real read endpoints against raw-asyncpg equivalents.

Run with `python -m tests.benchmarks.throughput` (or `make throughput`); see docs/benchmarks.md.
"""
