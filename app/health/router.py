from fastapi import APIRouter, status
from fastapi.responses import JSONResponse

from app import __version__
from app.core.config import SettingsDep
from app.core.db import SessionDep
from app.health import checks

router = APIRouter(prefix="/health", tags=["health"])


@router.get("")
async def liveness() -> dict[str, str]:
    return {"status": "healthy", "version": __version__}


@router.get("/ready", responses={503: {"description": "A dependency is down"}})
async def readiness(session: SessionDep, settings: SettingsDep) -> JSONResponse:
    results = {
        "database": await checks.database(session),
        "redis": await checks.redis(settings.redis_url),
    }
    ready = "unavailable" not in results.values()
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "checks": results},
        status_code=status.HTTP_200_OK if ready else status.HTTP_503_SERVICE_UNAVAILABLE,
    )
