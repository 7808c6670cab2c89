"""GET /admin/users: admins only, a stable page of UserPublic with paging headers."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from dirty_equals import IsStr
from starlette.types import ASGIApp

from app.core.config import Settings
from app.core.security import TokenType, create_token
from app.users.models import User
from tests.fixtures.app import BASE_URL
from tests.support.data import CreateUser
from tests.support.host import bearer_headers
from tests.support.payloads.users import user_public

URL = "/admin/users"


@pytest.fixture
async def admin(create_user: CreateUser) -> User:
    return await create_user(admin=True, name="Root", email="root@example.com")


@pytest.fixture
def as_admin(client: httpx.AsyncClient, admin: User, settings: Settings) -> httpx.AsyncClient:
    """The test's `client`, sending the admin's bearer token."""
    client.headers.update(bearer_headers(settings, admin))
    return client


@pytest.fixture
async def customers(create_user: CreateUser, admin: User) -> list[User]:
    """Four customers made after the admin, so the admin has the lowest id."""
    people = [
        ("Ada Lovelace", "ada@example.com"),
        ("Grace Hopper", "grace@navy.example"),
        ("100% Reader", "reader@example.com"),
        ("Alan Turing", "alan.turing@example.org"),
    ]
    return [await create_user(name=name, email=email) for name, email in people]


@pytest.fixture
async def tolerant_admin_client(
    running_app: ASGIApp, admin: User, settings: Settings
) -> AsyncIterator[httpx.AsyncClient]:
    """Sees a server error as the 500 response a client would get, not as a raised exception."""
    transport = httpx.ASGITransport(app=running_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url=BASE_URL, headers=bearer_headers(settings, admin)
    ) as tolerant:
        yield tolerant


class TestListUsers:
    async def test_role_claimed_in_the_token_is_not_trusted(
        self, client: httpx.AsyncClient, create_user: CreateUser, settings: Settings
    ) -> None:
        customer = await create_user()
        token = create_token(
            settings,
            subject=customer.id,
            role="admin",
            token_type=TokenType.ACCESS,
            now=datetime.now(UTC),
        )

        response = await client.get("/admin/users", headers={"Authorization": f"Bearer {token}"})

        assert response.status_code == 403, response.text
        assert response.json() == {"detail": "Admin access required"}

    async def test_deactivated_admin_gets_403(
        self, client: httpx.AsyncClient, create_user: CreateUser, settings: Settings
    ) -> None:
        admin = await create_user(admin=True, is_active=False)

        response = await client.get("/admin/users", headers=bearer_headers(settings, admin))

        assert response.status_code == 403, response.text
        assert response.json() == {"detail": "Account is deactivated"}

    async def test_lists_every_user_by_id_on_one_page(
        self, as_admin: httpx.AsyncClient, admin: User, customers: list[User]
    ) -> None:
        response = await as_admin.get("/admin/users")

        assert response.status_code == 200, response.text
        assert response.json() == [user_public(user) for user in [admin, *customers]]
        assert response.headers["X-Total-Count"] == "5"
        assert "Link" not in response.headers

    @pytest.mark.parametrize(
        ("params", "indexes", "link"),
        [
            pytest.param(
                {"limit": "2"}, [0, 1], f'<{URL}?limit=2&skip=2>; rel="next"', id="first_page"
            ),
            pytest.param(
                {"skip": "1", "limit": "2"},
                [1, 2],
                f'<{URL}?skip=3&limit=2>; rel="next", <{URL}?skip=0&limit=2>; rel="prev"',
                id="middle_page",
            ),
            pytest.param(
                {"skip": "4", "limit": "2"},
                [4],
                f'<{URL}?skip=2&limit=2>; rel="prev"',
                id="last_page",
            ),
            pytest.param(
                {"skip": "5"}, [], f'<{URL}?skip=0&limit=20>; rel="prev"', id="past_the_end"
            ),
        ],
    )
    async def test_skip_and_limit_select_a_page_with_link_headers(
        self,
        as_admin: httpx.AsyncClient,
        admin: User,
        customers: list[User],
        params: dict[str, str],
        indexes: list[int],
        link: str,
    ) -> None:
        everyone = [admin, *customers]

        response = await as_admin.get("/admin/users", params=params)

        assert response.status_code == 200, response.text
        assert response.json() == [user_public(everyone[i]) for i in indexes]
        assert (response.headers["X-Total-Count"], response.headers["Link"]) == ("5", link)

    @pytest.mark.parametrize(
        ("q", "indexes"),
        [
            pytest.param("LOVELACE", [1], id="name_any_case"),
            pytest.param("Navy.Example", [2], id="email_any_case"),
            pytest.param("example.com", [0, 1, 3], id="several_in_id_order"),
            pytest.param("%", [3], id="percent_is_literal"),
            pytest.param("_", [], id="underscore_is_literal"),
            pytest.param("nobody", [], id="no_match"),
        ],
    )
    async def test_q_filters_on_name_or_email_case_insensitively(
        self,
        as_admin: httpx.AsyncClient,
        admin: User,
        customers: list[User],
        q: str,
        indexes: list[int],
    ) -> None:
        everyone = [admin, *customers]

        response = await as_admin.get("/admin/users", params={"q": q})

        assert response.status_code == 200, response.text
        assert response.json() == [user_public(everyone[i]) for i in indexes]
        assert response.headers["X-Total-Count"] == str(len(indexes))

    async def test_link_keeps_the_filter(
        self, as_admin: httpx.AsyncClient, admin: User, customers: list[User]
    ) -> None:
        response = await as_admin.get("/admin/users", params={"q": "example", "limit": "2"})

        assert response.status_code == 200, response.text
        assert response.json() == [user_public(admin), user_public(customers[0])]
        assert response.headers["X-Total-Count"] == "5"
        assert response.headers["Link"] == f'<{URL}?q=example&limit=2&skip=2>; rel="next"'

    @pytest.mark.parametrize(
        ("params", "loc", "error_type"),
        [
            pytest.param({"skip": "-1"}, "skip", "greater_than_equal", id="negative_skip"),
            pytest.param({"limit": "0"}, "limit", "greater_than_equal", id="limit_0"),
            pytest.param({"limit": "101"}, "limit", "less_than_equal", id="limit_101"),
            pytest.param({"limit": "ten"}, "limit", "int_parsing", id="limit_not_a_number"),
            pytest.param({"q": ""}, "q", "string_too_short", id="empty_q"),
            pytest.param({"q": "q" * 101}, "q", "string_too_long", id="q_101_chars"),
        ],
    )
    async def test_out_of_range_parameters_are_422(
        self, as_admin: httpx.AsyncClient, params: dict[str, str], loc: str, error_type: str
    ) -> None:
        response = await as_admin.get("/admin/users", params=params)

        assert response.status_code == 422, response.text
        assert response.json() == {
            "detail": [{"loc": ["query", loc], "msg": IsStr(), "type": error_type}]
        }

    async def test_largest_skip_is_an_empty_page_not_500(
        self, tolerant_admin_client: httpx.AsyncClient
    ) -> None:
        # Past it is a 422 (tests/integration/core/test_integer_limits.py).
        response = await tolerant_admin_client.get("/admin/users", params={"skip": str(2**31 - 1)})

        assert response.status_code == 200, response.text
        assert response.json() == []
        assert response.headers["X-Total-Count"] == "1"
