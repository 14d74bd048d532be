"""Group commit: work that arrives while a transaction is being written waits, and then goes
in one transaction together, so many requests at once share one commit (one flush to disk).

`TransactionBatches.submit(item)` returns what `write` gave for that item once the batch it
went in is committed. A batch is what has arrived by the time the transaction has its
connection (so the busier the database, the bigger the batches); an error fails every item
of its batch, and nothing of it is kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.storage.transactions import transaction

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


class TransactionBatches(Generic[Item, Outcome]):
    """Items written by `write(connection, item)`, as many as are waiting per transaction."""

    def __init__(
        self,
        engine: AsyncEngine,
        write: Callable[[AsyncConnection, Item], Awaitable[Outcome]],
    ) -> None:
        self._engine, self._write = engine, write
        self._waiting: list[tuple[Item, asyncio.Future[Outcome]]] = []
        self._writing: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Outcome:
        """What `write` gave for `item`, once its transaction is committed."""
        written: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, written))
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write_batches())
        return await written

    async def _write_batches(self) -> None:
        while self._waiting:
            batch: list[tuple[Item, asyncio.Future[Outcome]]] = []
            try:
                async with transaction(self._engine) as connection:
                    batch, self._waiting = self._waiting, []  # what arrived until it was ours
                    outcomes = [await self._write(connection, item) for item, _ in batch]
            except Exception as error:  # each waiting caller gets the error
                if not batch:  # the database could not be reached: fail those waiting now
                    batch, self._waiting = self._waiting, []
                for _, written in batch:
                    if not written.done():  # a caller that stopped waiting is not told
                        written.set_exception(error)
                continue
            for (_, written), outcome in zip(batch, outcomes, strict=True):
                if not written.done():
                    written.set_result(outcome)
