"""A turn's transaction on a plain connection: kept when the block ends, dropped when it
raises, and the connection returned to the pool either way."""

from __future__ import annotations

import pytest
from sqlalchemy import Table, insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.models import Tenant
from bot.storage.transactions import transaction

TENANTS: Table = Tenant.__table__  # type: ignore[assignment]
INSERT = insert(TENANTS).values(platform="slack", fiscal_year_start_month=1)


async def tenants(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        found = await connection.execute(text("SELECT tenant_id FROM tenants ORDER BY tenant_id"))
        return [str(row[0]) for row in found]


async def test_what_the_block_wrote_is_kept_and_the_connection_returned(
    engine: AsyncEngine,
) -> None:
    async with transaction(engine) as connection:
        await connection.execute(INSERT, {"tenant_id": "T1"})

    assert await tenants(engine) == ["T1"]
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_block_that_raises_keeps_nothing(engine: AsyncEngine) -> None:
    with pytest.raises(RuntimeError):
        async with transaction(engine) as connection:
            await connection.execute(INSERT, {"tenant_id": "T1"})
            raise RuntimeError("the turn failed")

    assert await tenants(engine) == []
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
