"""A person's threads in Slack's assistant panel: the thread context (which channel they are
looking at) and which prep the thread's title names.

Kept in SQL like every per-person row (keyed by platform, tenant and user, then channel and
thread), not in message metadata or memory, so any replica answers the next turn with it.
Each call is its own short transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.channel_models import SlackAssistantThread
from bot.storage.models import utcnow
from bot.users import UserRef


@dataclass(frozen=True, slots=True)
class AssistantThread:
    """Where a thread is (the app's DM with the person, and the thread's first message)."""

    channel_id: str
    thread_ts: str


@dataclass(frozen=True, slots=True)
class StoredThread:
    context: dict[str, Any]
    titled_prep_id: int | None


class AssistantThreads:
    """Save and read one person's assistant threads."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def save_context(
        self, user: UserRef, thread: AssistantThread, context: dict[str, Any]
    ) -> None:
        """Create the thread, or replace its context (the user moved to another channel)."""
        async with self._sessions.begin() as session:
            row = await self._row(session, user, thread)
            if row is None:
                await self._insert(session, user, thread, context)
                return
            row.context, row.updated_at = context, utcnow()

    async def find(self, user: UserRef, thread: AssistantThread) -> StoredThread | None:
        """The thread as stored; None for a thread Slack never told us was started."""
        async with self._sessions() as session:
            row = await self._row(session, user, thread)
            return None if row is None else StoredThread(dict(row.context), row.titled_prep_id)

    async def name_prep(self, user: UserRef, thread: AssistantThread, prep_id: int) -> bool:
        """Record that the thread's title names `prep_id`; False when it already did (or the
        thread is unknown), so the title is set once per prep."""
        async with self._sessions.begin() as session:
            row = await self._row(session, user, thread)
            if row is None or row.titled_prep_id == prep_id:
                return False
            row.titled_prep_id, row.updated_at = prep_id, utcnow()
            return True

    async def _row(
        self, session: AsyncSession, user: UserRef, thread: AssistantThread
    ) -> SlackAssistantThread | None:
        query = select(SlackAssistantThread).where(_owned(user), _at(thread))
        return (await session.execute(query)).scalar_one_or_none()

    async def _insert(
        self,
        session: AsyncSession,
        user: UserRef,
        thread: AssistantThread,
        context: dict[str, Any],
    ) -> None:
        """Insert; when another replica inserted the same thread meanwhile, update theirs."""
        row = SlackAssistantThread(
            platform=user.platform,
            tenant_id=user.tenant,
            user_id=user.user,
            channel_id=thread.channel_id,
            thread_ts=thread.thread_ts,
            context=context,
        )
        try:
            async with session.begin_nested():
                session.add(row)
        except IntegrityError:
            existing = await self._row(session, user, thread)
            if existing is not None:
                existing.context, existing.updated_at = context, utcnow()


def _owned(user: UserRef) -> ColumnElement[bool]:
    row = SlackAssistantThread
    return and_(
        row.platform == user.platform, row.tenant_id == user.tenant, row.user_id == user.user
    )


def _at(thread: AssistantThread) -> ColumnElement[bool]:
    row = SlackAssistantThread
    return and_(row.channel_id == thread.channel_id, row.thread_ts == thread.thread_ts)
