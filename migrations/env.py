"""Alembic environment: the URL comes from `bot.storage.migrate` or from PREPTALK_DATABASE_URL.

`bot.storage.migrate` sets the URL as a Config attribute (and may hand over an open sync
connection). From the `alembic` command line, the URL is read with `bot.settings`.
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.settings import load_settings
from bot.storage.migrate import URL_ATTRIBUTE
from bot.storage.models import UtcDateTime
from bot.storage.schema import metadata

# A fixed key for PostgreSQL's advisory lock on migrations (any bigint; this one spells
# "preptalk" in ASCII hex), the same in every replica and release.
MIGRATION_LOCK = 0x7072657074616C6B
config = context.config
target_metadata = metadata

if config.config_file_name is not None and URL_ATTRIBUTE not in config.attributes:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    url = config.attributes.get(URL_ATTRIBUTE)
    return str(url) if url else load_settings().database_url


def render_item(kind: str, item: Any, autogen_context: Any) -> str | bool:
    """Render our column types as plain SQLAlchemy types, so scripts import nothing of ours."""
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def configure(connection: Connection | None = None, url: str | None = None) -> None:
    dialect = connection.dialect.name if connection is not None else (url or "").split(":")[0]
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        render_as_batch=dialect.startswith("sqlite"),
        render_item=render_item,
        compare_type=True,
        literal_binds=connection is None,
    )


def migrate_on(connection: Connection) -> None:
    configure(connection=connection)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Replicas starting together queue here; each reads the schema's revision only
            # once it holds the lock, so the first migrates and the rest find nothing to do.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


async def migrate_online() -> None:
    # No pool and no app pragmas: batch migrations on SQLite must not cascade deletes.
    engine = create_async_engine(database_url(), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(migrate_on)
    finally:
        await engine.dispose()


def migrate_offline() -> None:
    configure(url=database_url())
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    migrate_offline()
elif isinstance(config.attributes.get("connection"), Connection):
    migrate_on(config.attributes["connection"])
else:
    asyncio.run(migrate_online())
