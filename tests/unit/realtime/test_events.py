"""Domain events on the wire, the in-process bus, and who sees which event."""

import pytest

from app.core.events import DomainEvent, InProcessEventBus
from app.realtime.service import Viewer, is_valid_client_id

ORDER = DomainEvent("order.placed", {"order": {"id": 7, "total": 9.99}}, recipient_id=3)
BOOK = DomainEvent("book.created", {"book": {"id": 1, "title": "Dune"}})


@pytest.mark.parametrize(
    "event", [pytest.param(ORDER, id="for_one_user"), pytest.param(BOOK, id="for_everyone")]
)
def test_event_survives_the_json_round_trip_it_takes_through_redis(event: DomainEvent) -> None:
    assert DomainEvent.from_json(event.to_json()) == event


def test_message_is_the_type_beside_the_payload() -> None:
    assert ORDER.message() == {"type": "order.placed", "order": {"id": 7, "total": 9.99}}


@pytest.mark.parametrize(
    ("viewer", "event", "sees"),
    [
        pytest.param(Viewer(5, is_admin=False), BOOK, True, id="customer_sees_broadcast"),
        pytest.param(Viewer(3, is_admin=False), ORDER, True, id="recipient_sees_own_event"),
        pytest.param(Viewer(5, is_admin=False), ORDER, False, id="other_customer_does_not"),
        pytest.param(Viewer(5, is_admin=True), ORDER, True, id="admin_sees_everyones"),
    ],
)
def test_visibility(viewer: Viewer, event: DomainEvent, sees: bool) -> None:
    assert viewer.sees(event) is sees


async def test_failing_subscriber_does_not_stop_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = InProcessEventBus()
    received: list[DomainEvent] = []

    async def broken(event: DomainEvent) -> None:
        raise RuntimeError("boom")

    async def recorder(event: DomainEvent) -> None:
        received.append(event)

    bus.subscribe(broken)
    bus.subscribe(recorder)
    with caplog.at_level("ERROR", logger="app.core.events"):
        await bus.publish(BOOK)

    assert received == [BOOK]
    # The failure is logged, naming the event, with the subscriber's traceback.
    assert [(r.getMessage(), r.exc_info is not None) for r in caplog.records] == [
        ("event subscriber failed for book.created", True)
    ]


async def test_unsubscribed_subscriber_gets_nothing_more() -> None:
    bus = InProcessEventBus()
    received: list[DomainEvent] = []

    async def recorder(event: DomainEvent) -> None:
        received.append(event)

    unsubscribe = bus.subscribe(recorder)
    await bus.publish(BOOK)
    unsubscribe()
    await bus.publish(ORDER)
    assert (received, bus.subscribers) == ([BOOK], [])


@pytest.mark.parametrize(
    ("client_id", "valid"),
    [
        pytest.param("a", True, id="one_char"),
        pytest.param("x" * 64, True, id="64_chars"),
        pytest.param("A-z_0", True, id="dash_underscore"),
        pytest.param("", False, id="empty"),
        pytest.param("x" * 65, False, id="65_chars"),
        pytest.param("a b", False, id="space"),
        pytest.param("a\n", False, id="trailing_newline"),
        pytest.param("é", False, id="non_ascii_letter"),
        pytest.param("٣", False, id="non_ascii_digit"),
    ],
)
def test_client_id_rule(client_id: str, valid: bool) -> None:
    assert is_valid_client_id(client_id) is valid
