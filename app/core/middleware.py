"""The middleware stack, outermost first, as `install_middleware` builds it (issue 16: one edge
layer instead of five; docs/decisions.md, "Middleware in one layer"). All pure ASGI (no
`BaseHTTPMiddleware`: it breaks contextvars and streaming).

1. `ServerErrorMiddleware` (Starlette's, always outermost): sees an exception only after the
   edge has answered it, so it just re-raises to the server.
2. `GZipMiddleware`, only with `GZIP_ENABLED` (compression belongs to the reverse proxy by
   default): compresses large bodies the edge produced; outside it so the docs CSP hashes the
   uncompressed page.
3. `Edge` (app/core/edge.py): request id and log context, security headers, body limit, access
   line, JSON 500; with `CORS_ORIGINS`, Starlette's `CORSMiddleware` inside it, around the app
   and around the edge's own 413.
"""

from collections.abc import Mapping
from functools import partial

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from app.core.body_limit import BodyLimits
from app.core.config import Environment, Settings
from app.core.edge import Edge, Wrap
from app.core.request_context import REQUEST_ID_HEADER

GZIP_MINIMUM_SIZE = 1024


def _docs_paths(app: FastAPI) -> frozenset[str]:
    paths = [app.docs_url, app.redoc_url]
    if app.docs_url:
        paths.append(app.swagger_ui_oauth2_redirect_url)
    return frozenset(path for path in paths if path)


def _cors(settings: Settings) -> Wrap | None:
    if not settings.cors_origins:
        return None
    return partial(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", REQUEST_ID_HEADER],
        expose_headers=[REQUEST_ID_HEADER, "X-Total-Count", "Link", "Retry-After"],
    )


def install_middleware(
    app: FastAPI, settings: Settings, *, body_limits: Mapping[str, int] | None = None
) -> None:
    """Adds the stack described in this module's docstring.

    `add_middleware` puts each new one outside the ones before: innermost first here.
    `body_limits`: per path prefix body limits overriding `settings.max_body_bytes`.
    """
    app.add_middleware(
        Edge,
        hsts=settings.environment is Environment.PRODUCTION,
        docs_paths=_docs_paths(app),
        body_limits=BodyLimits(default=settings.max_body_bytes, limits=body_limits or {}),
        cors=_cors(settings),
    )
    if settings.gzip_enabled:
        app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_SIZE)
