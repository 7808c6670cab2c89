"""The outbound HTTP client: certificates verified, the CA bundle loaded once per process."""

import ssl

from asgi_lifespan import LifespanManager
from pydantic import SecretStr
from pytest_mock import MockerFixture

from app.core.config import Environment, Settings
from app.core.outbound import outbound_client, outbound_tls
from app.main import create_app


def test_the_shared_context_verifies_certificates_and_host_names() -> None:
    context = outbound_tls()

    assert (context.verify_mode, context.check_hostname) == (ssl.CERT_REQUIRED, True)
    assert context.cert_store_stats()["x509_ca"] > 0


async def test_apps_started_one_after_another_load_the_ca_bundle_once(
    mocker: MockerFixture,
) -> None:
    outbound_tls.cache_clear()
    loads = mocker.spy(ssl, "create_default_context")
    settings = Settings(
        _env_file=None,
        environment=Environment.TEST,
        secret_key=SecretStr("outbound-test-secret-key-0123456789abcdef"),
        redis_url=None,
    )
    clients = []
    for _ in range(3):
        app = create_app(settings)
        async with LifespanManager(app):
            clients.append(app.state.http_client)

    assert loads.call_count == 1
    assert [client.headers["User-Agent"] for client in clients] == [
        clients[0].headers["User-Agent"]
    ] * 3


def test_a_client_is_made_with_the_user_agent_given() -> None:
    """Compared as sent: `headers["User-Agent"]` would look the name up without regard to case."""
    request = outbound_client("bookstore/test").build_request("GET", "https://example.org/")

    assert [
        (name, value) for name, value in request.headers.raw if name.lower() == b"user-agent"
    ] == [(b"User-Agent", b"bookstore/test")]
