"""The nudge outbox: who to plan for (streamed), enqueue once, claim with a lease, settle.

Delivery is at-most-once per (user, kind, period) thanks to the unique key, and
at-least-once across crashes thanks to the lease: a row claimed by a worker that died is
claimed again once its lease has run out. On PostgreSQL several workers claim with
`FOR UPDATE SKIP LOCKED`, so no row is handed to two of them; SQLite has one writer.
Claims and settlements take many rows per statement: a worker sends hundreds a second.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    Table,
    and_,
    any_,
    bindparam,
    case,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage import leases
from bot.storage.db import insert_into
from bot.storage.leases import claimable, is_claimable
from bot.storage.models import PrepConversation, Tenant, User
from bot.storage.nudge_models import Nudge, NudgeStatus
from bot.storage.outcome_models import TrackedOutcome

MAX_ATTEMPTS = 5
# A nudge's period is dated and comes due for weeks at most (a lead of up to 60 days, the
# week after a close or a talk): a year later its row cannot stop a second send any more.
SETTLED_MEMORY = timedelta(days=400)
SETTLED = (NudgeStatus.SENT.value, NudgeStatus.SKIPPED.value, NudgeStatus.FAILED.value)
PLANNED_STATUSES = ("in_progress", "paused", "briefed")
PENDING, SENDING = NudgeStatus.PENDING.value, NudgeStatus.SENDING.value


@dataclass(frozen=True, slots=True)
class PrepLine:
    id: int
    stakeholder: str
    status: str
    planned_date: date | None
    follow_up_on: date | None = None  # when its measured outcome is next checked


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
    wanted: bool = True  # False: opted out, snoozed or forgotten since it was queued


@dataclass(frozen=True, slots=True)
class Settlement:
    """A send's outcome, to record: SENT, SKIPPED, FAILED, or PENDING to try again.

    A PENDING that was only throttled (`counts=False`) does not use up an attempt: the
    platform asked us to slow down, it did not refuse the nudge."""

    nudge_id: int
    status: NudgeStatus
    error: str | None = None
    counts: bool = True


async def people_to_plan(
    sessions: async_sessionmaker[AsyncSession], batch: int = 1000
) -> AsyncIterator[PersonToPlan]:
    """Every user who may be due a nudge, `batch` users (and their preps) a query: memory
    stays flat."""
    last_id = 0
    while True:
        async with sessions() as session:
            rows = (await session.execute(_people_with_preps(last_id, batch))).all()
        if not rows:
            return
        person: PersonToPlan | None = None
        for row in rows:
            if person is None or row.id != last_id:
                if person is not None:
                    yield person
                last_id = row.id
                person = PersonToPlan(
                    row.platform, row.tenant_id, row.user_id, row.time_zone,
                    row.fiscal_year_start_month or 1, row.nudges_opt_in,
                    row.nudges_snoozed_until,
                )  # fmt: skip
            if row.prep_id is not None:
                person.preps.append(
                    PrepLine(row.prep_id, row.stakeholder, row.status, row.planned_date,
                             row.follow_up_on)
                )  # fmt: skip
        if person is not None:
            yield person


def _people_with_preps(last_id: int, batch: int) -> Any:
    """The next `batch` people after `last_id` with each of their preps (a row per prep, or
    one row with no prep), in user order."""
    people = _people_after(last_id, batch).subquery("people")
    owned = and_(
        PrepConversation.platform == people.c.platform,
        PrepConversation.tenant_id == people.c.tenant_id,
        PrepConversation.user_id == people.c.user_id,
    )
    return (
        select(
            people, PrepConversation.id.label("prep_id"), PrepConversation.stakeholder,
            PrepConversation.status, PrepConversation.planned_date, TrackedOutcome.follow_up_on,
        )
        .outerjoin(PrepConversation, owned)
        .outerjoin(TrackedOutcome, TrackedOutcome.conversation_id == PrepConversation.id)
        .order_by(people.c.id, PrepConversation.id)
    )  # fmt: skip


def _people_after(last_id: int, batch: int) -> Any:
    owned = and_(
        PrepConversation.platform == User.platform,
        PrepConversation.tenant_id == User.tenant_id,
        PrepConversation.user_id == User.user_id,
        PrepConversation.status.in_(PLANNED_STATUSES),
    )
    following_up = and_(
        TrackedOutcome.platform == User.platform,
        TrackedOutcome.tenant_id == User.tenant_id,
        TrackedOutcome.user_id == User.user_id,
        TrackedOutcome.follow_up_on.is_not(None),
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
        .where(
            or_(
                User.nudges_opt_in.is_(True),
                exists().where(owned),
                exists().where(following_up),
            )
        )
        .order_by(User.id)
        .limit(batch)
    )


async def enqueue(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> int:
    """Add nudges to the outbox; those already there (same user, kind, period) are skipped.

    One cached statement executed for many rows (not a statement built per batch), returning
    the ids of the rows it did insert."""
    if not rows:
        return 0
    table = cast(Table, Nudge.__table__)
    statement = insert_into(session, table).on_conflict_do_nothing().returning(table.c.id)
    result = await session.execute(statement, list(rows))
    return len(result.all())


@dataclass(frozen=True, slots=True)
class Claim:
    """What one step of a walk through the outbox claimed, and how far it looked."""

    nudges: list[ClaimedNudge]
    looked_up_to: int | None  # the last id looked at; None: there is no row after it


async def claim(
    session: AsyncSession, now: datetime, lease: timedelta, limit: int
) -> list[ClaimedNudge]:
    """Take up to `limit` pending (or lease-expired) nudges anywhere in the outbox, oldest
    first: the sweep for retries and expired leases once a walk is done."""
    rows = (await session.execute(_locked(_claimable(now), limit))).all()
    return await _lease(session, rows, now, lease)


async def claim_after(
    session: AsyncSession, now: datetime, lease: timedelta, after: int, limit: int
) -> Claim:
    """Take the claimable nudges among the next `limit` rows after id `after`.

    A walk by id reads each row once, whatever the table's statistics say; a search by
    status, planned on statistics that lag behind a burst of new rows, can read every
    pending row for each batch. Rows passed over (held by another worker, committed late)
    are left to the sweep (`claim`).
    """
    rows = (await session.execute(_locked(Nudge.id > after, limit))).all()
    if not rows:
        return Claim([], None)
    claimable = [row for row in rows if _is_claimable(row, now)]
    return Claim(await _lease(session, claimable, now, lease), rows[-1].id)


async def walk_start(session: AsyncSession, now: datetime) -> int:
    """Where a walk starts: just before the first claimable nudge, or after the last row
    when none is claimable (nudges queued from now on come after it)."""
    first = await session.scalar(select(func.min(Nudge.id)).where(_claimable(now)))
    if first is not None:
        return int(first) - 1
    return int(await session.scalar(select(func.max(Nudge.id))) or 0)


def _claimable(now: datetime) -> ColumnElement[bool]:
    return claimable(Nudge.status, Nudge.lease_until, PENDING, SENDING, now)


def _is_claimable(row: Any, now: datetime) -> bool:
    return is_claimable(row.status, row.lease_until, PENDING, SENDING, now)


def _locked(condition: ColumnElement[bool], limit: int) -> Any:
    """The first `limit` rows matching `condition` by id, locked for this transaction
    (skipping those another worker holds), with what their user wants now (columns in the
    order `_lease` reads them)."""
    owner = and_(
        User.platform == Nudge.platform,
        User.tenant_id == Nudge.tenant_id,
        User.user_id == Nudge.user_id,
    )
    return (
        select(Nudge.id, Nudge.platform, Nudge.tenant_id, Nudge.user_id, Nudge.kind,
               Nudge.period, Nudge.stakeholder, Nudge.payload, Nudge.attempts, Nudge.status,
               Nudge.lease_until, User.id.label("known"), User.nudges_opt_out,
               User.nudges_snoozed_until)
        .outerjoin(User, owner)
        .where(condition).order_by(Nudge.id).limit(limit)
        .with_for_update(of=Nudge, skip_locked=True)
    )  # fmt: skip


async def _lease(
    session: AsyncSession, rows: Sequence[Any], now: datetime, lease: timedelta
) -> list[ClaimedNudge]:
    """Lease locked rows to this worker until `now + lease`; each says whether its user
    still wants it: opt-out, snooze and forget take effect at once, even when queued."""
    if not rows:
        return []
    await session.execute(
        update(Nudge)
        .where(_among(session, [row.id for row in rows]))
        .values(status=NudgeStatus.SENDING.value, lease_until=now + lease,
                attempts=Nudge.attempts + 1)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    return [
        ClaimedNudge(id_, platform, tenant_id, user_id, kind, period, stakeholder, payload,
                     attempts + 1, _wanted(known, opted_out, snoozed, now))
        for (id_, platform, tenant_id, user_id, kind, period, stakeholder, payload, attempts,
             _status, _lease_until, known, opted_out, snoozed) in rows
    ]  # fmt: skip


def _wanted(known: int | None, opted_out: bool, snoozed: datetime | None, now: datetime) -> bool:
    if known is None or opted_out:
        return False
    return snoozed is None or snoozed <= now


async def settle(session: AsyncSession, settlements: Sequence[Settlement], now: datetime) -> None:
    """Record sends' outcomes, one UPDATE per kind of outcome. A retryable failure (PENDING)
    goes back to the queue until MAX_ATTEMPTS, then fails for good; a throttled send goes
    back without using up its attempt."""
    groups: dict[tuple[NudgeStatus, str | None, bool], list[int]] = {}
    for settlement in settlements:
        key = (settlement.status, settlement.error, settlement.counts)
        groups.setdefault(key, []).append(settlement.nudge_id)
    for (status, error, counts), ids in groups.items():
        values: dict[str, Any] = {"status": status.value, "lease_until": None, "last_error": error}
        if status is NudgeStatus.SENT:
            values["sent_at"] = now
        elif status is NudgeStatus.PENDING and not counts:
            values["attempts"] = Nudge.attempts - 1
        elif status is NudgeStatus.PENDING:
            values["status"] = case(
                (Nudge.attempts >= MAX_ATTEMPTS, NudgeStatus.FAILED.value),
                else_=NudgeStatus.PENDING.value,
            )
        statement = update(Nudge).where(_among(session, ids)).values(**values)
        await session.execute(statement.execution_options(synchronize_session=False))


def _among(session: AsyncSession, ids: list[int]) -> ColumnElement[bool]:
    """The nudges with one of these ids. On PostgreSQL the ids go as one array parameter:
    a parameter per id (IN) makes SQLAlchemy render the statement afresh for each batch."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return Nudge.id == any_(bindparam("ids", ids, type_=postgresql.ARRAY(Integer)))
    return Nudge.id.in_(ids)


async def forget_settled(session: AsyncSession, now: datetime) -> int:
    """Delete nudges settled (sent, skipped, failed) long enough ago that their period can
    never come due again; returns how many."""
    statement = delete(Nudge).where(
        Nudge.status.in_(SETTLED), Nudge.created_at < now - SETTLED_MEMORY
    )
    result = await session.execute(statement.execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def backlog(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many nudges wait to be sent (queued or claimed), and when the oldest was queued."""
    unsettled = (NudgeStatus.PENDING.value, NudgeStatus.SENDING.value)
    return await leases.backlog(session, Nudge.status, Nudge.created_at, unsettled)
