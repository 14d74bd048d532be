"""Every word a user (or an admin) writes is encrypted at rest, on SQLite and PostgreSQL;
keys rotate while the server runs; a lost key costs only the values it sealed."""

from __future__ import annotations

import asyncio
import io
import sqlite3
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Text, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.cli import commands, keys
from bot.coach import Coach
from bot.engine.messages import Command, Inbound, Reply
from bot.storage import db
from bot.storage.crypto import UNREADABLE, NoteCipher
from bot.storage.schema import metadata
from bot.storage.sealed import SEALED_COLUMNS, rotate_sealed
from bot.users import UserRef
from tests.storage.at_rest import coach_with, settings_with, stored_bytes, wal_of
from tests.support.db_fixtures import migrated_sqlite_url

Sessions = async_sessionmaker[AsyncSession]

ALICE = UserRef("slack", "T1", "U1")
BOB = UserRef("slack", "T1", "U2")
KEY_A, KEY_B = Fernet.generate_key(), Fernet.generate_key()
MARK = "zebrafinch"  # in every answer; must never reach the disk in the clear
MISSION = f"Keep every {MARK} family travelling"
GOAL = f"Sales finish the {MARK} course so deals stay safe"
HYPOTHESIS = f"They think the {MARK} course is generic"

PREP = [
    Inbound(command=Command.START, argument="sales"),
    Inbound(text=HYPOTHESIS),
    Inbound(choice="next"),
    Inbound(text=f"What would make the {MARK} course worth your time"),
    Inbound(choice="next"),
    Inbound(text=GOAL),
    Inbound(choice="next"),
    Inbound(text="2027-01-12"),
    Inbound(choice="next"),
    Inbound(text=f"Your sellers work from hotels. I want {MARK} customer files safe anywhere."),
    Inbound(choice="next"),
    Inbound(text=f"Customer trust wins {MARK} renewals."),
    Inbound(choice="next"),
]
DEBRIEF = [
    Inbound(text=f"The {MARK} training lands at quarter-end and feels generic."),
    Inbound(text=f"A 20-minute {MARK} module in week 3 of Q1."),
    Inbound(text=f"I draft the {MARK} module with sales enablement by 15 January."),
    Inbound(text=f"{MARK} completion in sales: 42% now, goal 90% by 15 March"),
    Inbound(choice="use_due_day"),
]
NOTE_STEPS = ("feel", "focus", "timing", "simplify", "why", "brief", "debrief")


def test_every_free_text_column_is_on_the_list_of_sealed_columns() -> None:
    """Free text (SQL TEXT) is what people write; a new such column must be sealed too."""
    free_text = {
        (table.name, column.name)
        for table in metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, Text)
    }
    assert free_text == {(sealed.table.name, sealed.body.key) for sealed in SEALED_COLUMNS}


async def whole_prep(coach: Coach, user: UserRef, *, debrief: bool = True) -> tuple[int, str]:
    """Run a whole prep (and its debrief); return its id and everything the coach said."""
    said: list[Reply] = []
    for inbound in PREP:
        answer = await coach.answer(user, inbound)
        said += answer.replies
    assert answer.prep_id is not None
    if debrief:
        said += await coach.handle(
            user, Inbound(command=Command.DEBRIEF, argument=str(answer.prep_id))
        )
        for inbound in DEBRIEF:
            said += await coach.handle(user, inbound)
    return answer.prep_id, "\n".join(reply.text for reply in said)


async def test_a_whole_prep_and_debrief_are_stored_sealed_and_read_back_whole(
    database_url: str,
) -> None:
    async with coach_with(database_url, KEY_A) as coach:
        await coach.configure_tenant("slack", "T1", fiscal_year_start_month=None, mission=MISSION)
        prep_id, said = await whole_prep(coach, ALICE)
        on_disk = await asyncio.to_thread(stored_bytes, database_url)
        if database_url.startswith("sqlite"):
            assert wal_of(database_url).stat().st_size > 0  # read before any checkpoint

    assert b"dialog_states" in on_disk  # the real database was read
    assert MARK.encode() not in on_disk
    assert MISSION in said  # the Spark step opened the sealed mission
    async with coach_with(database_url, KEY_A) as coach:  # as after a restart
        [prep] = await coach.preps(ALICE)
        assert (prep.id, prep.status, prep.goal) == (prep_id, "closed", GOAL)
        detail = await coach.prep(ALICE, prep_id)
        assert detail is not None
        notes = {note.step: note.text for note in detail.notes}
        assert tuple(notes) == NOTE_STEPS
        assert all(MARK in notes[step] for step in NOTE_STEPS if step != "timing")
        assert (await coach.settings_of(ALICE)).mission == MISSION
        [outcome] = await coach.outcomes(ALICE)
        assert outcome.prep_id == prep_id
        assert (
            outcome.progress == f"{MARK} completion in sales: 42% now, goal 90% by Mon 15 Mar 2027"
        )
        assert outcome.outcome.follow_up_on == date(2027, 3, 15)
        assert await coach.outcomes(BOB) == []  # private to its author


async def test_rotation_moves_every_value_to_the_new_key_so_the_old_one_can_go(
    database_url: str, engine: AsyncEngine
) -> None:
    async with coach_with(database_url, KEY_A) as coach:
        await coach.configure_tenant("slack", "T1", fiscal_year_start_month=None, mission=MISSION)
        prep_id, _ = await whole_prep(coach, ALICE)
        await coach.handle(BOB, PREP[0])
        await coach.handle(BOB, PREP[1])  # Bob stops after his first hypothesis
    notes = await count(engine, "SELECT count(*) FROM notes")

    out = io.StringIO()
    assert await keys.rotate(settings_with(database_url, KEY_B, KEY_A), out) == commands.EXIT_OK
    assert out.getvalue() == (
        f"dialog states: 2 rotated\ngoals: 1 rotated\nnotes: {notes} rotated\nmissions: 1 rotated\n"
        "inbound turns: 0 rotated\ninbound answers: 0 rotated\n"  # none: turns came via the coach
    )

    async with coach_with(database_url, KEY_B) as coach:  # key A removed
        [prep] = await coach.preps(ALICE)
        assert prep.goal == GOAL
        detail = await coach.prep(ALICE, prep_id)
        assert detail and all(UNREADABLE not in note.text for note in detail.notes)
        assert MARK in detail.notes[-1].text
        assert (await coach.settings_of(ALICE)).mission == MISSION
        replies = await coach.handle(BOB, Inbound(text=f"Another {MARK} guess"))
        assert HYPOTHESIS in replies[-1].text  # Bob's dialog state opens with key B alone

    again = io.StringIO()
    assert await keys.rotate(settings_with(database_url, KEY_B), again) == commands.EXIT_OK
    assert again.getvalue() == (
        "dialog states: 0 rotated\ngoals: 0 rotated\nnotes: 0 rotated\nmissions: 0 rotated\n"
        "inbound turns: 0 rotated\ninbound answers: 0 rotated\n"
    )


async def test_rotation_encrypts_what_was_written_before_a_key_was_set(
    database_url: str,
) -> None:
    async with coach_with(database_url) as coach:
        await coach.configure_tenant("slack", "T1", fiscal_year_start_month=None, mission=MISSION)
        await whole_prep(coach, ALICE, debrief=False)
        assert MARK.encode() in await asyncio.to_thread(stored_bytes, database_url)

    out = io.StringIO()
    assert await keys.rotate(settings_with(database_url, KEY_A), out) == commands.EXIT_OK
    assert "dialog states: 1 rotated\ngoals: 1 rotated\n" in out.getvalue()

    async with coach_with(database_url, KEY_A) as coach:
        [prep] = await coach.preps(ALICE)
        assert prep.goal == GOAL
        on_disk = await asyncio.to_thread(stored_bytes, database_url)
    assert MARK.encode() not in on_disk


class Crash(Exception):
    """The rotating process dies."""


class CrashingCipher(NoteCipher):
    """Rotates `survives` values, then the process "dies" in the middle of a batch."""

    def __init__(self, keys: list[bytes], survives: int) -> None:
        super().__init__(keys)
        self.left = survives

    def rotate(self, body: str, encrypted: bool) -> str:
        if self.left == 0:
            raise Crash
        self.left -= 1
        return super().rotate(body, encrypted)


async def test_an_interrupted_rotation_keeps_its_finished_batches_and_a_rerun_finishes(
    database_url: str, engine: AsyncEngine, sessions: Sessions
) -> None:
    async with coach_with(database_url, KEY_A) as coach:
        await whole_prep(coach, ALICE)
    notes = await count(engine, "SELECT count(*) FROM notes")

    # batches of 2: the state, the goal, then notes 1-2 commit; the batch of notes 3-4 dies
    try:
        await rotate_sealed(sessions, CrashingCipher([KEY_B, KEY_A], survives=5), batch_size=2)
    except Crash:
        pass
    else:
        raise AssertionError("the rotation should have died")

    report = await rotate_sealed(sessions, NoteCipher([KEY_B, KEY_A]), batch_size=2)
    assert dict(report.rotated) == {"notes": notes - 2}
    async with coach_with(database_url, KEY_B) as coach:
        detail = await coach.prep(ALICE, 1)
        assert detail and all(MARK in note.text for note in detail.notes[:2])
        assert detail.goal == GOAL


class RacingCipher(NoteCipher):
    """While the first value is being rotated, a turn on another replica saves the prep."""

    def __init__(self, keys: list[bytes], rival: Callable[[], Awaitable[object]]) -> None:
        super().__init__(keys)
        self.rival: Callable[[], Awaitable[object]] | None = rival

    def rotate(self, body: str, encrypted: bool) -> str:
        if self.rival is not None:
            rival, self.rival = self.rival, None
            with ThreadPoolExecutor(max_workers=1) as other_process:
                other_process.submit(asyncio.run, rival()).result()
        return super().rotate(body, encrypted)


async def test_rotation_never_overwrites_a_turn_saved_meanwhile(
    database_url: str, sessions: Sessions
) -> None:
    async with coach_with(database_url, KEY_A) as coach:
        await coach.handle(ALICE, PREP[0])
        await coach.handle(ALICE, PREP[1])
    second = f"Quarter-end {MARK} pressure"

    async def turn_on_a_server_with_the_new_key() -> None:
        async with coach_with(database_url, KEY_B, KEY_A) as server:
            await server.handle(ALICE, Inbound(text=second))

    racing = RacingCipher([KEY_B, KEY_A], turn_on_a_server_with_the_new_key)
    report = await rotate_sealed(sessions, racing, batch_size=1)

    assert report.changed["dialog states"] == 1 and report.rotated["dialog states"] == 0
    async with coach_with(database_url, KEY_B) as coach:
        replies = await coach.handle(ALICE, PREP[0])  # resume: the dialog state opens
        assert HYPOTHESIS in replies[-1].text and second in replies[-1].text


async def test_a_value_sealed_with_a_lost_key_costs_only_that_value(database_url: str) -> None:
    async with coach_with(database_url, KEY_A) as coach:
        await coach.configure_tenant("slack", "T1", fiscal_year_start_month=None, mission=MISSION)
        sales_id, _ = await whole_prep(coach, ALICE, debrief=False)

    async with coach_with(database_url, KEY_B) as coach:  # key A dropped before rotating
        await coach.handle(ALICE, Inbound(command=Command.START, argument="cfo"))
        await coach.handle(ALICE, Inbound(text=f"Finance fears the {MARK} cost"))

        [line] = await coach.handle(ALICE, Inbound(command=Command.RESUME, argument=str(sales_id)))
        assert "PREPTALK_ENCRYPTION_KEYS" in line.text and "\n" not in line.text
        assert MARK not in line.text and "Traceback" not in line.text

        goals = {prep.stakeholder: prep.goal for prep in await coach.preps(ALICE)}
        assert goals == {"sales": UNREADABLE, "finance": None}
        sales = await coach.prep(ALICE, sales_id)
        assert sales and {note.text for note in sales.notes} == {UNREADABLE}
        listed = io.StringIO()
        assert await commands.notes_list(coach, ALICE, False, listed) == commands.EXIT_OK
        assert len(listed.getvalue().splitlines()) == 2
        replies = await coach.handle(ALICE, Inbound(command=Command.START, argument="cfo"))
        assert f"Finance fears the {MARK} cost" in replies[-1].text  # the cfo prep goes on
        assert (await coach.settings_of(ALICE)).mission is None  # the Spark step skips it

    out, err = io.StringIO(), io.StringIO()
    assert await keys.rotate(settings_with(database_url, KEY_B), out, err) == keys.EXIT_UNREADABLE
    assert "notes: 0 rotated, 6 unreadable" in out.getvalue()
    [complaint] = err.getvalue().splitlines()
    assert "PREPTALK_ENCRYPTION_KEYS" in complaint


async def count(engine: AsyncEngine, sql: str) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text(sql))).scalar_one())


async def test_rotation_says_so_when_a_reader_keeps_old_pages_in_the_sqlite_wal(
    migrated_sqlite_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process reading through the whole busy timeout keeps the WAL from being
    emptied: the rotation is done, but the operator is told to run it again (exit 3)."""
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 50)
    url = migrated_sqlite_url(migrated_sqlite_file, tmp_path)
    async with coach_with(url, KEY_A) as coach:
        await coach.handle(ALICE, PREP[0])
    reader = sqlite3.connect(tmp_path / "prep-talk.db", isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM dialog_states").fetchall()  # holds a WAL snapshot
    out, err = io.StringIO(), io.StringIO()
    try:
        assert await keys.rotate(settings_with(url, KEY_B, KEY_A), out, err) == 3
    finally:
        reader.close()
    assert "dialog states: 1 rotated" in out.getvalue()
    assert "run `prep-talk keys rotate` again" in err.getvalue()
    assert await keys.rotate(settings_with(url, KEY_B), io.StringIO(), err) == commands.EXIT_OK
