"""Erasing a workspace that left: every prep, note, setting, reference, assistant thread and
inbound turn."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.channel_models import SlackAssistantThread, TeamsConversationReference
from bot.storage.inbox_models import InboxTurn
from bot.storage.models import DialogState, Note, PrepConversation, Tenant, User
from bot.storage.nudge_models import Nudge


async def forget_workspace(session: AsyncSession, platform: str, tenant: str) -> int:
    """Delete every prep, note, setting and reference of one workspace; returns preps deleted."""
    scope = {"platform": platform, "tenant_id": tenant}
    for model in (
        Note,
        DialogState,
        Nudge,
        TeamsConversationReference,
        SlackAssistantThread,
        InboxTurn,
        User,
    ):
        await session.execute(delete(model).filter_by(**scope))
    deleted = await session.execute(delete(PrepConversation).filter_by(**scope))
    await session.execute(delete(Tenant).filter_by(**scope))
    return int(deleted.rowcount or 0)  # type: ignore[attr-defined]
