"""Who may write: every write endpoint once per principal (anonymous, customer, owner, admin...)."""

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.fixtures.auth import Principal, Principals
from tests.support.data import CreateBook
from tests.support.payloads.books import (
    DUNE,
    RECENT_UTC_TIMESTAMP,
    book_public,
    book_rows,
)

NOT_AUTHENTICATED = {"detail": "Not authenticated"}
NOT_AUTHORIZED = {"detail": "Not authorized"}


async def owners_book(principals: Principals, create_book: CreateBook) -> dict[str, Any]:
    """A book of the "owner" principal, whoever calls, as the API would send it."""
    owner = await principals.get("owner")
    return book_public(await create_book(owner=owner.user))


def refusal(expected_status: int) -> dict[str, str]:
    return {401: NOT_AUTHENTICATED, 403: NOT_AUTHORIZED}[expected_status]


class TestCreatePermissions:
    @pytest.mark.auth(anonymous=401, customer=201, admin=201)
    async def test_any_signed_in_user_may_create(
        self,
        auth_client: httpx.AsyncClient,
        principal: Principal,
        expected_status: int,
        db_session: AsyncSession,
    ) -> None:
        response = await auth_client.post("/books", json=DUNE)

        assert response.status_code == expected_status, response.text
        if expected_status == 201:
            assert response.json() == {
                **DUNE,
                "id": response.json()["id"],
                "owner_id": principal.user.id,
                "cover_url": None,
                "created_at": RECENT_UTC_TIMESTAMP,
                "updated_at": RECENT_UTC_TIMESTAMP,
            }
            assert [row["owner_id"] for row in await book_rows(db_session)] == [principal.user.id]
        else:
            assert response.json() == NOT_AUTHENTICATED
            assert response.headers["WWW-Authenticate"] == "Bearer"
            assert await book_rows(db_session) == []


class TestWritePermissions:
    @pytest.mark.auth(anonymous=401, customer=403, owner=200, other=403, admin=200)
    async def test_replace(
        self,
        auth_client: httpx.AsyncClient,
        principals: Principals,
        create_book: CreateBook,
        expected_status: int,
    ) -> None:
        before = await owners_book(principals, create_book)
        replaced = {**before, **DUNE, "updated_at": RECENT_UTC_TIMESTAMP}

        response = await auth_client.put(f"/books/{before['id']}", json=DUNE)

        assert response.status_code == expected_status, response.text
        if expected_status == 200:
            # Even an admin's edit leaves the book with its owner.
            assert response.json() == replaced
        else:
            assert response.json() == refusal(expected_status)
        after = await auth_client.get(f"/books/{before['id']}")
        assert after.json() == (replaced if expected_status == 200 else before)

    @pytest.mark.auth(anonymous=401, customer=403, owner=200, other=403, admin=200)
    async def test_patch(
        self,
        auth_client: httpx.AsyncClient,
        principals: Principals,
        create_book: CreateBook,
        expected_status: int,
    ) -> None:
        before = await owners_book(principals, create_book)
        patched = {**before, "stock": 0, "updated_at": RECENT_UTC_TIMESTAMP}

        response = await auth_client.patch(f"/books/{before['id']}", json={"stock": 0})

        assert response.status_code == expected_status, response.text
        if expected_status == 200:
            assert response.json() == patched
        else:
            assert response.json() == refusal(expected_status)
        after = await auth_client.get(f"/books/{before['id']}")
        assert after.json() == (patched if expected_status == 200 else before)

    @pytest.mark.auth(anonymous=401, customer=403, owner=204, other=403, admin=204)
    async def test_delete(
        self,
        auth_client: httpx.AsyncClient,
        principals: Principals,
        create_book: CreateBook,
        expected_status: int,
    ) -> None:
        before = await owners_book(principals, create_book)

        response = await auth_client.delete(f"/books/{before['id']}")

        assert response.status_code == expected_status, response.text
        after = await auth_client.get(f"/books/{before['id']}")
        if expected_status == 204:
            assert response.content == b""
            assert after.json() == {"detail": "Book not found"}
        else:
            assert response.json() == refusal(expected_status)
            assert after.json() == before

    @pytest.mark.auth("anonymous")
    async def test_401_carries_www_authenticate(
        self, auth_client: httpx.AsyncClient, principals: Principals, create_book: CreateBook
    ) -> None:
        book = await owners_book(principals, create_book)

        responses = [
            await auth_client.put(f"/books/{book['id']}", json=DUNE),
            await auth_client.patch(f"/books/{book['id']}", json={"stock": 0}),
            await auth_client.delete(f"/books/{book['id']}"),
        ]

        assert [(r.status_code, r.headers.get("WWW-Authenticate")) for r in responses] == [
            (401, "Bearer")
        ] * 3


class TestCredentialsComeBeforeExistence:
    @pytest.mark.parametrize(
        ("method", "body"),
        [
            pytest.param("PUT", DUNE, id="put"),
            pytest.param("PATCH", {"stock": 0}, id="patch"),
            pytest.param("DELETE", None, id="delete"),
        ],
    )
    async def test_anonymous_write_to_a_missing_book_gets_401(
        self, client: httpx.AsyncClient, method: str, body: dict[str, Any] | None
    ) -> None:
        # A write without credentials is refused as such, whether or not the book exists.
        response = await client.request(method, "/books/999999", json=body)

        assert response.status_code == 401, response.text
        assert response.json() == NOT_AUTHENTICATED
        assert response.headers["WWW-Authenticate"] == "Bearer"
