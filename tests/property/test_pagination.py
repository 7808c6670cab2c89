"""Paging invariants: `page_links` and `set_page_headers` for any total, skip and limit, and one
walk over GET /books through HTTP.

The generated properties run on the pure functions, so no example touches the database. The HTTP
walk is a plain async test over hand-picked limits: `client` and the data fixtures are
function-scoped, so they would be shared by every Hypothesis example of a `@given` test.
"""

import math
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.responses import Response

from app.core.pagination import MAX_LIMIT, PageParams, page_links, set_page_headers
from tests.support.data import CreateBook, CreateUser

URL = "/books"
LINK = re.compile(r'<(?P<url>[^>]*)>; rel="(?P<rel>[a-z]+)"')

totals = st.integers(min_value=0, max_value=500)
skips = st.integers(min_value=0, max_value=600)
limits = st.integers(min_value=1, max_value=MAX_LIMIT)
# Other query parameters a list request may carry (filters, sort), with awkward text in them;
# stale `skip`/`limit` values among them must be replaced.
param_text = st.text(st.characters(codec="utf-8"), min_size=1, max_size=10)
other_params = st.dictionaries(
    st.one_of(st.sampled_from(["author", "q", "sort", "skip", "limit"]), param_text),
    param_text,
    max_size=3,
)


def parse_links(links: list[str]) -> dict[str, dict[str, str]]:
    """`{rel: query}` for Link values, checking each points at URL (an absolute path, with no
    scheme or host) and names one rel."""
    parsed: dict[str, dict[str, str]] = {}
    for link in links:
        match = LINK.fullmatch(link)
        assert match is not None, link
        url = urlsplit(match["url"])
        assert (url.scheme, url.netloc, url.path) == ("", "", URL)
        assert match["rel"] not in parsed, links
        parsed[match["rel"]] = dict(parse_qsl(url.query, keep_blank_values=True))
    return parsed


def links_for(
    total: int, skip: int, limit: int, query: dict[str, str]
) -> dict[str, dict[str, str]]:
    return parse_links(page_links(URL, query, PageParams(skip=skip, limit=limit), total))


def rows(total: int, skip: int, limit: int) -> list[int]:
    """The row indexes a page shows: what the database returns for OFFSET/LIMIT."""
    return list(range(total))[skip : skip + limit]


class TestPageLinks:
    @given(total=totals, skip=skips, limit=limits, query=other_params)
    @example(total=0, skip=0, limit=1, query={}).via("empty table")
    @example(total=10, skip=5, limit=5, query={}).via("last page exactly full")
    @example(total=10, skip=600, limit=3, query={}).via("far past the end")
    def test_next_and_prev_exist_when_there_are_rows_beyond_and_keep_other_params(
        self, total: int, skip: int, limit: int, query: dict[str, str]
    ) -> None:
        links = links_for(total, skip, limit, query)

        kept = {key: value for key, value in query.items() if key not in {"skip", "limit"}}
        expected: dict[str, dict[str, str]] = {}
        if skip + limit < total:
            expected["next"] = kept | {"skip": str(skip + limit), "limit": str(limit)}
        if skip > 0:
            # The `limit` rows before this page, or before the end when this page is past it.
            prev_skip = max(min(skip, total) - limit, 0)
            expected["prev"] = kept | {"skip": str(prev_skip), "limit": str(limit)}
        assert links == expected

    @given(total=totals, skip=skips, limit=limits)
    def test_prev_page_ends_where_this_page_or_the_table_ends(
        self, total: int, skip: int, limit: int
    ) -> None:
        prev = links_for(total, skip, limit, {}).get("prev")

        assert (prev is not None) == (skip > 0)
        if prev is not None:
            prev_skip = int(prev["skip"])
            end = min(skip, total)
            assert prev_skip < skip
            assert prev_skip + limit == end or prev_skip == 0
            assert rows(total, prev_skip, limit) != [] or total == 0

    @given(total=totals, limit=limits, query=other_params)
    @example(total=500, limit=1, query={}).via("longest walk")
    def test_walking_next_from_the_first_page_visits_every_row_exactly_once(
        self, total: int, limit: int, query: dict[str, str]
    ) -> None:
        seen: list[int] = []
        pages = 0
        skip: int | None = 0
        while skip is not None:
            pages += 1
            seen += rows(total, skip, limit)
            following = links_for(total, skip, limit, query).get("next")
            skip = int(following["skip"]) if following is not None else None

        assert seen == list(range(total))
        assert pages == max(math.ceil(total / limit), 1)

    @given(total=totals, skip=skips, limit=limits)
    def test_walking_prev_reaches_the_first_page(self, total: int, skip: int, limit: int) -> None:
        steps = 0
        current = skip
        while (prev := links_for(total, current, limit, {}).get("prev")) is not None:
            current = int(prev["skip"])
            steps += 1

        assert current == 0
        assert steps <= math.ceil(min(skip, total) / limit) + (1 if skip > total else 0)


class TestPageHeaders:
    @given(total=totals, skip=skips, limit=limits, query=other_params)
    def test_total_count_and_link_header_describe_the_same_page(
        self, total: int, skip: int, limit: int, query: dict[str, str]
    ) -> None:
        request = Request(
            {
                "type": "http",
                "method": "GET",
                "scheme": "http",
                "server": ("test", 80),
                "path": "/books",
                "root_path": "",
                "query_string": urlencode(query).encode(),
                "headers": [(b"host", b"evil.example")],
            }
        )
        response = Response()
        page = PageParams(skip=skip, limit=limit)

        set_page_headers(request, response, page, total)

        assert response.headers["X-Total-Count"] == str(total)
        links = page_links(URL, query, page, total)
        assert response.headers.get("Link") == (", ".join(links) if links else None)


class TestBooksWalkOverHttp:
    """Not generated: see the module docstring. Seven books, two by the filtered author."""

    @pytest.mark.parametrize("limit", [pytest.param(n, id=f"limit_{n}") for n in (1, 2, 3, 7, 100)])
    async def test_following_next_links_lists_every_book_once_with_a_steady_total(
        self,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        limit: int,
    ) -> None:
        owner = await create_user()
        books = [await create_book(owner=owner) for _ in range(7)]
        ids = [book.id for book in books]

        seen: list[int] = []
        url: str | None = f"{URL}?sort=price&limit={limit}"
        while url is not None:
            response = await client.get(url)
            assert response.status_code == 200, response.text
            assert response.headers["X-Total-Count"] == "7"
            seen += [book["id"] for book in response.json()]
            link = response.headers.get("Link")
            following = parse_links(link.split(", ") if link else []).get("next")
            url = f"{URL}?{urlencode(following)}" if following is not None else None
            assert following is None or following["sort"] == "price"

        assert seen == ids
