"""Building the coach and its database from one `Settings` (nothing is built at import)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.coach import Coach, TurnObserver
from bot.playbook.library import load_library
from bot.settings import Settings
from bot.storage import migrate
from bot.storage.crypto import NoteCipher
from bot.storage.db import create_database
from bot.templates import load_brief_templates
from bot.voice import build_voice


class DatabaseNotReady(RuntimeError):
    """The database schema is behind the code; `prep-talk db upgrade` brings it up to date."""


def prepare_database(settings: Settings) -> None:
    """Migrate a local SQLite file automatically; a shared PostgreSQL is migrated explicitly."""
    url = settings.database_url
    if migrate.is_up_to_date(url):
        return
    if url.startswith("sqlite"):
        migrate.upgrade(url)
        return
    raise DatabaseNotReady(
        "PREPTALK_DATABASE_URL: schema is not up to date; run prep-talk db upgrade"
    )


def freeze_start_up() -> int:
    """Keep what start-up built (modules, playbooks, templates, word lists), which lives as
    long as the process, out of the garbage collector's way, so that it is not traversed
    again on every full collection: under 50 Slack users at once each of the server's full
    collections took about 100 ms before. Returns how many objects were set aside."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


@dataclass(frozen=True, slots=True)
class Services:
    """What a channel adapter may use: the settings, the coach, and the database pool
    (for channel bookkeeping such as installations and event ids — never for notes)."""

    settings: Settings
    coach: Coach
    engine: AsyncEngine

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.coach.sessions


def build_coach(
    settings: Settings, observer: TurnObserver | None = None
) -> tuple[Coach, AsyncEngine]:
    """The coach and its connection pool (no connection is opened until the first turn)."""
    engine = create_database(settings.database_url)
    coach = Coach(
        engine,
        load_library(settings.playbooks_dir),
        NoteCipher(settings.note_keys),
        load_brief_templates(),
        observer=observer,
        voice=build_voice(settings),
    )
    return coach, engine


@asynccontextmanager
async def open_coach(settings: Settings) -> AsyncIterator[Coach]:
    """A ready coach; the connection pool closes on exit."""
    coach, engine = build_coach(settings)
    try:
        yield coach
    finally:
        await engine.dispose()
