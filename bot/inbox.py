"""Acknowledged means durable: every inbound turn is in the inbox before its platform's 200,
and is answered from there, once, in order per person.

A channel stores a turn with `receive` before it acknowledges it, then calls `drain` for
that person: the same path that a recovery pass (`recover`, at start-up and in the server's
background pass) takes for turns a crashed process left behind. `drain` answers the
person's turns one by one, oldest first, with the channel's `TurnProcessor`; a turn another
worker holds stops it there, and that worker goes on with the rest.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.coach import Coach
from bot.logs import log_context
from bot.runtime import Services
from bot.storage import inbox
from bot.storage.batches import TransactionBatches
from bot.storage.inbox import ClaimedTurn, Payload
from bot.storage.inbox_models import TurnStatus
from bot.storage.transactions import transaction
from bot.users import UserRef

log = logging.getLogger(__name__)
PEOPLE_AT_ONCE = 16
# How long a stopping server lets the turns it is answering finish (a reply held by a 429
# can take longer): one still going then is cancelled, and taken up again after its lease.
STOP_GRACE_SECONDS = 5.0


class TurnProcessor(Protocol):
    async def process(self, turn: ClaimedTurn, record: StoreAnswer) -> None:
        """Answer one turn: coach it unless `turn.answer` holds an earlier attempt's answer
        (then only deliver that, unless it was delivered). `record` stores a fresh answer
        with the turn. An error of ours is the processor's to apologise for; anything it
        raises settles the turn as failed."""


class StoreAnswer(Protocol):
    async def __call__(self, connection: AsyncConnection, answer: Payload) -> None: ...


@dataclass(frozen=True, slots=True)
class _Arrival:
    """A turn to store: whose, the platform's delivery id, its kind and payload."""

    user: UserRef
    delivery_id: str
    kind: str
    payload: Payload


class TurnInbox:
    """The inbox of one server: stores turns and answers them with the channels' processors."""

    def __init__(
        self,
        coach: Coach,
        lease: timedelta,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._engine = coach.engine
        self._cipher = coach.cipher
        self._clock = clock or coach.clock
        self.lease = lease
        self._processors: dict[str, TurnProcessor] = {}
        # People whose turns this server is answering now, and whether more came meanwhile:
        # one drain per person per server, so a slow turn whose lease runs out under load is
        # never taken up a second time by this same server's recovery.
        self._draining: dict[UserRef, bool] = {}
        # Turns leased in the transaction that stored them (the person had no other turn
        # waiting), with when their lease ends: the drain that follows starts with one of
        # these instead of leasing it in a transaction of its own.
        self._ready: dict[UserRef, tuple[ClaimedTurn, datetime]] = {}
        self._arrivals = TransactionBatches(self._engine, self._store)
        self._settles = TransactionBatches(self._engine, self._settle_and_lease_next)
        self._held: dict[int, ClaimedTurn] = {}  # turns being answered, by id: leases to renew
        self._renewing: asyncio.Task[None] | None = None
        self._draining_soon: set[asyncio.Task[int]] = set()  # drains `drain_soon` started
        self._stopped = False

    def serve(self, platform: str, processor: TurnProcessor) -> None:
        """Answer `platform`'s turns with `processor` (a channel calls this when mounted)."""
        self._processors[platform] = processor

    async def receive(self, user: UserRef, delivery_id: str, kind: str, payload: Payload) -> bool:
        """Store a turn (committed when this returns); False when it is a redelivery.

        Turns that arrive while others are being stored wait, and are then stored together
        in one transaction: one commit (one disk flush) for all of them, however many users
        write at once. When no drain for its person runs here, the person's oldest waiting
        turn (usually this one) is leased in that transaction too, ready for the `drain`
        that follows."""
        stored, ready = await self._arrivals.submit(_Arrival(user, delivery_id, kind, payload))
        if ready is not None:
            self._ready[user] = ready
        return stored

    async def _store(
        self, connection: AsyncConnection, arrival: _Arrival
    ) -> tuple[bool, tuple[ClaimedTurn, datetime] | None]:
        """Store a turn; lease the person's oldest (with when its lease ends) unless a drain
        runs for them here (it looks again), their platform is answered elsewhere or this
        server is stopping."""
        user = arrival.user
        stored = await inbox.receive(
            connection, self._cipher, user, arrival.delivery_id, arrival.kind, arrival.payload
        )
        answered_here = user.platform in self._processors and not self._stopped
        if not stored or not answered_here or user in self._draining:
            return stored, None
        now = self._clock()
        ready = await inbox.claim_next(connection, self._cipher, user, now, self.lease)
        return True, (ready, now + self.lease) if ready is not None else None

    async def drain(self, user: UserRef) -> int:
        """Answer `user`'s waiting turns in order; returns how many this worker answered.

        While a drain for `user` runs here, another call only asks it to look once more: a
        look sees every turn stored before it began, so the ask is forgotten when one begins,
        and a drain ends when its last look found nothing and no ask came in since."""
        if user.platform not in self._processors or self._stopped:
            return 0  # left to a server where that platform is on, or to the next start
        if user in self._draining:
            self._draining[user] = True
            return 0
        self._draining[user] = False
        answered = 0
        try:
            turn = self._take_ready(user) or await self._claim(user)
            while turn is not None or self._draining[user]:
                if turn is None:  # more came in after the last look began: look again
                    self._draining[user] = False
                    turn = await self._claim(user)
                    continue
                with log_context(turn=turn.id, delivery=turn.delivery_id, user=str(turn.user)):
                    status = await self._answer(turn)
                    self._draining[user] = False  # the settle's look sees what came so far
                    turn = await self._settle_and_claim_next(turn, status)
                answered += 1
        finally:
            del self._draining[user]
        return answered

    def drain_soon(self, user: UserRef) -> None:
        """`drain` in a task of its own (kept until done): for a request that answers its
        platform first. Its errors are logged, never with the turn's contents."""
        task = asyncio.create_task(self.drain(user))
        self._draining_soon.add(task)
        task.add_done_callback(self._drained)

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Answer no more turns here: let the drains under way finish for up to `grace`
        seconds, then cancel those still going (their turns stay in the inbox, leased, and are
        answered after the lease). Before the database pool closes: a drain cut off by the
        pool, or by the event loop's end, would leave its connection checked out."""
        self._stopped = True
        drains = set(self._draining_soon)
        if not drains:
            return
        _done, going = await asyncio.wait(drains, timeout=grace)
        for task in going:
            task.cancel()
        await asyncio.gather(*going, return_exceptions=True)

    def _drained(self, task: asyncio.Task[int]) -> None:
        self._draining_soon.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("inbox drain failed: %s", type(task.exception()).__name__)

    async def recover(self) -> int:
        """Answer every turn no live worker holds (left by a crash, or not yet taken up)."""
        async with self._engine.connect() as connection:
            people = await inbox.people_waiting(connection, self._clock())
        people = [person for person in people if person.platform in self._processors]
        slots = asyncio.Semaphore(PEOPLE_AT_ONCE)

        async def drain_one(person: UserRef) -> int:
            async with slots:
                return await self.drain(person)

        answered = sum(await asyncio.gather(*(drain_one(person) for person in people)))
        if answered:
            log.info("inbox: answered %d turns left waiting", answered)
        return answered

    async def forget_settled(self) -> int:
        async with transaction(self._engine) as connection:
            return await inbox.forget_settled(connection, self._clock())

    def _take_ready(self, user: UserRef) -> ClaimedTurn | None:
        """The turn leased for `user` when it was stored, unless its lease ran out meanwhile
        (another worker may have it now: the database says)."""
        ready, until = self._ready.pop(user, (None, None))
        return ready if until is not None and self._clock() < until else None

    async def _claim(self, user: UserRef) -> ClaimedTurn | None:
        async with transaction(self._engine) as connection:
            return await inbox.claim_next(connection, self._cipher, user, self._clock(), self.lease)

    async def _settle_and_claim_next(
        self, turn: ClaimedTurn, status: TurnStatus
    ) -> ClaimedTurn | None:
        """Settle `turn` and lease the person's next one, in one transaction (shared with the
        other people's turns settled at the same moment)."""
        following = await self._settles.submit((turn, status))
        log.info("%s turn %s", turn.kind, status.value)  # the ids come from the log context
        return following

    async def _settle_and_lease_next(
        self, connection: AsyncConnection, settling: tuple[ClaimedTurn, TurnStatus]
    ) -> ClaimedTurn | None:
        turn, status = settling
        await inbox.settle(connection, turn.id, status)
        if self._stopped:  # the person's next turn waits for the next start
            return None
        return await inbox.claim_next(
            connection, self._cipher, turn.user, self._clock(), self.lease
        )

    async def _answer(self, turn: ClaimedTurn) -> TurnStatus:
        """Answer a claimed turn; how it is to be settled."""
        status = TurnStatus.DONE
        if turn.given_up:
            log.error("inbox turn %d for %s given up after %d tries", turn.id, turn.user,
                      turn.attempts - 1)  # fmt: skip
            status = TurnStatus.FAILED
        else:
            try:
                async with self._kept_leased(turn):
                    await self._processors[turn.user.platform].process(turn, self._recorder(turn))
            except Exception as error:  # never with the payload: it holds the user's words
                log.error("inbox turn %d for %s failed: %s", turn.id, turn.user,
                          type(error).__name__)  # fmt: skip
                status = TurnStatus.FAILED
        return status

    @asynccontextmanager
    async def _kept_leased(self, turn: ClaimedTurn) -> AsyncIterator[None]:
        """Keep the lease on `turn` renewed while it is answered (a 429 can hold a reply for
        seconds): only a worker that died, or hangs, loses a turn to another. One renewing
        task serves every turn this server holds at the time."""
        self._held[turn.id] = turn
        if self._renewing is None:
            self._renewing = asyncio.create_task(self._renew_leases())
        try:
            yield
        finally:
            self._held.pop(turn.id, None)
            if not self._held and self._renewing is not None:
                renewing, self._renewing = self._renewing, None
                renewing.cancel()
                await asyncio.gather(renewing, return_exceptions=True)

    async def _renew_leases(self) -> None:
        """Every third of a lease, renew the leases of all the turns held, in one transaction."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            held, until = list(self._held.values()), self._clock() + self.lease
            async with transaction(self._engine) as connection:
                for turn in held:
                    if not await inbox.renew(connection, turn, until):
                        log.warning("inbox turn %d for %s: lease lost", turn.id, turn.user)
                        self._held.pop(turn.id, None)

    def _recorder(self, turn: ClaimedTurn) -> StoreAnswer:
        cipher = self._cipher

        async def record(connection: AsyncConnection, answer: Payload) -> None:
            await inbox.record_answer(connection, cipher, turn.id, answer)

        return record


INBOX_KEY = web.AppKey("inbox", TurnInbox)


def inbox_of(app: web.Application, services: Services) -> TurnInbox:
    """The server's one inbox, which every channel mounted on `app` shares."""
    if INBOX_KEY not in app:
        lease = timedelta(seconds=services.settings.inbox_lease)
        app[INBOX_KEY] = TurnInbox(services.coach, lease)
    return app[INBOX_KEY]
