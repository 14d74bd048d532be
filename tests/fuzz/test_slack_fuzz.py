"""Anything thrown at /slack/events — arbitrary bytes, headers, JSON, signed or not — gets a
4xx or a 200, never a 5xx, and the server keeps answering."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.server import create_app
from tests.slack.conftest import SECRET, slack_settings
from tests.support.db_fixtures import migrated_sqlite_url
from tests.support.slack_api import SlackApiStandIn, slack_api

CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "",
        "multipart/form-data",
    ]
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
# Slack-shaped payloads with the wrong things in them: real keys, arbitrary values.
SLACK_KEYS = st.sampled_from(
    ["type", "event", "team_id", "event_id", "user", "team", "actions", "command", "user_id",
     "trigger_id", "channel", "text", "authorizations", "enterprise", "api_app_id", "view",
     "response_url", "is_enterprise_install", "channel_type", "subtype", "bot_id", "token"]
)  # fmt: skip
SLACK_TYPES = st.sampled_from(
    ["event_callback", "block_actions", "url_verification", "view_submission", "shortcut"]
)
SLACK_SHAPED = st.builds(
    lambda kind, rest: {**rest, "type": kind},
    SLACK_TYPES,
    st.dictionaries(
        SLACK_KEYS,
        st.recursive(JSON_VALUES, lambda inner: st.dictionaries(SLACK_KEYS, inner, max_size=4)),
        max_size=6,
    ),
)
# What an HTTP client can put in a header at all: printable ASCII.
HEADER_TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
EXAMPLES = 150
__all__ = ["slack_api"]


def sign(body: bytes, stamp: str) -> dict[str, str]:
    digest = hmac.new(SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


@pytest.fixture
async def client(
    tmp_path: Path, migrated_sqlite_file: Path, slack_api: SlackApiStandIn
) -> AsyncIterator[TestClient[Any, Any]]:
    url = migrated_sqlite_url(migrated_sqlite_file, tmp_path)
    test_client = TestClient(TestServer(create_app(slack_settings(url, slack_api))))
    await test_client.start_server()
    yield test_client
    await test_client.close()


async def still_answers(client: TestClient[Any, Any]) -> None:
    assert (await client.get("/healthz")).status == 200


fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@fuzz
@given(body=st.binary(max_size=2000), content_type=CONTENT_TYPES, signed=st.booleans(),
       stamp=st.one_of(st.just("now"), HEADER_TEXT))  # fmt: skip
async def test_arbitrary_bytes_signed_or_not_never_get_a_5xx(
    client: TestClient[Any, Any], body: bytes, content_type: str, signed: bool, stamp: str
) -> None:
    stamp = str(int(time.time())) if stamp == "now" else stamp
    headers = {"Content-Type": content_type} if content_type else {}
    if signed:
        headers.update(sign(body, stamp))
    response = await client.post("/slack/events", data=body, headers=headers)
    assert response.status < 500, await response.text()
    await still_answers(client)


@fuzz
@given(headers=st.dictionaries(
    st.sampled_from(["X-Slack-Request-Timestamp", "X-Slack-Signature", "Content-Type",
                     "X-Slack-Retry-Num", "Content-Encoding"]),
    HEADER_TEXT,
))  # fmt: skip
async def test_arbitrary_headers_never_get_a_5xx(
    client: TestClient[Any, Any], headers: dict[str, str]
) -> None:
    response = await client.post(
        "/slack/events", data=b'{"type":"event_callback"}', headers=headers
    )
    assert response.status < 500, await response.text()
    await still_answers(client)


@fuzz
@given(payload=SLACK_SHAPED, as_form=st.booleans())
async def test_signed_slack_shaped_json_with_anything_inside_never_gets_a_5xx(
    client: TestClient[Any, Any], payload: Any, as_form: bool
) -> None:
    text = json.dumps(payload)
    if as_form:
        text = urlencode({"payload": text})
    body = text.encode()
    content_type = "application/x-www-form-urlencoded" if as_form else "application/json"
    headers = {**sign(body, str(int(time.time()))), "Content-Type": content_type}
    response = await client.post("/slack/events", data=body, headers=headers)
    assert response.status < 500, await response.text()
    await still_answers(client)
