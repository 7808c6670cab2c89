"""The async adapter factory-boy lacks: `build` in memory, then add and flush on a session."""

from typing import Any, TypeVar

import factory
from sqlalchemy.ext.asyncio import AsyncSession

ModelT = TypeVar("ModelT")


async def persist(
    session: AsyncSession, factory_class: type[factory.Factory], **fields: Any
) -> Any:
    """Builds one object with `factory_class` and commits it, so it has its id and defaults.

    Under the kit's `db_session` a commit only releases a SAVEPOINT: the row stays inside the
    test's outer transaction and is rolled back with it. Committing (not just flushing) matters:
    a later `rollback()` by the app, after an IntegrityError say, would otherwise take the
    factory's rows with it.
    """
    instance = factory_class.build(**fields)
    session.add(instance)
    await session.commit()
    return instance
