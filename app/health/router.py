from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app import __version__
from app.core.db import SessionDep

router = APIRouter(prefix="/health", tags=["health"])


@router.get("")
async def liveness() -> dict[str, str]:
    return {"status": "healthy", "version": __version__}


@router.get("/ready", responses={503: {"description": "A dependency is down"}})
async def readiness(session: SessionDep) -> JSONResponse:
    checks = {"database": "ok", "redis": "disabled"}
    try:
        await session.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        checks["database"] = "unavailable"
    ready = all(value in {"ok", "disabled"} for value in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status_code=status.HTTP_200_OK if ready else status.HTTP_503_SERVICE_UNAVAILABLE,
    )
