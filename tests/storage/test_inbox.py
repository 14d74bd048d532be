"""The inbox on SQLite and PostgreSQL: a turn is stored once, sealed; a person's turns are
handed out one at a time, oldest first, to one worker; a dead worker's turn comes back after
its lease; settled turns are forgotten once no redelivery can come."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from cryptography.fernet import Fernet
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import inbox
from bot.storage.crypto import NoteCipher
from bot.storage.inbox import SETTLED_MEMORY
from bot.storage.inbox_models import InboxTurn, TurnStatus
from bot.storage.models import utcnow
from bot.users import UserRef

ANA = UserRef("slack", "T1", "UANA")
BEN = UserRef("slack", "T1", "UBEN")
LEASE = timedelta(minutes=1)
CIPHER = NoteCipher([Fernet.generate_key()])


async def receive(engine: AsyncEngine, user: UserRef, delivery_id: str, text: str) -> bool:
    async with engine.begin() as connection:
        return await inbox.receive(connection, CIPHER, user, delivery_id, "message", {"text": text})


async def claim(
    engine: AsyncEngine, user: UserRef, now: datetime | None = None
) -> inbox.ClaimedTurn | None:
    async with engine.begin() as connection:
        return await inbox.claim_next(connection, CIPHER, user, now or utcnow(), LEASE)


async def settle(engine: AsyncEngine, turn: inbox.ClaimedTurn) -> None:
    async with engine.begin() as connection:
        await inbox.settle(connection, turn.id, TurnStatus.DONE)


async def test_a_turn_is_stored_once_and_sealed(engine: AsyncEngine) -> None:
    assert await receive(engine, ANA, "event:Ev1", "my secret worry")
    assert not await receive(engine, ANA, "event:Ev1", "my secret worry"), "a redelivery"
    async with engine.connect() as connection:
        [row] = (await connection.execute(select(InboxTurn.__table__))).all()
    assert row.encrypted and "secret" not in row.body
    turn = await claim(engine, ANA)
    assert turn is not None and turn.payload == {"text": "my secret worry"}


async def test_a_persons_turns_come_one_at_a_time_oldest_first(engine: AsyncEngine) -> None:
    for n in range(3):
        await receive(engine, ANA, f"event:Ev{n}", f"answer {n}")
    await receive(engine, BEN, "event:EvB", "ben's answer")

    first = await claim(engine, ANA)
    assert first is not None and first.payload["text"] == "answer 0"
    assert await claim(engine, ANA) is None, "the next waits until the first is answered"
    other = await claim(engine, BEN)
    assert other is not None, "another person is not held up"

    await settle(engine, first)
    second = await claim(engine, ANA)
    assert second is not None and second.payload["text"] == "answer 1"


async def test_two_workers_never_take_the_same_turn(
    engine: AsyncEngine, replica: AsyncEngine
) -> None:
    await receive(engine, ANA, "event:Ev1", "once")
    taken = await asyncio.gather(claim(engine, ANA), claim(replica, ANA))
    assert sum(turn is not None for turn in taken) == 1


async def test_a_dead_workers_turn_comes_back_after_its_lease_with_its_answer(
    engine: AsyncEngine,
) -> None:
    await receive(engine, ANA, "event:Ev1", "noted?")
    turn = await claim(engine, ANA)
    assert turn is not None and turn.attempts == 1 and turn.answer is None
    async with engine.begin() as connection:
        await inbox.record_answer(connection, CIPHER, turn.id, {"replies": ["Noted"]})

    assert await claim(engine, ANA, utcnow() + LEASE / 2) is None, "the lease still holds"
    async with engine.connect() as connection:
        waiting = await inbox.people_waiting(connection, utcnow() + LEASE * 2)
    assert waiting == [ANA]
    again = await claim(engine, ANA, utcnow() + LEASE * 2)
    assert again is not None and again.attempts == 2
    assert again.answer == {"replies": ["Noted"]}, "answered before: only deliver it"


async def test_settled_turns_are_forgotten_once_no_redelivery_can_come(
    engine: AsyncEngine,
) -> None:
    await receive(engine, ANA, "event:Ev1", "done")
    await receive(engine, BEN, "event:Ev2", "still waiting")
    turn = await claim(engine, ANA)
    assert turn is not None
    await settle(engine, turn)
    async with engine.begin() as connection:
        assert await inbox.forget_settled(connection, utcnow()) == 0
        later = utcnow() + SETTLED_MEMORY + timedelta(hours=1)
        assert await inbox.forget_settled(connection, later) == 1
    assert await receive(engine, BEN, "event:Ev3", "still there")
    assert not await receive(engine, BEN, "event:Ev2", "still waiting")


async def test_a_turn_sealed_with_a_lost_key_is_given_up_and_holds_up_nothing(
    engine: AsyncEngine,
) -> None:
    await receive(engine, ANA, "event:Ev1", "sealed with the old key")
    await receive(engine, ANA, "event:Ev2", "sealed with the new key")
    async with engine.begin() as connection:
        await connection.execute(
            update(InboxTurn).where(InboxTurn.delivery_id == "event:Ev1")
            .values(body=NoteCipher([Fernet.generate_key()]).seal('{"text": "x"}')[0])
        )  # fmt: skip

    turn = await claim(engine, ANA)

    assert turn is not None and turn.payload == {"text": "sealed with the new key"}
    async with engine.connect() as connection:
        status = await connection.scalar(
            select(InboxTurn.status).where(InboxTurn.delivery_id == "event:Ev1")
        )
    assert status == "failed"


async def test_a_worker_renewing_its_lease_keeps_the_turn_until_it_stops(
    engine: AsyncEngine,
) -> None:
    await receive(engine, ANA, "event:Ev1", "slow to answer")
    turn = await claim(engine, ANA)
    assert turn is not None
    later = utcnow() + LEASE * 0.9
    async with engine.begin() as connection:
        assert await inbox.renew(connection, turn, later + LEASE)
    assert await claim(engine, ANA, later + LEASE / 2) is None, "renewed: still ours"

    taken_over = await claim(engine, ANA, later + LEASE * 2)
    assert taken_over is not None and taken_over.attempts == 2
    async with engine.begin() as connection:
        assert not await inbox.renew(connection, turn, later + LEASE * 3), "lost to the other"
