"""Rehearsal through the coach service on a real database (SQLite and PostgreSQL): the
scorecard is saved as a note of the prep, private to its author and sealed at rest."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.coach import Coach
from bot.engine.messages import Command, Expects, Inbound, Reply, Step
from bot.runtime import open_coach
from bot.settings import Settings
from bot.users import UserRef
from tests.test_coach import ALICE, FULL, NOW, picks, run, says, start

QUOTE = "I hear you, and I'll keep it to fifteen minutes in a quiet week. What would help most?"


@pytest.fixture
async def sealed_coach(database_url: str) -> AsyncIterator[Coach]:
    settings = Settings(database_url=database_url, encryption_keys=Fernet.generate_key().decode())
    async with open_coach(settings) as ready:
        ready.clock = lambda: NOW
        yield ready


def rehearse(argument: str | None) -> Inbound:
    return Inbound(command=Command.REHEARSE, argument=argument)


async def answer_until_the_scorecard(coach: Coach, user: UserRef) -> list[Reply]:
    replies: list[Reply] = []
    for _line in range(10):
        replies = await coach.handle(user, says(QUOTE))
        if replies[-1].expects is Expects.NONE:
            return replies
    raise AssertionError("the rehearsal never ended")


async def test_the_scorecard_is_a_private_sealed_note_of_the_prep(sealed_coach: Coach) -> None:
    coach = sealed_coach
    await run(coach, ALICE, *FULL)
    [prep] = await coach.preps(ALICE)
    opening = await coach.answer(ALICE, rehearse(str(prep.id)))
    assert opening.prep_id == prep.id and opening.replies[-1].cue is not None
    replies = await answer_until_the_scorecard(coach, ALICE)
    card = next(r.text for r in replies if r.text.startswith("Rehearsal scorecard"))
    detail = await coach.prep(ALICE, prep.id)
    assert detail is not None and detail.status == "briefed"
    notes = {note.step: note.text for note in detail.notes}
    assert notes["rehearse"] == card and QUOTE[:40] in card
    async with coach.sessions() as session:
        bodies = (await session.execute(text("SELECT body FROM notes"))).scalars().all()
        states = (await session.execute(text("SELECT document FROM dialog_states"))).scalars()
        stored = [*bodies, *(str(document) for document in states.all())]
    assert stored and all("fifteen minutes" not in body for body in stored)
    for stranger in (UserRef("slack", "T1", "U2"), UserRef("teams", "T1", "U1")):
        assert await coach.prep(stranger, prep.id) is None
        answer = await coach.handle(stranger, rehearse(str(prep.id)))
        assert "no such prep" in answer[-1].text


async def test_the_briefs_rehearse_button_rehearses_the_prep_it_was_shown_in(
    sealed_coach: Coach,
) -> None:
    coach = sealed_coach
    await run(coach, ALICE, *FULL)
    [briefed] = await coach.preps(ALICE)
    await run(coach, ALICE, start("finance"), says("Close is busy"))
    click = Inbound(choice="rehearse", prep_id=briefed.id, step=Step.BRIEF)
    answer = await coach.answer(ALICE, click)
    assert answer.prep_id == briefed.id and answer.replies[-1].step is Step.REHEARSE
    assert answer.replies[-1].cue is not None and answer.replies[-1].cue.role == "the VP of Sales"
    statuses = {p.stakeholder: p.status for p in await coach.preps(ALICE)}
    assert statuses == {"sales": "in_progress", "finance": "paused"}


async def test_rehearse_by_stakeholder_or_latest_finds_the_briefed_prep(
    sealed_coach: Coach,
) -> None:
    coach = sealed_coach
    await run(coach, ALICE, *FULL)
    by_name = await coach.answer(ALICE, rehearse("sales"))
    assert by_name.replies[-1].step is Step.REHEARSE
    await coach.handle(ALICE, picks("pause"))
    latest = await coach.answer(ALICE, rehearse(None))
    assert latest.prep_id == by_name.prep_id and "Back to your rehearsal" in latest.replies[0].text
