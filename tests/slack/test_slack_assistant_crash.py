"""Acknowledged means durable in the assistant panel too: a real `prep-talk serve` killed
after posting a thread reply but before hearing back is not coached again after a restart,
and its reply, found among the thread's replies, is not posted twice."""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path

import aiohttp

from tests.slack.conftest import BOT_TOKEN, SECRET, text_of
from tests.slack.test_slack_crash import LEASE_SECONDS, serve, servers, until_settled
from tests.support.server_process import server_env
from tests.support.slack_api import Call, SlackApiStandIn
from tests.support.slack_requests import (
    assistant_thread_event,
    event_body,
    signed_headers,
    slash_command_body,
    thread_message_event,
)

__all__ = ["servers"]
# On Slack's clock, before every message the stand-in stamps (from 1700000000.000100 on): the
# reply is looked up among the thread's replies since the user's message.
THREAD = "1699999000.000100"
WRITTEN_AT = "1699999500.000100"
ANSWER = "No manager ever asks about the training"


def in_thread(call: Call) -> bool:
    return call.body.get("thread_ts") == THREAD


async def post(session: aiohttp.ClientSession, url: str, body: str) -> None:
    async with session.post(
        f"{url}/slack/events", data=body, headers=signed_headers(body, SECRET)
    ) as response:
        assert response.status == 200, await response.text()


async def test_a_thread_reply_cut_off_by_a_crash_is_posted_once_after_restart(
    database_url: str, slack_api: SlackApiStandIn, servers: AsyncExitStack, tmp_path: Path
) -> None:
    env = server_env(database_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET,
                     SLACK_API_URL=slack_api.url, PREPTALK_INBOX_LEASE=LEASE_SECONDS)  # fmt: skip
    first = await serve(servers, env, tmp_path / "first.log")
    async with aiohttp.ClientSession() as session:
        await post(session, first.url, event_body(assistant_thread_event(thread_ts=THREAD)))
        await slack_api.wait_for_call("assistant.threads.setSuggestedPrompts", timeout=30)
        mark = slack_api.mark()
        await post(session, first.url, slash_command_body("sales"))
        await slack_api.wait_for_call("chat.postMessage", since=mark, timeout=30)

        # Slack takes the thread reply but the server dies before it hears back.
        held_from = slack_api.mark()
        released = slack_api.hold("chat.postMessage")
        answer = thread_message_event(THREAD, ANSWER, ts=WRITTEN_AT)
        await post(session, first.url, event_body(answer))
        await slack_api.wait_for_call("chat.postMessage", in_thread, since=held_from, timeout=30)
        first.kill()
    released.set()

    await serve(servers, env, tmp_path / "second.log")
    await until_settled(database_url)

    looked_up = slack_api.calls_to("conversations.replies")
    assert looked_up and all(call.body["ts"] == THREAD for call in looked_up)
    noted = [c for c in slack_api.calls_to("chat.postMessage")
             if in_thread(c) and "No manager ever asks" in text_of(c.body)]  # fmt: skip
    assert len(noted) == 1
