"""PostgreSQL connections: one the server dropped while it sat idle in the pool is replaced
before a turn uses it; one in steady use is not pinged at all."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.db import create_database
from tests.support.postgres import TempPostgres

pytestmark = pytest.mark.postgres


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def _drop_backend(url: str, pid: int) -> None:
    """What a server restart or an idle timeout does to a pooled connection."""
    other = create_database(url)
    try:
        async with other.connect() as connection:
            terminate = text("SELECT pg_terminate_backend(:pid)")
            dropped = await connection.execute(terminate, {"pid": pid})
            assert dropped.scalar_one() is True
    finally:
        await other.dispose()


async def test_a_dropped_idle_connection_is_replaced_before_use(
    postgres_server: TempPostgres,
) -> None:
    url = postgres_server.create_database()
    engine = create_database(url, ping_when_idle=0.0)  # every connection counts as idle
    try:
        first = await _backend_pid(engine)
        await _drop_backend(url, first)
        second = await _backend_pid(engine)  # would raise "connection was closed" unpinged
        assert second != first
    finally:
        await engine.dispose()
        postgres_server.drop_database(url)


async def test_a_connection_in_steady_use_is_not_pinged(postgres_server: TempPostgres) -> None:
    url = postgres_server.create_database()
    engine = create_database(url, ping_when_idle=3600.0)
    try:
        first = await _backend_pid(engine)
        await _drop_backend(url, first)
        # Not pinged: the dropped connection is used as is, and the driver fails on it (how
        # it words that depends on when it read the server's goodbye).
        with pytest.raises(DBAPIError):
            await _backend_pid(engine)
    finally:
        await engine.dispose()
        postgres_server.drop_database(url)
