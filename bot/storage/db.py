"""The database engine and session factory, built on request from a URL (never at import);
and `drop_freed_pages`, which clears old text out of a SQLite file after a key rotation.

SQLite runs on our driver (bot/storage/sqlite_loop.py: statements on the event loop, waits
in a thread) with foreign keys on (so deleting a conversation cascades to its state and
notes), a busy timeout so a second writer waits instead of failing, and WAL so readers do
not block the writer. Commits stay durable: `synchronous` keeps SQLite's default. One
process keeps one SQLite connection: SQLite has one writer anyway, and turns queued for the
connection in order wait less than turns racing for the file lock, whose busy handler
sleeps in steps of up to 100 ms (p99 of 50 users at once in Slack: 2.5 s -> 1.0 s).

The sqlite3 driver's default ("legacy") transaction control is kept on purpose: it begins
a transaction at the first write, not the first read, so a turn that read a dialog state
another turn has since changed fails the `version` check (`ConcurrentTurn`) instead of a
"database is locked" error. The cost: a SAVEPOINT taken before any write commits when it is
released, which the idempotent get-or-creates of Teams references and assistant threads can
live with (the driver commits it in its thread).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Executable, Table, event, exc, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 20_000  # many turns at once on one file queue up rather than fail
# Connections per process, kept open and never exceeded (a turn beyond waits for one): three
# processes stay under PostgreSQL's default of 100 connections. No overflow: a connection
# opened beyond the pool would be closed when returned, and each new one costs a handshake
# and re-preparing its statements (profiled under 50 Slack users at once: 95 -> 148 turns/s).
PG_POOL_SIZE = 25
# A connection used this recently is taken as alive; one idle longer is pinged first.
PING_WHEN_IDLE_SECONDS = 10.0
_LAST_USED = "prep_talk_last_used"


def create_database(url: str, ping_when_idle: float = PING_WHEN_IDLE_SECONDS) -> AsyncEngine:
    """Create the async engine for `url` (`sqlite+preptalk://…` or `postgresql+asyncpg://…`).

    On PostgreSQL a connection idle for `ping_when_idle` seconds is pinged before use and
    replaced if the server dropped it (a restart, a failover, an idle timeout)."""
    # hide_parameters: a driver error never puts a user's words (note text) in a log.
    # pool_reset_on_return=None: a session or connection ends its own transaction (commit,
    # or rollback when closed), so the pool's own rollback on return would only add a round
    # trip (on SQLite, a hop to the driver's thread) to every transaction.
    common: dict[str, Any] = {"hide_parameters": True, "pool_reset_on_return": None}
    if make_url(url).get_backend_name() == "sqlite":
        wait = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}  # sqlite3's busy timeout, seconds
        engine = create_async_engine(url, pool_size=1, max_overflow=0, connect_args=wait, **common)
        event.listen(engine.sync_engine, "connect", _tune_sqlite)
        return engine
    engine = create_async_engine(url, pool_size=PG_POOL_SIZE, max_overflow=0, **common)
    _ping_when_idle(engine, ping_when_idle)
    return engine


def _ping_when_idle(engine: AsyncEngine, seconds: float) -> None:
    """SQLAlchemy's `pool_pre_ping` pings on every checkout: a round trip per transaction,
    the largest single cost of a turn on PostgreSQL under load. Dead connections are found
    among idle ones, so only a connection idle for `seconds` is pinged; one that fails is
    discarded and the pool hands out a fresh one (`DisconnectionError`)."""
    dialect = engine.dialect

    def used(_dbapi_connection: Any, record: Any, *_proxy: Any) -> None:
        record.info[_LAST_USED] = time.monotonic()

    def check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_LAST_USED, 0.0) < seconds:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.DisconnectionError("the database dropped this connection") from error
        if not alive:
            raise exc.DisconnectionError("the database dropped this connection")

    event.listen(engine.sync_engine, "connect", used)
    event.listen(engine.sync_engine, "checkin", used)
    event.listen(engine.sync_engine, "checkout", check)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for one turn each; objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def insert_into(
    session: AsyncSession | AsyncConnection, table: Table
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `table` in the session's (or connection's) dialect, so it can say what
    to do on a conflict (both databases speak `ON CONFLICT`)."""
    return postgresql.insert(table) if dialect_of(session) == "postgresql" else sqlite.insert(table)


def inserts_by_dialect(
    table: Table, finish: Callable[[postgresql.Insert | sqlite.Insert], Executable]
) -> dict[str, Executable]:
    """An INSERT into `table` finished by `finish` (its ON CONFLICT, RETURNING…), built once
    per dialect, by dialect name: for statements a hot path runs with bound parameters."""
    return {"postgresql": finish(postgresql.insert(table)), "sqlite": finish(sqlite.insert(table))}


def dialect_of(session: AsyncSession | AsyncConnection) -> str:
    """The name of the session's (or connection's) database dialect: "sqlite" or
    "postgresql"."""
    if isinstance(session, AsyncConnection):
        return session.dialect.name
    return session.bind.dialect.name if session.bind else "sqlite"


async def drop_freed_pages(engine: AsyncEngine) -> bool:
    """On SQLite, rebuild the file and empty its WAL, so no freed page still holds values
    since rewritten (plain text from before encryption, text under a retired key). False
    when the WAL could not be emptied: another process kept reading through the busy
    timeout, and old pages may still be in the `-wal` file until a later run.

    PostgreSQL needs nothing here: `pg_dump` and every query see live rows only, and
    autovacuum reclaims the old row versions."""
    if engine.dialect.name != "sqlite":
        return True
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM"))
        checkpoint = await autocommit.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        busy, wal_pages, _copied = checkpoint.one()
        return bool(busy == 0 and wal_pages == 0)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()
