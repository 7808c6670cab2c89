"""Any change to the public contract fails here until the snapshot is updated on purpose.

Update: uv run python -m tests.contract.openapi_snapshot (then review the diff).
"""

import json

from tests.contract.openapi_snapshot import SNAPSHOT, UPDATE, current_document, render


def test_openapi_document_matches_the_committed_snapshot() -> None:
    committed = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert current_document() == committed, f"The OpenAPI document changed; if intended: {UPDATE}"


def test_snapshot_file_is_in_canonical_form() -> None:
    text = SNAPSHOT.read_text(encoding="utf-8")
    assert text == render(json.loads(text))


def test_snapshot_holds_every_http_operation_of_the_api() -> None:
    """The operations at a glance (WebSocket routes are not part of OpenAPI)."""
    paths = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["paths"]
    operations = {f"{method.upper()} {path}" for path, item in paths.items() for method in item}
    assert operations == {
        "GET /health",
        "GET /health/ready",
        "POST /auth/register",
        "POST /auth/login",
        "POST /auth/token",
        "POST /auth/refresh",
        "POST /auth/logout",
        "GET /users/me",
        "PATCH /users/me",
        "GET /admin/users",
        "PATCH /admin/users/{user_id}",
        "GET /books",
        "POST /books",
        "GET /books/lookup/{isbn}",
        "GET /books/{book_id}",
        "PUT /books/{book_id}",
        "PATCH /books/{book_id}",
        "DELETE /books/{book_id}",
        "PUT /books/{book_id}/cover",
        "GET /books/{book_id}/cover",
        "POST /orders",
        "GET /orders",
        "GET /orders/{order_id}",
        "POST /orders/{order_id}/cancel",
        "POST /files/upload",
        "POST /files/upload-multiple",
        "GET /files/{file_id}",
    }
