"""A Teams user runs a whole prep in personal chat: typed answers and card buttons, through
the real bot, coach and a migrated SQLite database (Bot Framework's TestAdapter, no HTTP)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.coach import Coach
from bot.runtime import open_coach
from bot.settings import Settings
from tests.teams import cardreader
from tests.teams.chat import TeamsChat, personal_chat
from tests.teams.support import DANA

NOW = datetime(2026, 11, 27, 10, tzinfo=UTC)


@pytest.fixture
async def coach(migrated_settings: Settings) -> AsyncIterator[Coach]:
    async with open_coach(migrated_settings) as ready:
        ready.clock = lambda: NOW
        yield ready


@pytest.fixture
def chat(coach: Coach) -> TeamsChat:
    return personal_chat(coach)


async def test_a_full_prep_in_personal_chat_ends_with_the_brief_saved(
    chat: TeamsChat, coach: Coach
) -> None:
    await chat.says("sales")
    assert "Step 1 of 5" in chat.text
    await chat.says("They think the course is generic")
    await chat.clicks("next")
    await chat.ticks("q1")
    await chat.clicks("next")
    await chat.says("Sales finish the course so deals stay safe")
    await chat.clicks("next")
    await chat.says("2027-01-12")
    assert "Tue 12 Jan 2027" in chat.text
    await chat.clicks("next")
    await chat.says("Your sellers work from hotels. I want customer files safe anywhere.")
    await chat.clicks("next")
    await chat.says("Customer trust wins renewals.")
    await chat.clicks("next")

    assert "Prep brief: Sales" in chat.text
    assert "Sales finish the course so deals stay safe" in chat.text
    [prep] = await coach.preps(DANA)
    assert (prep.status, str(prep.planned_date)) == ("briefed", "2027-01-12")
    detail = await coach.prep(DANA, prep.id)
    assert detail is not None and detail.notes[-1].step == "brief"


async def test_buttons_carry_the_prep_and_step_so_an_old_click_is_refused(
    chat: TeamsChat, coach: Coach
) -> None:
    first = await chat.says("sales")
    [prep] = await coach.preps(DANA)
    assert {(b["prep_id"], b["step"]) for b in cardreader.buttons(first)} == {(prep.id, "feel")}
    await chat.says("They think the course is generic")
    await chat.says("Prepare a talk with Finance")  # another prep, which pauses the sales one
    await chat.clicks("pause", card=first)
    assert "button belongs to a prep that is finished or not the one in progress" in chat.text


async def test_words_that_start_a_command_are_answers_while_a_prep_is_in_progress(
    chat: TeamsChat, coach: Coach
) -> None:
    await chat.says("sales")
    await chat.says("list the three risks they see")
    assert "Stakeholders you can prepare for" not in chat.text
    await chat.says("history")
    assert "Your recent preps" in chat.text
    await chat.says("help")
    assert "restart" in chat.text  # the step's own help, not the command list


async def test_ticked_listening_questions_are_all_recorded_from_one_submit(
    chat: TeamsChat, coach: Coach
) -> None:
    await chat.says("Prepare a talk with Sales")
    await chat.says("They think the course is generic")
    card = await chat.clicks("next")
    [choice_set] = [e for e in cardreader.elements(card) if e.get("type") == "Input.ChoiceSet"]
    assert (choice_set["style"], choice_set["isMultiSelect"]) == ("expanded", True)
    book = coach.playbooks.find("sales")
    assert book is not None
    assert [c["title"] for c in choice_set["choices"]] == book.listening_questions
    await chat.ticks("q1", "q3")
    first, third = book.listening_questions[0], book.listening_questions[2]
    assert f"Picked so far:\n• {first}\n• {third}" in chat.text
    await chat.clicks("next")
    assert "Step 2 of 5" in chat.text


async def test_prepare_a_talk_with_sales_starts_the_sales_prep(
    chat: TeamsChat, coach: Coach
) -> None:
    await chat.says("Prepare a talk with Sales")
    assert "Let's prepare your conversation with the VP of Sales" in chat.text
    [prep] = await coach.preps(DANA)
    assert (prep.stakeholder, prep.status) == ("sales", "in_progress")
    await chat.says("people")  # a one-word answer mid-prep, though an alias of hr
    assert "Noted: “people”" in chat.text
    assert len(await coach.preps(DANA)) == 1


async def test_with_no_prep_in_progress_help_and_typos_get_the_command_list(
    chat: TeamsChat,
) -> None:
    await chat.says("help")
    assert "history — your recent preps" in chat.text
    await chat.says("histroy")
    assert "Did you mean history?" in chat.text


async def test_jargon_in_the_opening_shows_each_term_with_its_plain_words(
    chat: TeamsChat,
) -> None:
    await chat.says("check We must enforce MFA now, or a breach costs 4.5 million.")
    lines = cardreader.lines(chat.card)
    assert "Acronym: MFA (multi-factor authentication) → a second check when you sign in" in lines
    assert "Fear first: A frightening statistic puts people on the defensive." in lines


async def test_check_offers_the_plainer_version(chat: TeamsChat) -> None:
    await chat.says("check Sellers should use SSO. It keeps deals moving.")
    lines = cardreader.lines(chat.card)
    assert lines[-2:] == [
        "A plainer version:",
        "“Sellers should use one login for all your work apps. It keeps deals moving.”",
    ]


async def test_forget_needs_the_confirm_button(chat: TeamsChat, coach: Coach) -> None:
    await chat.says("sales")
    await chat.says("forget")
    assert "cannot be undone" in chat.text
    assert await coach.preps(DANA)
    await chat.clicks("cmd:forget confirmed")
    assert "I deleted 1 prep" in chat.text
    assert await coach.preps(DANA) == []
