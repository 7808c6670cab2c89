"""create_engine passes DATABASE_ECHO to the engine on either backend. Its other settings are
measured on the engines of a started app: tests/integration/core/test_wiring.py."""

import pytest
from pydantic import SecretStr

from app.core.config import Settings
from app.core.db import create_engine

# Building an engine opens no connection: the PostgreSQL one is never asked to reach its server.
URLS = [
    pytest.param("sqlite+aiosqlite:///:memory:", id="sqlite"),
    pytest.param("postgresql+asyncpg://postgres@127.0.0.1:5432/never_opened", id="postgresql"),
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("echo", [True, False], ids=["echo", "quiet"])
async def test_database_echo_is_the_engines_echo(url: str, echo: bool) -> None:
    settings = Settings(
        _env_file=None, database_url=url, database_echo=echo, secret_key=SecretStr("k" * 32)
    )

    engine = create_engine(settings)
    try:
        assert engine.echo is echo
    finally:
        await engine.dispose()
