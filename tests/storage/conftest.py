"""Storage fixtures: each test gets a fresh, migrated database — SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.storage.db import create_database, session_factory


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_database(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
async def replica(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A second engine on the same database, as another process or replica has: its turns
    race ours (within one process, SQLite turns queue for the one connection)."""
    engine = create_database(database_url)
    yield engine
    await engine.dispose()
