"""Requests to our app built as Slack builds them: bodies from the fixtures, signed for real.

Every body starts from a payload in tests/fixtures/slack/ (written from Slack's documented
formats) with only the fields a test cares about changed, so the fixtures are what tests send.
Signatures come from slack_sdk's own SignatureVerifier, the code that checks them in the app.

    body = slash_command_body("sales", response_url=api.response_url("cmd"))
    response = await client.post("/slack/events", data=body, headers=signed_headers(body, SECRET))

    body = event_body(message_im_event("U123", "They skip it at quarter-end"))
    await client.post("/slack/events", data=body, headers=signed_headers(body, SECRET))
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "slack"
TEAM_ID = "T0ACME"
USER_ID = "U123"
BOT_USER_ID = "UBOT"
APP_ID = "A0PREP"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

Payload = dict[str, Any]


def load_fixture(name: str) -> Payload:
    """A fresh copy of tests/fixtures/slack/<name>.json (callers may change it freely)."""
    loaded: Payload = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def dm_channel(user_id: str) -> str:
    """The DM channel id of `user_id` with the app, as the Web API stand-in hands it out."""
    return f"D{user_id}"


# ---- signing -----------------------------------------------------------------------------


def signed_headers(
    body: bytes | str,
    secret: str,
    timestamp: int | None = None,
    *,
    content_type: str | None = None,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
) -> dict[str, str]:
    """Headers Slack sends with `body`: v0 signature, timestamp, content type, retry marks.

    `timestamp` defaults to now; pass an old one to test replay protection. `retry_num` adds
    X-Slack-Retry-Num/-Reason as on Slack's redeliveries of an event.
    """
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    text = body.decode() if isinstance(body, bytes) else body
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=text)
    assert signature is not None  # only None without a timestamp
    headers = {
        "Content-Type": content_type or (JSON if text.lstrip().startswith("{") else FORM),
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason
    return headers


# ---- slash commands and interactivity (form-encoded) -------------------------------------


def slash_command_fields(
    text: str = "sales",
    *,
    user_id: str = USER_ID,
    team_id: str = TEAM_ID,
    channel_id: str | None = None,
    channel_name: str | None = None,
    response_url: str | None = None,
    trigger_id: str | None = None,
) -> dict[str, str]:
    """The decoded form fields of `/prep-talk <text>` (see slash_command.json).

    Typed in a channel by default; a `channel_id` starting with "D" is a DM, which Slack names
    "directmessage".
    """
    fields: dict[str, str] = load_fixture("slash_command")
    fields.update(text=text, user_id=user_id, team_id=team_id)
    if channel_id is not None:
        dm_name = "directmessage" if channel_id.startswith("D") else fields["channel_name"]
        fields.update(channel_id=channel_id, channel_name=channel_name or dm_name)
    if response_url is not None:
        fields["response_url"] = response_url
    fields["trigger_id"] = trigger_id or _trigger_id()
    return fields


def slash_command_body(text: str = "sales", **fields: Any) -> str:
    """`/prep-talk <text>` form-encoded as Slack posts it; keywords as `slash_command_fields`."""
    return urlencode(slash_command_fields(text, **fields))


def block_actions_payload(
    action_id: str,
    value: str,
    *,
    user_id: str = USER_ID,
    team_id: str = TEAM_ID,
    channel_id: str | None = None,
    message_ts: str | None = None,
    response_url: str | None = None,
    block_id: str | None = None,
    thread_ts: str | None = None,
) -> Payload:
    """A button click on a message in the user's DM (see block_actions.json); with
    `thread_ts`, on a message in that thread (an assistant panel thread).

    `value` is the button's value exactly as the app set it (ours are JSON strings).
    """
    payload = load_fixture("block_actions")
    _set_actor(payload, user_id, team_id)
    channel = channel_id or dm_channel(user_id)
    payload["channel"]["id"] = payload["container"]["channel_id"] = channel
    payload["message"]["team"] = team_id
    if message_ts is not None:
        payload["container"]["message_ts"] = payload["message"]["ts"] = message_ts
    if thread_ts is not None:
        payload["container"]["thread_ts"] = payload["message"]["thread_ts"] = thread_ts
    if response_url is not None:
        payload["response_url"] = response_url
    _set_action(payload, action_id, value, block_id)
    return payload


def checklist_submit_body(
    message: Payload, choices: Sequence[str], submit_value: str, **fields: Any
) -> str:
    """Ticking `choices` in a posted message's checklist (checkboxes in an input block) and
    pressing its submit button, whose value is `submit_value`; keywords as
    `block_actions_payload`."""
    options = next(
        block["element"]["options"]
        for block in message.get("blocks", [])
        if block.get("type") == "input" and block["element"]["type"] == "checkboxes"
    )
    ticked = [option for option in options if option["value"] in choices]
    assert len(ticked) == len(choices), f"not all of {choices} in the checklist"
    payload = block_actions_payload("choice-0", submit_value, **fields)
    state = {"picks": {"picks": {"type": "checkboxes", "selected_options": ticked}}}
    payload["state"] = {"values": state}
    return interactivity_body(payload)


def home_block_actions_payload(
    action_id: str,
    value: str,
    *,
    user_id: str = USER_ID,
    team_id: str = TEAM_ID,
    block_id: str | None = None,
) -> Payload:
    """A button click in the user's App Home tab (see block_actions_home.json; no response_url)."""
    payload = load_fixture("block_actions_home")
    _set_actor(payload, user_id, team_id)
    payload["view"]["team_id"] = payload["view"]["app_installed_team_id"] = team_id
    _set_action(payload, action_id, value, block_id)
    return payload


def block_actions_body(action_id: str, value: str, **fields: Any) -> str:
    """A DM button click form-encoded as `payload=<json>`; keywords as `block_actions_payload`."""
    return interactivity_body(block_actions_payload(action_id, value, **fields))


def interactivity_body(payload: Payload) -> str:
    """Any interactivity payload the way Slack posts it: one form field `payload`, JSON."""
    return urlencode({"payload": json.dumps(payload)})


# ---- Events API (JSON) -------------------------------------------------------------------


def event_envelope(
    event: Payload,
    *,
    event_id: str | None = None,
    team_id: str = TEAM_ID,
    event_time: int | None = None,
    api_app_id: str = APP_ID,
    bot_user_id: str = BOT_USER_ID,
) -> Payload:
    """The event_callback wrapper Slack puts around `event` (a fresh event_id by default)."""
    envelope = load_fixture(_ENVELOPE_FIXTURES.get(str(event.get("type")), "message_im"))
    envelope.update(
        event=event,
        team_id=team_id,
        context_team_id=team_id,
        api_app_id=api_app_id,
        event_id=event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        event_time=int(time.time()) if event_time is None else event_time,
    )
    envelope["authorizations"][0].update(team_id=team_id, user_id=bot_user_id)
    return envelope


def event_body(event: Payload, **fields: Any) -> str:
    """`event` wrapped and JSON-encoded as Slack posts it; keywords as `event_envelope`."""
    return json.dumps(event_envelope(event, **fields))


def url_verification_body(challenge: str | None = None) -> str:
    """The handshake Slack sends when the Request URL is saved; the app echoes `challenge`."""
    payload = load_fixture("url_verification")
    if challenge is not None:
        payload["challenge"] = challenge
    return json.dumps(payload)


def message_im_event(
    user: str = USER_ID,
    text: str = "They skip the training because it lands at quarter-end.",
    *,
    channel: str | None = None,
    ts: str | None = None,
    team: str = TEAM_ID,
) -> Payload:
    """A user writing to the app in their DM (message.im; see message_im.json)."""
    return _written("message_im", user, text, channel or dm_channel(user), ts, team)


def thread_message_event(
    thread_ts: str,
    text: str = "Prepare a talk with Sales",
    user: str = USER_ID,
    *,
    team: str = TEAM_ID,
    ts: str | None = None,
) -> Payload:
    """A user writing in a thread of their DM with the app, as in the assistant panel, or
    clicking one of its suggested prompts (message_im_thread.json). `ts` defaults to now."""
    event = _written("message_im_thread", user, text, dm_channel(user), ts, team)
    event.update(thread_ts=thread_ts, parent_user_id=user)
    return event


def assistant_thread_event(
    kind: str = "assistant_thread_started",
    user: str = USER_ID,
    *,
    thread_ts: str | None = None,
    viewing: str | None = None,
    team: str = TEAM_ID,
) -> Payload:
    """The user opening a new thread in the app's assistant panel, or moving to another
    channel (`viewing`) while it is open: assistant_thread_started.json or
    assistant_thread_context_changed.json."""
    event = _event(kind)
    thread = event["assistant_thread"]
    thread.update(user_id=user, channel_id=dm_channel(user))
    thread["context"]["team_id"] = team
    if thread_ts is not None:
        thread["thread_ts"] = thread_ts
    if viewing is not None:
        thread["context"]["channel_id"] = viewing
    event["event_ts"] = _ts()
    return event


def bot_message_event(channel: str | None = None, text: str | None = None) -> Payload:
    """A `bot_message` subtype in the DM (message_im_bot.json): never a user's answer."""
    return _message_variant("message_im_bot", channel, text)


def own_message_event(channel: str | None = None, text: str | None = None) -> Payload:
    """The app's own chat.postMessage echoed back: no subtype, but `bot_id` and our `user`."""
    return _message_variant("message_im_own", channel, text)


def message_changed_event(
    user: str = USER_ID,
    text: str = "The VP wants shorter trainings, not fewer.",
    *,
    channel: str | None = None,
) -> Payload:
    """The user editing an earlier DM message (message_changed.json)."""
    event = _event("message_changed")
    event["channel"] = channel or dm_channel(user)
    event["message"].update(user=user, text=text)
    event["message"]["edited"]["user"] = event["previous_message"]["user"] = user
    event["ts"] = event["event_ts"] = _ts()
    return event


def message_deleted_event(user: str = USER_ID, *, channel: str | None = None) -> Payload:
    """The user deleting an earlier DM message (message_deleted.json)."""
    event = _event("message_deleted")
    event["channel"] = channel or dm_channel(user)
    event["previous_message"]["user"] = user
    event["ts"] = event["event_ts"] = _ts()
    return event


def app_home_opened_event(user: str = USER_ID, *, tab: str = "home") -> Payload:
    """The user opening the app's Home (or Messages) tab (app_home_opened.json)."""
    event = _event("app_home_opened")
    event.update(user=user, channel=dm_channel(user), tab=tab, event_ts=_ts())
    if tab != "home":
        del event["view"]
    return event


def app_uninstalled_event() -> Payload:
    """The app removed from a workspace; which one is the envelope's team_id."""
    return _event("app_uninstalled")


def tokens_revoked_event(
    *, bot_user_ids: tuple[str, ...] = (BOT_USER_ID,), user_ids: tuple[str, ...] = ()
) -> Payload:
    """Tokens revoked; Slack lists the *user ids* the tokens belonged to, not the tokens."""
    event = _event("tokens_revoked")
    event["tokens"] = {"oauth": list(user_ids), "bot": list(bot_user_ids)}
    return event


# ---- internals ---------------------------------------------------------------------------

_ENVELOPE_FIXTURES = {
    "assistant_thread_started": "assistant_thread_started",
    "assistant_thread_context_changed": "assistant_thread_context_changed",
    "app_home_opened": "app_home_opened",
    "app_uninstalled": "app_uninstalled",
    "tokens_revoked": "tokens_revoked",
}


def _written(
    fixture: str, user: str, text: str, channel: str, ts: str | None, team: str
) -> Payload:
    """The message event in `fixture`, written by `user` (at `ts`, default now)."""
    event = _event(fixture)
    stamp = ts or _ts()
    event.update(user=user, text=text, team=team, channel=channel, ts=stamp, event_ts=stamp,
                 client_msg_id=str(uuid.uuid4()))  # fmt: skip
    event["blocks"][0]["elements"][0]["elements"] = [{"type": "text", "text": text}]
    return event


def _event(fixture: str) -> Payload:
    event: Payload = load_fixture(fixture)["event"]
    return event


def _message_variant(fixture: str, channel: str | None, text: str | None) -> Payload:
    event = _event(fixture)
    event["channel"] = channel or dm_channel(USER_ID)
    event["ts"] = event["event_ts"] = _ts()
    if text is not None:
        event["text"] = text
    return event


def _set_actor(payload: Payload, user_id: str, team_id: str) -> None:
    payload["user"].update(id=user_id, team_id=team_id)
    payload["team"]["id"] = team_id
    payload["trigger_id"] = _trigger_id()


def _set_action(payload: Payload, action_id: str, value: str, block_id: str | None) -> None:
    action = payload["actions"][0]
    action.update(action_id=action_id, value=value, action_ts=_ts())
    if block_id is not None:
        action["block_id"] = block_id


def _ts() -> str:
    """A Slack-style "seconds.micros" timestamp for now."""
    return f"{time.time():.6f}"


def _trigger_id() -> str:
    return f"{int(time.time() * 1000)}.4471029384756.{uuid.uuid4().hex}"
