"""Security headers (API.md, General rules): nosniff, DENY, Referrer-Policy, a CSP, and HSTS in
production, as raw ASGI pairs built once. The edge (app/core/edge.py) puts them on every HTTP
response; a route's own header of the same name wins.

The docs pages get a CSP of their own that allows their CDN assets and hashes their inline
scripts into `script-src`; every other response gets `default-src 'none'; frame-ancestors
'none'`.
"""

import hashlib
import re
from base64 import b64encode
from collections.abc import Iterable

RawHeader = tuple[bytes, bytes]

CSP = "Content-Security-Policy"
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI and ReDoc as FastAPI serves them: bundles and CSS from jsDelivr, ReDoc's Google
# fonts, FastAPI's favicon, data: icons, the schema fetched from here. The page's own inline
# scripts are allowed by their sha256 (added per response), never by 'unsafe-inline'. Styles do
# need 'unsafe-inline': swagger-ui and ReDoc (styled-components) inject <style> at runtime.
DOCS_CSP = (
    "default-src 'none'; "
    "script-src https://cdn.jsdelivr.net{hashes}; "
    "style-src https://cdn.jsdelivr.net https://fonts.googleapis.com 'unsafe-inline'; "
    "img-src 'self' data: https://fastapi.tiangolo.com; "
    "font-src https://fonts.gstatic.com; "
    "connect-src 'self'; "
    "worker-src blob:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)
HSTS = "max-age=63072000; includeSubDomains"


def raw_header(name: str, value: str) -> RawHeader:
    """A header as ASGI carries it (lower-case name, as Starlette writes them)."""
    return name.lower().encode("latin-1"), value.encode("latin-1")


def _csp_hashes(body: bytes) -> str:
    digests = (hashlib.sha256(script).digest() for script in _INLINE_SCRIPT.findall(body))
    return "".join(f" 'sha256-{b64encode(digest).decode()}'" for digest in digests)


def with_missing(headers: Iterable[RawHeader], defaults: list[RawHeader]) -> list[RawHeader]:
    """`headers` plus each of `defaults` whose name is not among them."""
    raw = list(headers)
    present = {name.lower() for name, _ in raw}
    raw.extend(header for header in defaults if header[0] not in present)
    return raw


class SecurityHeaders:
    """`api`: the headers of every response; on the docs pages `docs_csp(page)` comes first."""

    def __init__(self, *, hsts: bool) -> None:
        headers = {
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
            CSP: API_CSP,
        }
        if hsts:
            headers["Strict-Transport-Security"] = HSTS
        self.api = [raw_header(name, value) for name, value in headers.items()]

    @staticmethod
    def docs_csp(page: bytes) -> RawHeader:
        return raw_header(CSP, DOCS_CSP.format(hashes=_csp_hashes(page)))
