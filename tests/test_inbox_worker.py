"""A server's inbox worker answers each person's turns once, in order, even when a turn
outlives its lease on a loaded machine and more turns arrive while it is being answered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from bot.coach import Coach
from bot.inbox import StoreAnswer, TurnInbox
from bot.runtime import open_coach
from bot.settings import Settings
from bot.storage.inbox import ClaimedTurn
from bot.storage.inbox_models import InboxTurn
from bot.users import UserRef

ANA = UserRef("slack", "T1", "UANA")
LEASE = timedelta(seconds=30)


class HeldAnswers:
    """A channel whose first answer waits until released, noting each turn it answers."""

    def __init__(self) -> None:
        self.answered: list[str] = []
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def process(self, turn: ClaimedTurn, record: StoreAnswer) -> None:
        self.answered.append(str(turn.payload["text"]))
        if len(self.answered) == 1:
            self.started.set()
            await self.release.wait()


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[Coach]:
    async with open_coach(Settings(database_url=database_url)) as ready:
        yield ready


async def holding_worker(
    coach: Coach, first: str = "first", clock: Clock | None = None
) -> tuple[TurnInbox, HeldAnswers]:
    """A worker answering Slack through a channel that holds its first answer, with ANA's
    first turn (`first`) stored."""
    channel = HeldAnswers()
    worker = TurnInbox(coach, LEASE, clock=clock)
    worker.serve("slack", channel)
    await worker.receive(ANA, "event:Ev1", "message", {"text": first})
    return worker, channel


async def test_a_turn_outliving_its_lease_is_not_answered_again_by_the_same_server(
    coach: Coach,
) -> None:
    clock = Clock()
    worker, channel = await holding_worker(coach, clock=clock)
    draining = asyncio.create_task(worker.drain(ANA))
    await channel.started.wait()
    clock.now += LEASE * 10  # the renewals fell behind: the lease has run out

    assert await worker.recover() == 0
    channel.release.set()
    assert await draining == 1
    assert channel.answered == ["first"]


async def test_a_turn_arriving_while_the_persons_turn_is_answered_is_answered_next(
    coach: Coach,
) -> None:
    worker, channel = await holding_worker(coach)
    draining = asyncio.create_task(worker.drain(ANA))
    await channel.started.wait()
    await worker.receive(ANA, "event:Ev2", "message", {"text": "second"})

    assert await worker.drain(ANA) == 0, "the running drain takes it"
    channel.release.set()
    assert await draining == 2
    assert channel.answered == ["first", "second"]


class Looks:
    """How many times the worker looked for a person's next turn to lease (the leasing
    UPDATE … RETURNING, whether or not it found one)."""

    def __init__(self, coach: Coach) -> None:
        self.count = 0
        event.listen(coach.engine.sync_engine, "after_cursor_execute", self._seen)

    def _seen(self, *execution: Any) -> None:
        sql = str(execution[2])
        if sql.startswith("UPDATE inbox SET status") and "RETURNING" in sql:
            self.count += 1


async def test_a_turn_the_settles_look_found_is_not_looked_for_again(coach: Coach) -> None:
    """The second turn asks the running drain to look once more; the look made when the
    first turn is settled finds it, and once it is answered the drain ends on the look made
    when it is settled, without another."""
    channel, looks = HeldAnswers(), Looks(coach)
    worker = TurnInbox(coach, LEASE)
    worker.serve("slack", channel)
    await worker.receive(ANA, "event:Ev1", "message", {"text": "first"})  # leased on arrival
    draining = asyncio.create_task(worker.drain(ANA))
    await channel.started.wait()
    await worker.receive(ANA, "event:Ev2", "message", {"text": "second"})
    assert await worker.drain(ANA) == 0

    channel.release.set()
    assert await draining == 2
    assert channel.answered == ["first", "second"]
    # "first" leased as it was stored; settling it finds "second"; settling that finds none
    assert looks.count == 3


class Noted:
    """A channel that notes each turn it answers."""

    def __init__(self) -> None:
        self.answered: list[str] = []

    async def process(self, turn: ClaimedTurn, record: StoreAnswer) -> None:
        self.answered.append(str(turn.payload["text"]))


async def test_turns_arriving_together_are_stored_in_one_commit_and_each_answered_once(
    coach: Coach,
) -> None:
    channel, commits = Noted(), []

    def committed(connection: object) -> None:
        commits.append(connection)

    worker = TurnInbox(coach, LEASE)
    worker.serve("slack", channel)
    people = [UserRef("slack", "T1", f"U{number}") for number in range(8)]
    engine = coach.engine.sync_engine
    event.listen(engine, "commit", committed)
    try:
        stored = await asyncio.gather(
            *(worker.receive(who, f"event:{who.user}", "message", {"text": who.user})
              for who in people),
            worker.receive(people[0], f"event:{people[0].user}", "message", {"text": "again"}),
        )  # fmt: skip
    finally:
        event.remove(engine, "commit", committed)

    assert stored == [True] * 8 + [False], "the redelivery in the same batch is recognised"
    assert len(commits) == 1, "one transaction, one commit, for all that arrived together"
    assert sum([await worker.drain(who) for who in people]) == 8
    assert sorted(channel.answered) == sorted(who.user for who in people)


class HeldUntilReleased:
    """A channel that holds every turn it answers until released."""

    def __init__(self, turns: int) -> None:
        self.release = asyncio.Event()
        self.all_started = asyncio.Event()
        self._turns, self._started = turns, 0

    async def process(self, turn: ClaimedTurn, record: StoreAnswer) -> None:
        self._started += 1
        if self._started == self._turns:
            self.all_started.set()
        await self.release.wait()


class Renewals:
    """The lease renewals the database carries out (an UPDATE that changed the turn's row),
    as turn id -> the new end of its lease; `all_seen` is set once `wanted` turns have one."""

    def __init__(self, coach: Coach, wanted: int) -> None:
        self.until: dict[int, datetime] = {}
        self.all_seen = asyncio.Event()
        self._wanted = wanted
        event.listen(coach.engine.sync_engine, "after_cursor_execute", self._seen)

    def _seen(self, _connection: object, cursor: Any, sql: str, _parameters: object,
              context: Any, _many: bool) -> None:  # fmt: skip
        if sql.startswith("UPDATE inbox SET lease_until") and cursor.rowcount == 1:
            values = context.compiled_parameters[0]
            self.until[values["id_1"]] = values["lease_until"]
            if len(self.until) >= self._wanted:
                self.all_seen.set()


async def _leases(coach: Coach) -> dict[int, datetime | None]:
    async with coach.sessions() as session:
        rows = await session.execute(select(InboxTurn.id, InboxTurn.lease_until))
        return {turn_id: until for turn_id, until in rows}


async def test_the_leases_of_turns_being_answered_are_renewed_until_they_are_answered(
    coach: Coach,
) -> None:
    lease = timedelta(seconds=0.3)  # renewed every 0.1 s
    channel = HeldUntilReleased(turns=2)
    worker = TurnInbox(coach, lease)
    worker.serve("slack", channel)
    people = [ANA, UserRef("slack", "T1", "UBEN")]
    for who in people:
        await worker.receive(who, f"event:{who.user}", "message", {"text": who.user})
    draining = [asyncio.create_task(worker.drain(who)) for who in people]
    await channel.all_started.wait()
    leased = await _leases(coach)
    renewals = Renewals(coach, wanted=2)

    async with asyncio.timeout(10):
        await renewals.all_seen.wait()
    assert renewals.until.keys() == leased.keys(), "both turns' leases were renewed"
    assert all(until > (leased[turn] or until) for turn, until in renewals.until.items())
    channel.release.set()

    assert await asyncio.gather(*draining) == [1, 1]
    assert set((await _leases(coach)).values()) == {None}, "settled turns hold no lease"


async def test_a_stopping_server_lets_a_quick_turn_finish_and_answers_no_more(
    coach: Coach,
) -> None:
    worker, channel = await holding_worker(coach)
    worker.drain_soon(ANA)
    await channel.started.wait()
    await worker.receive(ANA, "event:Ev2", "message", {"text": "next"})

    stopping = asyncio.create_task(worker.stop(grace=30))
    channel.release.set()
    await stopping

    assert channel.answered == ["first"], "the turn under way finished; the next one waits"
    await worker.receive(ANA, "event:Ev3", "message", {"text": "after the stop"})
    assert await worker.drain(ANA) == 0, "kept for the next start"
    assert await _statuses(coach) == ["done", "pending", "pending"]


async def test_a_stopping_server_cuts_a_slow_turn_off_and_keeps_it_for_later(
    coach: Coach,
) -> None:
    # The channel is never released: a reply held up for longer than the grace.
    worker, channel = await holding_worker(coach, "slow")
    worker.drain_soon(ANA)
    await channel.started.wait()

    await worker.stop(grace=0.01)

    assert coach.engine.pool.checkedout() == 0, "no connection left with the cut-off drain"
    assert await _statuses(coach) == ["claimed"], "still leased: answered after the lease"


async def _statuses(coach: Coach) -> list[str]:
    async with coach.engine.connect() as connection:
        found = await connection.execute(select(InboxTurn.status).order_by(InboxTurn.id))
        return [str(status) for status in found.scalars()]
