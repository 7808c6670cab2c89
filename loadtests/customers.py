"""Signed-up customers: log in once, browse, place an order for a seeded book, cancel it."""

from locust import tag, task

from loadtests import _checks, _hooks  # noqa: F401 - _hooks registers the run's listeners
from loadtests._session import ApiUser


class Customer(ApiUser):
    weight = 1

    def on_start(self) -> None:
        self.sign_up("customer")
        self.find_seeded_books()

    @tag("browse")
    @task(3)
    def browse(self) -> None:
        self.call(
            "GET",
            "/books",
            name="/books",
            check=lambda body: _checks.book_list_problems(body, max_items=20),
        )

    @tag("order")
    @task(2)
    def order_and_cancel(self) -> None:
        """Cancelling gives the stock back, so a long run never drains the seeded books."""
        book_id = self.any_seeded_book()
        if book_id is None or self.token is None:
            return
        placed = self.call(
            "POST",
            "/orders",
            name="/orders",
            expect=201,
            json={"items": [{"book_id": book_id, "quantity": 1}]},
            check=lambda body: _checks.order_problems(body, status="placed", book_id=book_id),
        )
        if placed is None:
            return
        self.call(
            "GET",
            f"/orders/{placed['id']}",
            name="/orders/{id}",
            check=lambda body: _checks.order_problems(body, status="placed", book_id=book_id),
        )
        self.call(
            "POST",
            f"/orders/{placed['id']}/cancel",
            name="/orders/{id}/cancel",
            check=lambda body: _checks.order_problems(body, status="cancelled", book_id=book_id),
        )
