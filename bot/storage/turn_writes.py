"""A turn's writes, gathered while it runs and written afterwards in a transaction shared with
other people's turns (group commit: one commit, one flush to disk, for all of them).

A turn reads what it needs, the engine works on it outside any transaction, and what the
turn changed is written here. Optimistic locking stays as it was: the dialog state's UPDATE
is guarded by the version the turn read, and it is written first, so a turn that finds its
prep changed meanwhile writes nothing at all (the other turns of its transaction are not
touched) and is replayed on fresh state.

Only writes that cannot fail on their own go here: UPDATEs and upserts of rows the turn
read. A turn that must write to learn something (a new person's rows, a new prep's id) runs
in a transaction of its own instead (`OwnTransactionNeeded`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import CursorResult, Executable
from sqlalchemy.ext.asyncio import AsyncConnection

Write = tuple[Executable, dict[str, Any]]


class OwnTransactionNeeded(RuntimeError):
    """The turn writes something it must read back before it ends: run it in a transaction
    of its own."""


@dataclass(slots=True)
class TurnWrites:
    """What one turn writes: the state's guarded UPDATE, then the rest in order, then the
    callers' own writes (`after`, e.g. the inbox storing the answer with its turn)."""

    guarded: Write | None = None
    writes: list[Write] = field(default_factory=list)
    after: list[Callable[[AsyncConnection], Awaitable[None]]] = field(default_factory=list)

    def guard(self, statement: Executable, parameters: dict[str, Any]) -> None:
        """The UPDATE that must change a row, or the turn writes nothing."""
        if self.guarded is not None:  # two states saved in one turn: not one guard
            raise OwnTransactionNeeded("a turn that saves two dialog states")
        self.guarded = (statement, parameters)

    def __bool__(self) -> bool:
        return self.guarded is not None or bool(self.writes) or bool(self.after)

    async def apply(self, connection: AsyncConnection) -> bool:
        """Write it all; False, with nothing written, when the guarded row had changed."""
        if self.guarded is not None:
            saved = await connection.execute(*self.guarded)
            if not cast(CursorResult[Any], saved).rowcount:
                return False
        for statement, parameters in self.writes:
            await connection.execute(statement, parameters)
        for write in self.after:
            await write(connection)
        return True
