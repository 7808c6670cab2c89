"""The app factory; `app.main:app` is what uvicorn serves."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import __version__
from app.auth.rate_limit import build_login_limiter, build_registration_limiter
from app.auth.router import router as auth_router
from app.books.covers import body_limits as cover_body_limits
from app.books.router import router as books_router
from app.catalog.client import build_breaker
from app.catalog.router import router as catalog_router
from app.core.config import Environment, Settings
from app.core.db import create_engine, create_sessionmaker
from app.core.errors import register_error_handlers
from app.core.events import build_event_bus
from app.core.logging import configure_logging
from app.core.memory import collect_young_objects_less_often, freeze_startup_objects
from app.core.middleware import install_middleware
from app.core.outbound import outbound_client
from app.core.reads import create_read_engine
from app.core.security import build_passwords
from app.files.router import router as files_router
from app.files.service import body_limits as upload_body_limits
from app.health.router import router as health_router
from app.notifications.mailer import build_mailer
from app.orders.router import router as orders_router
from app.realtime.connections import ClientConnections
from app.realtime.router import router as realtime_router
from app.realtime.service import ChatRoom
from app.users import service as users_service
from app.users.router import router as users_router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    configure_logging(settings)
    engine = create_engine(settings)
    app.state.sessionmaker = create_sessionmaker(engine)
    app.state.engine = engine
    app.state.read_engine = create_read_engine(engine)
    app.state.http_client = outbound_client(f"bookstore/{__version__}")
    try:
        await app.state.event_bus.start()
        if settings.admin_email and settings.admin_password:
            async with app.state.sessionmaker() as session:
                await users_service.ensure_admin(
                    session,
                    app.state.passwords,
                    email=settings.admin_email,
                    password=settings.admin_password.get_secret_value(),
                )
        if settings.environment is Environment.PRODUCTION:
            # Not in tests: their apps must stay collectable; a full collection per test adds up.
            freeze_startup_objects()
            collect_young_objects_less_often()
        yield
    finally:
        await app.state.event_bus.stop()
        await app.state.login_limiter.close()
        await app.state.registration_limiter.close()
        await engine.dispose()
        await app.state.http_client.aclose()


# Matched in this order: the busiest paths (the book reads) first, since every router passed
# costs its match attempts on each request (docs/performance.md, third pass, item 5). No
# router's paths are another's (catalog and books share /books and do not overlap:
# tests/integration/catalog/test_route_order.py), so the order only follows the traffic.
ROUTERS = (
    books_router,
    health_router,
    auth_router,
    users_router,
    orders_router,
    files_router,
    catalog_router,
    realtime_router,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    docs = settings.docs_enabled
    app = FastAPI(
        title="Bookstore API",
        version=__version__,
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
        # A trailing-slash redirect's Location is built from the client's Host header.
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.passwords = build_passwords(settings)
    app.state.login_limiter = build_login_limiter(settings)
    app.state.registration_limiter = build_registration_limiter(settings)
    app.state.mailer = build_mailer(settings)
    app.state.catalog_breaker = build_breaker(settings)
    app.state.event_bus = build_event_bus(settings)
    app.state.chat_room = ChatRoom()
    app.state.websocket_connections = ClientConnections.from_settings(settings)
    register_error_handlers(app)
    body_limits = {**upload_body_limits(settings), **cover_body_limits(settings)}
    install_middleware(app, settings, body_limits=body_limits)
    for router in ROUTERS:
        app.include_router(router)
    return app


app = create_app()
