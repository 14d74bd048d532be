"""The door of `/slack/events`: the signature is checked on the raw bytes before anything
reads them, and only a well-formed Slack payload goes on.

An unsigned, wrongly signed or stale request (timestamp more than 300 s off, or not a
number) is answered 401 without being parsed. A signed request that is not a Slack payload
(truncated or non-object JSON, bytes that are not UTF-8, a `payload=` field that is not a
JSON object, a form sent as JSON) is answered 400. What passes is parsed once, as Bolt
parses it: a turn is taken from there (`mount`), anything else goes on to Bolt, which checks
the signature again itself (one more HMAC, should this door ever be bypassed).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)
JSON = "application/json"
TIMESTAMP = "X-Slack-Request-Timestamp"
SIGNATURE = "X-Slack-Signature"
STALE_AFTER_SECONDS = 300
# Seconds since 1970 have 10 digits until 2286: a longer "timestamp" is no Slack request (and
# one of hundreds of digits would overflow slack_sdk's float arithmetic).
MAX_TIMESTAMP_DIGITS = 12
# The parts of a payload Bolt looks inside while it routes a request, and what Slack always
# sends there (objects; lists of objects); anything else would crash the routing.
CONTAINERS: dict[str, type] = {
    "event": dict, "user": dict, "team": dict, "channel": dict, "container": dict,
    "message": dict, "view": dict, "enterprise": dict, "actions": list, "authorizations": list,
}  # fmt: skip
NULLABLE = frozenset({"enterprise", "team"})  # null in payloads of org-wide installs


class Refused(Exception):
    """A request turned away at the door, with the status and a short reason to answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason

    def response(self) -> web.Response:
        return web.json_response({"ok": False, "error": self.reason}, status=self.status)


@dataclass(frozen=True)
class Admitted:
    """A request that passed the door: its body, what the body says (a callback, an
    interaction's `payload`, or a command's form fields), its query and headers."""

    text: str
    payload: dict[str, Any]
    query: str
    headers: dict[str, str | Sequence[str]]

    def for_bolt(self) -> AsyncBoltRequest:
        """The request as Bolt reads it; `Refused` (400) when Bolt could not read it."""
        try:
            return AsyncBoltRequest(body=self.text, query=self.query, headers=self.headers)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError) as error:
            # Bolt reads ids out of the payload as it builds its context: a payload with the
            # wrong types in those places is not one Slack sends.
            log.info("refused a signed Slack request Bolt cannot read: %s", type(error).__name__)
            raise Refused(400, "invalid_payload") from None


class SlackGate:
    """Checks one request's signature and shape; lets on only what passed."""

    def __init__(self, signing_secret: str) -> None:
        self._verifier = SignatureVerifier(signing_secret)
        self._secret = signing_secret.encode()

    async def admit(self, request: web.Request) -> Admitted:
        """The request, read; `Refused` (401 or 400) when it may not go on."""
        raw = await request.read()
        self._check_signature(raw, request.headers.get(TIMESTAMP), request.headers.get(SIGNATURE))
        text = _utf8(raw)
        payload = _payload(text, request.content_type)
        return Admitted(text, payload, request.query_string, dict(request.headers))

    def _check_signature(self, raw: bytes, timestamp: str | None, signature: str | None) -> None:
        if not timestamp or not signature or len(timestamp) > MAX_TIMESTAMP_DIGITS:
            raise Refused(401, "invalid_signature")
        if not timestamp.isascii() or not timestamp.isdigit():
            raise Refused(401, "invalid_signature")
        try:
            valid = self._verifier.is_valid(raw.decode("utf-8"), timestamp, signature)
        except UnicodeDecodeError:
            valid = self._valid_over_bytes(raw, timestamp, signature)
        if not valid:
            raise Refused(401, "invalid_signature")

    def _valid_over_bytes(self, raw: bytes, timestamp: str, signature: str) -> bool:
        """Slack signs raw bytes, but slack_sdk's verifier only signs UTF-8 text. A body that
        is not UTF-8 is no Slack payload; it is checked here over its bytes (same v0 scheme,
        same 300 s window) only so that a signed one can be told apart (400) from a
        stranger's (401)."""
        if abs(self._verifier.clock.now() - int(timestamp)) > STALE_AFTER_SECONDS:
            return False
        base = b"v0:" + timestamp.encode() + b":" + raw
        expected = "v0=" + hmac.new(self._secret, base, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)


def _utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "invalid_payload") from None


def _payload(text: str, content_type: str) -> dict[str, Any]:
    """The body parsed the way Bolt parses it, when it is what Slack sends: a JSON object (an
    Events API callback), a form with a `payload` JSON object (interactivity), or a form
    (a slash command)."""
    if content_type == JSON or text.startswith("{"):
        return _json_object(text)
    fields = _form(text)
    if "payload" in fields:
        return _json_object(fields["payload"])
    if not fields:
        raise Refused(400, "invalid_payload")
    return dict(fields)


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise Refused(400, "invalid_payload") from None
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        raise Refused(400, "invalid_payload")
    for name, shape in CONTAINERS.items():
        if name not in value or (value[name] is None and name in NULLABLE):
            continue
        if not _shaped(value[name], shape):
            raise Refused(400, "invalid_payload")
    if not _routable(value):
        raise Refused(400, "invalid_payload")
    return value


def _routable(value: dict[str, Any]) -> bool:
    """What Bolt's routing and our listeners read of a payload without looking first is
    there, with the shape Slack always gives it: a click names its action; a view its type;
    an event its type, and the user in it (App Home's always) is an id."""
    kind = value["type"]
    if kind == "block_actions":
        actions: list[dict[str, Any]] = value.get("actions") or []  # a list of objects, checked
        return bool(actions) and all(isinstance(a.get("action_id"), str) for a in actions)
    if kind in ("view_submission", "view_closed"):
        return isinstance(value.get("view"), dict) and isinstance(value["view"].get("type"), str)
    if kind == "event_callback":
        event = value.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return False
        if "user" in event or event["type"] == "app_home_opened":
            return isinstance(event.get("user"), str)
    return True


def _shaped(value: object, shape: type) -> bool:
    if shape is list:
        return isinstance(value, list) and all(isinstance(item, dict) for item in value)
    return isinstance(value, shape)


def _form(text: str) -> dict[str, str]:
    try:
        return dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        raise Refused(400, "invalid_payload") from None
