"""A user coached in Slack's assistant panel (Agents & AI Apps), over signed HTTP, against the
Web API stand-in: the thread's greeting and prompts, the same coach as the DM with replies in
the thread, a status while a turn runs, the thread context kept in our database, one prep
across panel and DM, and a workspace without the feature still coached."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from aiohttp import ClientResponse

from bot.channels.slack.assistant import (
    SUGGESTED_PROMPTS,
    THINKING,
    PersonThreadContexts,
)
from bot.channels.slack.listeners import inbound_turn
from bot.channels.slack.turns import TurnKind
from bot.storage.assistant_threads import AssistantThreads
from bot.storage.workspaces import forget_workspace
from bot.users import UserRef
from tests.slack.conftest import (
    SlackWorkspace,
    choice_of,
    running_workspace,
    slack_settings,
    text_of,
)
from tests.support.slack_api import Call, SlackApiStandIn
from tests.support.slack_requests import (
    TEAM_ID,
    USER_ID,
    assistant_thread_event,
    block_actions_body,
    dm_channel,
    event_body,
    event_envelope,
    thread_message_event,
)

THREAD = "1700000300.000100"
ME = UserRef("slack", TEAM_ID, USER_ID)


class Panel:
    """The user's assistant panel: open a thread, write in it, click its buttons."""

    def __init__(self, slack: SlackWorkspace, thread_ts: str = THREAD) -> None:
        self.slack, self.api, self.thread_ts = slack, slack.api, thread_ts

    async def open(self, viewing: str = "C0SALESLT") -> dict[str, Any]:
        """Open the thread (Slack sends assistant_thread_started); returns the greeting."""
        event = assistant_thread_event(thread_ts=self.thread_ts, viewing=viewing)
        mark = self.api.mark()
        greeting = await self.turn(self.slack.post(event_body(event)))
        await self.api.wait_for_call("assistant.threads.setSuggestedPrompts", since=mark)
        return greeting

    async def move_to(self, channel: str) -> ClientResponse:
        event = assistant_thread_event(
            "assistant_thread_context_changed", thread_ts=self.thread_ts, viewing=channel
        )
        return await self.slack.post(event_body(event))

    def say(self, text: str) -> Awaitable[ClientResponse]:
        return self.slack.post(event_body(thread_message_event(self.thread_ts, text)))

    def click(self, value: str) -> Awaitable[ClientResponse]:
        body = block_actions_body(
            "choice-0",
            value,
            thread_ts=self.thread_ts,
            response_url=self.api.response_url(f"click-{USER_ID}"),
        )
        return self.slack.post(body)

    def tick(self, message: dict[str, Any], *choices: str) -> Awaitable[ClientResponse]:
        return self.slack.tick(message, *choices, thread_ts=self.thread_ts)

    async def turn(self, action: Awaitable[ClientResponse]) -> dict[str, Any]:
        """Do one thing and return the bot's next message in this thread."""
        mark = self.api.mark()
        response = await action
        assert response.status == 200, await response.text()
        call = await self.api.wait_for_call("chat.postMessage", self._in_thread, since=mark)
        return call.body

    def _in_thread(self, call: Call) -> bool:
        return call.ok and call.body.get("thread_ts") == self.thread_ts


def assistant_calls(api: SlackApiStandIn, method: str, since: int = 0) -> list[Call]:
    return [call for call in api.calls[since:] if call.method == f"assistant.threads.{method}"]


async def test_a_new_thread_greets_and_offers_the_suggested_prompts(
    slack: SlackWorkspace,
) -> None:
    greeting = await Panel(slack).open()

    assert "prep-talk" in greeting["text"] and greeting["channel"] == dm_channel(USER_ID)
    call = await slack.api.wait_for_call("assistant.threads.setSuggestedPrompts")
    assert call.body["channel_id"] == dm_channel(USER_ID) and call.body["thread_ts"] == THREAD
    assert [prompt["title"] for prompt in call.body["prompts"]] == [
        "Prepare a talk with Sales",
        "Check my draft",
        "Rehearse my last prep",
        "Debrief",
    ]
    assert all(prompt["message"] == prompt["title"] for prompt in call.body["prompts"])


async def test_a_clicked_prompt_gets_the_dm_answer_in_its_thread_after_a_status(
    slack: SlackWorkspace,
) -> None:
    panel = Panel(slack)
    await panel.open()
    mark = slack.api.mark()

    in_panel = await panel.turn(panel.say(SUGGESTED_PROMPTS[0]))

    [status] = assistant_calls(slack.api, "setStatus", mark)
    assert status.body == {
        "channel_id": dm_channel(USER_ID),
        "thread_ts": THREAD,
        "status": THINKING,
    }
    [reply] = [c for c in slack.api.calls[mark:] if c.method == "chat.postMessage"]
    assert slack.api.calls.index(status) < slack.api.calls.index(reply)
    # Someone else types the very same words in their DM: the same coach answers alike.
    in_dm = await slack.turn(slack.say(SUGGESTED_PROMPTS[0], user="U456"), user="U456")
    assert "thread_ts" not in in_dm or in_dm["thread_ts"] is None
    assert text_of(in_panel) == text_of(in_dm)


async def test_a_whole_prep_in_a_thread_replies_there_and_titles_it(
    slack: SlackWorkspace,
) -> None:
    panel = Panel(slack)
    await panel.open()
    await slack.turn(slack.command("sales"))

    reply = await panel.turn(panel.say("They see the training as generic IT content"))
    assert "Noted" in text_of(reply)
    title = await slack.api.wait_for_call("assistant.threads.setTitle")
    assert title.body == {"channel_id": dm_channel(USER_ID), "thread_ts": THREAD, "title": "Sales"}
    reply = await panel.turn(panel.click(choice_of(reply, "next")))
    reply = await panel.turn(panel.tick(reply, "q1"))
    reply = await panel.turn(panel.click(choice_of(reply, "next")))
    assert "Step 2 of 5" in text_of(reply)
    reply = await panel.turn(panel.say("Sales finish the course so deals stay safe on the road"))
    reply = await panel.turn(panel.click(choice_of(reply, "next")))
    reply = await panel.turn(panel.click(choice_of(reply, "suggest")))
    reply = await panel.turn(panel.click(choice_of(reply, "next")))
    assert "Step 4 of 5" in text_of(reply)
    reply = await panel.turn(panel.say("Sellers work from hotels. I want customer files safe."))
    reply = await panel.turn(panel.click(choice_of(reply, "next")))
    reply = await panel.turn(panel.say("Customer trust wins renewals."))
    brief = await panel.turn(panel.click(choice_of(reply, "next")))

    assert "*Prep brief: Sales" in text_of(brief)
    assert (await slack.prep_of()).status == "briefed"
    # Every turn of the thread showed a status first; the title was set once, for the prep.
    turns = [c for c in slack.api.calls if c.method == "chat.postMessage"]
    assert len(assistant_calls(slack.api, "setStatus")) == len(turns) - 2  # greeting, /prep-talk
    assert len(assistant_calls(slack.api, "setTitle")) == 1


async def test_one_prep_goes_on_between_the_panel_and_the_dm(slack: SlackWorkspace) -> None:
    panel = Panel(slack)
    await panel.open()
    first = await slack.turn(slack.command("sales"))

    in_panel = await panel.turn(panel.say("No manager ever asks about the training"))
    assert "Noted" in text_of(in_panel)
    in_dm = await slack.turn(slack.say("The course lands at quarter-end"))
    assert "Noted" in text_of(in_dm) and "thread_ts" not in in_dm
    in_panel = await panel.turn(panel.click(choice_of(in_dm, "next")))
    assert "Step 1 of 5" not in text_of(in_panel)

    [feel] = [note.text for note in (await slack.prep_of()).notes if note.step == "feel"]
    assert "No manager ever asks" in feel and "quarter-end" in feel
    assert first["channel"] in (USER_ID, dm_channel(USER_ID))


async def test_the_viewed_channel_is_kept_in_the_database_for_a_new_instance(
    database_url: str, slack: SlackWorkspace, slack_api: SlackApiStandIn
) -> None:
    panel = Panel(slack)
    await panel.open(viewing="C0SALESLT")
    contexts = PersonThreadContexts(AssistantThreads(slack.coach.sessions), ME)
    found = await contexts.find(channel_id=dm_channel(USER_ID), thread_ts=THREAD)
    assert found is not None and found.channel_id == "C0SALESLT"

    response = await panel.move_to("C0BOARDPREP")
    assert response.status == 200
    # A person's turns are answered in order: once the next message is answered, so is the move.
    await panel.turn(panel.say("Debrief"))
    found = await contexts.find(channel_id=dm_channel(USER_ID), thread_ts=THREAD)
    assert found is not None and found.channel_id == "C0BOARDPREP"
    async with running_workspace(slack_settings(database_url, slack_api), slack_api) as other:
        stored = PersonThreadContexts(AssistantThreads(other.coach.sessions), ME)
        again = await stored.find(channel_id=dm_channel(USER_ID), thread_ts=THREAD)
        assert again is not None and again.channel_id == "C0BOARDPREP"
        someone_else = PersonThreadContexts(
            AssistantThreads(other.coach.sessions), UserRef("slack", TEAM_ID, "U456")
        )
        assert await someone_else.find(channel_id=dm_channel(USER_ID), thread_ts=THREAD) is None


async def test_a_workspace_refusing_the_panel_methods_is_still_coached(
    slack: SlackWorkspace,
) -> None:
    slack.api.fail("assistant.threads.setSuggestedPrompts", "not_allowed", times=None)
    slack.api.fail("assistant.threads.setStatus", "feature_not_enabled", times=None)
    slack.api.fail("assistant.threads.setTitle", "feature_not_enabled", times=None)
    panel = Panel(slack)

    greeting = await panel.open()
    await slack.turn(slack.command("sales"))
    reply = await panel.turn(panel.say("They see the training as generic IT content"))

    assert "prep-talk" in greeting["text"] and "Noted" in text_of(reply)
    refused = [c for c in slack.api.calls if c.method.startswith("assistant.threads.")]
    assert refused and not any(call.ok for call in refused)


async def test_the_dm_flow_makes_no_panel_calls(slack: SlackWorkspace) -> None:
    await slack.turn(slack.command("sales"))
    reply = await slack.turn(slack.say("They see the training as generic IT content"))
    reply = await slack.turn(slack.click(choice_of(reply, "next")))

    assert "Noted" in text_of(reply) or text_of(reply)
    assert not any(c.method.startswith("assistant.threads.") for c in slack.api.calls)
    posted = [c for c in slack.api.calls if c.method == "chat.postMessage"]
    assert posted and not any(call.body.get("thread_ts") for call in posted)


def test_panel_threads_and_their_messages_are_kept_as_turns_before_the_ack() -> None:
    started = event_envelope(assistant_thread_event(thread_ts=THREAD), event_id="Ev0START")
    message = event_envelope(thread_message_event(THREAD, "Debrief"), event_id="Ev0MSG")
    moved = event_envelope(
        assistant_thread_event("assistant_thread_context_changed", thread_ts=THREAD)
    )

    assert inbound_turn(started) == (TurnKind.THREAD_STARTED, ME, "event:Ev0START")
    assert inbound_turn(message) == (TurnKind.MESSAGE, ME, "event:Ev0MSG")
    assert inbound_turn(moved) == (TurnKind.CONTEXT_CHANGED, ME, f"event:{moved['event_id']}")


async def test_forgetting_a_person_or_a_workspace_deletes_their_panel_threads(
    slack: SlackWorkspace,
) -> None:
    colleague = UserRef("slack", TEAM_ID, "U456")
    await Panel(slack).open()
    mark = slack.api.mark()
    opened = assistant_thread_event(user=colleague.user, thread_ts=THREAD)
    await slack.post(event_body(opened))
    await slack.api.wait_for_call("assistant.threads.setSuggestedPrompts", since=mark)
    threads = AssistantThreads(slack.coach.sessions)

    def where(user: UserRef) -> PersonThreadContexts:
        return PersonThreadContexts(threads, user)

    async def found(user: UserRef) -> bool:
        context = await where(user).find(channel_id=dm_channel(user.user), thread_ts=THREAD)
        return context is not None

    await slack.coach.forget(ME)
    assert not await found(ME) and await found(colleague)
    async with slack.coach.sessions.begin() as session:
        await forget_workspace(session, "slack", TEAM_ID)
    assert not await found(colleague)
