"""A client's `Host` header never writes the URLs of a response (issue 15).

Every URL the API sends (`Link` pages, cover URLs, the docs' schema URL) is an absolute path,
and a path that differs only by a trailing slash is a 404, not a redirect whose `Location`
Starlette would build from the `Host` header.
"""

import httpx
import pytest

from app.core.config import Settings
from tests.support.data import CreateBook, CreateOrder, CreateUser
from tests.support.host import bearer_headers

FOREIGN_HOST = "evil.example"


@pytest.fixture
async def admin_headers(
    create_user: CreateUser, create_book: CreateBook, create_order: CreateOrder, settings: Settings
) -> dict[str, str]:
    """Two pages of everything a list shows (one book with a cover), and an admin's headers."""
    admin = await create_user(admin=True)
    books = [await create_book(owner=admin, cover_storage_name="c" * 32) for _ in range(2)]
    for book in books:
        await create_order(buyer=admin, items=[(book, 1)])
    return bearer_headers(settings, admin)


class TestForeignHost:
    @pytest.mark.parametrize(
        ("path", "status_code"),
        [
            pytest.param("/books?limit=1", 200, id="books_page"),
            pytest.param("/books?limit=1&skip=1", 200, id="books_last_page"),
            pytest.param("/orders?limit=1", 200, id="orders_page"),
            pytest.param("/orders?all=true&limit=1&skip=1", 200, id="all_orders_last_page"),
            pytest.param("/admin/users?limit=1&skip=1", 200, id="users_page"),
            pytest.param("/books/", 404, id="books_with_a_slash"),
            pytest.param("/orders/", 404, id="orders_with_a_slash"),
            pytest.param("/admin/users/", 404, id="users_with_a_slash"),
            pytest.param("/docs", 200, id="docs"),
            pytest.param("/openapi.json", 200, id="schema"),
            pytest.param("/nowhere", 404, id="unknown_path"),
        ],
    )
    async def test_never_appears_in_headers_or_body(
        self,
        client: httpx.AsyncClient,
        admin_headers: dict[str, str],
        path: str,
        status_code: int,
    ) -> None:
        response = await client.get(path, headers=admin_headers | {"Host": FOREIGN_HOST})

        assert response.status_code == status_code, response.text
        echoed = {name: value for name, value in response.headers.items() if FOREIGN_HOST in value}
        assert echoed == {}
        assert FOREIGN_HOST not in response.text

    @pytest.mark.parametrize(
        ("path", "link"),
        [
            pytest.param(
                "/books?limit=1&sort=-price",
                '</books?limit=1&sort=-price&skip=1>; rel="next"',
                id="books",
            ),
            pytest.param(
                "/orders?all=true&skip=1&limit=1",
                '</orders?all=true&skip=0&limit=1>; rel="prev"',
                id="orders",
            ),
            pytest.param(
                "/admin/users?skip=1", '</admin/users?skip=0&limit=20>; rel="prev"', id="users"
            ),
        ],
    )
    async def test_link_header_holds_absolute_paths(
        self, client: httpx.AsyncClient, admin_headers: dict[str, str], path: str, link: str
    ) -> None:
        response = await client.get(path, headers=admin_headers | {"Host": FOREIGN_HOST})

        assert response.status_code == 200, response.text
        assert response.headers["Link"] == link
