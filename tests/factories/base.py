"""The async adapter factory-boy lacks: `build` in memory, then add and flush on a session."""

from typing import Any, TypeVar

import factory
from sqlalchemy.ext.asyncio import AsyncSession

ModelT = TypeVar("ModelT")


async def persist(
    session: AsyncSession, factory_class: type[factory.Factory], **fields: Any
) -> Any:
    """Builds one object with `factory_class` and flushes it, so it has its id and defaults.

    Flush, not commit: the row lives inside the test's transaction and is rolled back with it.
    """
    instance = factory_class.build(**fields)
    session.add(instance)
    await session.flush()
    return instance
