"""Slack reliability and security: signatures, fast acks, retries, ignored events, escaping,
Web API failures. Each test sends real signed HTTP to the running app."""

from __future__ import annotations

import logging
import time

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from bot.server import create_app
from tests.slack.conftest import SECRET, SlackWorkspace, choice_of, slack_settings, text_of
from tests.support.slack_api import SlackApiStandIn
from tests.support.slack_requests import (
    bot_message_event,
    event_body,
    message_changed_event,
    message_deleted_event,
    message_im_event,
    own_message_event,
    signed_headers,
    slash_command_body,
)


async def no_prep_exists(slack: SlackWorkspace) -> bool:
    from bot.users import UserRef

    return await slack.coach.preps(UserRef("slack", "T0ACME", "U123")) == []


async def test_a_bad_signature_is_401_and_nothing_runs(slack: SlackWorkspace) -> None:
    body = slash_command_body("sales")
    headers = signed_headers(body, "not-our-secret")
    response = await slack.client.post("/slack/events", data=body, headers=headers)
    assert response.status == 401
    tampered = signed_headers(body, SECRET)
    response = await slack.client.post("/slack/events", data=body + "x", headers=tampered)
    assert response.status == 401
    assert not slack.api.calls_to("chat.postMessage") and await no_prep_exists(slack)


async def test_a_request_older_than_five_minutes_is_401(slack: SlackWorkspace) -> None:
    body = slash_command_body("sales")
    stale = signed_headers(body, SECRET, timestamp=int(time.time()) - 301)
    response = await slack.client.post("/slack/events", data=body, headers=stale)
    assert response.status == 401
    fresh = signed_headers(body, SECRET, timestamp=int(time.time()) - 60)
    assert (await slack.client.post("/slack/events", data=body, headers=fresh)).status == 200


async def test_the_ack_does_not_wait_for_the_web_api(slack: SlackWorkspace) -> None:
    slack.api.rate_limit("chat.postMessage", retry_after=1)
    response = await slack.command("sales")
    acked_at = time.monotonic()
    assert response.status == 200
    posted = await slack.api.wait_for_call("chat.postMessage", lambda c: c.ok)
    assert acked_at < posted.at, "the slash command was acknowledged before the DM was sent"
    await slack.next_dm(since=0)


async def test_a_retried_event_is_handled_once(slack: SlackWorkspace) -> None:
    await slack.turn(slack.command("sales"))
    body = event_body(message_im_event("U123", "They skip it at quarter end"))
    mark = slack.api.mark()
    assert (await slack.post(body)).status == 200
    await slack.next_dm(since=mark)
    again = await slack.post(body, retry_num=1)
    assert again.status == 200
    also = await slack.post(body, retry_num=2)
    assert also.status == 200
    detail = await slack.prep_of()
    assert detail.notes[0].text.count("They skip it at quarter end") == 1
    replies = [c for c in slack.api.calls_to("chat.postMessage")[1:] if c.ok]
    assert len(replies) == 1


async def test_a_retry_reaching_another_replica_is_handled_once(
    slack: SlackWorkspace, database_url: str, slack_api: SlackApiStandIn
) -> None:
    await slack.turn(slack.command("sales"))
    other = TestClient(TestServer(create_app(slack_settings(database_url, slack_api))))
    await other.start_server()
    try:
        body = event_body(message_im_event("U123", "Managers never ask"))
        mark = slack.api.mark()
        await slack.post(body)
        await slack.next_dm(since=mark)
        retry = await other.post(
            "/slack/events", data=body, headers=signed_headers(body, SECRET, retry_num=1)
        )
        assert retry.status == 200
    finally:
        await other.close()
    detail = await slack.prep_of()
    assert detail.notes[0].text.count("Managers never ask") == 1


@pytest.mark.parametrize(
    "event",
    [
        bot_message_event(text="I am a bot"),
        own_message_event(text="Noted: something"),
        message_changed_event(),
        message_deleted_event(),
    ],
    ids=["bot_message", "own_message", "edit", "delete"],
)
async def test_bot_messages_edits_and_deletes_are_ignored(
    slack: SlackWorkspace, event: dict[str, object]
) -> None:
    await slack.turn(slack.command("sales"))
    mark = slack.api.mark()
    response = await slack.post(event_body(event))
    assert response.status == 200
    # A real answer after it is the only thing that gets a reply.
    await slack.turn(slack.say("A real answer"))
    posted = [c for c in slack.api.calls[mark:] if c.method == "chat.postMessage"]
    assert len(posted) == 1
    after = await slack.prep_of()
    assert "A real answer" in after.notes[0].text
    assert all("I am a bot" not in note.text for note in after.notes)


async def test_user_text_never_becomes_a_mention_or_link(slack: SlackWorkspace) -> None:
    await slack.turn(slack.command("sales"))
    reply = await slack.turn(
        slack.say("Ping <!channel> <!here> <@U999> and <http://evil.example|click> & co")
    )
    shown = text_of(reply)
    for raw in ("<!channel>", "<!here>", "<@U999>", "<http://evil.example|click>"):
        assert raw not in shown
    assert "&lt;!channel&gt;" in shown and "&amp; co" in shown


async def test_a_rate_limited_post_is_retried_after_retry_after(slack: SlackWorkspace) -> None:
    await slack.turn(slack.command("sales"))
    slack.api.rate_limit("chat.postMessage", retry_after=1)
    mark = slack.api.mark()
    await slack.say("Deadlines")
    delivered = await slack.next_dm(since=mark)
    assert "Deadlines" in text_of(delivered)
    attempts = [c for c in slack.api.calls[mark:] if c.method == "chat.postMessage"]
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0


async def test_a_web_api_error_is_logged_without_note_text_and_the_user_gets_an_apology(
    slack: SlackWorkspace, caplog: pytest.LogCaptureFixture
) -> None:
    await slack.turn(slack.command("sales"))
    slack.api.fail("chat.postMessage", error="channel_not_found")
    caplog.set_level(logging.INFO)
    mark = slack.api.mark()
    await slack.say("My secret worry about the VP")
    apology = await slack.next_dm(since=mark)
    assert "Sorry" in apology["text"]
    assert "channel_not_found" in caplog.text and "slack:T0ACME:U123" in caplog.text
    assert "secret worry" not in caplog.text
    reply = await slack.turn(slack.say("Another answer"))
    assert "Another answer" in text_of(reply)


async def test_a_click_whose_answer_slack_refuses_says_so_and_keeps_its_buttons(
    slack: SlackWorkspace,
) -> None:
    await slack.turn(slack.command("sales"))
    reply = await slack.turn(slack.say("They skip it at quarter end"))
    slack.api.fail("chat.postMessage", error="internal_error")
    mark = slack.api.mark()
    response = await slack.click(choice_of(reply, "next"))
    assert response.status == 200
    told = await slack.api.wait_for(
        lambda calls: next((c for c in calls[mark:] if c.method == "response_url"), None)
    )
    assert "Type resume" in str(told.body["text"]) and told.body["response_type"] == "ephemeral"
    assert slack.api.calls_to("chat.update") == []  # the clicked message is left as it was
    resumed = await slack.turn(slack.command("resume"))
    assert "Welcome back" in text_of(resumed)


@pytest.mark.parametrize("send", ["say", "command", "click"])
async def test_a_turn_that_cannot_be_stored_is_not_acknowledged_and_no_words_are_logged(
    slack: SlackWorkspace, caplog: pytest.LogCaptureFixture, send: str
) -> None:
    """Acknowledged means durable: a turn the inbox cannot take gets no 200 (Slack retries
    it), nothing is answered, and the user's words are in no log line."""
    async with slack.coach.sessions.begin() as session:
        await session.execute(text("DROP TABLE inbox"))  # the database refuses every turn
    caplog.set_level(logging.INFO)
    mark = slack.api.mark()

    if send == "say":
        response = await slack.say("My secret worry about the VP")
    elif send == "command":
        response = await slack.command("sales My secret worry about the VP")
    else:
        response = await slack.click('{"c": "next"}', label="My secret worry about the VP")

    assert response.status >= 500
    assert "secret worry" not in caplog.text
    assert slack.api.calls[mark:] == []
