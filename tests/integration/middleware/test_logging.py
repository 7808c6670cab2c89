"""Logs through the app: the request id on every line of a request, one access line per request,
and no password or token in any line, whoever logs it."""

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import structlog
from dirty_equals import IsFloat, IsStr
from fastapi import BackgroundTasks, FastAPI, Request
from fastapi.responses import StreamingResponse

from app.core.config import Settings
from app.users.models import User
from tests.factories import TEST_PASSWORD
from tests.support.data import CreateUser
from tests.support.logs import captured_log_output

TIMESTAMP = IsStr(regex=r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z")


@pytest.fixture
def json_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"log_format": "json"})


@pytest.fixture
def logging_app(fresh_app: FastAPI) -> FastAPI:
    """Adds `/test/careless`: logs its headers and JSON body, as a careless handler would."""

    async def careless(request: Request) -> dict[str, str]:
        body = await request.json()
        structlog.stdlib.get_logger("test.careless").info(
            "incoming", headers=dict(request.headers), body=body
        )
        logging.getLogger("test.legacy").warning(
            "auth=%s body=%s", request.headers.get("authorization"), json.dumps(body)
        )
        return {"status": "logged"}

    fresh_app.add_api_route("/test/careless", careless, methods=["POST"])
    return fresh_app


def lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines()]


class TestRequestIdInLogs:
    @pytest.mark.parametrize(
        "sent",
        [pytest.param({"X-Request-ID": "trace-7"}, id="kept"), pytest.param({}, id="generated")],
    )
    async def test_the_access_line_carries_the_responses_request_id(
        self, client: httpx.AsyncClient, json_settings: Settings, sent: dict[str, str]
    ) -> None:
        with captured_log_output(json_settings) as output:
            response = await client.get("/health", headers=sent)

        assert response.status_code == 200, response.text
        access = [line for line in lines(output.getvalue()) if line["logger"] == "app.request"]
        assert access == [
            {
                "event": "request",
                "method": "GET",
                "path": "/health",
                "status": 200,
                "duration_ms": IsFloat(ge=0),
                "request_id": response.headers["X-Request-ID"],
                "logger": "app.request",
                "level": "info",
                "timestamp": TIMESTAMP,
            }
        ]

    async def test_stdlib_lines_inside_a_request_carry_its_id(
        self, logging_app: FastAPI, client: httpx.AsyncClient, json_settings: Settings
    ) -> None:
        with captured_log_output(json_settings) as output:
            response = await client.post("/test/careless", json={"title": "Dune"})

        assert response.status_code == 200, response.text
        legacy = [line for line in lines(output.getvalue()) if line["logger"] == "test.legacy"]
        assert legacy == [
            {
                "event": 'auth=None body={"title": "Dune"}',
                "request_id": response.headers["X-Request-ID"],
                "logger": "test.legacy",
                "level": "warning",
                "timestamp": TIMESTAMP,
            }
        ]

    async def test_a_crash_is_logged_with_the_request_id(
        self, fresh_app: FastAPI, client: httpx.AsyncClient, json_settings: Settings
    ) -> None:
        async def crash() -> None:
            raise RuntimeError("unexpected")

        fresh_app.add_api_route("/test/crash", crash)

        with captured_log_output(json_settings) as output, pytest.raises(RuntimeError):
            await client.get("/test/crash", headers={"X-Request-ID": "trace-500"})

        events = [(line["event"], line["request_id"]) for line in lines(output.getvalue())]
        assert events == [("unhandled_exception", "trace-500"), ("request", "trace-500")]

    async def test_a_response_that_breaks_off_mid_body_still_gets_its_access_line(
        self, fresh_app: FastAPI, client: httpx.AsyncClient, json_settings: Settings
    ) -> None:
        """The status went out, the body never finished: the line is written on the way out."""

        async def chunks() -> AsyncIterator[bytes]:
            yield b"first"
            raise RuntimeError("the stream broke")

        async def broken_stream() -> StreamingResponse:
            return StreamingResponse(chunks())

        fresh_app.add_api_route("/test/broken-stream", broken_stream)

        with captured_log_output(json_settings) as output, pytest.raises(RuntimeError):
            await client.get("/test/broken-stream", headers={"X-Request-ID": "trace-cut"})

        access = [line for line in lines(output.getvalue()) if line["logger"] == "app.request"]
        assert [(line["event"], line.get("status"), line["request_id"]) for line in access] == [
            ("unhandled_exception", None, "trace-cut"),
            ("request", 200, "trace-cut"),
        ]

    @pytest.fixture
    def clock(self, monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
        """The edge's clock, the test's: `clock["now"]` is what it reads, 10 s to begin with."""
        clock = {"now": 10.0}
        monkeypatch.setattr("app.core.edge.perf_counter", lambda: clock["now"])
        return clock

    async def test_the_access_lines_duration_runs_to_the_last_body_byte_in_milliseconds(
        self,
        fresh_app: FastAPI,
        client: httpx.AsyncClient,
        json_settings: Settings,
        clock: dict[str, float],
    ) -> None:
        """The request starts at 10 s on the edge's clock, the headers go at 10.125 s and the
        last byte at 10.5001234 s, so the line says 500.12 ms, not 125 ms."""

        async def body() -> AsyncIterator[bytes]:
            clock["now"] = 10.25
            yield b"first"
            clock["now"] = 10.5001234
            yield b"last"

        async def timed() -> StreamingResponse:
            clock["now"] = 10.125
            return StreamingResponse(body())

        fresh_app.add_api_route("/test/timed", timed)

        with captured_log_output(json_settings) as output:
            response = await client.get("/test/timed")

        assert response.status_code == 200, response.text
        access = [line for line in lines(output.getvalue()) if line["logger"] == "app.request"]
        assert [line["duration_ms"] for line in access] == [500.12]

    async def test_the_access_line_is_written_at_the_last_byte_before_background_tasks_run(
        self,
        fresh_app: FastAPI,
        client: httpx.AsyncClient,
        json_settings: Settings,
        clock: dict[str, float],
    ) -> None:
        """Starlette runs a response's background tasks (a mail to send) after its last byte,
        inside the app: the client has its answer by then, so the line's duration stops there,
        at 250 ms, not when the task is done, 89 s later on the edge's clock."""

        def slow_task() -> None:
            clock["now"] = 99.0

        async def with_task(background_tasks: BackgroundTasks) -> dict[str, bool]:
            clock["now"] = 10.25
            background_tasks.add_task(slow_task)
            return {"queued": True}

        fresh_app.add_api_route("/test/with-task", with_task)

        with captured_log_output(json_settings) as output:
            response = await client.get("/test/with-task")

        assert response.status_code == 200, response.text
        assert clock["now"] == 99.0
        access = [line for line in lines(output.getvalue()) if line["logger"] == "app.request"]
        assert [line["duration_ms"] for line in access] == [250.0]


@pytest.mark.parametrize(
    "log_format", [pytest.param("json", id="json"), pytest.param("console", id="console")]
)
async def test_no_password_or_token_reaches_any_line(
    logging_app: FastAPI,
    client: httpx.AsyncClient,
    settings: Settings,
    create_user: CreateUser,
    log_format: str,
) -> None:
    user: User = await create_user()
    with captured_log_output(settings.model_copy(update={"log_format": log_format})) as output:
        login = await client.post(
            "/auth/login", json={"email": user.email, "password": TEST_PASSWORD}
        )
        tokens = login.json()
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        me = await client.get("/users/me", headers=bearer)
        careless = await client.post(
            "/test/careless",
            headers=bearer,
            json={
                "password": TEST_PASSWORD,
                "current_password": TEST_PASSWORD,
                "refresh_token": tokens["refresh_token"],
                "note": f"pasted token={tokens['access_token']}",
            },
        )

    assert (login.status_code, me.status_code, careless.status_code) == (200, 200, 200)
    text = output.getvalue()
    secrets = {
        "password": TEST_PASSWORD,
        "access_token": tokens["access_token"],
        "refresh_token": tokens["refresh_token"],
    }
    leaks = {
        name: [number for number, line in enumerate(text.splitlines()) if secret in line]
        for name, secret in secrets.items()
    }
    assert leaks == {"password": [], "access_token": [], "refresh_token": []}


async def test_a_careless_line_is_masked_not_dropped(
    logging_app: FastAPI, client: httpx.AsyncClient, json_settings: Settings
) -> None:
    with captured_log_output(json_settings) as output:
        response = await client.post(
            "/test/careless",
            # httpx's default Accept-Encoding depends on which decoders are installed.
            headers={
                "Authorization": "Bearer abc.def.ghi",
                "X-Request-ID": "trace-9",
                "Accept-Encoding": "gzip",
            },
            json={"new_password": "hunter2hunter2", "note": "see Bearer abc.def.ghi"},
        )

    assert response.status_code == 200, response.text
    careless = [line for line in lines(output.getvalue()) if line["logger"].startswith("test.")]
    assert careless == [
        {
            "event": "incoming",
            "headers": {
                "host": "test",
                "accept": "*/*",
                "accept-encoding": "gzip",
                "connection": "keep-alive",
                "user-agent": IsStr(regex=r"python-httpx/.+"),
                "authorization": "[REDACTED]",
                "x-request-id": "trace-9",
                "content-length": IsStr(regex=r"\d+"),
                "content-type": "application/json",
            },
            "body": {"new_password": "[REDACTED]", "note": "see Bearer [REDACTED]"},
            "request_id": "trace-9",
            "logger": "test.careless",
            "level": "info",
            "timestamp": TIMESTAMP,
        },
        {
            "event": 'auth=Bearer [REDACTED] body={"new_password": "[REDACTED]", '
            '"note": "see Bearer [REDACTED]"}',
            "request_id": "trace-9",
            "logger": "test.legacy",
            "level": "warning",
            "timestamp": TIMESTAMP,
        },
    ]
