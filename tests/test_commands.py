"""Commands outside the dialog (list, history, resume, notes, debrief, nudges, check, forget)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.coach import NO_SUCH_PREP, Coach
from bot.commands import UserCommand, Word, did_you_mean, parse_command, run_command
from bot.engine.flow import MAX_TEXT
from bot.engine.prep_numbers import prep_number
from bot.runtime import open_coach
from bot.settings import Settings
from bot.users import UserRef
from tests.support.outcomes import debriefed_with_outcome
from tests.test_coach import ALICE, FULL, NOW, run


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[Coach]:
    async with open_coach(Settings(database_url=database_url)) as ready:
        ready.clock = lambda: NOW
        yield ready


async def do(coach: Coach, words: str, user: UserRef = ALICE) -> str:
    command = parse_command(words, coach)
    assert command is not None, words
    answer = await run_command(coach, user, command, "/prep-talk ")
    return "\n".join(reply.text for reply in answer.replies)


def test_words_become_commands_and_other_words_do_not(coach: Coach) -> None:
    assert parse_command("sales", coach) == UserCommand(Word.START, "sales")
    assert parse_command("prep cfo", coach) == UserCommand(Word.START, "cfo")
    assert parse_command("debrief 12", coach) == UserCommand(Word.DEBRIEF, "12")
    assert parse_command("outcome 12 71%", coach) == UserCommand(Word.OUTCOME, "12 71%")
    assert parse_command("", coach) == UserCommand(Word.HELP)
    assert parse_command("They think it is generic", coach) is None
    [hint] = did_you_mean("finanse", coach, "/prep-talk ")
    assert "Did you mean /prep-talk finance?" in hint.text


async def test_history_resume_notes_and_debrief(coach: Coach) -> None:
    await run(coach, ALICE, *FULL)
    history = await do(coach, "history")
    assert "sales — briefed" in history
    [prep] = await coach.preps(ALICE)
    assert "Sales finish the course" in await do(coach, f"notes {prep.id}")
    assert "no such prep" in await do(coach, f"notes {prep.id}", UserRef("slack", "T1", "U9"))
    assert "What did you hear?" in await do(coach, f"debrief {prep.id}")
    assert "You were at: Debrief" in await do(coach, f"resume {prep.id}")


async def test_nudges_check_and_forget_with_confirmation(coach: Coach) -> None:
    assert "Nudges are on" in await do(coach, "nudges on")
    assert "nudges snooze" in await do(coach, "nudges maybe")
    assert "Snoozed: no nudges from me until" in await do(coach, "nudges snooze")
    assert (await coach.settings_of(ALICE)).nudges_opt_in is True
    checked = await do(coach, "check We must enforce MFA now")
    assert "thing to look at" in checked or "things to look at" in checked
    await run(coach, ALICE, *FULL[:3])
    asked = await do(coach, "forget")
    assert "cannot be undone" in asked and len(await coach.preps(ALICE)) == 1
    assert "deleted 1 prep" in await do(coach, "forget confirmed")
    assert await coach.preps(ALICE) == []


async def test_check_says_when_it_checked_only_the_start_of_a_long_draft(coach: Coach) -> None:
    long_draft = "We must enforce MFA now. " + "Sales keeps deals safe on the road. " * 300
    command = parse_command(f"check {long_draft}", coach)
    assert command is not None
    answer = await run_command(coach, ALICE, command, "/prep-talk ")
    told, *checked = answer.replies
    assert f"so I checked the first {MAX_TEXT:,} characters" in told.text
    terms = {getattr(finding, "term", None) for reply in checked for finding in reply.findings}
    assert "MFA" in terms  # the start was checked all the same
    assert "characters" not in await do(coach, "check We must enforce MFA now")


async def test_outcome_lists_and_records_and_leaves_the_prep_in_progress_alone(
    coach: Coach,
) -> None:
    prep_id = await debriefed_with_outcome(coach, ALICE)
    listed = await do(coach, "outcome")
    assert f"#{prep_id} sales — training completion in sales: 42% now, goal 90%" in listed
    await run(coach, ALICE, *FULL[:3])  # a new prep, in progress
    recorded = await do(coach, f"outcome {prep_id} 71%")
    assert "Recorded: training completion in sales: 42% → 71%, goal 90%" in recorded
    assert {p.status for p in await coach.preps(ALICE)} == {"in_progress", "closed"}
    assert "Give the new number only" in await do(coach, f"outcome {prep_id} lots")

    bob = UserRef("slack", "T1", "U9")
    assert NO_SUCH_PREP in await do(coach, f"outcome {prep_id} 99%", bob)
    assert "No measured outcomes yet" in await do(coach, "outcome", bob)
    [outcome] = await coach.outcomes(ALICE)
    assert [reading.value for reading in outcome.outcome.readings] == [71]


@pytest.mark.parametrize(
    "words",
    [
        "outcome ² 5%",
        "outcome 2147483648 5%",
        "notes ²",
        "resume ²",
        "debrief ①",
        "export ٣x",
        "notes 99999999999999999999999",
        "resume 99999999999999999999999",
        "debrief 2147483648",
        "resume #0",
    ],
)
async def test_a_number_no_prep_can_have_is_no_such_prep(coach: Coach, words: str) -> None:
    await run(coach, ALICE, *FULL[:3])
    before = await coach.preps(ALICE)
    assert NO_SUCH_PREP in await do(coach, words)
    assert await coach.preps(ALICE) == before  # nothing resumed, paused or opened


def test_a_prep_number_is_ascii_digits_within_the_database_integer() -> None:
    assert [prep_number(text) for text in ("12", " #12 ", "2147483647")] == [12, 12, 2**31 - 1]
    assert [prep_number(text) for text in ("²", "①", "-1", "0", "1e3", "2147483648", "")] == [
        None
    ] * 7
