"""SQLite for SQLAlchemy's asyncio engine, with statements run on the event loop's thread and
only what waits (a commit's fsync, another process's write lock, maintenance) sent to the
connection's own thread.

Why: aiosqlite runs every cursor call in a thread of its own, so one statement costs three or
four hand-offs (a queue put, a thread wake, a self-pipe write and read back on the loop).
Under 50 Slack users at once those hand-offs were a third of the server's CPU. A statement
on our indexed tables takes tens of microseconds, less than one hand-off; what can take
milliseconds is waiting, and that is what goes to the thread:
- COMMIT, which fsyncs the write-ahead log (`synchronous` stays at SQLite's default);
- a statement that finds another process holding the write lock: it is tried on the loop
  with no busy wait, and when SQLite answers SQLITE_BUSY it is run again in the thread,
  where the busy timeout lets it wait. In the driver's default ("legacy") transaction
  control the first write of a transaction is the first statement of it, so the failed try
  holds no snapshot and the retry starts afresh, as SQLite's own busy handler would;
- whatever commits (COMMIT, END, RELEASE of a savepoint, any write in autocommit mode);
- VACUUM, ANALYZE, REINDEX, WAL checkpoints and integrity checks, which read or rewrite
  whole files;
- opening the file and its first read, which recovers a WAL a crash left behind.

One connection is used by one session at a time (the engine's pool hands it out), so nothing
else in this process can hold SQLite's write lock while a statement runs on the loop. A
statement sent while the connection's thread still works for it (two tasks sharing one
connection) is refused, never run from two threads at once.

Used for every `sqlite://` URL (`create_database` and the migrations pick it); registered
with SQLAlchemy under `sqlite+preptalk` as an entry point in pyproject.toml.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import pool
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_module
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.engine.interfaces import AdaptedConnection
from sqlalchemy.util.concurrency import await_, in_greenlet

_T = TypeVar("_T")
DRIVER = "preptalk"
_BUSY = sqlite3.SQLITE_BUSY  # the primary code; SQLITE_BUSY_SNAPSHOT etc. share its low byte
# Statements that commit, or read or rewrite whole files: never on the loop.
_IN_THREAD = re.compile(
    r"(?:VACUUM|ANALYZE|REINDEX|COMMIT|END|RELEASE"
    r"|PRAGMA\s+(?:\w+\.)?(?:wal_checkpoint|integrity_check|quick_check|optimize))\b",
    re.IGNORECASE,
)
_LEADING_COMMENTS = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)


def _must_wait(operation: str) -> bool:
    start = _LEADING_COMMENTS.match(operation)
    return _IN_THREAD.match(operation, start.end() if start else 0) is not None


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) == _BUSY


async def _on_the_loop(run: Callable[[], object]) -> None:
    """Run `run` right here. Wrapped in a coroutine because SQLAlchemy's AsyncConnection
    wants each statement awaited (else AwaitRequired): awaiting it is one greenlet switch
    in this thread, and the loop is not entered."""
    run()


class LoopSQLiteConnection(AdaptedConnection):
    """A sqlite3 connection opened with no busy timeout, plus the thread that does its waits."""

    __slots__ = ("_busy_timeout_ms", "_closed", "_thread", "_working", "dbapi")

    def __init__(
        self,
        dbapi: LoopSQLiteModule,
        connection: sqlite3.Connection,
        thread: ThreadPoolExecutor,
        busy_timeout_ms: int,
    ) -> None:
        self.dbapi = dbapi
        self._connection = connection  # type: ignore[assignment]  # a sync sqlite3 connection
        self._thread = thread
        self._busy_timeout_ms = busy_timeout_ms
        self._working = False  # the thread is running something for this connection
        self._closed = False

    @property
    def sqlite(self) -> sqlite3.Connection:
        return self._connection  # type: ignore[return-value]

    @property
    def autocommit(self) -> bool:
        """Every statement is its own transaction (SQLAlchemy's AUTOCOMMIT)."""
        return self.sqlite.isolation_level is None

    def check_free(self) -> None:
        """Refuse a statement while the thread still works for this connection."""
        if self._working:
            raise sqlite3.ProgrammingError("this SQLite connection is in use by another task")

    def in_thread(self, call: Callable[[], _T]) -> _T:
        """Run `call` in the connection's thread, the loop serving others meanwhile."""
        self.check_free()
        self._working = True

        def working() -> _T:
            try:
                return call()
            finally:
                self._working = False

        return await_(asyncio.get_running_loop().run_in_executor(self._thread, working))

    def waiting(self, call: Callable[[], _T]) -> _T:
        """`call` in the thread with the busy timeout on: it may wait for another process."""

        def with_busy_timeout() -> _T:
            self.sqlite.execute(f"PRAGMA busy_timeout={self._busy_timeout_ms}")
            try:
                return call()
            finally:
                self.sqlite.execute("PRAGMA busy_timeout=0")

        return self.in_thread(with_busy_timeout)

    def cursor(self, server_side: bool = False) -> LoopSQLiteCursor:
        return LoopSQLiteCursor(self)

    def execute(self, operation: str, parameters: Any = None) -> LoopSQLiteCursor:
        cursor = self.cursor()
        cursor.execute(operation, parameters)
        return cursor

    def commit(self) -> None:
        if self.sqlite.in_transaction:  # the fsync: in the thread
            self.waiting(self.sqlite.commit)

    def rollback(self) -> None:
        self.sqlite.rollback()  # in WAL mode a rollback writes nothing and waits for nothing

    def close(self) -> None:
        """Closed in the thread, after whatever it is still doing: a task cancelled while
        its commit ran there gets its connection invalidated (closed) by SQLAlchemy at
        once, and closing it under the running commit would crash the process. Waited for
        from async code when the thread is idle (`engine.dispose()` returns with the file
        closed); only queued behind the work of a cancelled task (which may wait out the
        busy timeout) or from a garbage collector's callback. A second close does nothing."""
        if self._closed:
            return
        self._closed = True
        idle = not self._working
        closing = self._thread.submit(self.sqlite.close)
        self._thread.shutdown(wait=False)
        if idle and in_greenlet():
            await_(asyncio.shield(asyncio.wrap_future(closing)))

    def create_function(self, *args: Any, **kwargs: Any) -> None:
        self.sqlite.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self.sqlite.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: Any) -> None:  # None (autocommit) or how to BEGIN
        self.sqlite.isolation_level = value

    @property
    def in_transaction(self) -> bool:
        return self.sqlite.in_transaction


class LoopSQLiteCursor:
    """A sqlite3 cursor whose statements run here, unless they must wait (see the module).
    Rows are read when the statement runs, as SQLAlchemy's asyncio results expect: no
    statement is left open between awaits to hold a read snapshot."""

    __slots__ = ("_connection", "_cursor", "_rows")
    server_side = False

    def __init__(self, connection: LoopSQLiteConnection) -> None:
        self._connection = connection
        self._cursor = connection.sqlite.cursor()
        self._rows: deque[Any] = deque()

    def execute(self, operation: str, parameters: Any = None) -> LoopSQLiteCursor:
        run = partial(self._cursor.execute, operation, () if parameters is None else parameters)
        self._run(operation, run)
        return self

    def executemany(self, operation: str, rows: Sequence[Any]) -> LoopSQLiteCursor:
        self._run(operation, partial(self._cursor.executemany, operation, rows))
        return self

    def _run(self, operation: str, run: Callable[[], object]) -> None:
        def run_and_read() -> None:
            run()
            if self._cursor.description:
                self._rows = deque(self._cursor.fetchall())

        if self._connection.autocommit or _must_wait(operation):
            self._connection.waiting(run_and_read)
            return
        self._connection.check_free()
        try:
            await_(_on_the_loop(run_and_read))
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
            self._connection.waiting(run_and_read)

    async def _async_soft_close(self) -> None:
        """What SQLAlchemy calls once a result is buffered: the rows are already here."""

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self._cursor.arraysize if size is None else size
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    def fetchall(self) -> list[Any]:
        rows, self._rows = list(self._rows), deque()
        return rows

    def __iter__(self) -> Iterator[Any]:
        while self._rows:
            yield self._rows.popleft()

    def close(self) -> None:
        self._rows.clear()
        self._cursor.close()


class LoopSQLiteModule(AsyncAdapt_dbapi_module):
    """The DB-API module SQLAlchemy sees: sqlite3's names, and a `connect` that opens the
    file in the new connection's thread (opening may recover a WAL left by a crash)."""

    def __init__(self) -> None:
        super().__init__(sqlite3, dbapi_module=sqlite3)
        self.paramstyle = "qmark"

    def __getattr__(self, name: str) -> Any:
        return getattr(sqlite3, name)

    def connect(self, *args: Any, **kwargs: Any) -> LoopSQLiteConnection:
        # The busy timeout asked for (sqlite3's `timeout`, seconds) is used in the thread only.
        busy_timeout_ms = round(float(kwargs.pop("timeout", 5.0)) * 1000)
        kwargs["check_same_thread"] = False  # the thread commits what the loop wrote
        kwargs["timeout"] = busy_timeout_ms / 1000  # while opening: recovery may wait
        connect: Callable[[], sqlite3.Connection] = partial(sqlite3.connect, *args, **kwargs)

        def open_and_recover() -> sqlite3.Connection:
            connection = connect()
            try:
                connection.execute("PRAGMA schema_version")  # the first read: WAL recovery
                connection.execute("PRAGMA busy_timeout=0")  # on the loop, never wait
            except BaseException:
                connection.close()
                raise
            return connection

        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        opened = asyncio.get_running_loop().run_in_executor(thread, open_and_recover)
        try:
            connection = await_(opened)
        except BaseException:
            thread.shutdown(wait=False)
            raise
        return LoopSQLiteConnection(self, connection, thread, busy_timeout_ms)


class LoopSQLiteDialect(SQLiteDialect_pysqlite):
    """SQLAlchemy's pysqlite dialect, made async by `LoopSQLiteConnection`."""

    driver = DRIVER
    is_async = True
    supports_statement_cache = True
    has_terminate = False

    @classmethod
    def import_dbapi(cls) -> LoopSQLiteModule:
        return LoopSQLiteModule()

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool

    def get_driver_connection(self, connection: Any) -> Any:
        return connection.sqlite


dialect = LoopSQLiteDialect
