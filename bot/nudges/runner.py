"""One nudge run: plan who is due, queue it once, deliver what is queued.

Any number of runs and workers may overlap: queueing is idempotent (unique key) and a
claimed nudge is leased to one worker. Sending is left to a sender per platform.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine.messages import Reply
from bot.nudges.messages import nudge_reply
from bot.nudges.metrics import NudgeMetrics
from bot.nudges.planner import Audience, PlannedNudge, Talk, due_nudges
from bot.playbook.library import PlaybookLibrary
from bot.storage import nudge_outbox
from bot.storage.nudge_models import NudgeStatus
from bot.storage.nudge_outbox import ClaimedNudge, PersonToPlan
from bot.users import UserRef

log = logging.getLogger(__name__)
OPEN = ("in_progress", "paused")


class Outcome(Enum):
    SENT = "sent"
    RETRY = "retry"  # try again later (rate limits exhausted, a server error)
    GONE = "gone"  # will never succeed: the user or the app is gone


class NudgeSender(Protocol):
    async def send(self, nudge: ClaimedNudge, reply: Reply) -> Outcome:
        """Deliver one nudge as a DM."""


@dataclass
class RunReport:
    planned: int = 0
    queued: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retried: int = 0
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
        batch: int = 100,
        concurrency: int = 64,
    ) -> None:
        self.sessions, self.library, self.senders = sessions, library, senders
        self.metrics, self.lease, self.batch = metrics, lease, batch
        self._slots = asyncio.Semaphore(concurrency)

    async def due(self, now: datetime) -> AsyncIterator[PlannedNudge]:
        """Every nudge due at `now`, user by user (streamed from the database)."""
        async for person in nudge_outbox.people_to_plan(self.sessions, self.batch):
            if person.platform == "local":
                continue  # terminal and playground users have no DM to receive a nudge
            for nudge in due_nudges(audience_of(person), self.library.playbooks, now):
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

    async def deliver(self, clock: Callable[[], datetime], report: RunReport) -> None:
        """Send queued nudges until none is left that this worker may claim."""
        while True:
            async with self.sessions.begin() as session:
                claimed = await nudge_outbox.claim(session, clock(), self.lease, self.batch)
            if not claimed:
                return
            await asyncio.gather(*(self._deliver_one(n, clock, report) for n in claimed))

    async def _deliver_one(
        self, nudge: ClaimedNudge, clock: Callable[[], datetime], report: RunReport
    ) -> None:
        async with self._slots:
            now = clock()
            async with self.sessions() as session:
                wanted = await nudge_outbox.still_wanted(session, nudge, now)
            sender = self.senders.get(nudge.platform)
            if not wanted or sender is None:
                await self._settle(nudge, NudgeStatus.SKIPPED, now, "not wanted or no sender")
                report.skipped += 1
                self.metrics.skipped.inc()
                return
            outcome = await self._send(sender, nudge, now)
            status = {
                Outcome.SENT: NudgeStatus.SENT,
                Outcome.RETRY: NudgeStatus.PENDING,
                Outcome.GONE: NudgeStatus.FAILED,
            }[outcome]
            await self._settle(
                nudge, status, clock(), None if outcome is Outcome.SENT else outcome.value
            )
            if outcome is Outcome.SENT:
                report.sent += 1
                self.metrics.sent.inc()
            elif outcome is Outcome.GONE:
                report.failed += 1
                self.metrics.failed.inc()
            else:
                report.retried += 1

    async def _send(self, sender: NudgeSender, nudge: ClaimedNudge, now: datetime) -> Outcome:
        try:
            return await sender.send(nudge, nudge_reply(nudge, self.library, now.date()))
        except Exception:
            log.exception("nudge %s for %s:%s:%s failed", nudge.id, nudge.platform,
                          nudge.tenant_id, nudge.user_id)  # fmt: skip
            return Outcome.RETRY

    async def _settle(
        self, nudge: ClaimedNudge, status: NudgeStatus, now: datetime, error: str | None
    ) -> None:
        async with self.sessions.begin() as session:
            await nudge_outbox.settle(session, nudge.id, status, now, error)

    async def run_once(
        self, now: datetime, clock: Callable[[], datetime] | None = None
    ) -> RunReport:
        """Queue what is due at `now`, then deliver everything queued."""
        report = RunReport()
        await self.queue_due(now, report)
        await self.deliver(clock or _utc_now, report)
        log.info(
            "nudges: planned %d, queued %d, sent %d, skipped %d, failed %d, retry %d",
            report.planned, report.queued, report.sent, report.skipped, report.failed,
            report.retried,
        )  # fmt: skip
        return report


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
