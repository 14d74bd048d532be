"""Requests built by tests.support.slack_requests are what Slack sends, as Bolt reads them."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond, AsyncSay
from slack_bolt.request import payload_utils
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from tests.support import slack_requests as slack
from tests.support.slack_api import SlackApiStandIn

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def bolt_request(body: str) -> AsyncBoltRequest:
    headers: dict[str, str | Sequence[str]] = {**slack.signed_headers(body, SECRET)}
    return AsyncBoltRequest(body=body, headers=headers)


def test_signed_headers_pass_the_real_verifier_and_tampering_fails() -> None:
    body = slack.slash_command_body("sales")
    headers = slack.signed_headers(body, SECRET)
    verifier = SignatureVerifier(SECRET)
    stamp, signature = headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]

    assert verifier.is_valid(body, stamp, signature)
    assert verifier.is_valid_request(body.encode(), headers)
    assert not verifier.is_valid(body.replace("sales", "finance"), stamp, signature)
    assert not SignatureVerifier("another-secret").is_valid(body, stamp, signature)
    stale = slack.signed_headers(body, SECRET, timestamp=int(time.time()) - 301)
    assert not verifier.is_valid_request(body, stale)


def test_signed_headers_carry_content_type_and_retry_marks() -> None:
    event = slack.event_body(slack.message_im_event())

    headers = slack.signed_headers(event, SECRET, retry_num=1)

    assert headers["Content-Type"] == "application/json"
    assert (headers["X-Slack-Retry-Num"], headers["X-Slack-Retry-Reason"]) == ("1", "http_timeout")
    form = slack.signed_headers(slack.slash_command_body(), SECRET)
    assert form["Content-Type"] == "application/x-www-form-urlencoded"


@pytest.mark.parametrize("path", sorted(slack.FIXTURES.glob("*.json")), ids=lambda p: p.stem)
def test_every_fixture_has_the_documented_shape(path: Any) -> None:
    payload = json.loads(path.read_text())

    if "event" in payload:
        assert payload["type"] == "event_callback"
        assert payload["event_id"].startswith("Ev")
        assert payload["authorizations"][0]["team_id"] == payload["team_id"] == "T0ACME"
    elif payload.get("type") == "block_actions":
        assert payload["actions"][0]["type"] == "button"
        assert json.loads(payload["actions"][0]["value"])  # our button values are JSON
    elif "command" in payload:
        assert all(isinstance(value, str) for value in payload.values())  # form fields
    else:
        assert payload["type"] == "url_verification" and payload["challenge"]


def test_bolt_reads_a_slash_command_as_sent_by_a_user_of_a_workspace() -> None:
    body = slack.slash_command_body("finance", user_id="U777", team_id="T0BETA")

    request = bolt_request(body)

    assert payload_utils.is_slash_command(request.body)
    assert (request.body["command"], request.body["text"]) == ("/prep-talk", "finance")
    assert (request.context.team_id, request.context.user_id) == ("T0BETA", "U777")
    assert parse_qs(body)["is_enterprise_install"] == ["false"]


def test_bolt_reads_a_button_click_in_the_dm() -> None:
    value = json.dumps({"choice": "next", "step": "feel"})

    request = bolt_request(slack.block_actions_body("choice:0", value, message_ts="1.000200"))

    assert payload_utils.is_block_actions(request.body)
    assert request.body["actions"][0]["value"] == value
    assert (request.context.user_id, request.context.channel_id) == ("U123", "DU123")
    assert request.body["container"]["message_ts"] == "1.000200"


def test_bolt_reads_a_button_click_in_app_home() -> None:
    payload = slack.home_block_actions_payload("home:resume", '{"resume": 7}', team_id="T0BETA")

    request = bolt_request(slack.interactivity_body(payload))

    assert request.body["container"]["type"] == "view"
    assert request.context.team_id == "T0BETA" and "response_url" not in request.body


@pytest.mark.parametrize(
    ("event", "is_user_dm"),
    [
        (slack.message_im_event("U123", "hello"), True),
        (slack.bot_message_event(), False),
        (slack.own_message_event(), False),
        (slack.message_changed_event(), False),
        (slack.message_deleted_event(), False),
    ],
    ids=["user", "bot_message", "own", "changed", "deleted"],
)
def test_only_a_users_own_dm_text_looks_like_an_answer(event: Any, is_user_dm: bool) -> None:
    body = bolt_request(slack.event_body(event)).body

    assert payload_utils.is_any_im_message_event(body)  # all of them arrive as message.im ...
    inner = body["event"]
    plain = "subtype" not in inner and "bot_id" not in inner
    assert plain is is_user_dm  # ... so the app must filter on subtype *and* bot_id:
    # the app's own echo has no subtype, and Bolt's is_im_message_event lets it through.


def test_events_carry_the_workspace_in_envelope_and_authorizations() -> None:
    body = slack.event_body(slack.app_uninstalled_event(), team_id="T0BETA", event_id="Ev1")

    request = bolt_request(body)

    assert request.context.team_id == "T0BETA"
    assert (request.body["event_id"], request.body["event"]["type"]) == ("Ev1", "app_uninstalled")
    revoked = slack.tokens_revoked_event(bot_user_ids=("UBOT",))
    assert revoked["tokens"] == {"oauth": [], "bot": ["UBOT"]}
    home = slack.app_home_opened_event("U9")
    assert payload_utils.is_app_home_opened_event(bolt_request(slack.event_body(home)).body)
    assert (home["channel"], home["view"]["type"]) == ("DU9", "home")


def test_each_event_gets_a_fresh_event_id() -> None:
    first, second = (json.loads(slack.event_body(slack.message_im_event())) for _ in range(2))

    assert first["event_id"] != second["event_id"]


async def test_a_bare_bolt_app_round_trips_through_the_stand_in(
    slack_api: SlackApiStandIn, aiohttp_client: Any
) -> None:
    """Signed bodies over HTTP to Bolt; its answers land in the stand-in: the kit fits."""
    bolt = AsyncApp(
        signing_secret=SECRET,
        client=AsyncWebClient(token="xoxb-test", base_url=slack_api.url),
    )

    @bolt.command("/prep-talk")
    async def command(ack: AsyncAck, respond: AsyncRespond, command: dict[str, Any]) -> None:
        await ack()
        await respond(f"Starting {command['text']}")

    @bolt.event("message")
    async def echo(event: dict[str, Any], say: AsyncSay) -> None:
        await say(f"You said: {event['text']}")

    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    server = web.Application()
    server.router.add_post("/slack/events", handle)
    client = await aiohttp_client(server)

    async def send(body: str, secret: str = SECRET) -> int:
        response = await client.post(
            "/slack/events", data=body, headers=slack.signed_headers(body, secret)
        )
        return int(response.status)

    challenge = await client.post(
        "/slack/events",
        data=(body := slack.url_verification_body("xyz")),
        headers=slack.signed_headers(body, SECRET),
    )
    command_status = await send(
        slack.slash_command_body("sales", response_url=slack_api.response_url("c1"))
    )
    own_status = await send(slack.event_body(slack.own_message_event(text="echo me")))
    dm_status = await send(slack.event_body(slack.message_im_event("U123", "hi <!channel>")))
    forged_status = await send(slack.event_body(slack.message_im_event()), "wrong-secret")

    reply = await slack_api.wait_for_call("chat.postMessage")
    responded = await slack_api.wait_for(lambda calls: slack_api.responses_to("c1"))
    assert (await challenge.json()) == {"challenge": "xyz"}
    assert (command_status, own_status, dm_status, forged_status) == (200, 200, 200, 401)
    assert (reply.body["channel"], reply.body["text"]) == ("DU123", "You said: hi <!channel>")
    assert responded[0].body["text"] == "Starting sales"
    # Bolt dropped its own echo (fixture ids match auth.test) and the forged event did nothing.
    assert len(slack_api.calls_to("chat.postMessage")) == 1
