"""GET /orders: the caller's own orders by id, paged; `?all=true` is everyone's, for admins only."""

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import async_object_session

from app.orders.models import OrderStatus
from app.users.models import User
from tests.fixtures.auth import Principal
from tests.support.data import CreateOrder, CreateUser
from tests.support.payloads.orders import ADMIN_REQUIRED, NOT_AUTHENTICATED, order_public


async def list_orders(
    client: httpx.AsyncClient, **params: str
) -> tuple[list[Any], str, str | None]:
    response = await client.get("/orders", params=params)
    assert response.status_code == 200, response.text
    orders: list[Any] = response.json()
    return orders, response.headers["X-Total-Count"], response.headers.get("Link")


async def mixed_orders(
    create_user: CreateUser, create_order: CreateOrder, buyer: User
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Three orders of `buyer` (one cancelled) between two of another customer, as the API
    sends them: (the buyer's, everyone's), each by id.

    The cancelled one is cancelled after the others are written, as orders are: PostgreSQL then
    keeps its row after theirs, so a list left in the table's order, not the id's, shows it."""
    other = await create_user()
    everyone = [
        await create_order(buyer=other),
        await create_order(buyer=buyer),
        await create_order(buyer=buyer),
        await create_order(buyer=other),
        await create_order(buyer=buyer),
    ]
    cancelled = everyone[2]
    cancelled.status = OrderStatus.CANCELLED
    session = async_object_session(cancelled)
    assert session is not None
    await session.flush()
    await session.refresh(cancelled)
    mine = [order_public(order) for order in everyone if order.user_id == buyer.id]
    return mine, [order_public(order) for order in everyone]


class TestListOrders:
    @pytest.mark.auth("customer")
    async def test_returns_only_the_callers_orders_by_id(
        self,
        auth_client: httpx.AsyncClient,
        create_user: CreateUser,
        create_order: CreateOrder,
        principal: Principal,
    ) -> None:
        buyer = principal.user
        mine, _ = await mixed_orders(create_user, create_order, buyer)

        orders = await list_orders(auth_client)

        assert orders == (mine, "3", None)
        assert [order["status"] for order in mine] == ["placed", "cancelled", "placed"]

    @pytest.mark.auth("customer")
    async def test_a_customer_without_orders_gets_an_empty_list(
        self,
        auth_client: httpx.AsyncClient,
        create_order: CreateOrder,
    ) -> None:
        await create_order()

        assert await list_orders(auth_client) == ([], "0", None)

    @pytest.mark.auth("customer")
    async def test_pages_with_total_count_and_link_headers(
        self,
        auth_client: httpx.AsyncClient,
        create_user: CreateUser,
        create_order: CreateOrder,
        principal: Principal,
    ) -> None:
        buyer = principal.user
        mine, _ = await mixed_orders(create_user, create_order, buyer)

        first = await list_orders(auth_client, limit="2")
        second = await list_orders(auth_client, skip="2", limit="2")

        assert first == (mine[:2], "3", '</orders?limit=2&skip=2>; rel="next"')
        assert second == (mine[2:], "3", '</orders?skip=0&limit=2>; rel="prev"')

    @pytest.mark.auth("admin")
    async def test_admin_sees_only_their_own_without_all(
        self,
        auth_client: httpx.AsyncClient,
        create_user: CreateUser,
        create_order: CreateOrder,
        principal: Principal,
    ) -> None:
        admin = principal.user
        await mixed_orders(create_user, create_order, await create_user())
        own = order_public(await create_order(buyer=admin))

        assert await list_orders(auth_client) == ([own], "1", None)

    @pytest.mark.parametrize(
        "value", [pytest.param("true", id="true"), pytest.param("1", id="one")]
    )
    @pytest.mark.auth("admin")
    async def test_admin_with_all_sees_everyones_orders(
        self,
        auth_client: httpx.AsyncClient,
        create_user: CreateUser,
        create_order: CreateOrder,
        value: str,
    ) -> None:
        _, everyone = await mixed_orders(create_user, create_order, await create_user())

        orders = await list_orders(auth_client, all=value)

        assert orders == (everyone, "5", None)

    @pytest.mark.auth("admin")
    async def test_admin_with_all_pages_keep_the_all_parameter(
        self,
        auth_client: httpx.AsyncClient,
        create_user: CreateUser,
        create_order: CreateOrder,
    ) -> None:
        _, everyone = await mixed_orders(create_user, create_order, await create_user())

        orders = await list_orders(auth_client, all="true", skip="2", limit="2")

        assert orders == (
            everyone[2:4],
            "5",
            '</orders?all=true&skip=4&limit=2>; rel="next", '
            '</orders?all=true&skip=0&limit=2>; rel="prev"',
        )

    @pytest.mark.auth("customer")
    async def test_customer_asking_for_all_gets_403(
        self,
        auth_client: httpx.AsyncClient,
        create_order: CreateOrder,
        principal: Principal,
    ) -> None:
        buyer = principal.user
        await create_order(buyer=buyer)

        response = await auth_client.get("/orders", params={"all": "true"})

        assert response.status_code == 403, response.text
        assert response.json() == ADMIN_REQUIRED

    @pytest.mark.parametrize(
        ("params", "loc"),
        [
            pytest.param({"limit": "0"}, "limit", id="limit_zero"),
            pytest.param({"limit": "101"}, "limit", id="limit_101"),
            pytest.param({"skip": "-1"}, "skip", id="negative_skip"),
            pytest.param({"all": "maybe"}, "all", id="all_not_a_boolean"),
        ],
    )
    @pytest.mark.auth("customer")
    async def test_bad_query_returns_422(
        self,
        auth_client: httpx.AsyncClient,
        params: dict[str, str],
        loc: str,
    ) -> None:
        response = await auth_client.get("/orders", params=params)

        assert response.status_code == 422, response.text
        assert [error["loc"] for error in response.json()["detail"]] == [["query", loc]]

    async def test_anonymous_gets_401(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/orders")

        assert response.status_code == 401, response.text
        assert response.json() == NOT_AUTHENTICATED
