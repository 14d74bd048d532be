"""A running prep-talk server with Slack on, in front of the Slack Web API stand-in."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from bot.coach import Coach, PrepDetail
from bot.server import SERVICES_KEY, create_app
from bot.settings import Settings
from bot.users import UserRef
from tests.support.slack_api import SlackApiStandIn, slack_api
from tests.support.slack_requests import (
    TEAM_ID,
    USER_ID,
    block_actions_body,
    checklist_submit_body,
    event_body,
    message_im_event,
    signed_headers,
    slash_command_body,
)

__all__ = ["slack_api"]
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-prep-talk-test"


@dataclass
class SlackWorkspace:
    """Drive the app as Slack would: signed commands, DM messages and button clicks."""

    client: TestClient[Any, Any]
    api: SlackApiStandIn
    coach: Coach

    async def post(self, body: str, **header_options: Any) -> ClientResponse:
        headers = signed_headers(body, SECRET, **header_options)
        return await self.client.post("/slack/events", data=body, headers=headers)

    async def command(self, text: str, user: str = USER_ID, team: str = TEAM_ID) -> ClientResponse:
        body = slash_command_body(
            text, user_id=user, team_id=team, response_url=self.api.response_url(f"cmd-{user}")
        )
        return await self.post(body)

    async def say(self, text: str, user: str = USER_ID, team: str = TEAM_ID) -> ClientResponse:
        return await self.post(event_body(message_im_event(user, text), team_id=team))

    async def click(
        self, value: str, user: str = USER_ID, team: str = TEAM_ID, label: str = "Continue"
    ) -> ClientResponse:
        body = block_actions_body(
            "choice-0",
            value,
            user_id=user,
            team_id=team,
            response_url=self.api.response_url(f"click-{user}"),
        )
        return await self.post(body)

    async def tick(
        self,
        message: dict[str, Any],
        *choices: str,
        user: str = USER_ID,
        thread_ts: str | None = None,
    ) -> ClientResponse:
        """Tick `choices` in the message's checklist and press its submit button (in the
        assistant thread `thread_ts`, if given)."""
        body = checklist_submit_body(
            message,
            choices,
            choice_of(message, "@picked"),
            user_id=user,
            response_url=self.api.response_url(f"click-{user}"),
            thread_ts=thread_ts,
        )
        return await self.post(body)

    async def next_dm(self, user: str = USER_ID, since: int | None = None) -> dict[str, Any]:
        """The bot's next message in the user's DM (after position `since` of the calls)."""
        call = await self.api.wait_for_call(
            "chat.postMessage",
            # Posting to the user id lands in the app's DM with them, like the DM's own id.
            lambda c: c.ok and c.body.get("channel") in (f"D{user}", user),
            since=self.api.mark() if since is None else since,
        )
        return call.body

    async def turn(self, action: Any, user: str = USER_ID) -> dict[str, Any]:
        """Do one thing (a coroutine that posts to the app) and return the bot's DM reply."""
        mark = self.api.mark()
        response = await action
        assert response.status == 200, await response.text()
        return await self.next_dm(user, since=mark)

    async def prep_of(self, user: str = USER_ID, team: str = TEAM_ID) -> PrepDetail:
        ref = UserRef("slack", team, user)
        [summary] = await self.coach.preps(ref)
        detail = await self.coach.prep(ref, summary.id)
        assert detail is not None
        return detail


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """label -> value of every button in a posted message."""
    found = {}
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            found[element["text"]["text"]] = element["value"]
    return found


def checklist(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The options of the message's checklist (checkboxes in an input block)."""
    for block in message.get("blocks", []):
        if block.get("type") == "input" and block["element"]["type"] == "checkboxes":
            return list(block["element"]["options"])
    raise AssertionError("no checklist in the message")


def choice_of(message: dict[str, Any], choice: str) -> str:
    """The value of the button whose choice is `choice` (e.g. "next")."""
    for value in buttons(message).values():
        if json.loads(value)["c"] == choice:
            return value
    raise AssertionError(f"no {choice!r} button in {list(buttons(message))}")


def text_of(message: dict[str, Any]) -> str:
    parts = [message.get("text", "")]
    for block in message.get("blocks", []):
        if block.get("type") == "section":
            parts.append(block["text"]["text"])
        for element in block.get("elements", []) if block.get("type") == "context" else []:
            parts.append(element.get("text", ""))
    return "\n".join(parts)


def slack_settings(database_url: str, api: SlackApiStandIn, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SECRET,
        "slack_api_url": api.url,
        "playground": False,
        "nudge_interval": 0,
    }
    return Settings(**{**values, **extra})


@asynccontextmanager
async def running_workspace(
    settings: Settings, slack_api: SlackApiStandIn
) -> AsyncIterator[SlackWorkspace]:
    """The whole app (create_app) served with `settings`, talking to the stand-in."""
    app = create_app(settings)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        yield SlackWorkspace(client, slack_api, app_coach(app))
    finally:
        await client.close()


@pytest.fixture
async def slack(database_url: str, slack_api: SlackApiStandIn) -> AsyncIterator[SlackWorkspace]:
    async with running_workspace(slack_settings(database_url, slack_api), slack_api) as slack:
        yield slack


def app_coach(app: Any) -> Coach:
    return app[SERVICES_KEY].coach
