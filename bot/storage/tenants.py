"""Workspace-wide settings an operator sets: the fiscal-year start, the company mission, and
whether a configured model may voice the stakeholder in rehearsal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.crypto import NoteCipher
from bot.storage.db import insert_into
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
    connection: AsyncConnection,
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
    changes: dict[str, Any] = {}
    if fiscal_year_start_month is not None:
        changes["fiscal_year_start_month"] = fiscal_year_start_month
    if mission is not None:
        changes["mission"], changes["mission_encrypted"] = cipher.seal_optional(
            mission.strip() or None
        )
    if model_voice is not None:
        changes["model_voice"] = model_voice
    tenants = cast(Table, Tenant.__table__)
    this = (tenants.c.platform == platform) & (tenants.c.tenant_id == tenant)
    new_tenant = {"platform": platform, "tenant_id": tenant, "fiscal_year_start_month": 1,
                  "model_voice": True, "mission_encrypted": False}  # fmt: skip
    await connection.execute(
        insert_into(connection, tenants).values(new_tenant).on_conflict_do_nothing()
    )
    if changes:
        await connection.execute(update(tenants).where(this).values(changes))
    columns = (tenants.c.fiscal_year_start_month, tenants.c.mission, tenants.c.mission_encrypted,
               tenants.c.model_voice)  # fmt: skip
    month, sealed, encrypted, voice = (await connection.execute(select(*columns).where(this))).one()
    opened = cipher.open_or(sealed, encrypted, None)
    return TenantSettings(platform, tenant, month, opened, model_voice=voice)
