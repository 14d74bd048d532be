"""`prep-talk keys rotate`: re-encrypt every sealed value under the first key.

Safe while the server runs (a value a turn rewrote meanwhile is left to that turn) and
resumable (a second run finishes what an interrupted one left). Once it reports nothing
unreadable, the old keys can be removed from PREPTALK_ENCRYPTION_KEYS.
"""

from __future__ import annotations

import sys
from typing import TextIO

from bot.cli.commands import EXIT_OK, EXIT_USAGE
from bot.settings import Settings
from bot.storage.crypto import KEYS_VARIABLE, NoteCipher, NoteKeyError
from bot.storage.db import create_database, drop_freed_pages, session_factory
from bot.storage.sealed import SEALED_COLUMNS, RotationReport, rotate_sealed

EXIT_UNREADABLE = 1  # some values open with no configured key: keep the old key for now
EXIT_NOT_SCRUBBED = 3  # rotated, but SQLite's WAL may still hold old pages: run it again


async def rotate(settings: Settings, out: TextIO, err: TextIO = sys.stderr) -> int:
    """Rotate every sealed value of the configured database; print counts per kind."""
    engine = create_database(settings.database_url)
    try:
        report = await rotate_sealed(session_factory(engine), NoteCipher(settings.note_keys))
        scrubbed = await drop_freed_pages(engine)
    except NoteKeyError as error:
        err.write(f"prep-talk: {error}\n")
        return EXIT_USAGE
    finally:
        await engine.dispose()
    out.writelines(_lines(report))
    if not scrubbed:
        err.write(
            "prep-talk: another process kept reading the database, so its write-ahead log "
            "(the -wal file) may still hold old text; run `prep-talk keys rotate` again when "
            "the server is quiet\n"
        )
        return EXIT_NOT_SCRUBBED
    if report.unreadable:
        err.write(
            f"prep-talk: {report.unreadable.total()} values were encrypted with a key that is "
            f"not in {KEYS_VARIABLE}; add it after the new key and rotate again\n"
        )
        return EXIT_UNREADABLE
    return EXIT_OK


def _lines(report: RotationReport) -> list[str]:
    lines = []
    for kind in (sealed.kind for sealed in SEALED_COLUMNS):
        line = f"{kind}: {report.rotated[kind]} rotated"
        if report.changed[kind]:
            line += f", {report.changed[kind]} rewritten by a turn meanwhile (left as they are)"
        if report.unreadable[kind]:
            line += f", {report.unreadable[kind]} unreadable"
        lines.append(line + "\n")
    return lines
