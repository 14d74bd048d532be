"""Migrations build exactly the ORM schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from alembic import command
from sqlalchemy import inspect, text

from bot.storage import migrate
from bot.storage.db import create_database
from bot.storage.schema import metadata

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
