"""Arbitrary bytes, headers and JSON at /api/messages (local and authenticated) and the
playground API: never a 5xx, nothing logged as an error, and the server still answers a real
request after every one.

Examples are derandomised (the same inputs every run) and few, so the suite stays fast and a
failure reproduces. Activities are also built from the captured fixtures with fields replaced
by arbitrary JSON, so malformed input reaches the bot and the coach, not just the parser;
`@example`s pin inputs that once crashed a handler.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pytest_aiohttp import AiohttpClient

from bot.server import create_app
from bot.settings import Settings
from tests.teams.conftest import (  # the Teams fixtures, registered here too
    Client,
    app_settings,
    channel_key,
    connector,
    entra_key,
    keys,
    local_client,
    local_settings,
    signed_client,
)
from tests.teams.support import BotConnector, SigningKey, activity, channel_claims

__all__ = [
    "app_settings", "channel_key", "connector", "entra_key", "keys", "local_client",
    "local_settings", "signed_client",
]  # fmt: skip
MESSAGES = "/api/messages"
TURN = "/playground/api/turn"
SERVICE_URL = "service-url"  # replaced by the stand-in connector's address in each test
JSON = "application/json"
FUZZ = settings(
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)
content_types = st.sampled_from(
    [JSON, "text/plain", "application/x-www-form-urlencoded", "", "application/xml"]
)
FIXTURES = [
    "message_personal",
    "card_submit",
    "conversation_update",
    "installation_update",
    "message_channel_mention",
]
ACTIVITY_TYPES = [
    "message", "invoke", "conversationUpdate", "installationUpdate", "event", "messageReaction",
    "messageUpdate", "messageDelete", "typing", "endOfConversation",
]  # fmt: skip
INVOKE_NAMES = ["adaptiveCard/action", "signin/verifyState", "signin/tokenExchange", "task/fetch"]
ACTIVITY_FIELDS = [
    "id", "text", "value", "name", "action", "channelData", "conversation", "from",
    "recipient", "entities", "membersAdded", "membersRemoved", "localTimezone", "replyToId",
    "timestamp", "channelId", "locale", "attachments",
]  # fmt: skip
tricky_values = json_values | st.sampled_from(
    [
        "help",
        "resume ²",
        "notes 99999999999999999999999",
        "\ud800 lone surrogate",
        "\u202ehidden\u2066 \ufeff",
        {"tenant": {"id": ["not", "a", "string"]}},
        {"conversationType": "channel", "id": 5},
        {"choice": "cmd:resume 99999999999999999999", "prep_id": 1, "step": "feel"},
        {"action": {"type": "Action.Execute", "data": "x"}},
    ]
)


@st.composite
def bent_activities(draw: st.DrawFn) -> dict[str, Any]:
    """A captured activity of some type, with a few fields replaced by arbitrary JSON."""
    document = activity(draw(st.sampled_from(FIXTURES)), SERVICE_URL)
    document["type"] = draw(st.sampled_from(ACTIVITY_TYPES))
    if document["type"] == "invoke":
        document["name"] = draw(st.sampled_from(INVOKE_NAMES))
    changes = draw(st.dictionaries(st.sampled_from(ACTIVITY_FIELDS), tricky_values, max_size=4))
    return {**document, **changes}


def to_connector(document: object, connector: BotConnector) -> bytes:
    """The document as a client sends it, addressed to the stand-in connector."""
    if isinstance(document, dict) and document.get("serviceUrl") == SERVICE_URL:
        document = {**document, "serviceUrl": connector.url}
    return json.dumps(document).encode()


async def status_of(client: Client, path: str, body: bytes, headers: dict[str, str]) -> int:
    response = await client.post(path, data=body, headers=headers)
    await response.read()
    return response.status


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


MALFORMED_CARD_ACTION = {
    **activity("message_personal", SERVICE_URL),
    "type": "invoke",
    "name": "adaptiveCard/action",
}


# ---- /api/messages, local (emulator) mode ------------------------------------------------


async def still_answers_teams(client: Client, connector: BotConnector, **headers: str) -> None:
    help_please = activity("message_personal", connector.url, text="help")
    response = await client.post(MESSAGES, json=help_please, headers=headers)
    assert response.status == 201, await response.text()


@FUZZ
@given(body=st.binary(max_size=300), content_type=content_types, authorization=header_text)
async def test_local_mode_survives_arbitrary_bytes(
    local_client: Client,
    connector: BotConnector,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
    authorization: str,
) -> None:
    caplog.clear()
    headers = {"Content-Type": content_type, "Authorization": authorization}
    assert await status_of(local_client, MESSAGES, body, headers) < 500
    await still_answers_teams(local_client, connector)
    assert errors_logged(caplog) == []


@FUZZ
@given(document=json_values | bent_activities())
@example(document=MALFORMED_CARD_ACTION)
@example(
    document={**activity("message_personal", SERVICE_URL), "text": "notes 99999999999999999999"}
)
async def test_local_mode_survives_arbitrary_activities(
    local_client: Client,
    connector: BotConnector,
    caplog: pytest.LogCaptureFixture,
    document: object,
) -> None:
    caplog.clear()
    body = to_connector(document, connector)
    assert await status_of(local_client, MESSAGES, body, {"Content-Type": JSON}) < 500
    await still_answers_teams(local_client, connector)
    assert errors_logged(caplog) == []


# ---- /api/messages, authenticated --------------------------------------------------------


@FUZZ
@given(
    document=json_values | bent_activities() | st.binary(max_size=300),
    content_type=content_types,
    authorization=st.none() | header_text,
)
@example(document=MALFORMED_CARD_ACTION, content_type=JSON, authorization=None)
async def test_authenticated_mode_survives_arbitrary_requests(
    signed_client: Client,
    connector: BotConnector,
    channel_key: SigningKey,
    caplog: pytest.LogCaptureFixture,
    document: object,
    content_type: str,
    authorization: str | None,
) -> None:
    """`authorization` None: a valid channel token, so the body reaches the bot."""
    caplog.clear()
    signed = f"Bearer {channel_key.token(channel_claims(connector.url))}"
    body = document if isinstance(document, bytes) else to_connector(document, connector)
    headers = {"Content-Type": content_type, "Authorization": authorization or signed}
    assert await status_of(signed_client, MESSAGES, body, headers) < 500
    await still_answers_teams(signed_client, connector, Authorization=signed)
    assert errors_logged(caplog) == []


# ---- the playground API ------------------------------------------------------------------


@pytest.fixture
async def playground(aiohttp_client: AiohttpClient, migrated_settings: Settings) -> Client:
    """The real server with the playground on, and a visitor who opened the page."""
    client: Client = await aiohttp_client(create_app(migrated_settings))
    assert (await client.get("/")).status == 200
    return client


turn_shapes = st.one_of(
    st.fixed_dictionaries({"text": tricky_values}),
    st.fixed_dictionaries({"choice": tricky_values}),
    st.fixed_dictionaries(
        {"command": st.sampled_from(["start", "resume"]) | json_values, "argument": tricky_values}
    ),
    json_values,
).map(lambda document: json.dumps(document).encode())


@FUZZ
@given(body=st.binary(max_size=300) | turn_shapes, content_type=content_types)
@example(body=b'{"text": "\\ud800 a lone surrogate"}', content_type=JSON)
@example(body=b'{"command": "resume", "argument": "99999999999999999999"}', content_type=JSON)
async def test_the_playground_survives_arbitrary_turns(
    playground: Client, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    caplog.clear()
    assert await status_of(playground, TURN, body, {"Content-Type": content_type}) < 500
    started = await playground.post(TURN, json={"command": "start", "argument": "sales"})
    assert started.status == 200, await started.text()
    assert errors_logged(caplog) == []
