"""Every column that holds words a user (or an admin) wrote, sealed with `NoteCipher`; and
`rotate_sealed`, which re-encrypts all of them under the first key.

This list is the one place that says which values are sealed: a table that stores user
text adds its column here, and `prep-talk keys rotate` then covers it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Column, CursorResult, Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import ColumnProperty, InstrumentedAttribute

from bot.storage.crypto import KEYS_VARIABLE, NoteCipher, NoteKeyError
from bot.storage.models import DialogState, Note, PrepConversation, Tenant

ROTATE_BATCH = 500


@dataclass(frozen=True, slots=True)
class SealedColumn:
    """A text column sealed by `NoteCipher`, beside the flag saying whether it is encrypted.
    The table needs a one-column primary key (rotation walks the table in key order)."""

    kind: str  # what `prep-talk keys rotate` counts, e.g. "notes"
    body: InstrumentedAttribute[Any]
    encrypted: InstrumentedAttribute[bool]

    @property
    def table(self) -> Table:
        return _column(self.body).table

    @property
    def key(self) -> Column[Any]:
        [key] = self.table.primary_key.columns
        return key


SEALED_COLUMNS = (
    SealedColumn("dialog states", DialogState.document, DialogState.encrypted),
    SealedColumn("goals", PrepConversation.goal, PrepConversation.goal_encrypted),
    SealedColumn("notes", Note.body, Note.encrypted),
    SealedColumn("missions", Tenant.mission, Tenant.mission_encrypted),
)


@dataclass(slots=True)
class RotationReport:
    """What a rotation did, per kind of value."""

    rotated: Counter[str] = field(default_factory=Counter)
    unreadable: Counter[str] = field(default_factory=Counter)  # no configured key opens them
    changed: Counter[str] = field(default_factory=Counter)  # rewritten by a turn meanwhile


async def rotate_sealed(
    sessions: async_sessionmaker[AsyncSession],
    cipher: NoteCipher,
    batch_size: int = ROTATE_BATCH,
) -> RotationReport:
    """Re-encrypt every sealed value (everyone's) under the cipher's first key.

    Each batch is its own transaction, so a run can stop anywhere and the next run finishes
    the job; values already under the first key are left alone. A value is only replaced if
    it still holds the ciphertext that was read, so a turn saved meanwhile always wins.
    """
    if not cipher.encrypts:
        raise NoteKeyError(f"no key to rotate to; set {KEYS_VARIABLE}")
    report = RotationReport()
    for sealed in SEALED_COLUMNS:
        after, more = None, True
        while more:
            async with sessions.begin() as session:
                after, more = await _rotate_batch(
                    session, sealed, cipher, after, batch_size, report
                )
    return report


async def _rotate_batch(
    session: AsyncSession,
    sealed: SealedColumn,
    cipher: NoteCipher,
    after: Any,
    batch_size: int,
    report: RotationReport,
) -> tuple[Any, bool]:
    """Rotate the next `batch_size` values after key `after` (None: from the start); return
    the last key read and whether more may follow."""
    body, flag, key = _column(sealed.body), _column(sealed.encrypted), sealed.key
    query = select(key, body, flag).where(body.is_not(None)).order_by(key).limit(batch_size)
    if after is not None:
        query = query.where(key > after)
    rows = (await session.execute(query)).all()
    for row_key, old, encrypted in rows:
        if cipher.is_current(old, encrypted):
            continue
        try:
            new = cipher.rotate(old, encrypted)
        except NoteKeyError:
            report.unreadable[sealed.kind] += 1
            continue
        swap = (
            update(sealed.table)
            .where(key == row_key, body == old, flag == encrypted)
            .values({body: new, flag: True})
        )
        swapped = cast(CursorResult[Any], await session.execute(swap)).rowcount
        (report.rotated if swapped else report.changed)[sealed.kind] += 1
    return (rows[-1][0] if rows else after), len(rows) == batch_size


def _column(attribute: InstrumentedAttribute[Any]) -> Column[Any]:
    return cast(Column[Any], cast(ColumnProperty[Any], attribute.property).columns[0])
