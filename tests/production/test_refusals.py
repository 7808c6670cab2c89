"""Each domain's existence and role checks (the `dependencies.py` modules) in the app as deployed:
who may pass passes, the others are refused; one request per check, the answers compared as a
whole (issue 21)."""

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.db import MAX_ID
from tests.support.host import bearer_headers
from tests.support.payloads.users import user_public
from tests.support.production import Deployed, committed_book, committed_user


async def test_the_checks_let_the_right_callers_through_and_refuse_the_others(
    committed_db: async_sessionmaker[AsyncSession],
    deployed: Deployed,
    deployed_client: httpx.AsyncClient,
) -> None:
    customer = await committed_user(committed_db)
    admin = await committed_user(committed_db, admin=True)
    book = await committed_book(committed_db, admin)
    as_customer = bearer_headers(deployed.settings, customer)
    as_admin = bearer_headers(deployed.settings, admin)
    requests = [
        ("GET", f"/books/{MAX_ID}", {}),
        ("GET", f"/books/{MAX_ID}/cover", {}),
        ("PATCH", f"/books/{book.id}", as_customer),
        ("GET", f"/files/{MAX_ID}", as_customer),
        ("GET", f"/orders/{MAX_ID}", as_customer),
        ("GET", "/admin/users", as_customer),
        ("PATCH", f"/admin/users/{MAX_ID}", as_admin),
        ("PATCH", f"/admin/users/{customer.id}", as_admin),
        ("GET", "/users/me", {}),
    ]

    answers = []
    for method, path, headers in requests:
        body: dict[str, Any] | None = {} if method == "PATCH" else None
        response = await deployed_client.request(method, path, headers=headers, json=body)
        answers.append((method, path, response.status_code, response.json()))

    assert answers == [
        ("GET", f"/books/{MAX_ID}", 404, {"detail": "Book not found"}),
        ("GET", f"/books/{MAX_ID}/cover", 404, {"detail": "Book not found"}),
        ("PATCH", f"/books/{book.id}", 403, {"detail": "Not authorized"}),
        ("GET", f"/files/{MAX_ID}", 404, {"detail": "File not found"}),
        ("GET", f"/orders/{MAX_ID}", 404, {"detail": "Order not found"}),
        ("GET", "/admin/users", 403, {"detail": "Admin access required"}),
        ("PATCH", f"/admin/users/{MAX_ID}", 404, {"detail": "User not found"}),
        ("PATCH", f"/admin/users/{customer.id}", 200, user_public(customer)),
        ("GET", "/users/me", 401, {"detail": "Not authenticated"}),
    ]
