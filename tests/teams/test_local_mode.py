"""/api/messages over HTTP without an app id: off by default, emulator-style local mode on
request (loopback only, never storing a reference), replies reaching the stand-in connector."""

from __future__ import annotations

import logging

import pytest
from pytest_aiohttp import AiohttpClient
from sqlalchemy import func, select

from bot.server import create_app
from bot.settings import Settings
from bot.storage.channel_models import TeamsConversationReference
from bot.storage.db import create_database, session_factory
from tests.teams import cardreader
from tests.teams.conftest import Client
from tests.teams.support import BotConnector, activity


async def stored_references(settings: Settings) -> int:
    engine = create_database(settings.database_url)
    try:
        async with session_factory(engine)() as session:
            count = await session.scalar(select(func.count(TeamsConversationReference.id)))
            return int(count or 0)
    finally:
        await engine.dispose()


async def test_without_any_teams_setting_the_endpoint_is_off_and_processes_nothing(
    aiohttp_client: AiohttpClient, migrated_settings: Settings, connector: BotConnector
) -> None:
    client = await aiohttp_client(create_app(migrated_settings))
    response = await client.post("/api/messages", json=activity("message_personal", connector.url))
    assert response.status == 503
    assert "MICROSOFT_APP_ID" in (await response.json())["error"]
    assert connector.calls == []
    assert (await client.get("/tab/config")).status == 404


async def test_local_mode_warns_loudly_at_start_up(
    aiohttp_client: AiohttpClient, local_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        await aiohttp_client(create_app(local_settings))
    assert any("UNAUTHENTICATED" in record.getMessage() for record in caplog.records)


async def test_a_message_starts_a_prep_and_the_card_reaches_the_connector(
    local_client: Client, connector: BotConnector, local_settings: Settings
) -> None:
    message = activity("message_personal", connector.url)
    response = await local_client.post("/api/messages", json=message)
    assert response.status == 201
    [call] = connector.calls
    conversation = message["conversation"]["id"]
    assert (call.method, call.path) == (
        "POST",
        f"/v3/conversations/{conversation}/activities/{message['id']}",
    )
    assert call.body["replyToId"] == message["id"]
    assert "Step 1 of 5" in cardreader.text(call.card)
    assert {b["step"] for b in cardreader.buttons(call.card)} == {"feel"}
    assert await stored_references(local_settings) == 0  # unauthenticated: never stored


async def test_a_card_submit_continues_the_same_prep(
    local_client: Client, connector: BotConnector
) -> None:
    await local_client.post("/api/messages", json=activity("message_personal", connector.url))
    first = connector.cards[-1]
    answer = activity("message_personal", connector.url, text="The course feels generic")
    await local_client.post("/api/messages", json=answer)
    click = activity("card_submit", connector.url, value=cardreader.button(first, "pause"))
    response = await local_client.post("/api/messages", json=click)
    assert response.status == 201
    assert "paused" in cardreader.text(connector.cards[-1]).lower()


async def test_a_429_from_teams_is_waited_out_and_the_reply_still_arrives(
    local_client: Client, connector: BotConnector
) -> None:
    connector.refuse_next(429, retry_after="0")
    response = await local_client.post(
        "/api/messages", json=activity("message_personal", connector.url, text="help")
    )
    assert response.status == 201
    first, retried = connector.calls
    assert first.path == retried.path and first.body == retried.body
    assert "history — your recent preps" in cardreader.text(connector.cards[-1])


async def test_local_mode_replies_only_to_a_loopback_service_url(
    local_client: Client, connector: BotConnector
) -> None:
    elsewhere = activity("message_personal", "https://smba.trafficmanager.net/emea/")
    response = await local_client.post("/api/messages", json=elsewhere)
    assert response.status == 400
    assert connector.calls == []


async def test_local_mode_refuses_requests_relayed_by_a_proxy(
    local_client: Client, connector: BotConnector
) -> None:
    response = await local_client.post(
        "/api/messages",
        json=activity("message_personal", connector.url),
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    assert response.status == 403
    assert connector.calls == []


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b'{"text": "no type"}', "application/json", 400),
        (b'{"type": "message"}', "text/plain", 415),
    ],
)
async def test_malformed_requests_are_refused_before_any_turn(
    local_client: Client, connector: BotConnector, body: bytes, content_type: str, status: int
) -> None:
    response = await local_client.post(
        "/api/messages", data=body, headers={"Content-Type": content_type}
    )
    assert response.status == status
    assert connector.calls == []


def invoke(service_url: str, name: object, value: object) -> dict[str, object]:
    """A card's invoke (Action.Execute sends `adaptiveCard/action`) from Dana's personal chat."""
    document = activity("card_submit", service_url, type="invoke")
    document.update(name=name, value=value)
    return document


@pytest.mark.parametrize(
    ("value", "wrong"),
    [
        ("next", "value must be an object"),
        (5, "value must be an object"),
        (["next"], "value must be an object"),
        (None, "value must be an object"),
        ({"action": "next"}, "value.action must be an object"),
        ({"action": {"type": "Action.Execute", "data": "next"}}, "data must be an object"),
        ({"action": {"type": "Action.Execute", "data": [1]}}, "data must be an object"),
    ],
)
async def test_a_malformed_card_action_invoke_gets_a_400_saying_what_is_wrong(
    local_client: Client, connector: BotConnector, value: object, wrong: str
) -> None:
    response = await local_client.post(
        "/api/messages", json=invoke(connector.url, "adaptiveCard/action", value)
    )
    assert response.status == 400
    error = (await response.json())["value"]
    assert error["code"] == "BadRequest" and wrong in error["message"]
    assert connector.calls == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("adaptiveCard/action", {"action": {"type": "Action.Execute", "data": {"x": 1}}}),
        ("adaptiveCard/action", {"action": {"type": "Action.Submit"}}),
        ("signin/verifyState", {"state": "1"}),
        ("task/fetch", "x"),
        (None, None),
        (5, {}),
    ],
)
async def test_invokes_the_bot_does_not_handle_get_a_400_not_a_5xx(
    local_client: Client, connector: BotConnector, name: object, value: object
) -> None:
    response = await local_client.post("/api/messages", json=invoke(connector.url, name, value))
    assert response.status == 400
    assert (await response.json())["value"]["code"] == "NotSupported"
    assert connector.calls == []


@pytest.mark.parametrize("value", ["next", 5, ["next"], None, {"choice": 5}])
async def test_a_message_whose_value_is_not_our_click_is_read_as_text(
    local_client: Client, connector: BotConnector, value: object
) -> None:
    response = await local_client.post(
        "/api/messages", json=activity("card_submit", connector.url, value=value, text="help")
    )
    assert response.status == 201
    assert "history — your recent preps" in cardreader.text(connector.cards[-1])
