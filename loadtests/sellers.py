"""Sellers: create a book, update it, upload a small PNG cover."""

import uuid
from decimal import Decimal
from typing import Any

from locust import tag, task

from loadtests import _checks, _data, _hooks  # noqa: F401 - _hooks registers the run's listeners
from loadtests._session import ApiUser

COVER_PNG = _data.tiny_png()


class Seller(ApiUser):
    # A few sellers among many shoppers; each signs up once (two Argon2 hashes).
    fixed_count = 2

    def on_start(self) -> None:
        self.sign_up("seller")

    @tag("sell")
    @task
    def create_update_and_cover(self) -> None:
        if self.token is None:
            return
        # No run id in the title: `GET /books?q=<run id>` must find the seeded books only.
        payload = _data.book_payload(f"Load test listing {uuid.uuid4().hex[:8]}")
        created = self.call(
            "POST", "/books", name="/books", expect=201, json=payload, check=_checks.book_problems
        )
        if created is None:
            return
        book_id = created["id"]
        new_price = float(Decimal(str(payload["price"])) + 1)

        def updated(body: Any) -> list[str]:
            problems = _checks.book_problems(body, book_id=book_id)
            if not problems and body["price"] != new_price:
                problems.append(f"book: price {body['price']} != {new_price}")
            return problems

        self.call(
            "PATCH",
            f"/books/{book_id}",
            name="/books/{id}",
            json={"price": new_price},
            check=updated,
        )
        self.call(
            "PUT",
            f"/books/{book_id}/cover",
            name="/books/{id}/cover",
            files={"file": ("cover.png", COVER_PNG, "image/png")},
            check=lambda body: _checks.cover_problems(body, book_id=book_id, size=len(COVER_PNG)),
        )
