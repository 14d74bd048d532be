"""The inbox: inbound turns kept (sealed) from before the platform's 200 until answered.

`receive` stores a turn, or says it is a redelivery (the unique platform id makes the
inbox the dedupe record too). A person's turns are answered one at a time, oldest first:
`claim_next` hands out a person's oldest unsettled turn only, and only when no worker holds
it under a live lease, so a later turn never overtakes an earlier one. A turn claimed by a
worker that died is claimable again once its lease has run out (the nudge outbox's lease
and `FOR UPDATE SKIP LOCKED` pattern); the claim itself is a conditional UPDATE, so two
workers, or two processes on one SQLite file, never both take it.

The replies worked out for a turn are stored with it (`record_answer`, in the coach turn's
own transaction): a turn taken up again after a crash is not coached twice, its stored
answer is only delivered, if it was not already.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.storage import leases
from bot.storage.crypto import NoteCipher, NoteKeyError
from bot.storage.db import dialect_of, inserts_by_dialect
from bot.storage.inbox_models import InboxTurn, TurnStatus
from bot.storage.leases import claimable
from bot.storage.models import utcnow
from bot.users import UserRef

log = logging.getLogger(__name__)
# Platforms redeliver within minutes (Slack: 3 retries over about 5 minutes); a settled turn
# is kept longer than any redelivery so that one is still recognised.
SETTLED_MEMORY = timedelta(days=2)
MAX_ATTEMPTS = 5
PENDING, CLAIMED = TurnStatus.PENDING.value, TurnStatus.CLAIMED.value
UNSETTLED = (PENDING, CLAIMED)
SETTLED = (TurnStatus.DONE.value, TurnStatus.FAILED.value)
Payload = dict[str, Any]
# What a worker needs of the turn it leased.
LEASED_COLUMNS = ("id", "delivery_id", "kind", "body", "encrypted", "answer", "answer_encrypted",
                  "attempts")  # fmt: skip


@dataclass(frozen=True, slots=True)
class ClaimedTurn:
    """A turn leased to this worker: who, what kind, the platform's payload, and the
    answer stored by an earlier attempt (None: the turn has not been coached yet)."""

    id: int
    delivery_id: str
    user: UserRef
    kind: str
    payload: Payload
    answer: Payload | None
    attempts: int

    @property
    def given_up(self) -> bool:
        """Tried so often (each try ended by a crash) that it is not tried again."""
        return self.attempts > MAX_ATTEMPTS


async def receive(
    connection: AsyncConnection,
    cipher: NoteCipher,
    user: UserRef,
    delivery_id: str,
    kind: str,
    payload: Payload,
) -> bool:
    """Store an inbound turn; False when that delivery id is already in (a redelivery)."""
    body, encrypted = cipher.seal(json.dumps(payload, separators=(",", ":")))
    row = {
        "platform": user.platform, "tenant_id": user.tenant, "user_id": user.user,
        "delivery_id": delivery_id, "kind": kind, "body": body, "encrypted": encrypted,
        "answer_encrypted": False, "status": PENDING, "attempts": 0, "received_at": utcnow(),
    }  # fmt: skip
    stored = await connection.execute(_RECEIVE[dialect_of(connection)], row)
    return stored.first() is not None


async def claim_next(
    connection: AsyncConnection, cipher: NoteCipher, user: UserRef, now: datetime, lease: timedelta
) -> ClaimedTurn | None:
    """Lease `user`'s oldest unsettled turn to this worker until `now + lease`; None when
    there is none, or it is held by another worker (who will go on with the rest).

    A turn sealed with a key that is no longer configured can never be answered: it is
    settled as failed (logged, never with its contents) so that it does not hold up the
    person's later turns."""
    while (row := await _lease_oldest(connection, user, now, lease)) is not None:
        try:
            return ClaimedTurn(
                id=row.id,
                delivery_id=row.delivery_id,
                user=user,
                kind=row.kind,
                payload=json.loads(cipher.open(row.body, row.encrypted)),
                answer=_opened(cipher, row.answer, row.answer_encrypted),
                attempts=row.attempts,
            )
        except NoteKeyError as error:
            log.error("inbox turn %d for %s cannot be opened: %s", row.id, user, error)
            await settle(connection, row.id, TurnStatus.FAILED)
    return None


async def _lease_oldest(
    connection: AsyncConnection, user: UserRef, now: datetime, lease: timedelta
) -> Row[Any] | None:
    """The person's oldest unsettled row, leased to us, if it is claimable and no other
    worker takes it first: one conditional UPDATE, which returns the row as leased.

    A row another worker is leasing at the same moment is locked (PostgreSQL) or written
    first (SQLite, one writer): our UPDATE then finds it no longer claimable."""
    leased = await connection.execute(
        _LEASE_OLDEST,
        {"of_platform": user.platform, "of_tenant": user.tenant, "of_user": user.user,
         "now": now, "until": now + lease},
    )  # fmt: skip
    return leased.first()


def _opened(cipher: NoteCipher, body: str | None, encrypted: bool) -> Payload | None:
    return None if body is None else dict(json.loads(cipher.open(body, encrypted)))


async def people_waiting(
    connection: AsyncConnection, now: datetime, limit: int = 500
) -> list[UserRef]:
    """People with a turn that no live worker holds: left by a worker that died, or not
    taken up yet. Each is then drained in order with `claim_next`."""
    rows = await connection.execute(
        select(InboxTurn.platform, InboxTurn.tenant_id, InboxTurn.user_id)
        .where(_claimable(now))
        .group_by(InboxTurn.platform, InboxTurn.tenant_id, InboxTurn.user_id)
        .order_by(func.min(InboxTurn.id))  # the longest-waiting people first
        .limit(limit)
    )
    return [UserRef(platform, tenant, user) for platform, tenant, user in rows]


async def renew(connection: AsyncConnection, turn: ClaimedTurn, until: datetime) -> bool:
    """Extend this worker's lease on a turn it is still answering; False when the lease was
    lost (it ran out and another worker took the turn)."""
    result = await connection.execute(
        update(InboxTurn)
        .where(
            InboxTurn.id == turn.id,
            InboxTurn.status == CLAIMED,
            InboxTurn.attempts == turn.attempts,
        )
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def record_answer(
    connection: AsyncConnection, cipher: NoteCipher, turn_id: int, answer: Payload
) -> None:
    """Store the replies worked out for a turn (sealed), in the transaction that coached it."""
    body, encrypted = cipher.seal(json.dumps(answer, separators=(",", ":")))
    await connection.execute(
        _RECORD_ANSWER, {"turn_id": turn_id, "sealed": body, "sealed_encrypted": encrypted}
    )


async def settle(connection: AsyncConnection, turn_id: int, status: TurnStatus) -> None:
    """The turn is answered (DONE) or given up (FAILED): the person's next turn may go."""
    await connection.execute(_SETTLE, {"turn_id": turn_id, "settled": status.value})


async def forget_settled(connection: AsyncConnection, now: datetime | None = None) -> int:
    """Delete settled turns older than any redelivery could be; returns how many."""
    cutoff = (now or utcnow()) - SETTLED_MEMORY
    result = await connection.execute(
        delete(InboxTurn)
        .where(InboxTurn.status.in_(SETTLED), InboxTurn.received_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def _claimable(now: datetime) -> Any:
    return claimable(InboxTurn.status, InboxTurn.lease_until, PENDING, CLAIMED, now)


# The statements every turn runs, built once (SQLAlchemy then reuses their compiled form
# without building a cache key each time): the values come as bound parameters.
_TURNS = cast(Table, InboxTurn.__table__)
_RECEIVE = inserts_by_dialect(
    _TURNS, lambda insert: insert.on_conflict_do_nothing().returning(_TURNS.c.id)
)
_OLDEST_UNSETTLED = (
    select(_TURNS.c.id)
    .where(
        _TURNS.c.platform == bindparam("of_platform"),
        _TURNS.c.tenant_id == bindparam("of_tenant"),
        _TURNS.c.user_id == bindparam("of_user"),
        _TURNS.c.status.in_(UNSETTLED),
    )
    .order_by(_TURNS.c.id)
    .limit(1)
    .scalar_subquery()
)
_LEASE_OLDEST = (
    update(_TURNS)
    .where(
        _TURNS.c.id == _OLDEST_UNSETTLED,
        claimable(_TURNS.c.status, _TURNS.c.lease_until, PENDING, CLAIMED, bindparam("now")),
    )
    .values(status=CLAIMED, lease_until=bindparam("until"), attempts=_TURNS.c.attempts + 1)
    .returning(*(_TURNS.c[name] for name in LEASED_COLUMNS))
)
_SETTLE = (
    update(_TURNS)
    .where(_TURNS.c.id == bindparam("turn_id"))
    .values(status=bindparam("settled"), lease_until=None)
)
_RECORD_ANSWER = (
    update(_TURNS)
    .where(_TURNS.c.id == bindparam("turn_id"))
    .values(answer=bindparam("sealed"), answer_encrypted=bindparam("sealed_encrypted"))
)


async def backlog(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many acknowledged turns are not answered yet, and when the oldest came in."""
    return await leases.backlog(session, InboxTurn.status, InboxTurn.received_at, UNSETTLED)
