"""The request's context: its `X-Request-ID` and the logger of its access line.

The id: a valid incoming `X-Request-ID` (1..128 of `A-Za-z0-9._-`) is kept, anything else is
replaced by a uuid4 hex. The edge (app/core/edge.py) puts it on every HTTP response and into the
structlog context (`request_id` on every line logged while the request runs, WebSockets too).
"""

import re
from uuid import uuid4

REQUEST_ID_HEADER = "X-Request-ID"
RAW_REQUEST_ID_HEADER = REQUEST_ID_HEADER.lower().encode("latin-1")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
ACCESS_LOGGER = "app.request"


def is_valid_request_id(value: str) -> bool:
    """1..128 characters of `A-Za-z0-9._-` (the API's rule for a kept `X-Request-ID`)."""
    return _REQUEST_ID.fullmatch(value) is not None


def new_request_id() -> str:
    return uuid4().hex


def request_id_from(incoming: bytes | None) -> str:
    """The incoming raw header value if there is one and it is valid, else a new id."""
    if incoming is None:
        return new_request_id()
    value = incoming.decode("latin-1")
    return value if is_valid_request_id(value) else new_request_id()
