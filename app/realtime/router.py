"""WebSockets (placeholder: issue 5)."""

from fastapi import APIRouter

router = APIRouter(tags=["realtime"])
