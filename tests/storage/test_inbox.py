"""The inbox on SQLite and PostgreSQL: a turn is stored once, sealed; a person's turns are
handed out one at a time, oldest first, to one worker; a dead worker's turn comes back after
its lease; settled turns are forgotten once no redelivery can come."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from cryptography.fernet import Fernet
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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

Sessions = async_sessionmaker[AsyncSession]


async def receive(sessions: Sessions, user: UserRef, delivery_id: str, text: str) -> bool:
    async with sessions.begin() as session:
        return await inbox.receive(session, CIPHER, user, delivery_id, "message", {"text": text})


async def claim(
    sessions: Sessions, user: UserRef, now: datetime | None = None
) -> inbox.ClaimedTurn | None:
    async with sessions.begin() as session:
        return await inbox.claim_next(session, CIPHER, user, now or utcnow(), LEASE)


async def settle(sessions: Sessions, turn: inbox.ClaimedTurn) -> None:
    async with sessions.begin() as session:
        await inbox.settle(session, turn.id, TurnStatus.DONE)


async def test_a_turn_is_stored_once_and_sealed(sessions: Sessions) -> None:
    assert await receive(sessions, ANA, "event:Ev1", "my secret worry")
    assert not await receive(sessions, ANA, "event:Ev1", "my secret worry"), "a redelivery"
    async with sessions() as session:
        [row] = (await session.scalars(select(InboxTurn))).all()
    assert row.encrypted and "secret" not in row.body
    turn = await claim(sessions, ANA)
    assert turn is not None and turn.payload == {"text": "my secret worry"}


async def test_a_persons_turns_come_one_at_a_time_oldest_first(sessions: Sessions) -> None:
    for n in range(3):
        await receive(sessions, ANA, f"event:Ev{n}", f"answer {n}")
    await receive(sessions, BEN, "event:EvB", "ben's answer")

    first = await claim(sessions, ANA)
    assert first is not None and first.payload["text"] == "answer 0"
    assert await claim(sessions, ANA) is None, "the next waits until the first is answered"
    other = await claim(sessions, BEN)
    assert other is not None, "another person is not held up"

    await settle(sessions, first)
    second = await claim(sessions, ANA)
    assert second is not None and second.payload["text"] == "answer 1"


async def test_two_workers_never_take_the_same_turn(sessions: Sessions, replica: Sessions) -> None:
    await receive(sessions, ANA, "event:Ev1", "once")
    taken = await asyncio.gather(claim(sessions, ANA), claim(replica, ANA))
    assert sum(turn is not None for turn in taken) == 1


async def test_a_dead_workers_turn_comes_back_after_its_lease_with_its_answer(
    sessions: Sessions,
) -> None:
    await receive(sessions, ANA, "event:Ev1", "noted?")
    turn = await claim(sessions, ANA)
    assert turn is not None and turn.attempts == 1 and turn.answer is None
    async with sessions.begin() as session:
        await inbox.record_answer(session, CIPHER, turn.id, {"replies": ["Noted"]})

    assert await claim(sessions, ANA, utcnow() + LEASE / 2) is None, "the lease still holds"
    async with sessions() as session:
        waiting = await inbox.people_waiting(session, utcnow() + LEASE * 2)
    assert waiting == [ANA]
    again = await claim(sessions, ANA, utcnow() + LEASE * 2)
    assert again is not None and again.attempts == 2
    assert again.answer == {"replies": ["Noted"]}, "answered before: only deliver it"


async def test_settled_turns_are_forgotten_once_no_redelivery_can_come(
    sessions: Sessions,
) -> None:
    await receive(sessions, ANA, "event:Ev1", "done")
    await receive(sessions, BEN, "event:Ev2", "still waiting")
    turn = await claim(sessions, ANA)
    assert turn is not None
    await settle(sessions, turn)
    async with sessions.begin() as session:
        assert await inbox.forget_settled(session, utcnow()) == 0
        later = utcnow() + SETTLED_MEMORY + timedelta(hours=1)
        assert await inbox.forget_settled(session, later) == 1
    assert await receive(sessions, BEN, "event:Ev3", "still there")
    assert not await receive(sessions, BEN, "event:Ev2", "still waiting")


async def test_a_turn_sealed_with_a_lost_key_is_given_up_and_holds_up_nothing(
    sessions: Sessions,
) -> None:
    await receive(sessions, ANA, "event:Ev1", "sealed with the old key")
    await receive(sessions, ANA, "event:Ev2", "sealed with the new key")
    async with sessions.begin() as session:
        await session.execute(
            update(InboxTurn).where(InboxTurn.delivery_id == "event:Ev1")
            .values(body=NoteCipher([Fernet.generate_key()]).seal('{"text": "x"}')[0])
        )  # fmt: skip

    turn = await claim(sessions, ANA)

    assert turn is not None and turn.payload == {"text": "sealed with the new key"}
    async with sessions() as session:
        status = await session.scalar(
            select(InboxTurn.status).where(InboxTurn.delivery_id == "event:Ev1")
        )
    assert status == "failed"


async def test_a_worker_renewing_its_lease_keeps_the_turn_until_it_stops(
    sessions: Sessions,
) -> None:
    await receive(sessions, ANA, "event:Ev1", "slow to answer")
    turn = await claim(sessions, ANA)
    assert turn is not None
    later = utcnow() + LEASE * 0.9
    async with sessions.begin() as session:
        assert await inbox.renew(session, turn, later + LEASE)
    assert await claim(sessions, ANA, later + LEASE / 2) is None, "renewed: still ours"

    taken_over = await claim(sessions, ANA, later + LEASE * 2)
    assert taken_over is not None and taken_over.attempts == 2
    async with sessions.begin() as session:
        assert not await inbox.renew(session, turn, later + LEASE * 3), "lost to the other"
