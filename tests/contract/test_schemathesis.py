"""Schemathesis over every operation of the OpenAPI document, against the app in-process.

Each operation's examples (positive and negative) are sent as an admin through the kit's
`sync_client`, inside the test's one rolled-back transaction, and checked for: no 5xx, the
response matching its documented schema, only documented status codes, and the documented
content type. Examples share the transaction; the admin principal survives every example
(an admin cannot demote or deactivate itself: 400), so no example breaks the next.

Why not `case.call()`: Schemathesis's ASGI transport runs the app on an event loop thread of its
own, where the test's asyncpg connection cannot be used, and keeps each app's lifespan running
until the process exits. The kit's `sync_client` makes the session on the TestClient's loop.
"""

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from app.main import create_app
from tests.contract.conftest import KNOWN_ISBN, Existing
from tests.contract.openapi_snapshot import SNAPSHOT_SETTINGS
from tests.support.fakes import FakeCatalog

# Only the document is read from this app; requests go to each test's own app (`admin_client`).
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(SNAPSHOT_SETTINGS))

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
# A CI cap per operation under whatever the HYPOTHESIS_PROFILE allows; no deadline, since each
# example is a request through a real database. A function-scoped fixture serving every example
# is intended here: the examples share one rolled-back transaction (see the module docstring).
MAX_EXAMPLES_PER_OPERATION = 25


def _httpx_request(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Schemathesis serialises for `requests`; the TestClient speaks httpx.

    Raw bodies go in `content` (httpx deprecates bytes in `data`), and cookies, deprecated per
    request, become a `Cookie` header.
    """
    request = dict(kwargs)
    cookies = request.pop("cookies", None) or {}
    if cookies:
        request["headers"] = {
            **(request.get("headers") or {}),
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
        }
    if isinstance(request.get("data"), str | bytes):
        request["content"] = request.pop("data")
    if request.get("files"):
        files = request["files"]
        parts = files.items() if isinstance(files, dict) else files
        request["files"] = [(name, _file_part(part)) for name, part in parts]
    return request


def _file_part(part: Any) -> Any:
    """`requests` sends a non-bytes file value (a negative example's number, say) as its text;
    httpx only takes bytes, text or files."""
    if isinstance(part, tuple):
        return (part[0], _file_content(part[1]), *part[2:])
    return _file_content(part)


def _file_content(content: Any) -> Any:
    if content is None or isinstance(content, str | bytes) or hasattr(content, "read"):
        return content
    return str(content).encode()


def steer_even_ids_to_existing_rows(case: schemathesis.Case[Any], existing: Existing) -> None:
    """Random ids almost never name a row; an even generated id is replaced by an existing
    one, so the success paths (200/204/304, 403 for nobody, 409 on a second cancel) run too.
    Odd ids and non-integers are sent as generated. Deterministic, so shrinking still works."""
    for name, value in (case.path_parameters or {}).items():
        if name in existing.ids and isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = existing.ids[name]


def steer_even_length_isbns_to_a_known_one(case: schemathesis.Case[Any]) -> None:
    """Random text is almost never a valid ISBN: half of it (even length) becomes the one the
    fake catalogue knows, so the lookup's 200 is reached too; the rest gives 422."""
    isbn = (case.path_parameters or {}).get("isbn")
    if isinstance(isbn, str) and len(isbn) % 2 == 0:
        case.path_parameters["isbn"] = KNOWN_ISBN


@schema.parametrize()
@settings(
    max_examples=min(settings().max_examples, MAX_EXAMPLES_PER_OPERATION),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_operation_conforms_to_its_documented_contract(
    case: schemathesis.Case[Any],
    admin_client: TestClient,
    existing: Existing,
    lookup_catalog: FakeCatalog,
) -> None:
    steer_even_ids_to_existing_rows(case, existing)
    steer_even_length_isbns_to_a_known_one(case)
    sent = case.as_transport_kwargs(base_url=str(admin_client.base_url))
    request = admin_client.build_request(**_httpx_request(sent))
    request.read()  # a multipart body streams; the checks read the request back
    response = admin_client.send(request)
    case.validate_response(response, checks=CHECKS)
