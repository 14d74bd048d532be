"""Group commit: what arrives together is written in one transaction; a failure in a batch
fails all of it and keeps none of it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from cryptography.fernet import Fernet
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.storage import inbox
from bot.storage.batches import TransactionBatches
from bot.storage.crypto import NoteCipher
from bot.storage.inbox_models import InboxTurn
from bot.users import UserRef

CIPHER = NoteCipher([Fernet.generate_key()])


def storing(
    batches_seen: list[AsyncConnection],
) -> Callable[[AsyncConnection, str], Awaitable[bool]]:
    """Stores a turn for the user named, noting the transaction; "UBAD" fails."""

    async def store(connection: AsyncConnection, user: str) -> bool:
        if user == "UBAD":
            raise ValueError("a bad turn")
        batches_seen.append(connection)  # kept: no two alive share an id
        who = UserRef("slack", "T1", user)
        return await inbox.receive(connection, CIPHER, who, f"event:{user}", "message", {})

    return store


async def _stored(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(InboxTurn)) or 0)


async def test_items_submitted_together_share_one_transaction(
    engine: AsyncEngine,
) -> None:
    seen: list[AsyncConnection] = []
    batches = TransactionBatches(engine, storing(seen))

    stored = await asyncio.gather(*(batches.submit(f"U{n}") for n in range(5)))
    later = await batches.submit("ULATE")

    assert stored == [True] * 5 and later is True
    assert len({id(connection) for connection in seen[:5]}) == 1, "the five went in one transaction"
    assert seen[5] is not seen[0], "one that came after went in a transaction of its own"
    assert await _stored(engine) == 6


async def test_a_failure_fails_its_whole_batch_and_keeps_none_of_it(
    engine: AsyncEngine,
) -> None:
    batches = TransactionBatches(engine, storing([]))

    outcomes = await asyncio.gather(
        batches.submit("UANA"), batches.submit("UBAD"), return_exceptions=True
    )

    assert all(isinstance(outcome, ValueError) for outcome in outcomes)
    assert await _stored(engine) == 0
    assert await batches.submit("UBEN") is True, "the next batch is written as usual"
