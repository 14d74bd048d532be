"""Tenant isolation for a single-tenant bot: activities from any other tenant are refused.

A `SingleTenant` or `UserAssignedMSI` app belongs to one Entra tenant
(`MICROSOFT_APP_TENANT_ID`). The Bot Framework token proves an activity came through the
channel for our app, not which tenant its user is in: Teams names that in the activity
(`channelData.tenant.id` and `conversation.tenantId`). A single-tenant bot therefore admits an
activity only when it names a tenant and every tenant it names is ours. The tab's SSO check
follows the same rule (`home_tenant`).
"""

from __future__ import annotations

from botbuilder.schema import Activity  # type: ignore[import-untyped]

from bot.channels.teams.activities import tenants_named
from bot.settings import Settings

SINGLE_TENANT_TYPES = ("SingleTenant", "UserAssignedMSI")
OTHER_TENANT = "This bot serves its own organisation's tenant only."


def home_tenant(settings: Settings) -> str | None:
    """The one tenant a single-tenant app serves; None for a multi-tenant (or local) bot."""
    if settings.microsoft_app_id and settings.microsoft_app_type in SINGLE_TENANT_TYPES:
        return settings.microsoft_app_tenant_id
    return None


def from_other_tenant(activity: Activity, home: str | None) -> bool:
    """True when a single-tenant bot must refuse the activity: no tenant, or another one."""
    if home is None:
        return False
    named = {tenant for tenant in tenants_named(activity) if tenant is not None}
    return named != {home}
