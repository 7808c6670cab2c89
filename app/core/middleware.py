"""Cross-cutting middleware (placeholder: issue 3 adds request ids, logs, headers, limits)."""

from fastapi import FastAPI

from app.core.config import Settings


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """Adds the app's middleware stack, outermost last."""
