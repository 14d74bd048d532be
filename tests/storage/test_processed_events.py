"""Event ids: each is handled once, and old ones are forgotten when no retry can come."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.models import utcnow
from bot.storage.workspaces import EVENT_MEMORY, first_delivery, forget_old_events


async def test_an_event_id_is_first_only_once_and_old_ids_are_dropped(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        assert await first_delivery(session, "slack", "Ev1")
        assert not await first_delivery(session, "slack", "Ev1")
        assert await first_delivery(session, "teams", "Ev1"), "ids are per platform"
    async with sessions.begin() as session:
        assert await forget_old_events(session, utcnow()) == 0
        assert await forget_old_events(session, utcnow() + EVENT_MEMORY + timedelta(hours=1)) == 2
    async with sessions.begin() as session:
        assert await first_delivery(session, "slack", "Ev1")
