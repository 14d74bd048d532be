"""Migrations build exactly the ORM schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from cryptography.fernet import Fernet
from sqlalchemy import column, insert, inspect, select, table, text

from bot.cli import commands, keys
from bot.engine.messages import Command, Inbound
from bot.engine.state import PrepState
from bot.storage import migrate
from bot.storage.db import create_database
from bot.storage.models import JsonDocument, UtcDateTime
from bot.storage.schema import metadata
from bot.users import UserRef
from tests.storage.at_rest import coach_with, settings_with, stored_bytes

ORM_TABLES = {
    "tenants",
    "users",
    "conversations",
    "dialog_states",
    "notes",
    "slack_installations",
    "slack_bots",
    "slack_oauth_states",
    "teams_conversation_references",
    "nudges",
    "inbox",
    "slack_assistant_threads",
    "outcomes",
}


async def table_names(url: str) -> set[str]:
    engine = create_database(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def execute(url: str, sql: str) -> None:
    engine = create_database(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(sql))
    finally:
        await engine.dispose()


def test_the_orm_tables_are_the_ones_the_migrations_create() -> None:
    assert set(metadata.tables) == ORM_TABLES


async def test_upgrading_an_empty_database_creates_every_table(empty_database_url: str) -> None:
    assert migrate.current_revision(empty_database_url) is None
    assert not migrate.is_up_to_date(empty_database_url)

    migrate.upgrade(empty_database_url)  # a sync call while this test's event loop runs

    assert await table_names(empty_database_url) == ORM_TABLES | {"alembic_version"}
    assert migrate.current_revision(empty_database_url) == migrate.head_revision()
    assert migrate.is_up_to_date(empty_database_url)


def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    migrate.check(database_url)


async def test_check_notices_a_schema_that_drifted(database_url: str) -> None:
    await execute(database_url, "DROP INDEX ix_conversations_owner_status")

    with pytest.raises(migrate.SchemaMismatch):
        migrate.check(database_url)


async def test_downgrade_removes_everything_and_upgrade_restores_it(database_url: str) -> None:
    config = migrate.alembic_config(database_url)

    await asyncio.to_thread(command.downgrade, config, "base")
    assert await table_names(database_url) == {"alembic_version"}
    assert migrate.current_revision(database_url) is None

    await asyncio.to_thread(migrate.upgrade, database_url)
    assert await table_names(database_url) == ORM_TABLES | {"alembic_version"}
    migrate.check(database_url)


async def test_upgrading_again_changes_nothing(database_url: str) -> None:
    await execute(database_url, "INSERT INTO tenants (platform, tenant_id, fiscal_year_start_month,"
                  " created_at) VALUES ('slack', 'T1', 4, CURRENT_TIMESTAMP)")  # fmt: skip

    migrate.upgrade(database_url)

    assert migrate.is_up_to_date(database_url)
    engine = create_database(database_url)
    try:
        async with engine.connect() as connection:
            months = await connection.execute(text("SELECT fiscal_year_start_month FROM tenants"))
            assert list(months.scalars()) == [4]
    finally:
        await engine.dispose()


def test_check_refuses_a_database_that_is_behind(empty_database_url: str) -> None:
    with pytest.raises(migrate.SchemaMismatch, match="revision None"):
        migrate.check(empty_database_url)


ALICE = UserRef("slack", "T1", "U1")
MARK = "zebrafinch"
MISSION, GOAL = f"Keep every {MARK} family travelling", f"Sales finish the {MARK} course"
STATE = PrepState(stakeholder="sales", hypotheses=[f"The {MARK} course is generic"], goal=GOAL)


async def add_a_prep_at_revision_0003(url: str) -> None:
    """One person's prep as revision 0003 stored it: plain text, the state as JSON."""
    now, owner = datetime.now(UTC), {"platform": "slack", "tenant_id": "T1", "user_id": "U1"}
    times = {"created_at": now, "updated_at": now}
    rows = {
        "tenants": {"platform": "slack", "tenant_id": "T1", "fiscal_year_start_month": 1,
                    "mission": MISSION, "created_at": now},
        "users": {**owner, "time_zone": "UTC", "nudges_opt_in": False,
                  "nudges_opt_out": False, "created_at": now},
        "conversations": {"id": 1, **owner, "stakeholder": "sales", "goal": GOAL,
                          "status": "in_progress", **times},
        "dialog_states": {"conversation_id": 1, **owner, "step": "feel",
                          "data": STATE.model_dump(mode="json"), "version": 1, "updated_at": now},
        "notes": {"conversation_id": 1, **owner, "step": "feel", "body": f"Hypotheses: {MARK}",
                  "encrypted": False, **times},
    }  # fmt: skip
    engine = create_database(url)
    try:
        async with engine.begin() as connection:
            for name, row in rows.items():
                columns = [column(key, column_type(key)) for key in row]
                await connection.execute(insert(table(name, *columns)).values(row))
    finally:
        await engine.dispose()


def column_type(name: str) -> Any:
    if name == "data":
        return JsonDocument
    return UtcDateTime() if name.endswith("_at") else None


async def test_upgrading_from_0003_carries_every_prep_over(empty_database_url: str) -> None:
    url = empty_database_url
    await asyncio.to_thread(migrate.upgrade, url, "0003")
    await add_a_prep_at_revision_0003(url)

    await asyncio.to_thread(migrate.upgrade, url)

    async with coach_with(url) as coach:  # no key yet: read as plain text, as before
        [prep] = await coach.preps(ALICE)
        assert prep.goal == GOAL
        assert (await coach.settings_of(ALICE)).mission == MISSION
        replies = await coach.handle(ALICE, Inbound(command=Command.START, argument="sales"))
        assert STATE.hypotheses[0] in replies[-1].text  # the dialog state carried over
    key = Fernet.generate_key()
    assert await keys.rotate(settings_with(url, key), io.StringIO()) == commands.EXIT_OK
    async with coach_with(url, key) as coach:
        [prep] = await coach.preps(ALICE)
        assert prep.goal == GOAL
        detail = await coach.prep(ALICE, prep.id)
        assert detail and MARK in detail.notes[0].text
        on_disk = await asyncio.to_thread(stored_bytes, url)
    assert MARK.encode() not in on_disk


async def test_downgrading_to_0003_gives_plain_states_back_and_refuses_sealed_ones(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    await asyncio.to_thread(migrate.upgrade, url, "0003")
    await add_a_prep_at_revision_0003(url)
    await asyncio.to_thread(migrate.upgrade, url)

    config = migrate.alembic_config(url)

    await asyncio.to_thread(command.downgrade, config, "0003")
    assert await state_at_0003(url) == STATE.model_dump(mode="json")

    await asyncio.to_thread(migrate.upgrade, url)
    assert await keys.rotate(settings_with(url, Fernet.generate_key()), io.StringIO()) == 0
    await asyncio.to_thread(command.downgrade, config, "0004")
    with pytest.raises(RuntimeError, match="encrypted"):
        await asyncio.to_thread(command.downgrade, config, "0003")
    assert migrate.current_revision(url) == "0004", "the refused step changed nothing"


async def state_at_0003(url: str) -> Any:
    engine = create_database(url)
    try:
        async with engine.connect() as connection:
            states = table("dialog_states", column("data", JsonDocument))
            return (await connection.execute(select(states.c.data))).scalar_one()
    finally:
        await engine.dispose()
