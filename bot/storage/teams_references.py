"""Where to reach each Teams user later: their stored Bot Framework ConversationReference.

Proactive messages (nudges) need the reference of the user's personal chat with the bot. It
is saved from authenticated activities only (the Teams channel decides that) and read back by
owner. Every query filters on platform, tenant and user, like every other per-person table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.channel_models import TeamsConversationReference
from bot.storage.models import utcnow
from bot.users import UserRef

TIME_ZONE_LENGTH = 64


@dataclass(frozen=True, slots=True)
class StoredReference:
    """A user's saved reference (the serialised ConversationReference) and time zone."""

    reference: dict[str, Any]
    time_zone: str | None
    updated_at: datetime


def _owned(user: UserRef) -> ColumnElement[bool]:
    row = TeamsConversationReference
    return and_(
        row.platform == user.platform, row.tenant_id == user.tenant, row.user_id == user.user
    )


class TeamsReferences:
    """Save, read and delete one person's reference; each call is its own transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def save(
        self, user: UserRef, reference: dict[str, Any], time_zone: str | None
    ) -> str | None:
        """Create or replace the user's reference; returns the time zone stored before.

        A `time_zone` of None keeps the one already stored (not every activity names it).
        """
        if time_zone is not None and len(time_zone) > TIME_ZONE_LENGTH:
            raise ValueError(f"a time zone name has at most {TIME_ZONE_LENGTH} characters")
        async with self._sessions.begin() as session:
            row = await self._row(session, user)
            before = row.time_zone if row else None
            if row is None:
                row = await self._insert(session, user, reference, time_zone)
            row.reference = reference
            row.time_zone = time_zone or row.time_zone
            row.updated_at = utcnow()
            return before

    async def load(self, user: UserRef) -> StoredReference | None:
        """The user's reference, or None when they never talked to the bot (or were forgotten)."""
        async with self._sessions() as session:
            row = await self._row(session, user)
            if row is None:
                return None
            return StoredReference(dict(row.reference), row.time_zone, row.updated_at)

    async def load_many(self, users: Sequence[UserRef]) -> dict[UserRef, StoredReference]:
        """The references of many users in one query (a batch of nudges); the users without
        one are left out."""
        if not users:
            return {}
        row = TeamsConversationReference
        owners = tuple_(row.platform, row.tenant_id, row.user_id)
        query = select(
            row.platform, row.tenant_id, row.user_id, row.reference, row.time_zone, row.updated_at
        ).where(owners.in_([(user.platform, user.tenant, user.user) for user in users]))
        async with self._sessions() as session:
            found = (await session.execute(query)).all()
        return {
            UserRef(r.platform, r.tenant_id, r.user_id): StoredReference(
                dict(r.reference), r.time_zone, r.updated_at
            )
            for r in found
        }

    async def delete(self, user: UserRef) -> bool:
        """Forget where to reach the user (they uninstalled the app or asked to be forgotten)."""
        async with self._sessions.begin() as session:
            result = await session.execute(delete(TeamsConversationReference).where(_owned(user)))
            return bool(getattr(result, "rowcount", 0))

    async def _row(self, session: AsyncSession, user: UserRef) -> TeamsConversationReference | None:
        query = select(TeamsConversationReference).where(_owned(user))
        return await session.scalar(query)

    async def _insert(
        self,
        session: AsyncSession,
        user: UserRef,
        reference: dict[str, Any],
        time_zone: str | None,
    ) -> TeamsConversationReference:
        row = TeamsConversationReference(
            platform=user.platform,
            tenant_id=user.tenant,
            user_id=user.user,
            reference=reference,
            time_zone=time_zone,
        )
        try:
            async with session.begin_nested():
                session.add(row)
        except IntegrityError:
            # Two activities of the same user raced; the other one inserted first.
            found = await self._row(session, user)
            if found is None:
                raise
            return found
        return row
