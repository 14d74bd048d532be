"""Workspace-wide settings an operator sets: the fiscal-year start, the company mission, and
whether a configured model may voice the stakeholder in rehearsal."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.crypto import NoteCipher
from bot.storage.models import Tenant

MAX_MISSION = 600


@dataclass(frozen=True, slots=True)
class TenantSettings:
    platform: str
    tenant: str
    fiscal_year_start_month: int
    mission: str | None
    model_voice: bool  # the admin's switch; a model is used only where one is configured


async def configure_tenant(
    session: AsyncSession,
    cipher: NoteCipher,
    platform: str,
    tenant: str,
    *,
    fiscal_year_start_month: int | None = None,
    mission: str | None = None,
    model_voice: bool | None = None,
) -> TenantSettings:
    """Create or update a tenant's settings; unchanged where an argument is None.

    An empty mission clears it; the mission is sealed with `cipher`. Raises ValueError for a
    month outside 1..12 or a mission longer than MAX_MISSION characters.
    """
    if fiscal_year_start_month is not None and not 1 <= fiscal_year_start_month <= 12:
        raise ValueError("the fiscal year starts in a month from 1 to 12")
    if mission is not None and len(mission) > MAX_MISSION:
        raise ValueError(f"keep the mission under {MAX_MISSION} characters")
    query = select(Tenant).where(Tenant.platform == platform, Tenant.tenant_id == tenant)
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        row = Tenant(
            platform=platform, tenant_id=tenant, fiscal_year_start_month=1, model_voice=True
        )
        session.add(row)
    if fiscal_year_start_month is not None:
        row.fiscal_year_start_month = fiscal_year_start_month
    if mission is not None:
        row.mission, row.mission_encrypted = cipher.seal_optional(mission.strip() or None)
    if model_voice is not None:
        row.model_voice = model_voice
    await session.flush()
    opened = cipher.open_or(row.mission, row.mission_encrypted, None)
    return TenantSettings(
        platform, tenant, row.fiscal_year_start_month, opened, model_voice=row.model_voice
    )
