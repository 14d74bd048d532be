"""Leases on queued rows (the nudge outbox, the inbox): a row claimed by a worker that died
is claimable again once its lease has run out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession


def claimable(
    status: Any, lease_until: Any, waiting: str, claimed: str, now: datetime | BindParameter[Any]
) -> ColumnElement[bool]:
    """Rows still waiting, or claimed under a lease that ran out before `now` (a time, or a
    parameter of a statement built once)."""
    return or_(status == waiting, and_(status == claimed, lease_until < now))


def is_claimable(status: str, lease_until: datetime | None, waiting: str, claimed: str,
                 now: datetime) -> bool:  # fmt: skip
    """`claimable` for a row already read."""
    if status == waiting:
        return True
    return status == claimed and lease_until is not None and lease_until < now


async def backlog(
    session: AsyncSession, status: Any, queued_at: Any, unsettled: tuple[str, ...]
) -> tuple[int, datetime | None]:
    """How many rows are not settled yet (waiting or claimed), and when the oldest came in."""
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(queued_at)).where(status.in_(unsettled))
        )
    ).one()
    return int(count), oldest
