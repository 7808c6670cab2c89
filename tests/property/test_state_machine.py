"""A state machine over the books and orders API, checked against a plain Python model.

Every example (one sequence of steps) runs in its own rolled-back transaction with its own app
and client (`PortalExamples.isolated()`), so examples never see each other's books or orders.
All examples share the test's one portal thread and engine: a thread started and ended per
example is what stalled this test under coverage on Python 3.11 (docs/hypothesis-state-machines.md).
"""

import threading
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from pytest_mock import MockerFixture

from app.core.config import Settings
from tests.factories import UserFactory, persist
from tests.fixtures.hypothesis import PortalExamples
from tests.property.strategies import MAX_INT, shows_something_oracle
from tests.support.host import bearer_headers
from tests.support.hypothesis_profiles import ACTIVE_PROFILE

# The machine's own bounds per profile: each step sends three requests, so the profiles' example
# counts (sized for one request an example) would take minutes here. The deadline bounds one
# example with room for a slow, shared runner under coverage; timing belongs to the benchmarks.
EXAMPLES_PER_PROFILE = {"dev": 15, "ci": 30}
MACHINE_SETTINGS = hypothesis_settings(
    max_examples=EXAMPLES_PER_PROFILE.get(ACTIVE_PROFILE, EXAMPLES_PER_PROFILE["dev"]),
    stateful_step_count=20,
    deadline=timedelta(seconds=30),
)
AUTHOR = "Model Author"

Titles = st.text(
    alphabet=st.characters(categories=["L", "N", "Zs"]), min_size=1, max_size=40
).filter(shows_something_oracle)
Prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)
# Now and then a book holds as many copies as its column can: a cancel must then not put
# copies back past it (409).
Stocks = st.one_of(st.integers(min_value=0, max_value=15), st.sampled_from([MAX_INT - 1, MAX_INT]))
Quantities = st.integers(min_value=1, max_value=6)


def isbn13(serial: int) -> str:
    """A valid ISBN-13 for a serial number: 978, nine digits, then the check digit."""
    digits = f"978{serial:09d}"
    total = sum(int(digit) * (1 if index % 2 == 0 else 3) for index, digit in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


@dataclass
class ModelBook:
    title: str
    isbn: str
    price: Decimal
    stock: int


@dataclass
class ModelOrder:
    lines: dict[int, tuple[int, Decimal]]  # book id -> (quantity, unit price)
    cancelled: bool = False

    @property
    def total(self) -> Decimal:
        return sum((quantity * price for quantity, price in self.lines.values()), Decimal(0))


@dataclass
class Model:
    books: dict[int, ModelBook] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    orders: dict[int, ModelOrder] = field(default_factory=dict)

    def has_orders(self, book_id: int) -> bool:
        return any(book_id in order.lines for order in self.orders.values())


def as_json(response: httpx.Response) -> Any:
    """The body with exact decimals, so prices compare to the model's Decimals."""
    return response.json(parse_float=Decimal)


class BookstoreMachine(RuleBasedStateMachine):
    def __init__(self, examples: PortalExamples, app_settings: Settings) -> None:
        super().__init__()
        self.model = Model()
        self.serial = 0
        self.examples = examples
        self._example_context = examples.isolated()
        self.example = self._example_context.__enter__()
        try:
            user = examples.call(persist, self.example.session, UserFactory)
        except BaseException:
            self.teardown()
            raise
        self.headers = bearer_headers(app_settings, user)

    def teardown(self) -> None:
        self._example_context.__exit__(None, None, None)

    def _send(self, method: str, url: str, json: Any) -> Awaitable[httpx.Response]:
        return self.example.client.request(method, url, json=json, headers=self.headers)

    def call(self, method: str, url: str, json: Any = None) -> httpx.Response:
        return self.examples.portal.call(self._send, method, url, json)

    @initialize(title=Titles, price=Prices, stock=st.integers(min_value=1, max_value=15))
    def stock_a_first_book(self, title: str, price: Decimal, stock: int) -> None:
        """Every example starts with a book in stock, so orders and cancels happen early."""
        self.add_book(title, price, stock)

    @rule(title=Titles, price=Prices, stock=Stocks)
    def create_book(self, title: str, price: Decimal, stock: int) -> None:
        self.add_book(title, price, stock)

    def add_book(self, title: str, price: Decimal, stock: int) -> None:
        self.serial += 1
        isbn = isbn13(self.serial)
        hyphenated = f"{isbn[:3]}-{isbn[3:12]}-{isbn[12]}"
        body = {"title": title, "author": AUTHOR, "isbn": hyphenated, "price": float(price)}
        response = self.call("POST", "/books", {**body, "stock": stock})
        assert response.status_code == 201, response.text
        created = as_json(response)
        book = ModelBook(title=title.strip(), isbn=isbn, price=price, stock=stock)
        assert (created["title"], created["isbn"], created["price"], created["stock"]) == (
            book.title,
            book.isbn,
            book.price,
            book.stock,
        )
        assert created["id"] not in self.model.books
        self.model.deleted.discard(created["id"])  # SQLite may hand a deleted book's id out again
        self.model.books[created["id"]] = book

    @precondition(lambda self: self.model.books)
    @rule(data=st.data())
    def update_book(self, data: st.DataObject) -> None:
        book_id = data.draw(st.sampled_from(sorted(self.model.books)), label="book")
        fields = data.draw(
            st.sets(st.sampled_from(["title", "price", "stock"]), min_size=1), label="fields"
        )
        book = self.model.books[book_id]
        wire: dict[str, Any] = {}
        if "title" in fields:
            wire["title"] = data.draw(Titles, label="title")
            book.title = wire["title"].strip()
        if "price" in fields:
            book.price = data.draw(Prices, label="price")
            wire["price"] = float(book.price)
        if "stock" in fields:
            book.stock = wire["stock"] = data.draw(Stocks, label="stock")
        response = self.call("PATCH", f"/books/{book_id}", wire)
        assert response.status_code == 200, response.text
        updated = as_json(response)
        assert (updated["id"], updated["title"], updated["price"], updated["stock"]) == (
            book_id,
            book.title,
            book.price,
            book.stock,
        )

    @precondition(lambda self: self.open_orders_books())
    @rule(data=st.data())
    def restock_to_the_limit(self, data: st.DataObject) -> None:
        """The seller sets a stock to its column's largest value while an order holds copies:
        cancelling that order must then be refused, not overflow."""
        book_id = data.draw(st.sampled_from(self.open_orders_books()), label="book")
        response = self.call("PATCH", f"/books/{book_id}", {"stock": MAX_INT})
        assert response.status_code == 200, response.text
        assert as_json(response)["stock"] == MAX_INT
        self.model.books[book_id].stock = MAX_INT

    def open_orders_books(self) -> list[int]:
        return sorted(
            {
                book_id
                for order in self.model.orders.values()
                if not order.cancelled
                for book_id in order.lines
            }
        )

    @precondition(lambda self: self.model.books)
    @rule(data=st.data())
    def delete_book(self, data: st.DataObject) -> None:
        book_id = data.draw(st.sampled_from(sorted(self.model.books)), label="book")
        response = self.call("DELETE", f"/books/{book_id}")
        if self.model.has_orders(book_id):
            assert response.status_code == 409, response.text
            assert response.json() == {"detail": "Book has orders and is kept for their history"}
            return
        assert response.status_code == 204, response.text
        del self.model.books[book_id]
        self.model.deleted.add(book_id)

    @precondition(lambda self: self.model.deleted)
    @rule(data=st.data())
    def read_deleted_book(self, data: st.DataObject) -> None:
        book_id = data.draw(st.sampled_from(sorted(self.model.deleted)), label="deleted book")
        response = self.call("GET", f"/books/{book_id}")
        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "Book not found"}

    @precondition(lambda self: self.model.books)
    @rule(data=st.data())
    def place_order(self, data: st.DataObject) -> None:
        book_ids = data.draw(
            st.lists(
                st.sampled_from(sorted(self.model.books)), min_size=1, max_size=3, unique=True
            ),
            label="books",
        )
        quantities = {
            book_id: data.draw(Quantities, label=f"quantity of {book_id}") for book_id in book_ids
        }
        body = {"items": [{"book_id": id_, "quantity": qty} for id_, qty in quantities.items()]}
        response = self.call("POST", "/orders", body)
        short = [id_ for id_ in sorted(quantities) if self.model.books[id_].stock < quantities[id_]]
        if short:
            assert response.status_code == 409, response.text
            assert response.json() == {"detail": f"Insufficient stock for book {short[0]}"}
            return
        assert response.status_code == 201, response.text
        order = ModelOrder(
            {id_: (qty, self.model.books[id_].price) for id_, qty in sorted(quantities.items())}
        )
        for book_id, quantity in quantities.items():
            self.model.books[book_id].stock -= quantity
        placed = as_json(response)
        assert placed["id"] not in self.model.orders
        self.model.orders[placed["id"]] = order
        self.assert_order_matches(placed, order)

    @precondition(lambda self: self.model.deleted and self.model.books)
    @rule(data=st.data())
    def order_a_deleted_book(self, data: st.DataObject) -> None:
        """404, and the live books in the same order keep their stock (checked by invariant)."""
        live = data.draw(st.sampled_from(sorted(self.model.books)), label="live book")
        gone = data.draw(st.sampled_from(sorted(self.model.deleted)), label="deleted book")
        items = [{"book_id": live, "quantity": 1}, {"book_id": gone, "quantity": 1}]
        response = self.call("POST", "/orders", {"items": items})
        if live < gone and self.model.books[live].stock < 1:
            assert response.status_code == 409, response.text
            assert response.json() == {"detail": f"Insufficient stock for book {live}"}
            return
        assert response.status_code == 404, response.text
        assert response.json() == {"detail": "Book not found"}

    @precondition(lambda self: self.model.orders)
    @rule(data=st.data())
    def cancel_order(self, data: st.DataObject) -> None:
        order_id = data.draw(st.sampled_from(sorted(self.model.orders)), label="order")
        order = self.model.orders[order_id]
        response = self.call("POST", f"/orders/{order_id}/cancel")
        if order.cancelled:
            assert response.status_code == 409, response.text
            assert response.json() == {"detail": "Order is already cancelled"}
            return
        full = [
            book_id
            for book_id, (quantity, _price) in order.lines.items()
            if self.model.books[book_id].stock + quantity > MAX_INT
        ]
        if full:
            message = f"Cannot cancel: the stock of book {full[0]} would exceed {MAX_INT}"
            assert response.status_code == 409, response.text
            assert response.json() == {"detail": message}
            return
        assert response.status_code == 200, response.text
        order.cancelled = True
        for book_id, (quantity, _price) in order.lines.items():
            self.model.books[book_id].stock += quantity
        self.assert_order_matches(as_json(response), order)

    def assert_order_matches(self, body: Any, order: ModelOrder) -> None:
        assert body["status"] == ("cancelled" if order.cancelled else "placed")
        assert body["items"] == [
            {"book_id": book_id, "quantity": quantity, "unit_price": price}
            for book_id, (quantity, price) in order.lines.items()
        ]
        assert body["total"] == order.total

    @invariant()
    def books_listing_matches_the_model(self) -> None:
        response = self.call("GET", "/books?limit=100")
        assert response.status_code == 200, response.text
        listed = {book["id"]: book for book in as_json(response)}
        assert sorted(listed) == sorted(self.model.books)
        assert response.headers["X-Total-Count"] == str(len(self.model.books))
        for book_id, book in self.model.books.items():
            got = listed[book_id]
            assert (got["title"], got["isbn"], got["price"], got["stock"]) == (
                book.title,
                book.isbn,
                book.price,
                book.stock,
            )
            assert got["stock"] >= 0

    @invariant()
    def orders_listing_matches_the_model(self) -> None:
        response = self.call("GET", "/orders?limit=100")
        assert response.status_code == 200, response.text
        listed = as_json(response)
        assert [order["id"] for order in listed] == sorted(self.model.orders)
        for body in listed:
            self.assert_order_matches(body, self.model.orders[body["id"]])


def test_books_and_orders_api_behaves_like_the_model(
    portal_examples: PortalExamples, settings: Settings
) -> None:
    class ConfiguredMachine(BookstoreMachine):
        def __init__(self) -> None:
            super().__init__(portal_examples, settings)

    run_state_machine_as_test(ConfiguredMachine, settings=MACHINE_SETTINGS)


def test_examples_start_no_thread_of_their_own(
    portal_examples: PortalExamples, settings: Settings, mocker: MockerFixture
) -> None:
    """Every thread that ends queues greenlet's clean-up as a CPython pending call; on Python 3.11
    under a trace function (coverage) a second one queued while the first runs hangs the
    worker for good. So the machine must not start and end threads per example."""
    examples = 6

    class ConfiguredMachine(BookstoreMachine):
        def __init__(self) -> None:
            super().__init__(portal_examples, settings)

    started = mocker.spy(threading.Thread, "start")
    run_state_machine_as_test(
        ConfiguredMachine,
        settings=hypothesis_settings(
            MACHINE_SETTINGS, max_examples=examples, stateful_step_count=5, database=None
        ),
    )

    assert started.call_count < examples, [call.args[0].name for call in started.call_args_list]
