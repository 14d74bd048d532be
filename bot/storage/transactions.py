"""A transaction on a plain connection, for the statements every turn runs.

An ORM session costs a turn more than its statements do: its unit of work, identity map and
ORM result loading. Measured on one coach turn (open the prep, save the state and the
conversation; SQLite): 1.1 ms of CPU on a session, 0.6 ms on a connection with the same
statements. The turn's storage (`PrepStore`, the inbox) is plain Core, so it runs here.

Like a session's, the commit and the connection's return to the pool run to completion even
when the task is cancelled meanwhile (a server shutting down): a connection is never left
checked out, nor a commit half done while the pool is disposed of.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


@asynccontextmanager
async def transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in a transaction (begun by its first statement): committed when the block
    ends, rolled back (by closing the connection) when it raises."""
    connection = await engine.connect().start()
    try:
        yield connection
    except BaseException:
        await _to_completion(connection.close())
        raise
    await _to_completion(_commit_and_close(connection))


@asynccontextmanager
async def reading(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for reads, with no transaction to end. On PostgreSQL each statement is
    its own transaction (AUTOCOMMIT: no BEGIN and COMMIT round trips around a turn's read);
    on SQLite a read never begins one (the driver begins a transaction at the first write),
    and SQLite's AUTOCOMMIT would send every statement to the driver's thread."""
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execution_options(isolation_level="AUTOCOMMIT")
        yield connection


async def _commit_and_close(connection: AsyncConnection) -> None:
    try:
        await connection.commit()
    finally:
        await connection.close()


async def _to_completion(work: Coroutine[Any, Any, None]) -> None:
    """Run `work` to its end in a task of its own; a cancellation that came meanwhile is
    raised once it has ended."""
    task = asyncio.ensure_future(work)
    cancelled: asyncio.CancelledError | None = None
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError as error:
            if task.cancelled():
                raise
            cancelled = error
    task.result()
    if cancelled is not None:
        raise cancelled
