"""What someone holding the database sees: the raw bytes of a SQLite file and its WAL, or a
`pg_dump` of a PostgreSQL database; and a coach on that database with chosen keys."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.coach import Coach
from bot.runtime import open_coach
from bot.settings import Settings
from tests.support.postgres import find_binaries, must_have_postgres

NOW = datetime(2026, 11, 27, 10, tzinfo=UTC)


def settings_with(database_url: str, *keys: bytes) -> Settings:
    """Settings as an operator writes them: PREPTALK_ENCRYPTION_KEYS="new,old"."""
    joined = ",".join(key.decode() for key in keys)
    return Settings(database_url=database_url, encryption_keys=joined or None)


@asynccontextmanager
async def coach_with(database_url: str, *keys: bytes) -> AsyncIterator[Coach]:
    """A coach (as one server process has) configured with `keys`, first key first."""
    async with open_coach(settings_with(database_url, *keys)) as coach:
        coach.clock = lambda: NOW
        yield coach


def stored_bytes(database_url: str) -> bytes:
    """Everything the database holds on disk. SQLite: the file and its write-ahead log (read
    them while a connection is open: closing the last one checkpoints and deletes the WAL)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return pg_dump(database_url)
    path = Path(str(url.database))
    wal = wal_of(database_url)
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def wal_of(database_url: str) -> Path:
    """Where SQLite keeps the write-ahead log of the database at `database_url`."""
    path = Path(str(make_url(database_url).database))
    return path.with_name(f"{path.name}-wal")


def pg_dump(database_url: str) -> bytes:
    """A plain-SQL dump of the whole database (schema and every row)."""
    binaries = find_binaries()
    program = str(binaries / "pg_dump") if binaries else shutil.which("pg_dump")
    if program is None:
        if must_have_postgres():
            pytest.fail("pg_dump is required when CI=true")
        pytest.skip("pg_dump not found")
    libpq_url = make_url(database_url).set(drivername="postgresql")
    done = subprocess.run(
        [program, "--dbname", libpq_url.render_as_string(hide_password=False)],
        capture_output=True,
        check=True,
    )
    return done.stdout
