"""The public contract as a file: `tests/contract/openapi.json`.

Update it on purpose, after a deliberate change to the API:

    uv run python -m tests.contract.openapi_snapshot
"""

import json
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from app.core.config import Environment, Settings
from app.main import create_app

UPDATE = "uv run python -m tests.contract.openapi_snapshot"
SNAPSHOT = Path(__file__).resolve().parent / "openapi.json"
# The document must not depend on the machine's environment or .env.
SNAPSHOT_SETTINGS = Settings(
    _env_file=None,
    environment=Environment.TEST,
    database_url="sqlite+aiosqlite://",
    secret_key=SecretStr("contract-snapshot-secret-key-0123456789abcdef"),
    redis_url=None,
)


def current_document() -> dict[str, Any]:
    return create_app(SNAPSHOT_SETTINGS).openapi()


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    SNAPSHOT.write_text(render(current_document()), encoding="utf-8")
    print(f"wrote {SNAPSHOT}")


if __name__ == "__main__":
    main()
