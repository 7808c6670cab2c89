"""/ws/events: who may connect, and who hears which domain event (in-process bus)."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr

from app.core.config import Settings
from app.core.security import TokenType, create_token
from app.users.models import User
from tests.support.data import CreateBook, CreateUser
from tests.support.payloads.books import DUNE
from tests.support.payloads.orders import order_body
from tests.support.tokens import bearer
from tests.support.websockets import WsConnect, access_token, close_code, next_json

MakeToken = Callable[[Settings, User], str]


def _refresh(settings: Settings, user: User) -> str:
    return create_token(
        settings,
        subject=user.id,
        role=user.role,
        token_type=TokenType.REFRESH,
        now=datetime.now(UTC),
    )


def _expired(settings: Settings, user: User) -> str:
    return access_token(settings, user, now=datetime.now(UTC) - timedelta(days=1))


def _other_key(settings: Settings, user: User) -> str:
    forger = settings.model_copy(update={"secret_key": SecretStr("f" * 64)})
    return access_token(forger, user)


def _unknown_user(settings: Settings, user: User) -> str:
    return create_token(
        settings,
        subject=user.id + 1000,
        role=user.role,
        token_type=TokenType.ACCESS,
        now=datetime.now(UTC),
    )


BAD_TOKENS = [
    pytest.param(lambda settings, user: "garbage", id="garbage"),
    pytest.param(_refresh, id="refresh_token"),
    pytest.param(_expired, id="expired"),
    pytest.param(_other_key, id="signed_with_another_key"),
    pytest.param(_unknown_user, id="user_does_not_exist"),
]


class TestAuthentication:
    async def test_no_token_is_closed_with_1008(self, ws_connect: WsConnect) -> None:
        async with ws_connect("/ws/events") as ws:
            assert await close_code(ws) == 1008

    @pytest.mark.parametrize("make_token", BAD_TOKENS)
    async def test_bad_query_token_is_closed_with_1008(
        self,
        ws_connect: WsConnect,
        create_user: CreateUser,
        settings: Settings,
        make_token: MakeToken,
    ) -> None:
        token = make_token(settings, await create_user())
        async with ws_connect(f"/ws/events?token={token}") as ws:
            assert await close_code(ws) == 1008

    @pytest.mark.parametrize("make_token", BAD_TOKENS)
    async def test_bad_subprotocol_token_selects_bearer_then_closes_with_1008(
        self,
        ws_connect: WsConnect,
        create_user: CreateUser,
        settings: Settings,
        make_token: MakeToken,
    ) -> None:
        token = make_token(settings, await create_user())
        async with ws_connect("/ws/events", subprotocols=["bearer", token]) as ws:
            assert ws.subprotocol == "bearer"
            assert await close_code(ws) == 1008

    @pytest.mark.parametrize(
        "query",
        [
            pytest.param("?token=", id="empty_token"),
            pytest.param("?token", id="token_without_value"),
            pytest.param("?token=&token=", id="two_empty_tokens"),
        ],
    )
    async def test_empty_query_token_does_not_hide_the_subprotocol_token(
        self,
        ws_connect: WsConnect,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        settings: Settings,
        query: str,
    ) -> None:
        listener, author = await create_user(), await create_user()
        subprotocols = ["bearer", access_token(settings, listener)]
        async with ws_connect(f"/ws/events{query}", subprotocols=subprotocols) as ws:
            assert ws.subprotocol == "bearer"
            response = await client.post(
                "/books", json=DUNE, headers=bearer(access_token(settings, author))
            )
            assert response.status_code == 201, response.text
            assert await next_json(ws) == {"type": "book.created", "book": response.json()}

    async def test_deactivated_users_token_is_closed_with_1008(
        self, ws_connect: WsConnect, create_user: CreateUser, settings: Settings
    ) -> None:
        token = access_token(settings, await create_user(is_active=False))
        async with ws_connect(f"/ws/events?token={token}") as ws:
            assert await close_code(ws) == 1008


class TestBookCreated:
    @pytest.mark.parametrize(
        "use_subprotocol",
        [pytest.param(False, id="token_in_query"), pytest.param(True, id="token_as_subprotocol")],
    )
    async def test_everyone_hears_of_a_new_book(
        self,
        ws_connect: WsConnect,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        settings: Settings,
        use_subprotocol: bool,
    ) -> None:
        listener, author = await create_user(), await create_user()
        token = access_token(settings, listener)
        path, subprotocols = (
            ("/ws/events", ["bearer", token])
            if use_subprotocol
            else (f"/ws/events?token={token}", None)
        )
        async with ws_connect(path, subprotocols=subprotocols) as ws:
            assert ws.subprotocol == ("bearer" if use_subprotocol else None)
            response = await client.post(
                "/books", json=DUNE, headers=bearer(access_token(settings, author))
            )
            assert response.status_code == 201, response.text
            assert await next_json(ws) == {"type": "book.created", "book": response.json()}


class TestOrderPlaced:
    async def test_buyer_and_admin_hear_of_the_order_and_another_customer_does_not(
        self,
        ws_connect: WsConnect,
        client: httpx.AsyncClient,
        create_user: CreateUser,
        create_book: CreateBook,
        settings: Settings,
    ) -> None:
        buyer, admin, other = (
            await create_user(),
            await create_user(admin=True),
            await create_user(),
        )
        book = await create_book(stock=3)
        buyer_headers = bearer(access_token(settings, buyer))
        async with (
            ws_connect(f"/ws/events?token={access_token(settings, buyer)}") as buyer_ws,
            ws_connect(f"/ws/events?token={access_token(settings, admin)}") as admin_ws,
            ws_connect(f"/ws/events?token={access_token(settings, other)}") as other_ws,
        ):
            placed = await client.post(
                "/orders", json=order_body([(book.id, 1)]), headers=buyer_headers
            )
            assert placed.status_code == 201, placed.text
            # A later event everyone gets: the other customer's next message must be this one.
            created = await client.post("/books", json=DUNE, headers=buyer_headers)
            assert created.status_code == 201, created.text
            order_event = {"type": "order.placed", "order": placed.json()}
            book_event = {"type": "book.created", "book": created.json()}
            assert [await next_json(buyer_ws), await next_json(buyer_ws)] == [
                order_event,
                book_event,
            ]
            assert [await next_json(admin_ws), await next_json(admin_ws)] == [
                order_event,
                book_event,
            ]
            assert await next_json(other_ws) == book_event
