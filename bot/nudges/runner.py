"""One nudge run: plan who is due, queue it once, deliver what is queued.

Any number of runs and workers may overlap: queueing is idempotent (unique key) and a
claimed nudge is leased to one worker. Sending is left to a sender per platform, which keeps
to that platform's rate limits; delivery starts while planning is still queueing, and keeps
as many sends in flight as the limits can use.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.logs import log_context
from bot.nudges.messages import NudgeMessage, Wordings
from bot.nudges.metrics import NudgeMetrics
from bot.nudges.planner import (
    Audience,
    FollowUp,
    PassMemory,
    PlannedNudge,
    Talk,
    due_nudges,
)
from bot.playbook.library import PlaybookLibrary
from bot.storage import nudge_outbox
from bot.storage.nudge_models import NudgeStatus
from bot.storage.nudge_outbox import ClaimedNudge, PersonToPlan, Settlement
from bot.users import UserRef

log = logging.getLogger(__name__)
OPEN = ("in_progress", "paused")
PLANNING_POLL_SECONDS = 0.05
PLANNING_BATCH = 2000  # users read per query while planning
SETTLE_GATHER_SECONDS = 0.1  # outcomes gathered into one transaction


class Outcome(Enum):
    SENT = "sent"
    RETRY = "retry"  # try again later (a server error, no answer): uses up an attempt
    THROTTLED = "throttled"  # the platform kept saying "slow down": try again, not a failure
    GONE = "gone"  # will never succeed: the user or the app is gone


class NudgeSender(Protocol):
    async def prepare(self, nudges: Sequence[ClaimedNudge]) -> None:
        """Load in one go what sending these nudges will need (once per claimed batch)."""

    async def send(self, nudge: ClaimedNudge, message: NudgeMessage) -> Outcome:
        """Deliver one nudge as a DM."""

    async def close(self) -> None:
        """Let go of connections and anything prepared: a delivery pass is over."""


@dataclass
class RunReport:
    planned: int = 0
    queued: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retried: int = 0
    forgotten: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def audience_of(person: PersonToPlan) -> Audience:
    preps = person.preps
    return Audience(
        user=UserRef(person.platform, person.tenant_id, person.user_id),
        time_zone=person.time_zone,
        fiscal_year_start_month=person.fiscal_year_start_month,
        opted_in=person.opted_in,
        snoozed_until=person.snoozed_until,
        open_stakeholders=frozenset(p.stakeholder for p in preps if p.status in OPEN),
        known_stakeholders=frozenset(p.stakeholder for p in preps),
        talks=tuple(
            Talk(p.id, p.stakeholder, p.planned_date)
            for p in preps
            if p.status == "briefed" and p.planned_date
        ),
        follow_ups=tuple(
            FollowUp(p.id, p.stakeholder, p.follow_up_on) for p in preps if p.follow_up_on
        ),
    )


def outbox_row(nudge: PlannedNudge) -> dict[str, object]:
    return {
        "platform": nudge.user.platform,
        "tenant_id": nudge.user.tenant,
        "user_id": nudge.user.user,
        "kind": nudge.kind.value,
        "period": nudge.period,
        "stakeholder": nudge.stakeholder,
        "payload": {
            "starts": nudge.starts.isoformat() if nudge.starts else None,
            "ends": nudge.ends.isoformat() if nudge.ends else None,
            "prep_id": nudge.prep_id,
        },
    }


class NudgeRunner:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        library: PlaybookLibrary,
        senders: Mapping[str, NudgeSender],
        metrics: NudgeMetrics,
        *,
        lease: timedelta = timedelta(minutes=5),
        batch: int = 500,
        concurrency: int = 200,
    ) -> None:
        self.sessions, self.library, self.senders = sessions, library, senders
        self.metrics, self.lease, self.batch = metrics, lease, batch
        self.concurrency = concurrency
        self._wordings = Wordings(library)

    async def due(self, now: datetime) -> AsyncIterator[PlannedNudge]:
        """Every nudge due at `now`, user by user (streamed from the database)."""
        memory = PassMemory()
        async for person in nudge_outbox.people_to_plan(self.sessions, PLANNING_BATCH):
            if person.platform == "local":
                continue  # terminal and playground users have no DM to receive a nudge
            for nudge in due_nudges(audience_of(person), self.library.playbooks, now, memory):
                yield _with_open_prep(nudge, person)

    async def queue_due(self, now: datetime, report: RunReport) -> None:
        pending: list[dict[str, object]] = []
        async for nudge in self.due(now):
            if nudge.user.platform not in self.senders:
                continue  # no way to reach them here: left to a worker that has one
            report.planned += 1
            report.by_kind[nudge.kind.value] = report.by_kind.get(nudge.kind.value, 0) + 1
            pending.append(outbox_row(nudge))
            if len(pending) >= self.batch:
                report.queued += await self._queue(pending)
                pending = []
        report.queued += await self._queue(pending)
        self.metrics.planned.inc(report.planned)

    async def _queue(self, rows: list[dict[str, object]]) -> int:
        if not rows:
            return 0
        async with self.sessions.begin() as session:
            return await nudge_outbox.enqueue(session, rows)

    async def deliver(
        self,
        clock: Callable[[], datetime],
        report: RunReport,
        planning: asyncio.Task[None] | None = None,
    ) -> None:
        """Send queued nudges until none is left that this worker may claim (and `planning`,
        when given, has queued everything).

        Claimed nudges pass through a short queue to `concurrency` send tasks; outcomes are
        recorded in groups by a `Settler`.
        """
        queue: asyncio.Queue[ClaimedNudge] = asyncio.Queue(self.batch)
        settler = Settler(self.sessions, clock)
        self._wordings = Wordings(self.library)  # made afresh each pass: memory stays flat
        tasks = [
            asyncio.create_task(self._send_from(queue, settler, clock, report))
            for _ in range(self.concurrency)
        ]
        try:
            async for claimed in self._claims(clock, queue, settler, planning):
                await self._prepare(claimed)
                for nudge in claimed:
                    await queue.put(nudge)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            try:
                await settler.close()
            finally:
                await asyncio.gather(*(sender.close() for sender in self.senders.values()))

    async def _claims(
        self,
        clock: Callable[[], datetime],
        queue: asyncio.Queue[ClaimedNudge],
        settler: Settler,
        planning: asyncio.Task[None] | None,
    ) -> AsyncIterator[list[ClaimedNudge]]:
        """Claimed batches: a walk through the outbox by id that follows planning as it
        queues, then sweeps for what the walk passed over or must retry, until none is left."""
        async with self.sessions() as session:
            after = await nudge_outbox.walk_start(session, clock())
        while True:
            async with self.sessions.begin() as session:
                step = await nudge_outbox.claim_after(
                    session, clock(), self.lease, after, self.batch
                )
            if step.looked_up_to is not None:
                after = step.looked_up_to
                if step.nudges:
                    yield step.nudges
            elif planning is not None and not planning.done():
                await asyncio.wait({planning}, timeout=PLANNING_POLL_SECONDS)
            else:
                break
        while True:
            claimed = await self._sweep(clock)
            if not claimed:
                await queue.join()  # every claimed nudge was tried ...
                await settler.flush()  # ... and recorded: those to retry are claimable again
                claimed = await self._sweep(clock)
            if not claimed:
                return
            yield claimed

    async def _sweep(self, clock: Callable[[], datetime]) -> list[ClaimedNudge]:
        async with self.sessions.begin() as session:
            return await nudge_outbox.claim(session, clock(), self.lease, self.batch)

    async def _prepare(self, claimed: list[ClaimedNudge]) -> None:
        by_platform: dict[str, list[ClaimedNudge]] = {}
        for nudge in claimed:
            if nudge.wanted and nudge.platform in self.senders:
                by_platform.setdefault(nudge.platform, []).append(nudge)
        for platform, nudges in by_platform.items():
            await self.senders[platform].prepare(nudges)

    async def _send_from(
        self,
        queue: asyncio.Queue[ClaimedNudge],
        settler: Settler,
        clock: Callable[[], datetime],
        report: RunReport,
    ) -> None:
        while True:
            nudge = await queue.get()
            try:
                with log_context(
                    nudge=nudge.id, user=f"{nudge.platform}:{nudge.tenant_id}:{nudge.user_id}"
                ):
                    settler.add(await self._deliver_one(nudge, clock, report))
            except Exception:  # a bug of ours: the lease brings the nudge back later
                log.exception("nudge %s could not be delivered", nudge.id)
            finally:
                queue.task_done()

    async def _deliver_one(
        self, nudge: ClaimedNudge, clock: Callable[[], datetime], report: RunReport
    ) -> Settlement:
        sender = self.senders.get(nudge.platform)
        if not nudge.wanted or sender is None:
            report.skipped += 1
            self.metrics.skipped.inc()
            return Settlement(nudge.id, NudgeStatus.SKIPPED, "not wanted or no sender")
        outcome = await self._send(sender, nudge, clock())
        if outcome is Outcome.SENT:
            report.sent += 1
            self.metrics.sent.inc()
            return Settlement(nudge.id, NudgeStatus.SENT)
        if outcome is Outcome.GONE:
            report.failed += 1
            self.metrics.failed.inc()
            return Settlement(nudge.id, NudgeStatus.FAILED, outcome.value)
        report.retried += 1
        counts = outcome is not Outcome.THROTTLED
        return Settlement(nudge.id, NudgeStatus.PENDING, outcome.value, counts)

    async def _send(self, sender: NudgeSender, nudge: ClaimedNudge, now: datetime) -> Outcome:
        try:
            return await sender.send(nudge, self._wordings.message(nudge, now.date()))
        except Exception:
            log.exception("nudge %s for %s:%s:%s failed", nudge.id, nudge.platform,
                          nudge.tenant_id, nudge.user_id)  # fmt: skip
            return Outcome.RETRY

    async def run_once(
        self, now: datetime, clock: Callable[[], datetime] | None = None
    ) -> RunReport:
        """Queue what is due at `now` and deliver everything queued, both at once; then drop
        nudges settled so long ago that they cannot come due again."""
        report = RunReport()
        planning = asyncio.create_task(self.queue_due(now, report))
        try:
            await self.deliver(clock or _utc_now, report, planning)
        finally:
            if not planning.done():
                planning.cancel()
        await planning  # its error, if it failed
        async with self.sessions.begin() as session:
            report.forgotten = await nudge_outbox.forget_settled(session, now)
        log.info(
            "nudges: planned %d, queued %d, sent %d, skipped %d, failed %d, retry %d, "
            "forgotten %d", report.planned, report.queued, report.sent, report.skipped,
            report.failed, report.retried, report.forgotten,
        )  # fmt: skip
        return report


class Settler:
    """Records send outcomes in groups: one writer, one transaction per group.

    A group gathers for SETTLE_GATHER_SECONDS after the first outcome, and whatever finishes
    while a write is in flight goes into the next one: at hundreds of sends a second that is
    a transaction per hundred outcomes rather than per handful. An outcome so waits a
    fraction of a second to be recorded: a crash in that window is the same case as a crash
    between a send and its own transaction. The nudge stays leased and is claimed again when
    the lease runs out, and the Slack sender then finds it in the DM history instead of
    posting it twice.
    """

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Callable[[], datetime]
    ) -> None:
        self._sessions, self._clock = sessions, clock
        self._pending: list[Settlement] = []
        self._wake = asyncio.Event()
        self._writing = asyncio.Lock()
        self._writer = asyncio.create_task(self._write_when_woken())

    def add(self, settlement: Settlement) -> None:
        self._pending.append(settlement)
        self._wake.set()

    async def flush(self) -> None:
        """Record everything added so far; raises if an earlier group could not be."""
        if self._writer.done():
            self._writer.result()
        await self._write()

    async def close(self) -> None:
        try:
            await self.flush()
        finally:
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)

    async def _write_when_woken(self) -> None:
        while True:
            await self._wake.wait()
            await asyncio.sleep(SETTLE_GATHER_SECONDS)
            self._wake.clear()
            await self._write()

    async def _write(self) -> None:
        async with self._writing:
            group, self._pending = self._pending, []
            if group:
                async with self._sessions.begin() as session:
                    await nudge_outbox.settle(session, group, self._clock())


def _with_open_prep(nudge: PlannedNudge, person: PersonToPlan) -> PlannedNudge:
    """Season nudges point at the user's open prep for that stakeholder, if there is one."""
    if nudge.prep_id is not None:
        return nudge
    open_ids = [
        p.id for p in person.preps if p.stakeholder == nudge.stakeholder and p.status in OPEN
    ]
    if not open_ids:
        return nudge
    return PlannedNudge(nudge.user, nudge.kind, nudge.period, nudge.stakeholder,
                        nudge.starts, nudge.ends, max(open_ids))  # fmt: skip


def _utc_now() -> datetime:
    return datetime.now(UTC)
