"""Our SQLite driver: statements run on the event loop's thread; a commit, a wait for another
process's write lock and a VACUUM run in the connection's thread, the loop serving others."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.storage.db import create_database, drop_freed_pages
from tests.support.db_fixtures import sqlite_url


@dataclass
class Trace:
    """Every statement SQLite ran, with the thread that ran it; `busy_wait` is set (on the
    loop) when a statement is retried in the thread with the busy timeout on."""

    loop_thread: int = field(default_factory=threading.get_ident)
    statements: list[tuple[str, int]] = field(default_factory=list)
    busy_wait: asyncio.Event = field(default_factory=asyncio.Event)

    def threads_of(self, statement: str) -> set[str]:
        """Where the statements holding `statement` ran: "loop", "other" (another thread)."""
        ran = {thread for sql, thread in self.statements if statement in sql.upper()}
        assert ran, f"no {statement} statement ran"
        return {"loop" if thread == self.loop_thread else "other" for thread in ran}


class OtherProcess:
    """Another writer on the file (a second connection, as a second process would be): it
    holds SQLite's write lock, having written `words` if given, until it commits."""

    def __init__(self, path: Path, words: str | None = None) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None)
        self._connection.execute("BEGIN IMMEDIATE")
        if words is not None:
            self._connection.execute("INSERT INTO answers (words) VALUES (?)", (words,))

    def commit(self) -> None:
        self._connection.execute("COMMIT")
        self._connection.close()


async def _answer(engine: AsyncEngine, words: str) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO answers (words) VALUES (:w)"), {"w": words})


@pytest.fixture
async def traced(tmp_path: Path) -> AsyncIterator[tuple[AsyncEngine, Trace, Path]]:
    path = tmp_path / "traced.db"
    engine, trace = create_database(sqlite_url(path)), Trace()
    loop = asyncio.get_running_loop()

    def record(sql: str) -> None:
        trace.statements.append((sql, threading.get_ident()))
        if sql.startswith("PRAGMA busy_timeout=") and not sql.endswith("=0"):
            loop.call_soon_threadsafe(trace.busy_wait.set)

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.sqlite.set_trace_callback(record)

    event.listen(engine.sync_engine, "connect", on_connect)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE answers (id INTEGER PRIMARY KEY, words)"))
    yield engine, trace, path
    await engine.dispose()


async def test_statements_run_on_the_loop_and_commits_in_the_connections_thread(
    traced: tuple[AsyncEngine, Trace, Path],
) -> None:
    engine, trace, _path = traced
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO answers (words) VALUES ('one')"))
        await connection.execute(text("UPDATE answers SET words = 'two'"))
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT words FROM answers"))).all()

    assert rows == [("two",)]
    assert trace.threads_of("INSERT") == trace.threads_of("UPDATE") == {"loop"}
    assert trace.threads_of("SELECT") == {"loop"}
    assert trace.threads_of("COMMIT") == {"other"}  # the fsync never blocks the loop


async def test_a_write_waits_for_another_process_in_the_thread_while_the_loop_runs_on(
    traced: tuple[AsyncEngine, Trace, Path],
) -> None:
    engine, trace, path = traced
    other_process = OtherProcess(path, "theirs")
    writing = asyncio.create_task(_answer(engine, "ours"))
    await trace.busy_wait.wait()  # the loop got here while our write waited for the lock
    assert not writing.done()
    other_process.commit()
    await writing

    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT words FROM answers ORDER BY id"))).all()
    assert rows == [("theirs",), ("ours",)]
    inserts = [thread for sql, thread in trace.statements if sql.startswith("INSERT")]
    assert inserts[0] == trace.loop_thread  # tried here first, with no busy wait
    assert inserts[-1] != trace.loop_thread  # then waited for in the thread


async def test_a_statement_error_other_than_busy_is_raised_and_the_rows_kept(
    traced: tuple[AsyncEngine, Trace, Path],
) -> None:
    engine, _trace, _path = traced
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO answers (id, words) VALUES (1, 'kept')"))
    with pytest.raises(Exception, match="UNIQUE constraint failed"):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO answers (id, words) VALUES (2, 'gone')"))
            await connection.execute(text("INSERT INTO answers (id, words) VALUES (1, 'dup')"))
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT id, words FROM answers"))).all()
    assert rows == [(1, "kept")]


async def test_vacuum_and_a_checkpoint_run_in_the_connections_thread(
    traced: tuple[AsyncEngine, Trace, Path],
) -> None:
    engine, trace, _path = traced
    assert await drop_freed_pages(engine) is True  # the WAL was emptied
    assert trace.threads_of("VACUUM") == {"other"}
    assert trace.threads_of("PRAGMA WAL_CHECKPOINT") == {"other"}


async def test_what_commits_runs_in_the_thread_however_it_is_written(
    traced: tuple[AsyncEngine, Trace, Path],
) -> None:
    """Releasing a savepoint taken outside a transaction commits it; so does any write in
    autocommit mode; a statement is recognised behind comments and a schema name."""
    engine, trace, _path = traced
    async with engine.connect() as connection:
        async with connection.begin_nested():
            await connection.execute(text("INSERT INTO answers (words) VALUES ('saved')"))
        await connection.commit()
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("UPDATE answers SET words = 'autocommitted'"))
    async with engine.connect() as connection:
        await connection.execute(text("/* hourly */ -- tidy\n PRAGMA main.optimize"))

    assert trace.threads_of("RELEASE") == {"other"}
    assert trace.threads_of("UPDATE") == {"other"}
    assert trace.threads_of("PRAGMA MAIN.OPTIMIZE") == {"other"}


async def test_a_checkpoint_kept_from_the_wal_by_a_reader_is_reported(tmp_path: Path) -> None:
    """Old text may stay in the -wal file when another process reads through the whole
    busy timeout: the caller is told, not left believing the file is clean."""
    path = tmp_path / "read.db"
    engine = create_async_engine(sqlite_url(path), connect_args={"timeout": 0.05})
    try:
        async with engine.begin() as connection:
            await connection.execute(text("PRAGMA journal_mode=WAL"))
            await connection.execute(text("CREATE TABLE notes (body)"))
            await connection.execute(text("INSERT INTO notes VALUES ('old text')"))
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT * FROM notes").fetchall()  # holds its snapshot of the WAL
        try:
            assert await drop_freed_pages(engine) is False
        finally:
            reader.close()
        assert await drop_freed_pages(engine) is True
    finally:
        await engine.dispose()


async def test_a_connection_shared_by_two_tasks_refuses_the_second_statement(
    traced: tuple[AsyncEngine, Trace, Path],
) -> None:
    """While its thread waits on another process for one task's write, a statement from
    another task on the same connection is refused: sqlite3 is never used from two threads
    at once."""
    engine, trace, path = traced
    other_process = OtherProcess(path)
    async with engine.connect() as shared:
        writing = asyncio.create_task(
            shared.execute(text("INSERT INTO answers (words) VALUES ('first')"))
        )
        await trace.busy_wait.wait()
        with pytest.raises(DBAPIError, match="in use by another task"):
            await shared.execute(text("SELECT words FROM answers"))
        other_process.commit()
        await writing
        await shared.commit()
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT words FROM answers"))).all()
    assert rows == [("first",)]


async def test_dispose_returns_with_the_file_closed(tmp_path: Path) -> None:
    path = tmp_path / "closed.db"
    engine = create_database(sqlite_url(path))
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (a)"))
    await engine.dispose()
    open_files = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            open_files.add(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # the listing's own descriptor, closed by now
            continue
    assert not {name for name in open_files if name.startswith(str(path))}


async def test_a_turn_cancelled_while_its_statement_waits_in_the_thread_leaves_no_trace(
    traced: tuple[AsyncEngine, Trace, Path],
) -> None:
    """SQLAlchemy closes the connection of a cancelled task at once; the close must wait
    for the thread to finish with it (closing under a running statement crashed Python)."""
    engine, trace, path = traced
    other_process = OtherProcess(path, "theirs")
    writing = asyncio.create_task(_answer(engine, "cancelled"))
    await trace.busy_wait.wait()
    writing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await writing
    other_process.commit()

    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT words FROM answers"))).all()
    assert rows == [("theirs",)]
