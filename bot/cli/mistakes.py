"""Mistakes an operator can fix, turned into one line that says what to fix.

`main` prints them as `prep-talk: <line>` and exits non-zero; nothing here prints. The
database is reached through `reaching_database` before any work, so a wrong
PREPTALK_DATABASE_URL names the host and port (never the password) instead of ending in a
driver's traceback.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.settings import SettingsError

DATABASE_VARIABLE = "PREPTALK_DATABASE_URL"


class Mistake(Exception):
    """A mistake in how a command was called: one line on stderr and this exit code."""

    def __init__(self, line: str, exit_code: int) -> None:
        super().__init__(line)
        self.exit_code = exit_code


@contextmanager
def reaching_database(url: str) -> Iterator[None]:
    """Turn a failure to open the database at `url` into a SettingsError naming the variable.

    Only failures to connect are translated: an error once connected (a failing migration,
    a bug) keeps its traceback, as it needs one to be fixed. A SQLite URL that names no file
    that can be made is refused before connecting.
    """
    _refuse_unusable_sqlite(url)
    try:
        yield
    except DBAPIError as error:
        if error.statement is not None:
            raise
        raise SettingsError(_cannot_open(url, str(error.orig))) from None
    except OSError as error:
        # asyncpg reports socket errors as they are (refused, unknown host, timeout).
        if make_url(url).get_backend_name() != "postgresql":
            raise
        raise SettingsError(_cannot_open(url, _socket_reason(error))) from None


def _refuse_unusable_sqlite(url: str) -> None:
    """SQLite makes its file on first use, but only in a folder that exists; and a database
    in memory is gone when the command ends."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return
    if not parsed.database or parsed.database == ":memory:":
        raise SettingsError(
            f"{DATABASE_VARIABLE}: name a SQLite file, e.g. sqlite:///prep-talk.db "
            "(an in-memory database is gone when the process ends)"
        )
    path = Path(parsed.database)
    if path.is_dir():
        raise SettingsError(
            f"{DATABASE_VARIABLE}: {path} is a folder; name the SQLite file in it, "
            f"e.g. {path}/prep-talk.db"
        )
    if not path.parent.is_dir():
        raise SettingsError(
            f"{DATABASE_VARIABLE}: folder {path.parent} does not exist; "
            "create it or choose another path"
        )


def _cannot_open(url: str, reason: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"{DATABASE_VARIABLE}: cannot open the SQLite file {parsed.database} ({reason})"
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    return f"{DATABASE_VARIABLE}: cannot connect to PostgreSQL at {where} ({reason})"


def _socket_reason(error: OSError) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return "host not found"
    if isinstance(error, TimeoutError):
        return "timed out"
    return error.strerror or str(error)


def drop_unread_output(stdout: TextIO) -> None:
    """The reader has gone (`prep-talk notes list | head`): point stdout at /dev/null, so
    the interpreter's last flush at exit does not fail again with "Exception ignored"."""
    try:
        descriptor = stdout.fileno()
    except (OSError, ValueError):  # not a file, e.g. a test's StringIO: nothing is flushed
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)
