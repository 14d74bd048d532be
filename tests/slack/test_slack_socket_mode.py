"""Socket Mode for real: the app opens a WebSocket to a local Slack stand-in and works over it.

No request URL and no signing secret: Bolt's AsyncSocketModeHandler asks the Web API stand-in
for a URL (`apps.connections.open`, with the xapp- token), connects to our WebSocket server,
receives envelopes and acks each by its envelope_id; replies still go through the Web API.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.playbook.library import PlaybookLibrary
from bot.server import create_app
from bot.settings import Settings
from tests.slack.conftest import BOT_TOKEN, choice_of, text_of
from tests.support.db_fixtures import migrated_sqlite_url
from tests.support.slack_api import SlackApiStandIn
from tests.support.slack_requests import (
    USER_ID,
    block_actions_payload,
    event_envelope,
    message_im_event,
    slash_command_fields,
)
from tests.support.slack_socket import SocketModeStandIn

APP_TOKEN = "xapp-1-A0PREP-1-socket-stand-in"
DM = f"D{USER_ID}"
PROCESS_START_SECONDS = 30.0  # a fresh interpreter importing the app, on a busy machine
PROCESS_STOP_SECONDS = 10.0


@pytest.fixture
async def socket_link(slack_api: SlackApiStandIn) -> AsyncIterator[SocketModeStandIn]:
    """Slack's Socket Mode endpoint, handed out by the Web API stand-in to our app token."""
    async with SocketModeStandIn() as link:
        slack_api.valid_tokens = {BOT_TOKEN, APP_TOKEN}
        slack_api.answer("apps.connections.open", {"ok": True, "url": link.url})
        yield link


@pytest.fixture
async def socket_app(
    tmp_path: Path,
    migrated_sqlite_file: Path,
    slack_api: SlackApiStandIn,
    socket_link: SocketModeStandIn,
    library: PlaybookLibrary,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[TestClient[Any, Any]]:
    """The server in Socket Mode, connected: an app token and a bot token, no signing secret."""
    monkeypatch.setattr("bot.runtime.load_library", lambda extra_dir=None: library)
    settings = Settings(
        database_url=migrated_sqlite_url(migrated_sqlite_file, tmp_path),
        slack_bot_token=BOT_TOKEN,
        slack_app_token=APP_TOKEN,
        slack_api_url=slack_api.url,
        playground=False,
    )
    client = TestClient(TestServer(create_app(settings, slack_socket_mode=True)))
    await client.start_server()
    try:
        await socket_link.wait_connected()
        yield client
    finally:
        async with asyncio.timeout(PROCESS_STOP_SECONDS):
            await client.close()


async def dm_after(api: SlackApiStandIn, mark: int) -> dict[str, Any]:
    call = await api.wait_for_call(
        "chat.postMessage", lambda c: c.ok and c.body.get("channel") in (DM, USER_ID), since=mark
    )
    assert call.token == BOT_TOKEN
    return call.body


async def slash_command_over_the_socket(
    link: SocketModeStandIn, api: SlackApiStandIn, text: str = "sales"
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Push `/prep-talk text`; return the ack envelope and the DM it led to."""
    mark = api.mark()
    fields = slash_command_fields(text, response_url=api.response_url("socket"))
    envelope_id = await link.push("slash_commands", dict(fields))
    ack = await link.wait_for_ack(envelope_id)
    return ack, await dm_after(api, mark)


async def test_a_slash_command_is_acked_by_envelope_id_and_answered_in_the_dm(
    socket_app: TestClient[Any, Any], socket_link: SocketModeStandIn, slack_api: SlackApiStandIn
) -> None:
    ack, first = await slash_command_over_the_socket(socket_link, slack_api)

    assert "direct message" in ack["payload"]["text"]
    assert "Step 1 of 5" in text_of(first) and "the sales team" in text_of(first)
    [opened] = slack_api.calls_to("apps.connections.open")
    assert opened.token == APP_TOKEN
    assert socket_link.connections == 1


async def test_the_dialog_goes_on_over_events_and_button_clicks(
    socket_app: TestClient[Any, Any], socket_link: SocketModeStandIn, slack_api: SlackApiStandIn
) -> None:
    await slash_command_over_the_socket(socket_link, slack_api)

    mark = slack_api.mark()
    said = event_envelope(message_im_event(USER_ID, "They see it as generic IT content"))
    said_id = await socket_link.push("events_api", said, accepts_response_payload=False)
    assert (await socket_link.wait_for_ack(said_id)).get("payload") is None
    noted = await dm_after(slack_api, mark)
    assert "Noted" in text_of(noted)

    mark = slack_api.mark()
    click = block_actions_payload("choice-0", choice_of(noted, "next"))
    click_id = await socket_link.push("interactive", click, accepts_response_payload=False)
    await socket_link.wait_for_ack(click_id)
    following = await dm_after(slack_api, mark)
    assert following["text"] != noted["text"]


async def test_no_http_endpoint_is_mounted_in_socket_mode(
    socket_app: TestClient[Any, Any],
) -> None:
    events = await socket_app.post("/slack/events", data=json.dumps({"type": "url_verification"}))
    health = await socket_app.get("/healthz")

    assert events.status == 404
    assert health.status == 200


async def test_prep_talk_serve_socket_mode_connects_and_answers(
    tmp_path: Path, slack_api: SlackApiStandIn, socket_link: SocketModeStandIn
) -> None:
    """The real command line: settings from the environment, the app built before the loop."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PREPTALK_", "MICRO"))
    }
    env.update(
        PREPTALK_DATABASE_URL=f"sqlite:///{tmp_path}/prep-talk.db",
        PREPTALK_PLAYGROUND="false",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=slack_api.url,
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli.main", "serve", "--socket-mode", "--port", "0",
            cwd=tmp_path, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        connected = asyncio.ensure_future(socket_link.wait_connected(PROCESS_START_SECONDS))
        exited = asyncio.ensure_future(process.wait())
        await asyncio.wait({connected, exited}, return_when=asyncio.FIRST_COMPLETED)
        exited.cancel()
        assert connected.done() and not connected.exception(), log.read_text()[-2000:]

        ack, first = await slash_command_over_the_socket(socket_link, slack_api)

        assert "direct message" in ack["payload"]["text"]
        assert "Step 1 of 5" in text_of(first)
    finally:
        connected.cancel()
        if process.returncode is None:
            process.terminate()
            try:
                async with asyncio.timeout(PROCESS_STOP_SECONDS):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()
