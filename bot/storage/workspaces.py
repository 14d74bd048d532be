"""Workspace-wide bookkeeping: events already handled, and erasing a workspace that left."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.channel_models import ProcessedEvent, TeamsConversationReference
from bot.storage.models import DialogState, Note, PrepConversation, Tenant, User, utcnow
from bot.storage.nudge_models import Nudge

EVENT_MEMORY = timedelta(days=2)


async def first_delivery(session: AsyncSession, platform: str, event_id: str) -> bool:
    """Record an event id; False when it was already recorded (a retry or a duplicate).

    The unique key makes this hold across replicas and restarts. Runs in a SAVEPOINT so a
    duplicate leaves the caller's transaction usable.
    """
    try:
        async with session.begin_nested():
            session.add(ProcessedEvent(platform=platform, event_id=event_id[:128]))
        return True
    except IntegrityError:
        return False


async def forget_old_events(session: AsyncSession, now: datetime | None = None) -> int:
    """Drop event ids older than any retry could be (Slack retries within minutes)."""
    cutoff = (now or utcnow()) - EVENT_MEMORY
    result = await session.execute(
        delete(ProcessedEvent).where(ProcessedEvent.received_at < cutoff)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def forget_workspace(session: AsyncSession, platform: str, tenant: str) -> int:
    """Delete every prep, note, setting and reference of one workspace; returns preps deleted."""
    scope = {"platform": platform, "tenant_id": tenant}
    for model in (Note, DialogState, Nudge, TeamsConversationReference, User):
        await session.execute(delete(model).filter_by(**scope))
    deleted = await session.execute(delete(PrepConversation).filter_by(**scope))
    await session.execute(delete(Tenant).filter_by(**scope))
    return int(deleted.rowcount or 0)  # type: ignore[attr-defined]
