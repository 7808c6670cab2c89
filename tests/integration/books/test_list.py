"""GET /books: order, filters and sorting (paging and its headers: test_pagination.py)."""

from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from dirty_equals import IsStr
from sqlalchemy.ext.asyncio import AsyncSession

from app.books.models import Book
from tests.support.data import CreateBook, CreateUser
from tests.support.payloads.books import book_public, create_books, persisted_books


class TestListBooks:
    async def test_empty_store_returns_an_empty_list(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/books")

        assert response.status_code == 200, response.text
        assert response.json() == []
        assert response.headers["X-Total-Count"] == "0"

    async def test_default_order_is_by_id(
        self, client: httpx.AsyncClient, create_user: CreateUser, create_book: CreateBook
    ) -> None:
        # Titles and prices run against the ids, so only an id order puts them back in line.
        rows = [("Zeta", "30.00"), ("Mu", "20.00"), ("Alpha", "10.00")]
        books = await create_books(
            create_user,
            create_book,
            ({"title": title, "price": Decimal(price)} for title, price in rows),
        )

        response = await client.get("/books")

        assert response.status_code == 200, response.text
        assert response.json() == [book_public(book) for book in books]
        assert response.headers["X-Total-Count"] == "3"

    @pytest.mark.parametrize(
        ("author", "expected"),
        [
            pytest.param("herbert", [0, 1], id="lower_case"),
            pytest.param("HERB", [0, 1], id="upper_case_fragment"),
            pytest.param("Frank Herbert", [0], id="whole_name"),
            pytest.param("ank He", [0], id="middle"),
            pytest.param("émile", [3], id="non_ascii"),
            pytest.param("ÉMILE", [3], id="non_ascii_upper_case"),
            pytest.param("Tolkien", [], id="no_match"),
        ],
    )
    async def test_author_filter_is_a_case_insensitive_substring(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        author: str,
        expected: list[int],
    ) -> None:
        authors = ["Frank Herbert", "Brian Herbert", "Isaac Asimov", "Émile Zola"]
        books = await create_books(
            create_user, create_book, ({"author": name, "title": "Title"} for name in authors)
        )

        response = await client.get("/books", params={"author": author})

        assert response.status_code == 200, response.text
        assert response.json() == [book_public(books[index]) for index in expected]
        assert response.headers["X-Total-Count"] == str(len(expected))

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            pytest.param("dune", [0, 1], id="title"),
            pytest.param("HERBERT", [0, 1, 2], id="author"),
            pytest.param("ian", [2], id="author_fragment"),
            pytest.param("foundation", [3], id="title_only_book"),
            pytest.param("Silmarillion", [], id="no_match"),
        ],
    )
    async def test_q_matches_title_or_author(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        q: str,
        expected: list[int],
    ) -> None:
        rows = [
            ("Dune", "Frank Herbert"),
            ("Dune Messiah", "Frank Herbert"),
            ("Sandworms", "Brian Herbert"),
            ("Foundation", "Isaac Asimov"),
        ]
        books = await create_books(
            create_user, create_book, ({"title": t, "author": a} for t, a in rows)
        )

        response = await client.get("/books", params={"q": q})

        assert response.status_code == 200, response.text
        assert response.json() == [book_public(books[index]) for index in expected]
        assert response.headers["X-Total-Count"] == str(len(expected))

    async def test_author_and_q_together_must_both_match(
        self, client: httpx.AsyncClient, create_user: CreateUser, create_book: CreateBook
    ) -> None:
        _, wanted, _ = await create_books(
            create_user,
            create_book,
            [
                {"title": "Dune", "author": "Frank Herbert"},
                {"title": "Dune: House Atreides", "author": "Brian Herbert"},
                {"title": "Foundation", "author": "Brian Asimov"},
            ],
        )

        response = await client.get("/books", params={"author": "brian", "q": "dune"})

        assert response.status_code == 200, response.text
        assert response.json() == [book_public(wanted)]
        assert response.headers["X-Total-Count"] == "1"

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            pytest.param({"q": "%"}, [0, 3], id="percent_in_q"),
            pytest.param({"q": "_"}, [1, 4], id="underscore_in_q"),
            pytest.param({"q": "\\"}, [2], id="backslash_in_q"),
            pytest.param({"q": "100%"}, [0], id="percent_after_text"),
            pytest.param({"author": "%"}, [3], id="percent_in_author"),
            pytest.param({"author": "o_n"}, [4], id="underscore_in_author"),
        ],
    )
    async def test_like_wildcards_match_literally(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        params: dict[str, str],
        expected: list[int],
    ) -> None:
        # Each wildcard, read as a pattern, would match every row here: all have 3+ characters.
        rows = [
            ("100% Pure", "Ann Lee"),
            ("snake_case", "Bob Ray"),
            ("C:\\Windows", "Cy Dee"),
            ("1000 Pure", "50% Jones"),
            ("Plain", "Jo_n Smith"),
            ("Other", "John Smith"),
        ]
        books = await create_books(
            create_user, create_book, ({"title": t, "author": a} for t, a in rows)
        )

        response = await client.get("/books", params=params)

        assert response.status_code == 200, response.text
        assert response.json() == [book_public(books[index]) for index in expected]
        assert response.headers["X-Total-Count"] == str(len(expected))

    @pytest.mark.parametrize(
        ("params", "loc", "error_type"),
        [
            pytest.param({"q": ""}, ["query", "q"], "string_too_short", id="empty_q"),
            pytest.param({"q": "x" * 101}, ["query", "q"], "string_too_long", id="long_q"),
            pytest.param(
                {"author": ""}, ["query", "author"], "string_too_short", id="empty_author"
            ),
            pytest.param(
                {"author": "x" * 101}, ["query", "author"], "string_too_long", id="long_author"
            ),
            pytest.param({"sort": "author"}, ["query", "sort"], "enum", id="unknown_sort"),
            pytest.param({"sort": "TITLE"}, ["query", "sort"], "enum", id="sort_wrong_case"),
        ],
    )
    async def test_invalid_filter_returns_422(
        self,
        client: httpx.AsyncClient,
        params: dict[str, str],
        loc: list[str],
        error_type: str,
    ) -> None:
        response = await client.get("/books", params=params)

        assert response.status_code == 422, response.text
        assert response.json() == {"detail": [{"loc": loc, "msg": IsStr(), "type": error_type}]}

    async def test_q_of_100_characters_is_accepted(
        self, client: httpx.AsyncClient, create_book: CreateBook
    ) -> None:
        book = await create_book(title="x" * 120)

        response = await client.get("/books", params={"q": "x" * 100})

        assert response.status_code == 200, response.text
        assert response.json() == [book_public(book)]


# Four books with a tie for every sort key; each sort gives its own order.
# (title, price, created_at year)
SORTABLE = [
    ("Beta", "20.00", 2021),
    ("Alpha", "10.00", 2019),
    ("Beta", "10.00", 2021),
    ("Gamma", "30.00", 2020),
]


# Each sort's order of SORTABLE, by index.
SORTS = [
    pytest.param("title", [1, 0, 2, 3], id="title"),
    pytest.param("-title", [3, 0, 2, 1], id="title_desc"),
    pytest.param("price", [1, 2, 0, 3], id="price"),
    pytest.param("-price", [3, 0, 1, 2], id="price_desc"),
    pytest.param("created_at", [1, 3, 0, 2], id="created_at"),
    pytest.param("-created_at", [0, 2, 3, 1], id="created_at_desc"),
]


@pytest.fixture(scope="class")
async def sortable_books(class_db: AsyncSession) -> list[Book]:
    """The SORTABLE books, built once for the class that sorts them (tests.fixtures.scoped).

    The first is edited after the others are written, as books are: PostgreSQL then keeps its
    row after theirs, so a sort that left ties in the table's order, not the id's, shows it."""
    books = await persisted_books(
        class_db,
        (
            {
                "title": title,
                "price": Decimal(price),
                "created_at": datetime(year, 6, 1, tzinfo=UTC),
                "updated_at": datetime(year, 6, 1, tzinfo=UTC),
            }
            for title, price, year in SORTABLE
        ),
    )
    books[0].description = "Edited after the others were written"
    await class_db.commit()
    await class_db.refresh(books[0])
    return books


class TestSortBooks:
    @pytest.mark.parametrize(("sort", "expected"), SORTS)
    async def test_sort_orders_by_key_then_id(
        self,
        client: httpx.AsyncClient,
        sortable_books: list[Book],
        sort: str,
        expected: list[int],
    ) -> None:
        response = await client.get("/books", params={"sort": sort})

        assert response.status_code == 200, response.text
        assert response.json() == [book_public(sortable_books[index]) for index in expected]
        assert response.headers["X-Total-Count"] == "4"

    @pytest.mark.parametrize(("sort", "expected"), SORTS)
    async def test_a_search_sorts_and_pages_the_same_way(
        self,
        client: httpx.AsyncClient,
        sortable_books: list[Book],
        sort: str,
        expected: list[int],
    ) -> None:
        """A search builds its own statement (its text is in the SQL), not the prebuilt one of
        the plain listing: the same order, ties broken by id, and the same window."""
        params = {"q": "A", "sort": sort, "skip": "1", "limit": "2"}

        response = await client.get("/books", params=params)

        assert response.status_code == 200, response.text
        assert response.json() == [book_public(sortable_books[index]) for index in expected[1:3]]
        assert response.headers["X-Total-Count"] == "4"
