"""A throwaway PostgreSQL server for tests, without pytest (conftest files wrap it in fixtures).

`TempPostgres().start()` runs `initdb` + `pg_ctl` in a temporary directory on a free port
(through `runuser -u postgres` when we are root: the server refuses to run as root), or,
when PREPTALK_TEST_POSTGRES_URL names a server, uses that one instead. Either way every
database it hands out is created fresh and dropped again by `stop()`.

    server = TempPostgres().start()
    url = server.create_database()     # postgresql+asyncpg://…/preptalk_3f2a…, empty
    ...
    server.stop()
"""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import asyncpg
from sqlalchemy.engine import URL, make_url

ENV_URL = "PREPTALK_TEST_POSTGRES_URL"
SERVER_USER = "prep"
OS_USER = "postgres"
START_ATTEMPTS = 3

T = TypeVar("T")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be started or reached; the message says why."""


def must_have_postgres() -> bool:
    """In CI (CI=true) a missing PostgreSQL is a failure, not a reason to skip."""
    return os.environ.get("CI", "").lower() == "true"


def find_binaries() -> Path | None:
    """The directory holding `initdb` and `pg_ctl`: the newest Debian install, else PATH."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: _version_key(path.parent.name),
        reverse=True,
    )
    for directory in versions:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    return None


def postgres_available() -> bool:
    """True when a server is configured, or one can probably be started here."""
    if os.environ.get(ENV_URL):
        return True
    return find_binaries() is not None and (os.geteuid() != 0 or _drop_root_prefix() is not None)


class TempPostgres:
    """One PostgreSQL server for a test run, and the fresh databases made in it."""

    def __init__(self) -> None:
        self._admin: URL | None = None
        self._workdir: Path | None = None
        self._bin: Path | None = None
        self._created: list[str] = []
        self.url = ""

    def start(self) -> TempPostgres:
        """Start (or connect to) the server and create the run's database, `self.url`."""
        configured = os.environ.get(ENV_URL)
        if configured:
            self._admin = _asyncpg_url(configured)
        else:
            self._admin = self._start_local()
        try:  # a shared server may serve several runs at once: their databases get unique names
            self.url = self.create_database(None if configured else "preptalk")
        except (OSError, asyncpg.PostgresError) as error:
            self.stop()
            raise PostgresUnavailable(f"cannot create a database: {error}") from error
        return self

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        """Create a database (by default with a unique name); return its SQLAlchemy URL.

        It is empty, or, given the URL of a `template` made here, a copy of that database
        (which nothing may be connected to meanwhile: PostgreSQL copies its files)."""
        name = name or f"preptalk_{uuid.uuid4().hex[:12]}"
        if not name.isidentifier() or not name.islower():
            raise ValueError(f"{name!r}: use lower-case letters, digits and _ only")
        source = f' TEMPLATE "{self._own_database(template)}"' if template else ""
        self._admin_sql(f'CREATE DATABASE "{name}"{source}')
        self._created.append(name)
        return self._require_admin().set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        """Drop a database made by `create_database`, closing any connections left to it."""
        name = self._own_database(url)
        self._admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._created.remove(name)

    def _own_database(self, url: str) -> str:
        name = make_url(url).database or ""
        if name not in self._created:
            raise ValueError(f"{name!r} was not created by this server helper")
        return name

    def stop(self) -> None:
        """Drop what we created; stop and delete a server we started."""
        try:
            if self._admin is not None:
                for name in list(self._created):
                    self._admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    self._created.remove(name)
        finally:
            self._stop_local()

    def __enter__(self) -> TempPostgres:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _require_admin(self) -> URL:
        if self._admin is None:
            raise RuntimeError("TempPostgres is not started")
        return self._admin

    def _admin_sql(self, sql: str) -> None:
        dsn = self._require_admin().set(drivername="postgresql").render_as_string(False)
        _in_worker_thread(lambda: asyncio.run(_execute(dsn, sql)))

    def _start_local(self) -> URL:
        directory = find_binaries()
        if directory is None:
            raise PostgresUnavailable("initdb/pg_ctl not found (install PostgreSQL server)")
        self._bin = directory
        self._workdir = Path(tempfile.mkdtemp(prefix="prep-talk-pg-"))
        for sub in ("data", "sockets"):
            (self._workdir / sub).mkdir()
        self._hand_over_to_os_user()
        self._run(
            "initdb", "-D", self._data, "-U", SERVER_USER, "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
        )  # fmt: skip
        port = self._start_server()
        return URL.create(
            "postgresql+asyncpg",
            username=SERVER_USER,
            host="127.0.0.1",
            port=port,
            database="postgres",
        )

    def _start_server(self) -> int:
        error = PostgresUnavailable("PostgreSQL did not start")
        for _attempt in range(START_ATTEMPTS):
            port = free_port()
            options = (
                f"-p {port} -k {shlex.quote(str(self._workdir / 'sockets'))} "
                "-c listen_addresses=127.0.0.1"
            )
            try:
                self._run("pg_ctl", "-D", self._data, "-l", self._log, "-w", "-t", "60",
                          "-o", options, "start")  # fmt: skip
                return port
            except PostgresUnavailable as failure:
                error = failure  # most likely the port was taken meanwhile: try another
        raise error

    def _stop_local(self) -> None:
        workdir, self._workdir = self._workdir, None
        if workdir is None:
            return
        try:
            if (workdir / "data" / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(workdir / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    @property
    def _data(self) -> str:
        assert self._workdir is not None
        return str(self._workdir / "data")

    @property
    def _log(self) -> str:
        assert self._workdir is not None
        return str(self._workdir / "postgres.log")

    def _hand_over_to_os_user(self) -> None:
        if os.geteuid() != 0:
            return
        assert self._workdir is not None
        for path in (self._workdir, self._workdir / "data", self._workdir / "sockets"):
            shutil.chown(path, OS_USER, OS_USER)

    def _run(self, program: str, *args: str) -> None:
        assert self._bin is not None
        command = [str(self._bin / program), *args]
        if os.geteuid() == 0:
            prefix = _drop_root_prefix()
            if prefix is None:
                raise PostgresUnavailable(f"running as root and no {OS_USER!r} user to run as")
            command = [*prefix, *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise PostgresUnavailable(
                f"{program} failed ({done.returncode}): {done.stderr.strip()}{self._log_tail()}"
            )

    def _log_tail(self) -> str:
        if self._workdir is None or not Path(self._log).exists():
            return ""
        lines = Path(self._log).read_text(errors="replace").splitlines()[-5:]
        return "\n" + "\n".join(lines) if lines else ""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _drop_root_prefix() -> list[str] | None:
    try:
        import pwd

        pwd.getpwnam(OS_USER)
    except KeyError:
        return None
    if shutil.which("runuser"):
        return ["runuser", "-u", OS_USER, "--"]
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={OS_USER}", f"--regid={OS_USER}", "--init-groups"]
    return None


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _asyncpg_url(url: str) -> URL:
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgres"):
        raise PostgresUnavailable(f"{ENV_URL} is not a postgresql:// URL")
    return parsed.set(drivername="postgresql+asyncpg")


async def _execute(dsn: str, sql: str) -> None:
    connection = await asyncpg.connect(dsn, timeout=30)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _in_worker_thread(work: Callable[[], T]) -> T:
    # asyncio.run must not touch the caller's thread: it may have (or be) an event loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


__all__ = [
    "ENV_URL",
    "PostgresUnavailable",
    "TempPostgres",
    "find_binaries",
    "free_port",
    "must_have_postgres",
    "postgres_available",
]
