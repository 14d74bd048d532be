"""The nudge outbox: who to plan for (streamed), enqueue once, claim with a lease, settle.

Delivery is at-most-once per (user, kind, period) thanks to the unique key, and
at-least-once across crashes thanks to the lease: a row claimed by a worker that died is
claimed again once its lease has run out. On PostgreSQL several workers claim with
`FOR UPDATE SKIP LOCKED`, so no row is handed to two of them; SQLite has one writer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.models import PrepConversation, Tenant, User
from bot.storage.nudge_models import Nudge, NudgeStatus

MAX_ATTEMPTS = 5
PLANNED_STATUSES = ("in_progress", "paused", "briefed")


@dataclass(frozen=True, slots=True)
class PrepLine:
    id: int
    stakeholder: str
    status: str
    planned_date: date | None


@dataclass(frozen=True, slots=True)
class PersonToPlan:
    """One user with everything the planner needs: settings, workspace and preps."""

    platform: str
    tenant_id: str
    user_id: str
    time_zone: str
    fiscal_year_start_month: int
    opted_in: bool
    snoozed_until: datetime | None
    preps: list[PrepLine] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ClaimedNudge:
    id: int
    platform: str
    tenant_id: str
    user_id: str
    kind: str
    period: str
    stakeholder: str
    payload: dict[str, Any]
    attempts: int


async def people_to_plan(
    sessions: async_sessionmaker[AsyncSession], batch: int = 1000
) -> AsyncIterator[PersonToPlan]:
    """Every user who may be due a nudge, a batch at a time (memory stays flat)."""
    last_id = 0
    while True:
        async with sessions() as session:
            rows = (await session.execute(_people_after(last_id, batch))).all()
            if not rows:
                return
            preps = await _preps_of(session, [(r.platform, r.tenant_id, r.user_id) for r in rows])
        for row in rows:
            key = (row.platform, row.tenant_id, row.user_id)
            yield PersonToPlan(
                row.platform, row.tenant_id, row.user_id, row.time_zone,
                row.fiscal_year_start_month or 1, row.nudges_opt_in,
                row.nudges_snoozed_until, preps.get(key, []),
            )  # fmt: skip
        last_id = rows[-1].id


def _people_after(last_id: int, batch: int) -> Any:
    owned = and_(
        PrepConversation.platform == User.platform,
        PrepConversation.tenant_id == User.tenant_id,
        PrepConversation.user_id == User.user_id,
        PrepConversation.status.in_(PLANNED_STATUSES),
    )
    return (
        select(
            User.id,
            User.platform,
            User.tenant_id,
            User.user_id,
            User.time_zone,
            User.nudges_opt_in,
            User.nudges_snoozed_until,
            Tenant.fiscal_year_start_month,
        )
        .outerjoin(
            Tenant, and_(Tenant.platform == User.platform, Tenant.tenant_id == User.tenant_id)
        )
        .where(User.id > last_id, User.nudges_opt_out.is_(False))
        .where(or_(User.nudges_opt_in.is_(True), exists().where(owned)))
        .order_by(User.id)
        .limit(batch)
    )


async def _preps_of(
    session: AsyncSession, people: list[tuple[str, str, str]]
) -> dict[tuple[str, str, str], list[PrepLine]]:
    owner = tuple_(PrepConversation.platform, PrepConversation.tenant_id, PrepConversation.user_id)
    query = select(
        PrepConversation.platform, PrepConversation.tenant_id, PrepConversation.user_id,
        PrepConversation.id, PrepConversation.stakeholder, PrepConversation.status,
        PrepConversation.planned_date,
    ).where(owner.in_(people))  # fmt: skip
    found: dict[tuple[str, str, str], list[PrepLine]] = {}
    for row in (await session.execute(query)).all():
        line = PrepLine(row.id, row.stakeholder, row.status, row.planned_date)
        found.setdefault((row.platform, row.tenant_id, row.user_id), []).append(line)
    return found


async def enqueue(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> int:
    """Add nudges to the outbox; those already there (same user, kind, period) are skipped."""
    if not rows:
        return 0
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(Nudge).values(list(rows)).on_conflict_do_nothing()
    result = await session.execute(statement)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def claim(
    session: AsyncSession, now: datetime, lease: timedelta, limit: int
) -> list[ClaimedNudge]:
    """Take up to `limit` pending (or lease-expired) nudges for this worker."""
    claimable = or_(
        Nudge.status == NudgeStatus.PENDING.value,
        and_(Nudge.status == NudgeStatus.SENDING.value, Nudge.lease_until < now),
    )
    picked = (
        select(Nudge).where(claimable).order_by(Nudge.id).limit(limit)
        .with_for_update(skip_locked=True)
    )  # fmt: skip
    rows = list((await session.execute(picked)).scalars())
    for row in rows:
        row.status, row.lease_until = NudgeStatus.SENDING.value, now + lease
        row.attempts += 1
    await session.flush()
    return [
        ClaimedNudge(r.id, r.platform, r.tenant_id, r.user_id, r.kind, r.period, r.stakeholder,
                     dict(r.payload), r.attempts)
        for r in rows
    ]  # fmt: skip


async def settle(
    session: AsyncSession,
    nudge_id: int,
    status: NudgeStatus,
    now: datetime,
    error: str | None = None,
) -> None:
    """Record a send's outcome. A retryable failure (PENDING) goes back to the queue until
    MAX_ATTEMPTS, then fails for good."""
    row = await session.get(Nudge, nudge_id)
    if row is None:
        return
    if status is NudgeStatus.PENDING and row.attempts >= MAX_ATTEMPTS:
        status = NudgeStatus.FAILED
    row.status, row.lease_until, row.last_error = status.value, None, error
    if status is NudgeStatus.SENT:
        row.sent_at = now
    await session.flush()


async def still_wanted(session: AsyncSession, nudge: ClaimedNudge, now: datetime) -> bool:
    """Opt-out, snooze and forget take effect at once, even for queued nudges."""
    query = select(User.nudges_opt_out, User.nudges_snoozed_until).where(
        User.platform == nudge.platform,
        User.tenant_id == nudge.tenant_id,
        User.user_id == nudge.user_id,
    )
    row = (await session.execute(query)).first()
    if row is None or row.nudges_opt_out:
        return False
    return row.nudges_snoozed_until is None or row.nudges_snoozed_until <= now


async def status_counts(session: AsyncSession) -> dict[str, int]:
    query = select(Nudge.status, func.count()).group_by(Nudge.status)
    return {status: int(count) for status, count in (await session.execute(query)).all()}
