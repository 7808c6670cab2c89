"""The HTTP client an app uses for outside services, its TLS context made once per process."""

import ssl
from functools import cache

import httpx


@cache
def outbound_tls() -> ssl.SSLContext:
    """httpx's default context (certificates verified against certifi's bundle), made once.

    Loading the CA bundle is most of what creating an httpx client costs, and each client loads
    it again unless given a context: a process that makes more than one app (the test suite makes
    one per test) would pay it every time. A context can be shared by any number of clients.
    """
    return httpx.create_ssl_context()


def outbound_client(user_agent: str) -> httpx.AsyncClient:
    """One pool of outbound connections for every outside service; timeouts are set per call."""
    return httpx.AsyncClient(headers={"User-Agent": user_agent}, verify=outbound_tls())
