"""GET /books paging: `skip`/`limit`, `X-Total-Count` and the RFC 8288 `Link` header."""

import httpx
import pytest
from dirty_equals import IsStr
from sqlalchemy.ext.asyncio import AsyncSession

from app.books.models import Book
from tests.support.data import CreateBook, CreateUser
from tests.support.payloads.books import book_public, create_books, persisted_books

BOOKS = "/books"


@pytest.fixture(scope="module")
async def five_books(module_db: AsyncSession) -> list[Book]:
    """Five books of one owner, built once for the module and read by every test using them
    (tests.fixtures.scoped); each test's own writes are still rolled back after it."""
    return await persisted_books(module_db, [{}] * 5)


class TestPaging:
    @pytest.mark.parametrize(
        ("params", "window"),
        [
            pytest.param({"limit": "2"}, slice(0, 2), id="first_page"),
            pytest.param({"skip": "1", "limit": "2"}, slice(1, 3), id="middle_window"),
            pytest.param({"skip": "4", "limit": "2"}, slice(4, 5), id="short_last_page"),
            pytest.param({"skip": "5"}, slice(5, 5), id="skip_everything"),
            pytest.param({"limit": "1"}, slice(0, 1), id="smallest_limit"),
            pytest.param({"limit": "100"}, slice(0, 5), id="largest_limit"),
        ],
    )
    async def test_skip_and_limit_select_a_window(
        self,
        client: httpx.AsyncClient,
        five_books: list[Book],
        params: dict[str, str],
        window: slice,
    ) -> None:
        response = await client.get("/books", params=params)

        assert response.status_code == 200, response.text
        assert response.json() == [book_public(book) for book in five_books[window]]
        assert response.headers["X-Total-Count"] == "5"

    async def test_default_limit_is_20(
        self, client: httpx.AsyncClient, create_user: CreateUser, create_book: CreateBook
    ) -> None:
        books = await create_books(create_user, create_book, [{}] * 21)

        response = await client.get("/books")

        assert response.status_code == 200, response.text
        assert response.json() == [book_public(book) for book in books[:20]]
        assert response.headers["X-Total-Count"] == "21"
        assert response.headers["Link"] == f'<{BOOKS}?skip=20&limit=20>; rel="next"'

    async def test_skip_beyond_any_row_returns_an_empty_page(
        self, client: httpx.AsyncClient, create_book: CreateBook
    ) -> None:
        await create_book()

        # The largest skip there is; past it is a 422 (core/test_integer_limits.py).
        response = await client.get("/books", params={"skip": str(2**31 - 1)})

        assert response.status_code == 200, response.text
        assert response.json() == []
        assert response.headers["X-Total-Count"] == "1"

    @pytest.mark.parametrize(
        ("params", "loc", "error_type"),
        [
            pytest.param({"limit": "0"}, ["query", "limit"], "greater_than_equal", id="limit_0"),
            pytest.param({"limit": "101"}, ["query", "limit"], "less_than_equal", id="limit_101"),
            pytest.param({"skip": "-1"}, ["query", "skip"], "greater_than_equal", id="skip_-1"),
            pytest.param({"limit": "ten"}, ["query", "limit"], "int_parsing", id="limit_text"),
        ],
    )
    async def test_out_of_range_paging_returns_422(
        self,
        client: httpx.AsyncClient,
        params: dict[str, str],
        loc: list[str],
        error_type: str,
    ) -> None:
        response = await client.get("/books", params=params)

        assert response.status_code == 422, response.text
        assert response.json() == {"detail": [{"loc": loc, "msg": IsStr(), "type": error_type}]}


class TestLinkHeader:
    @pytest.mark.parametrize(
        ("query", "link"),
        [
            pytest.param("limit=2", f'<{BOOKS}?limit=2&skip=2>; rel="next"', id="first_page"),
            pytest.param(
                "skip=2&limit=2",
                f'<{BOOKS}?skip=4&limit=2>; rel="next", <{BOOKS}?skip=0&limit=2>; rel="prev"',
                id="middle_page",
            ),
            pytest.param("skip=4&limit=2", f'<{BOOKS}?skip=2&limit=2>; rel="prev"', id="last_page"),
            pytest.param(
                "skip=1&limit=2",
                f'<{BOOKS}?skip=3&limit=2>; rel="next", <{BOOKS}?skip=0&limit=2>; rel="prev"',
                id="prev_clamped_to_0",
            ),
            pytest.param(
                "skip=3&limit=2", f'<{BOOKS}?skip=1&limit=2>; rel="prev"', id="ends_at_total"
            ),
        ],
    )
    @pytest.mark.usefixtures("five_books")
    async def test_link_names_the_neighbours_that_exist(
        self, client: httpx.AsyncClient, query: str, link: str
    ) -> None:
        response = await client.get(f"/books?{query}")

        assert response.status_code == 200, response.text
        assert response.headers["Link"] == link
        assert response.headers["X-Total-Count"] == "5"

    async def test_link_keeps_filters_and_sort(
        self, client: httpx.AsyncClient, create_user: CreateUser, create_book: CreateBook
    ) -> None:
        titles = ["Dune", "Dune Messiah", "Children of Dune", "Foundation"]
        await create_books(
            create_user, create_book, ({"title": t, "author": "Frank Herbert"} for t in titles)
        )

        response = await client.get(
            "/books",
            params={
                "q": "dune",
                "author": "frank herbert",
                "sort": "-price",
                "skip": "1",
                "limit": "1",
            },
        )

        assert response.status_code == 200, response.text
        assert response.headers["X-Total-Count"] == "3"
        assert response.headers["Link"] == (
            f'<{BOOKS}?q=dune&author=frank+herbert&sort=-price&skip=2&limit=1>; rel="next", '
            f'<{BOOKS}?q=dune&author=frank+herbert&sort=-price&skip=0&limit=1>; rel="prev"'
        )

    @pytest.mark.parametrize(
        "query",
        [
            pytest.param("", id="defaults"),
            pytest.param("limit=5", id="limit_equals_total"),
            pytest.param("q=Book", id="filtered"),
        ],
    )
    async def test_single_page_has_no_link(
        self, client: httpx.AsyncClient, five_books: list[Book], query: str
    ) -> None:
        response = await client.get(f"/books?{query}")

        assert response.status_code == 200, response.text
        assert response.json() == [book_public(book) for book in five_books]
        assert response.headers["X-Total-Count"] == "5"
        assert "Link" not in response.headers

    async def test_empty_store_has_no_link(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/books")

        assert response.status_code == 200, response.text
        assert response.json() == []
        assert response.headers["X-Total-Count"] == "0"
        assert "Link" not in response.headers
