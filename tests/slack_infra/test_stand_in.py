"""The Web API stand-in behaves like Slack for the real slack_sdk clients our app uses."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.support.slack_api import SlackApiStandIn, WaitTimeout, Workspace

BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*Feel*: why might they skip it?"}},
    {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": "choice:0",
                "text": {"type": "plain_text", "text": "Continue"},
                "value": json.dumps({"choice": "next"}),
            }
        ],
    },
]


def web_client(api: SlackApiStandIn, token: str = "xoxb-test", **kwargs: object) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=api.url, **kwargs)  # type: ignore[arg-type]


async def test_post_message_records_method_token_and_decoded_blocks(
    slack_api: SlackApiStandIn,
) -> None:
    client = web_client(slack_api)

    first = await client.chat_postMessage(channel="DU123", text="Feel", blocks=BLOCKS)
    second = await client.chat_postMessage(channel="DU123", text="Focus")

    call = slack_api.calls_to("chat.postMessage")[0]
    assert (call.token, call.body["channel"], call.body["text"]) == ("xoxb-test", "DU123", "Feel")
    assert call.body["blocks"] == BLOCKS
    assert call.content_type == "application/json"  # slack_sdk sends chat.* as JSON
    assert first["ts"] == "1700000000.000100" and second["ts"] == "1700000000.000200"
    assert first["message"]["bot_id"] == "BBOT"


async def test_blocks_sent_as_a_form_field_are_decoded_too(slack_api: SlackApiStandIn) -> None:
    client = web_client(slack_api)

    await client.api_call(
        "chat.postMessage", data={"channel": "DU123", "blocks": json.dumps(BLOCKS)}
    )

    call = slack_api.calls_to("chat.postMessage")[0]
    assert call.content_type == "application/x-www-form-urlencoded"
    assert call.body["blocks"] == BLOCKS


async def test_dm_channel_and_user_time_zone_are_predictable(slack_api: SlackApiStandIn) -> None:
    client = web_client(slack_api)

    opened = await client.conversations_open(users="U123")
    user = await client.users_info(user="U123")

    assert opened["channel"]["id"] == "DU123"
    assert (user["user"]["tz"], user["user"]["tz_offset"]) == ("Europe/Paris", 3600)
    assert slack_api.calls_to("conversations.open")[0].body == {"users": "U123"}
    assert slack_api.calls_to("users.info")[0].body == {"user": "U123"}


async def test_a_429_is_retried_after_retry_after_by_the_sdk_handler(
    slack_api: SlackApiStandIn,
) -> None:
    slack_api.rate_limit("chat.postMessage", retry_after=1)
    client = web_client(slack_api, retry_handlers=[AsyncRateLimitErrorRetryHandler()])

    response = await client.chat_postMessage(channel="DU123", text="hello")

    limited, delivered = slack_api.calls_to("chat.postMessage")
    assert response["ok"] and delivered.ok
    assert (limited.status, limited.error) == (429, "ratelimited")
    assert delivered.at - limited.at >= 1.0


async def test_without_a_retry_handler_a_429_surfaces_with_retry_after(
    slack_api: SlackApiStandIn,
) -> None:
    slack_api.rate_limit("chat.postMessage", retry_after=7)

    with pytest.raises(SlackApiError) as raised:
        await web_client(slack_api).chat_postMessage(channel="DU123", text="hello")

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"


async def test_fail_answers_ok_false_then_recovers(slack_api: SlackApiStandIn) -> None:
    slack_api.fail("chat.postMessage", error="channel_not_found")
    client = web_client(slack_api)

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="DU123", text="hello")
    await client.chat_postMessage(channel="DU123", text="hello again")

    assert raised.value.response["error"] == "channel_not_found"
    assert [c.error for c in slack_api.calls_to("chat.postMessage")] == [
        "channel_not_found",
        None,
    ]


async def test_fail_can_target_one_channel_only(slack_api: SlackApiStandIn) -> None:
    slack_api.fail("chat.postMessage", times=None, where=lambda body: body["channel"] == "DU9")
    client = web_client(slack_api)

    await client.chat_postMessage(channel="DU123", text="fine")
    with pytest.raises(SlackApiError):
        await client.chat_postMessage(channel="DU9", text="broken")

    assert [c.ok for c in slack_api.calls_to("chat.postMessage")] == [True, False]


async def test_tokens_are_checked_and_can_be_revoked(slack_api: SlackApiStandIn) -> None:
    errors = []
    for token in ("xoxp-user-token", "xoxb-revoked"):
        slack_api.revoke("xoxb-revoked")
        with pytest.raises(SlackApiError) as raised:
            await web_client(slack_api, token=token).auth_test()
        errors.append(raised.value.response["error"])
    slack_api.valid_tokens = {"xoxb-known"}
    with pytest.raises(SlackApiError) as raised:
        await web_client(slack_api, token="xoxb-other").auth_test()

    assert errors == ["invalid_auth", "token_revoked"]
    assert raised.value.response["error"] == "invalid_auth"
    assert (await web_client(slack_api, token="xoxb-known").auth_test())["team_id"] == "T0ACME"


async def test_unknown_methods_are_refused(slack_api: SlackApiStandIn) -> None:
    with pytest.raises(SlackApiError) as raised:
        await web_client(slack_api).api_call("chat.postMesage", json={"channel": "DU123"})

    assert raised.value.response["error"] == "unknown_method"


async def test_oauth_install_hands_out_a_token_of_the_installed_workspace(
    slack_api: SlackApiStandIn,
) -> None:
    slack_api.install_workspace = Workspace(team_id="T0BETA", name="Beta", domain="beta")
    client = AsyncWebClient(base_url=slack_api.url)

    installed = await client.oauth_v2_access(client_id="111.222", client_secret="s3", code="c0de")
    identity = await client.auth_test(token=installed["access_token"])

    assert installed["access_token"].startswith("xoxb-installed-")
    assert (installed["team"]["id"], installed["token_type"], installed["enterprise"]) == (
        "T0BETA",
        "bot",
        None,
    )
    assert (identity["team_id"], identity["url"]) == ("T0BETA", "https://beta.slack.com/")
    assert slack_api.calls_to("oauth.v2.access")[0].body["client_id"] == "111.222"


async def test_files_upload_v2_runs_end_to_end(slack_api: SlackApiStandIn) -> None:
    brief = "# Prep brief\n\nOne outcome: sales finishes training by March.\n"

    response = await web_client(slack_api).files_upload_v2(
        channel="DU123", filename="brief.md", content=brief, title="Prep brief"
    )

    upload = slack_api.uploads[response["file"]["id"]]
    assert (upload.content, upload.title, upload.channel_id) == (
        brief.encode(),
        "Prep brief",
        "DU123",
    )
    assert [c.method for c in slack_api.calls] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]


async def test_response_url_posts_are_recorded(slack_api: SlackApiStandIn) -> None:
    webhook = AsyncWebhookClient(slack_api.response_url("cmd-1"))

    response = await webhook.send(text="Check your DM", response_type="ephemeral")

    assert (response.status_code, response.body) == (200, "ok")
    assert slack_api.responses_to("cmd-1")[0].body == {
        "text": "Check your DM",
        "response_type": "ephemeral",
    }


async def test_per_channel_limit_answers_429_with_the_wait(slack_api: SlackApiStandIn) -> None:
    slack_api.rate_limits_per_channel(messages_per_second=0.5)
    url = f"{slack_api.url}chat.postMessage"
    headers = {"Authorization": "Bearer xoxb-test"}
    statuses = []
    async with aiohttp.ClientSession(headers=headers) as session:
        for channel in ("DU1", "DU1", "DU2"):
            async with session.post(url, json={"channel": channel, "text": "hi"}) as response:
                statuses.append((response.status, response.headers.get("Retry-After")))

    assert statuses == [(200, None), (429, "2"), (200, None)]


async def test_per_workspace_limit_covers_every_channel_of_the_token_s_workspace(
    slack_api: SlackApiStandIn,
) -> None:
    globex = Workspace(team_id="T0GLOBEX", name="Globex", domain="globex")
    slack_api.bind_token("xoxb-acme", slack_api.default_workspace)
    slack_api.bind_token("xoxb-globex", globex)
    slack_api.rate_limits_per_workspace(messages_per_second=0.5, burst=2)
    url = f"{slack_api.url}chat.postMessage"
    statuses = []
    async with aiohttp.ClientSession() as session:
        for token, channel in [
            ("xoxb-acme", "DU1"),
            ("xoxb-acme", "DU2"),
            ("xoxb-acme", "DU3"),  # a third channel, but the workspace's burst is spent
            ("xoxb-globex", "DU1"),  # another workspace has its own bucket
        ]:
            headers = {"Authorization": f"Bearer {token}"}
            body = {"channel": channel, "text": "hi"}
            async with session.post(url, json=body, headers=headers) as response:
                statuses.append((response.status, response.headers.get("Retry-After")))

    assert statuses == [(200, None), (200, None), (429, "2"), (200, None)]
    posted = {c.body["channel"] for c in slack_api.calls_to("chat.postMessage", only_ok=True)}
    assert "DU3" not in posted, "a refused call is not a message"


async def test_wait_for_wakes_on_the_call_it_waits_for(slack_api: SlackApiStandIn) -> None:
    since = slack_api.mark()
    waiting = asyncio.create_task(
        slack_api.wait_for_call("chat.postMessage", lambda c: c.body["text"] == "b", since=since)
    )

    for text in ("a", "b"):
        await web_client(slack_api).chat_postMessage(channel="DU123", text=text)

    assert (await waiting).body["text"] == "b"
    with pytest.raises(WaitTimeout, match=r"chat.postMessage\(200\)"):
        await slack_api.wait_for(lambda calls: len(calls) > 5, timeout=0.05)


async def test_messages_in_shows_the_channel_after_updates(slack_api: SlackApiStandIn) -> None:
    client = web_client(slack_api)
    posted = await client.chat_postMessage(channel="DU123", text="Pick one", blocks=BLOCKS)

    await client.chat_update(channel="DU123", ts=posted["ts"], text="You picked: continue")

    [message] = slack_api.messages_in("DU123")
    assert message["text"] == "You picked: continue"
    assert message["blocks"] == BLOCKS and "edited" in message
