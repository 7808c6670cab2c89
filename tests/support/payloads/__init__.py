"""Whole-payload expectations per domain (the JSON an endpoint answers), for every test layer.

Here rather than under tests/integration, so meta and resilience tests need not import a test
layer of their own kind (issue 16, layers).
"""
