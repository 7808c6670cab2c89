"""Hypothesis: schema invariants and pagination arithmetic (see tests/property/strategies.py)."""
