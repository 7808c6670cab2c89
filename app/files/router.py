"""File uploads (placeholder: issue 5)."""

from fastapi import APIRouter

router = APIRouter(prefix="/files", tags=["files"])
