"""One routing rule for every channel: which words are commands, which are answers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.coach import Coach
from bot.commands import UserCommand, Word, command_choice
from bot.engine.messages import Inbound
from bot.routing import answer_choice, answer_text, explicit_command
from bot.runtime import open_coach
from bot.settings import Settings
from bot.users import UserRef
from tests.test_coach import ALICE, NOW


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[Coach]:
    async with open_coach(Settings(database_url=database_url)) as ready:
        ready.clock = lambda: NOW
        yield ready


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("history", UserCommand(Word.HISTORY)),
        ("History.", None),  # not the exact word: an answer
        ("/history", UserCommand(Word.HISTORY)),
        ("/sales", UserCommand(Word.START, "sales")),
        ("prep sales", UserCommand(Word.START, "sales")),
        ("resume 12", UserCommand(Word.RESUME, "12")),
        ("outcome 12 71%", UserCommand(Word.OUTCOME, "12 71%")),
        ("outcome #12", UserCommand(Word.OUTCOME, "#12")),
        ("resume sales", UserCommand(Word.RESUME, "sales")),
        ("debrief #3", UserCommand(Word.DEBRIEF, "#3")),
        ("debrief", UserCommand(Word.DEBRIEF)),
        ("nudges off", UserCommand(Word.NUDGES, "off")),
        ("forget", UserCommand(Word.FORGET)),
        ("/check We need MFA", UserCommand(Word.CHECK, "We need MFA")),
        ("Prepare a talk with Sales", UserCommand(Word.START, "sales")),
        ("prep for my talk with the CFO", UserCommand(Word.START, "finance")),
        ("Please prepare a conversation with the VP of Sales.", UserCommand(Word.START, "sales")),
        ("prepare for the board", UserCommand(Word.START, "board")),
        (
            "can you help me get ready for a meeting with finance?",
            UserCommand(Word.START, "finance"),
        ),
        ("Getting ready for a chat with HR tomorrow", UserCommand(Word.START, "hr")),
        ("let's prepare for the board meeting", UserCommand(Word.START, "board")),
        (
            "I'm prepping for a call with the VP of Sales on Friday",
            UserCommand(Word.START, "sales"),
        ),
        ("coach me for my 1:1 with the CTO", UserCommand(Word.START, "engineering")),
        ("I\u2019m prepping for a call with the CFO", UserCommand(Word.START, "finance")),
        (
            "check my draft: We need MFA on every laptop",
            UserCommand(Word.CHECK, "We need MFA on every laptop"),
        ),
        ("Check: Phishing is up 40%", UserCommand(Word.CHECK, "Phishing is up 40%")),
        ("show my history", UserCommand(Word.HISTORY)),
        ("my history", UserCommand(Word.HISTORY)),
        ("start a debrief", UserCommand(Word.DEBRIEF)),
        ("debrief my last prep", UserCommand(Word.DEBRIEF)),
        ("debrief my talk with the CFO", UserCommand(Word.DEBRIEF, "finance")),
        ("show the notes of prep 4", None),
        ("open notes 4", UserCommand(Word.NOTES, "4")),
        ("export prep #7", UserCommand(Word.EXPORT, "7")),
    ],
)
def test_requests_are_commands_whatever_the_dialog_waits_for(
    coach: Coach, text: str, command: UserCommand | None
) -> None:
    assert explicit_command(text, coach) == command


@pytest.mark.parametrize(
    "text",
    [
        "sales",  # a one-word answer a step may be waiting for: the prep's first
        "privacy",
        "people",
        "help",  # the step's own help first
        "next",
        "/next",
        "list the three risks they see",
        "outcome is what they care about",
        "history shows they never finish it",
        "help them see the value",
        "resume the training next quarter",
        "nudges from managers would help",
        "prep the data first",
        "forget about the old course",
        "check the numbers before the call",
        "The history",
        "Prepare a talk with Sales about the training",
        "get ready for the holidays",
        "prepare the slides for finance",
        "They think the course is generic",
    ],
)
def test_answers_stay_answers(coach: Coach, text: str) -> None:
    assert explicit_command(text, coach) is None


def test_every_word_is_a_command_with_no_second_list(coach: Coach) -> None:
    """A Word added to `bot.commands` (rehearse, outcome…) is routed with no change here."""
    for word in Word:
        routed = explicit_command(word.value, coach)
        expected = {Word.HELP: None, Word.START: UserCommand(Word.LIST)}
        assert routed == expected.get(word, UserCommand(word)), word
        slashed = explicit_command(f"/{word.value}", coach)
        assert slashed == (None if word is Word.HELP else UserCommand(word)), word


async def test_a_stakeholder_name_is_an_answer_mid_prep_and_a_start_otherwise(
    coach: Coach,
) -> None:
    started = await answer_text(coach, ALICE, "sales", "")
    assert started.prep_id is not None
    assert "Let's prepare your conversation with the VP of Sales" in started.replies[0].text
    answered = await answer_text(coach, ALICE, "finance", "")
    assert answered.prep_id == started.prep_id
    assert "Noted: “finance”" in answered.replies[0].text
    switched = await answer_text(coach, ALICE, "Prepare a talk with the CFO", "")
    assert switched.prep_id != started.prep_id
    assert "the CFO" in switched.replies[0].text


async def test_with_no_prep_a_sentence_naming_a_stakeholder_offers_that_prep(
    coach: Coach,
) -> None:
    offer = await answer_text(coach, ALICE, "I need to talk to the VP of Sales next week", "")
    assert offer.prep_id is None
    assert [c.value for c in offer.replies[0].choices] == [command_choice("prep sales")]
    started = await answer_choice(coach, ALICE, Inbound(choice=command_choice("prep sales")), "")
    assert started.prep_id is not None
    bob = UserRef("local", "t", "bob")
    everyday = await answer_text(coach, bob, "people never finish the course", "")
    assert not everyday.replies[0].choices and "no prep in progress" in everyday.replies[0].text


async def test_commands_mid_prep_leave_the_prep_where_it_was(coach: Coach) -> None:
    prep = await answer_text(coach, ALICE, "Prepare a talk with Sales", "")
    history = await answer_text(coach, ALICE, "show my history", "")
    assert (
        history.prep_id is None
        and f"#{prep.prep_id} sales — in progress" in history.replies[0].text
    )
    hypothesis = await answer_text(coach, ALICE, "They think the course is generic", "")
    assert hypothesis.prep_id == prep.prep_id
    assert "Noted: “They think the course is generic”" in hypothesis.replies[0].text


async def test_without_a_prep_loose_words_are_read_as_commands(coach: Coach) -> None:
    checked = await answer_text(coach, ALICE, "check We must enforce MFA now", "")
    assert any("MFA" in reply.text or reply.findings for reply in checked.replies)
    unknown = await answer_text(coach, ALICE, "finanse", "/prep-talk ")
    assert "Did you mean /prep-talk finance?" in unknown.replies[0].text
    helped = await answer_text(coach, ALICE, "help", "")
    assert "history — your recent preps" in helped.replies[0].text


async def test_a_command_button_runs_its_command_and_a_choice_is_a_turn(coach: Coach) -> None:
    prep = await answer_text(coach, ALICE, "sales", "")
    listed = await answer_choice(coach, ALICE, Inbound(choice="cmd:history"), "")
    assert f"#{prep.prep_id} sales" in listed.replies[0].text
    paused = await answer_choice(coach, ALICE, Inbound(choice="pause", prep_id=prep.prep_id), "")
    assert "Paused at Feel" in paused.replies[0].text
    bogus = await answer_choice(coach, ALICE, Inbound(choice="cmd:launch"), "")
    assert "I don't know “launch”" in bogus.replies[0].text
