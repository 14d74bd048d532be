"""The coach service on a real database (SQLite and PostgreSQL): turns, privacy, concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import event, text

from bot.coach import Coach
from bot.engine.messages import Command, Expects, Inbound, Step
from bot.runtime import open_coach
from bot.settings import Settings
from bot.users import UserRef

ALICE = UserRef("slack", "T1", "U1")
NOW = datetime(2026, 11, 27, 10, tzinfo=UTC)


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[Coach]:
    async with open_coach(Settings(database_url=database_url)) as ready:
        ready.clock = lambda: NOW
        yield ready


async def run(coach: Coach, user: UserRef, *inputs: Inbound) -> None:
    for inbound in inputs:
        await coach.handle(user, inbound)


def start(name: str = "sales") -> Inbound:
    return Inbound(command=Command.START, argument=name)


def says(value: str) -> Inbound:
    return Inbound(text=value)


def picks(value: str) -> Inbound:
    return Inbound(choice=value)


FULL = [
    start(),
    says("They think the course is generic"),
    picks("next"),
    picks("q1"),
    picks("next"),
    says("Sales finish the course so deals stay safe"),
    picks("next"),
    says("2027-01-12"),
    picks("next"),
    says("Your sellers work from hotels. I want customer files safe anywhere."),
    picks("next"),
    says("Customer trust wins renewals."),
    picks("next"),
]


async def test_a_full_prep_is_stored_as_notes(coach: Coach) -> None:
    await run(coach, ALICE, *FULL)
    [prep] = await coach.preps(ALICE)
    assert (prep.stakeholder, prep.status, str(prep.planned_date)) == (
        "sales",
        "briefed",
        "2027-01-12",
    )
    detail = await coach.prep(ALICE, prep.id)
    assert detail is not None
    steps = [note.step for note in detail.notes]
    assert steps == ["feel", "focus", "timing", "simplify", "why", "brief"]
    assert "Sales finish the course" in detail.notes[-1].text


async def test_notes_are_private_to_their_author(coach: Coach) -> None:
    await run(coach, ALICE, *FULL[:3])
    [prep] = await coach.preps(ALICE)
    for stranger in (
        UserRef("slack", "T1", "U2"),
        UserRef("slack", "T2", "U1"),
        UserRef("teams", "T1", "U1"),
    ):
        assert await coach.preps(stranger) == []
        assert await coach.prep(stranger, prep.id) is None
        replies = await coach.handle(stranger, picks("next"))
        assert "no prep in progress" in replies[-1].text
        replies = await coach.handle(
            stranger, Inbound(command=Command.RESUME, argument=str(prep.id))
        )
        assert "no such prep" in replies[-1].text
    detail = await coach.prep(ALICE, prep.id)
    assert detail and "generic" in detail.notes[0].text


async def test_starting_the_same_stakeholder_resumes_and_another_pauses(coach: Coach) -> None:
    await run(coach, ALICE, start(), says("Too busy at quarter end"), picks("next"))
    replies = await coach.handle(ALICE, start("cfo"))
    assert replies[-1].step is Step.FEEL
    preps = {p.stakeholder: p.status for p in await coach.preps(ALICE)}
    assert preps == {"sales": "paused", "finance": "in_progress"}
    replies = await coach.handle(ALICE, start("sales"))
    assert "Welcome back" in replies[0].text and replies[-1].expects is Expects.TEXT
    assert "Too busy at quarter end" not in replies[-1].text  # at the questions stage now
    preps = {p.stakeholder: p.status for p in await coach.preps(ALICE)}
    assert preps == {"sales": "in_progress", "finance": "paused"}


async def test_bad_input_changes_nothing_and_loses_nothing(coach: Coach) -> None:
    await run(coach, ALICE, start(), says("Nobody asks about it"))
    for odd in ["", "x" * 200_000, "'; DROP TABLE notes; --", "<!channel>", "\x00\x1b"]:
        replies = await coach.handle(ALICE, says(odd))
        assert replies and replies[-1].expects is not Expects.NONE
    await coach.handle(ALICE, picks("goal7"))
    [prep] = await coach.preps(ALICE)
    detail = await coach.prep(ALICE, prep.id)
    assert detail and "Nobody asks about it" in detail.notes[0].text
    assert "DROP TABLE" in detail.notes[0].text  # stored as data, the table is still there


async def test_unknown_stakeholder_suggests_the_closest(coach: Coach) -> None:
    replies = await coach.handle(ALICE, start("finanse"))
    assert "Did you mean finance?" in replies[0].text
    assert await coach.preps(ALICE) == []


async def test_concurrent_turns_are_applied_or_refused_never_lost(coach: Coach) -> None:
    await run(coach, ALICE, start())
    answers = await asyncio.gather(
        *(coach.handle(ALICE, says(f"hypothesis {n}")) for n in range(6))
    )
    [prep] = await coach.preps(ALICE)
    detail = await coach.prep(ALICE, prep.id)
    assert detail is not None
    applied = [n for n, replies in enumerate(answers) if "try again" not in replies[-1].text]
    assert applied, "at least the first writer wins"
    for n in range(6):
        assert (f"hypothesis {n}" in detail.notes[0].text) == (n in applied)


async def test_turns_that_end_together_are_written_in_one_commit(coach: Coach) -> None:
    people = [UserRef("slack", "T1", f"U{n}") for n in range(2, 8)]
    for person in people:
        await run(coach, person, start())
    commits: list[object] = []
    count = commits.append
    event.listen(coach.engine.sync_engine, "commit", count)
    try:
        answers = await asyncio.gather(
            *(coach.handle(person, says(f"worry of {person.user}")) for person in people)
        )
    finally:
        event.remove(coach.engine.sync_engine, "commit", count)
    assert all("try again" not in replies[-1].text for replies in answers)
    assert 1 <= len(commits) < len(people), "the turns' writes share commits"
    for person in people:  # and each turn's writes are all there
        [prep] = await coach.preps(person)
        detail = await coach.prep(person, prep.id)
        assert detail is not None and f"worry of {person.user}" in detail.notes[0].text


async def test_a_first_message_from_someone_new_creates_them_and_answers(coach: Coach) -> None:
    newcomer = UserRef("slack", "T9", "U9")
    replies = await coach.handle(newcomer, says("hello there"))
    assert replies and replies[0].step is Step.INFO
    assert await coach.known_settings(newcomer) is not None


async def test_forget_deletes_only_this_users_data(coach: Coach) -> None:
    bob = UserRef("slack", "T1", "U2")
    await run(coach, ALICE, *FULL[:3])
    await run(coach, bob, *FULL[:3])
    assert await coach.forget(ALICE) == 1
    assert await coach.preps(ALICE) == []
    assert len(await coach.preps(bob)) == 1


async def test_notes_are_encrypted_at_rest_when_keys_are_set(database_url: str) -> None:
    key = Fernet.generate_key().decode()
    settings = Settings(database_url=database_url, encryption_keys=key)
    async with open_coach(settings) as coach:
        await run(coach, ALICE, start(), says("A secret worry about the VP"))
        async with coach.sessions() as session:
            bodies = (await session.execute(text("SELECT body FROM notes"))).scalars().all()
        assert bodies and all("secret worry" not in body for body in bodies)
        [prep] = await coach.preps(ALICE)
        detail = await coach.prep(ALICE, prep.id)
        assert detail and "A secret worry about the VP" in detail.notes[0].text


async def test_the_tenants_mission_shows_in_the_spark_step(coach: Coach) -> None:
    await coach.configure_tenant(
        "slack", "T1", fiscal_year_start_month=None, mission="Serve patients"
    )
    replies = []
    for inbound in FULL[:11]:
        replies = await coach.handle(ALICE, inbound)
    assert any("Serve patients" in reply.text for reply in replies)
    with pytest.raises(ValueError, match="month"):
        await coach.configure_tenant("slack", "T1", fiscal_year_start_month=0, mission=None)


async def test_how_a_user_writes_short_dates_is_remembered_for_their_next_prep(
    coach: Coach,
) -> None:
    to_timing = FULL[:7]  # through Feel and Focus: the coach asks when they will talk
    await run(coach, ALICE, *to_timing, says("3/4"))
    assert (await coach.settings_of(ALICE)).date_order is None, "asked, not guessed"
    await run(coach, ALICE, picks("month_day"))
    assert (await coach.settings_of(ALICE)).date_order == "MDY"

    await run(coach, ALICE, start("finance"), *FULL[1:4], picks("next"))
    await run(coach, ALICE, says("Finance closes the books without a scramble"), picks("next"))
    replies = await coach.handle(ALICE, says("5/6"))
    assert "6 May 2027" in replies[0].text, "read month first, as they showed last time"
    assert not [c for r in replies for c in r.choices if c.value in ("month_day", "day_month")]


async def test_a_locale_gives_the_date_order_unless_the_user_showed_theirs(coach: Coach) -> None:
    await coach.learn_profile(ALICE, "en-US", None)
    assert (await coach.settings_of(ALICE)).date_order == "MDY"
    await coach.learn_profile(ALICE, "fr-FR", "Europe/Paris")  # their own or first locale stands
    settings = await coach.settings_of(ALICE)
    assert (settings.date_order, settings.time_zone) == ("MDY", "Europe/Paris")


async def test_a_profile_with_a_time_zone_we_cannot_read_saves_nothing(coach: Coach) -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        await coach.learn_profile(ALICE, "en-US", "Mars/Olympus_Mons")
    settings = await coach.settings_of(ALICE)
    assert (settings.date_order, settings.time_zone) == (None, "UTC")
