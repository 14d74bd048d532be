"""The door of /slack/events: signatures are checked on the raw bytes before any parsing, so
a stranger's malformed request is a 401 and a signed malformed one a 400, never a 500."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from bot.storage.inbox_models import InboxTurn
from bot.users import UserRef
from tests.slack.conftest import SECRET, SlackWorkspace
from tests.support.slack_requests import event_body, message_im_event, slash_command_body

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

MALFORMED = [
    pytest.param(b'{"type": "event_callback", "event": {"type": "mess', JSON, id="truncated-json"),
    pytest.param(b'[{"type": "event_callback"}]', JSON, id="json-array"),
    pytest.param(b'"event_callback"', JSON, id="json-string"),
    pytest.param(b"{}", JSON, id="json-object-without-type"),
    pytest.param(b'{"type": "event_callback", "x": "\xff\xfe"}', JSON, id="invalid-utf8"),
    pytest.param(urlencode({"payload": "{not json"}).encode(), FORM, id="payload-not-json"),
    pytest.param(urlencode({"payload": "[1, 2]"}).encode(), FORM, id="payload-json-array"),
    pytest.param(slash_command_body("sales").encode(), JSON, id="form-sent-as-json"),
    pytest.param(b"%%%&&&===", FORM, id="form-garbage"),
    pytest.param(b"", FORM, id="empty"),
    pytest.param(b'{"type": "event_callback", "authorizations": 5}', JSON, id="wrong-types"),
]
# Signed, well-formed enough for Bolt, with the wrong things where a turn names its sender:
# answered without a 5xx, and nothing is coached.
ODD_TURNS = [
    pytest.param(400, {"type": "block_actions", "user": 5, "actions": [{"action_id": "choice-0"}]},
                 id="click-user-not-an-object"),
    pytest.param(400, {"type": "block_actions", "user": {"id": "U123"}, "actions": "choice-0"},
                 id="click-actions-not-a-list"),
    pytest.param(400, {"type": "event_callback", "event": {"type": "message", "channel_type": "im",
                                                      "user": ["U123"]}},
                 id="dm-user-not-a-string"),
    pytest.param(400, {"type": "event_callback", "event": "message"}, id="event-not-an-object"),
    pytest.param(400, {"type": "block_actions", "user": {"id": "U123"}, "actions": []},
                 id="click-no-action"),
    pytest.param(400, {"type": "block_actions", "user": {"id": "U123"},
                       "actions": [{"action_id": 5}]},
                 id="click-action-id-not-a-string"),
    pytest.param(400, {"type": "view_submission", "user": {"id": "U123"}, "view": {"id": "V1"}},
                 id="view-without-a-type"),
    pytest.param(400, {"type": "event_callback",
                       "event": {"type": "app_home_opened", "tab": "home"}},
                 id="home-without-a-user"),
    pytest.param(400, {"type": "event_callback", "event": {"type": "app_home_opened",
                                                      "user": {"id": "U123"}}},
                 id="home-user-not-a-string"),
    pytest.param(200, {"type": "event_callback", "event": {"type": "message", "channel_type": "im",
                                                      "user": "U123", "text": "hi", "ts": "1.2"}},
                 id="dm-without-a-channel"),
]  # fmt: skip


def sign(body: bytes, secret: str = SECRET, timestamp: str | None = None) -> dict[str, str]:
    """Slack's v0 signature over raw bytes (slack_sdk's helper wants text, and some of these
    bodies are not valid UTF-8)."""
    stamp = timestamp or str(int(time.time()))
    basestring = b"v0:" + stamp.encode() + b":" + body
    digest = hmac.new(secret.encode(), basestring, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def test_our_signing_helper_agrees_with_slack_sdk() -> None:
    body = b'{"type": "url_verification"}'
    headers = sign(body)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid(
        body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    )


@pytest.mark.parametrize(("body", "content_type"), MALFORMED)
async def test_an_unsigned_malformed_request_is_401(
    slack: SlackWorkspace, body: bytes, content_type: str
) -> None:
    response = await slack.client.post(
        "/slack/events", data=body, headers={"Content-Type": content_type}
    )
    assert response.status == 401
    assert (await response.json())["error"] == "invalid_signature"


@pytest.mark.parametrize(("body", "content_type"), MALFORMED)
async def test_a_signed_malformed_request_is_400_and_nothing_runs(
    slack: SlackWorkspace, body: bytes, content_type: str
) -> None:
    headers = {**sign(body), "Content-Type": content_type}
    response = await slack.client.post("/slack/events", data=body, headers=headers)
    assert response.status == 400
    assert (await response.json())["error"] == "invalid_payload"
    assert slack.api.calls == []


LONG_STAMPS = ["9" * 309, "1" * 4301]  # past a float's range; past int()'s digit limit


@pytest.mark.parametrize(
    "stamp", ["soon", "12.5", "", "١٢٣", "-5", "99999999999999999999999", *LONG_STAMPS]
)
async def test_a_timestamp_that_is_not_a_recent_whole_number_is_401(
    slack: SlackWorkspace, stamp: str
) -> None:
    body = slash_command_body("sales").encode()
    headers = {**sign(body, timestamp=stamp or "0"), "Content-Type": FORM}
    headers["X-Slack-Request-Timestamp"] = stamp
    response = await slack.client.post("/slack/events", data=body, headers=headers)
    assert response.status == 401
    assert slack.api.calls == []


@pytest.mark.parametrize("stamp", LONG_STAMPS)
async def test_a_body_that_is_not_utf8_with_a_huge_timestamp_is_401(
    slack: SlackWorkspace, stamp: str
) -> None:
    body = b"text=\xff\xfe"
    headers = {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": "v0=00",
        "Content-Type": FORM,
    }
    response = await slack.client.post("/slack/events", data=body, headers=headers)
    assert response.status == 401
    assert slack.api.calls == []


async def test_a_well_formed_signed_dm_still_gets_through(slack: SlackWorkspace) -> None:
    await slack.turn(slack.command("sales"))
    reply = await slack.turn(slack.say("They skip it at quarter end"))
    assert "Noted" in json.dumps(reply)


async def test_the_url_verification_handshake_still_answers(slack: SlackWorkspace) -> None:
    body = json.dumps({"token": "x", "challenge": "abc123", "type": "url_verification"})
    response = await slack.post(body)
    assert response.status == 200
    assert "abc123" in await response.text()


async def test_bolt_still_checks_the_signature_itself(slack: SlackWorkspace) -> None:
    """Defence in depth: a request that got past the gate is verified by Bolt again."""
    from slack_bolt.request.async_request import AsyncBoltRequest

    from bot.channels.slack.mount import SLACK_APP_KEY

    bolt = slack.client.app[SLACK_APP_KEY]
    body = event_body(message_im_event("U123", "hi"))
    unsigned = AsyncBoltRequest(body=body, headers={"Content-Type": JSON})
    response = await bolt.async_dispatch(unsigned)
    assert response.status == 401


@pytest.mark.parametrize(("status", "payload"), ODD_TURNS)
async def test_a_signed_turn_with_odd_fields_is_refused_or_ignored_and_coaches_nothing(
    slack: SlackWorkspace, status: int, payload: dict[str, object]
) -> None:
    is_click = payload["type"] == "block_actions"
    body = urlencode({"payload": json.dumps(payload)}) if is_click else json.dumps(payload)
    response = await slack.post(body)
    # Refused at the door (400), or acknowledged and ignored as no turn (a DM from nowhere).
    assert response.status == status
    async with slack.coach.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(InboxTurn)) == 0
    assert await slack.coach.preps(UserRef("slack", "none", "U123")) == []
    assert slack.api.calls_to("chat.postMessage") == []


async def test_a_command_with_the_word_payload_is_read_as_the_command_it_is(
    slack: SlackWorkspace,
) -> None:
    """Bolt's own parser reads any form body holding "payload" as an interaction, which this
    command is not: the gate parses it as a slash command's fields."""
    mark = slack.api.mark()
    response = await slack.command("payload")

    assert response.status == 200
    answer = await slack.api.wait_for_call("response_url", since=mark)
    assert "I don't know “payload”" in answer.body["text"]  # the command, not an empty form
