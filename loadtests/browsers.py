"""Anonymous visitors: list, filter by author, search, page through, open one book."""

import random

from locust import tag, task

from loadtests import _checks, _data, _hooks  # noqa: F401 - _hooks registers the run's listeners
from loadtests._session import ApiUser

PAGE_SIZE = 20


class Browser(ApiUser):
    weight = 3

    def on_start(self) -> None:
        self.find_seeded_books()

    @tag("browse")
    @task(4)
    def list_books(self) -> None:
        self.call(
            "GET",
            "/books",
            name="/books",
            check=lambda body: _checks.book_list_problems(body, max_items=PAGE_SIZE),
        )

    @tag("browse")
    @task(2)
    def filter_by_author(self) -> None:
        author = random.choice(_data.DEMO_AUTHORS)  # noqa: S311
        self.call(
            "GET",
            "/books",
            name="/books?author=",
            params={"author": author},
            check=lambda body: _checks.book_list_problems(body, max_items=PAGE_SIZE, author=author),
        )

    @tag("browse")
    @task(2)
    def search(self) -> None:
        term = random.choice(_data.SEARCH_TERMS)  # noqa: S311
        self.call(
            "GET",
            "/books",
            name="/books?q=",
            params={"q": term},
            check=lambda body: _checks.book_list_problems(body, max_items=PAGE_SIZE),
        )

    @tag("browse")
    @task(2)
    def page_through(self) -> None:
        skip = random.randrange(0, 60, PAGE_SIZE)  # noqa: S311
        self.call(
            "GET",
            "/books",
            name="/books?skip=",
            params={"skip": skip, "limit": PAGE_SIZE},
            check=lambda body: _checks.book_list_problems(body, max_items=PAGE_SIZE),
        )

    @tag("browse")
    @task(5)
    def get_one(self) -> None:
        book_id = self.any_seeded_book()
        if book_id is None:
            return
        self.call(
            "GET",
            f"/books/{book_id}",
            name="/books/{id}",
            check=lambda body: _checks.book_problems(body, book_id=book_id),
        )
