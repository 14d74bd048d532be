"""Migration 0007: workspaces that existed before the model switch keep the model allowed (it
is still used only where one is configured), and a workspace admin's choice is stored."""

from __future__ import annotations

from bot.runtime import open_coach
from bot.settings import Settings
from bot.storage import migrate
from bot.users import UserRef
from tests.storage.test_migrations import execute


async def test_existing_workspaces_allow_the_model_until_an_admin_turns_it_off(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    migrate.upgrade(url, "0006")
    workspace = "INSERT INTO tenants (platform, tenant_id, fiscal_year_start_month, created_at)"
    await execute(url, f"{workspace} VALUES ('slack', 'T1', 4, '2026-01-05 09:00:00')")

    migrate.upgrade(url)

    async with open_coach(Settings(database_url=url)) as coach:
        alice = UserRef("slack", "T1", "U1")
        before = await coach.settings_of(alice)
        assert before.model_voice and before.fiscal_year_start_month == 4
        await coach.configure_tenant(
            "slack", "T1", fiscal_year_start_month=None, mission=None, model_voice=False
        )
        assert not (await coach.settings_of(alice)).model_voice
