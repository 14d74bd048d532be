"""A Teams user runs a whole prep in personal chat: typed answers and card buttons, through
the real bot, coach and a migrated SQLite database (Bot Framework's TestAdapter, no HTTP)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount

from bot.channels.teams.bot import CoachingBot
from bot.channels.teams.delivery import ProactiveMessenger
from bot.coach import Coach
from bot.runtime import open_coach
from bot.settings import Settings
from bot.storage.teams_references import TeamsReferences
from tests.teams import cardreader
from tests.teams.support import BOT_ID, DANA, TENANT

NOW = datetime(2026, 11, 27, 10, tzinfo=UTC)


class TeamsChat:
    """Dana's personal chat with the bot: she types, or clicks a button on the last card."""

    def __init__(self, adapter: TestAdapter) -> None:
        self.adapter = adapter
        self.card: dict[str, Any] = {}

    async def _send(self, activity: Activity) -> dict[str, Any]:
        await self.adapter.receive_activity(activity)
        replies = []
        while (reply := self.adapter.get_next_activity()) is not None:
            replies.append(reply)
        assert len(replies) == 1, "one card per turn"
        [attachment] = replies[0].attachments
        self.card = attachment.content
        return self.card

    async def says(self, text: str) -> dict[str, Any]:
        return await self._send(Activity(type="message", text=text))

    async def clicks(self, choice: str, card: dict[str, Any] | None = None) -> dict[str, Any]:
        data = cardreader.button(card or self.card, choice)
        return await self._send(Activity(type="message", value=data))

    async def ticks(self, *choices: str) -> dict[str, Any]:
        """Tick `choices` in the card's expanded ChoiceSet and press its one submit: Teams
        sends the submit's data with the ticked values joined by commas under the input id."""
        [choice_set] = [
            e for e in cardreader.elements(self.card) if e.get("type") == "Input.ChoiceSet"
        ]
        assert {c["value"] for c in choice_set["choices"]} >= set(choices)
        data = cardreader.button(self.card, "@picked") | {choice_set["id"]: ",".join(choices)}
        return await self._send(Activity(type="message", value=data))

    @property
    def text(self) -> str:
        return cardreader.text(self.card)


@pytest.fixture
async def coach(migrated_settings: Settings) -> AsyncIterator[Coach]:
    async with open_coach(migrated_settings) as ready:
        ready.clock = lambda: NOW
        yield ready


@pytest.fixture
def chat(coach: Coach) -> TeamsChat:
    template = Activity(
        channel_id="msteams",
        service_url="https://smba.trafficmanager.net/emea/",
        from_property=ChannelAccount(id="29:dana", name="Dana", aad_object_id=DANA.user),
        recipient=ChannelAccount(id=BOT_ID, name="prep-talk"),
        conversation=ConversationAccount(id="a:dana-personal", conversation_type="personal"),
        channel_data={"tenant": {"id": TENANT}},
    )
    adapter = TestAdapter(template_or_conversation=template)
    references = TeamsReferences(coach.sessions)
    bot = CoachingBot(
        coach, references, ProactiveMessenger(adapter, references, ""), app_id="", local=False
    )
    adapter.logic = bot.on_turn
    return TeamsChat(adapter)


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
