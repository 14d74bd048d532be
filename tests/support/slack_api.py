"""A local stand-in for the Slack Web API, so tests can assert on what really reached "Slack".

An aiohttp server on 127.0.0.1 and a free port, speaking the documented wire formats: every
request is recorded as a `Call` (method, decoded body, bearer token, arrival time) and answered
like Slack answers, including `ok: false` errors, 429 + Retry-After and revoked tokens.

    async with SlackApiStandIn() as api:
        client = AsyncWebClient(token="xoxb-test", base_url=api.url)
        await client.chat_postMessage(channel="DU123", text="hi")
        call = await api.wait_for_call("chat.postMessage")
        assert call.body["text"] == "hi" and call.token == "xoxb-test"

slack_sdk sends some methods as JSON, others as form fields or even as query parameters on
a POST (and users.info as a GET); the stand-in merges query, form and JSON into one `body` and
decodes JSON-valued fields (`blocks`, `view`, `files`, …), so tests never care which.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import itertools
import json
import math
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from aiohttp import web

from tests.support.local_server import LocalServer

T = TypeVar("T")
Body = dict[str, Any]
Reply = Body | Callable[[Body], Body]

JSON_VALUED_FIELDS = frozenset({"attachments", "blocks", "files", "metadata", "unfurls", "view"})
FIRST_TS_MICROS = 1_700_000_000_000_000  # message ts values count up from 1700000000.000100
MESSAGE_METHODS = ("chat.postMessage",)


@dataclass(frozen=True)
class Workspace:
    """A workspace as the stand-in knows it: what auth.test and oauth.v2.access answer for it."""

    team_id: str = "T0ACME"
    name: str = "Acme"
    domain: str = "acme"
    bot_user_id: str = "UBOT"
    bot_id: str = "BBOT"
    app_id: str = "A0PREP"

    @property
    def url(self) -> str:
        return f"https://{self.domain}.slack.com/"


ACME = Workspace()


@dataclass(frozen=True)
class Call:
    """One request that reached the stand-in, with what it was answered.

    `at` is `time.monotonic()` on arrival (the asyncio loop clock), so latency can be measured
    against a send time taken in the same process. `method` is the Web API method, or "upload"
    for file bytes and "response_url" for posts to a response URL.
    """

    method: str
    body: Body
    token: str | None
    at: float
    path: str = ""
    status: int = 200
    error: str | None = None
    content_type: str = ""
    content: bytes = b""
    client_port: int = 0  # the caller's end of the TCP connection the request came over

    @property
    def ok(self) -> bool:
        """Whether the caller got a success (not a 429, not `ok: false`)."""
        return self.status == 200 and self.error is None


@dataclass
class Upload:
    """A file announced by files.getUploadURLExternal; `content` arrives with the upload POST."""

    file_id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str | None = None
    channel_id: str | None = None
    initial_comment: str | None = None
    completed: bool = False


@dataclass
class _Fault:
    method: str
    status: int
    error: str
    retry_after: int
    remaining: int | None  # None: until clear_faults()
    where: Callable[[Body], bool] | None


@dataclass
class _Bucket:
    tokens: float
    updated: float


class WaitTimeout(AssertionError):
    """The awaited condition never held; the message lists the calls that did arrive."""


class SlackApiStandIn(LocalServer):
    """The Slack Web API on a free local port; see the module docstring for an example."""

    max_body = 50 * 1024 * 1024  # file uploads

    def __init__(self, workspace: Workspace = ACME) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.uploads: dict[str, Upload] = {}
        self.valid_tokens: set[str] | None = None  # None: any "xoxb-" token is accepted
        self.default_workspace = workspace
        self.install_workspace = workspace  # where the next oauth.v2.access installs the app
        self.installer_user_id = "U123"
        self.oauth_client: tuple[str, str] | None = None  # (client_id, secret) to insist on
        self._token_workspaces: dict[str, Workspace] = {}
        self._revoked: set[str] = set()
        self._faults: list[_Fault] = []
        self._replies: dict[str, Reply] = {}
        self._users: dict[str, Body] = {}
        self._messages: dict[str, dict[str, Body]] = {}
        self._opened_dms: set[str] = set()
        self._rate: float | None = None
        self._burst = 1.0
        self._buckets: dict[str, _Bucket] = {}
        self._workspace_rate: float | None = None
        self._workspace_burst = 1.0
        self._workspace_buckets: dict[str, _Bucket] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._holds: dict[str, asyncio.Event] = {}
        self._answers: dict[str, Callable[[Body, Workspace], Body]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "conversations.history": self._history,
            "conversations.replies": self._replies_in_thread,
            "assistant.threads.setStatus": self._assistant_thread_call,
            "assistant.threads.setSuggestedPrompts": self._assistant_thread_call,
            "assistant.threads.setTitle": self._assistant_thread_call,
            "chat.update": self._update_message,
            "chat.postEphemeral": self._post_ephemeral,
            "conversations.open": self._open_conversation,
            "views.publish": self._publish_view,
            "users.info": self._user_info,
            "oauth.v2.access": self._oauth_access,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }

    # ---- lifecycle -------------------------------------------------------------------------

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/upload/{upload_id}", self._handle_upload)
        app.router.add_post("/response/{name:.*}", self._handle_response_url)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The base_url for slack_sdk clients (with the trailing slash they expect)."""
        return f"{self.origin}/api/"

    def response_url(self, name: str) -> str:
        """A response_url pointing here; posts to it are recorded as method "response_url"."""
        return f"{self.origin}/response/{name}"

    # ---- what happened ---------------------------------------------------------------------

    def calls_to(self, method: str, *, only_ok: bool = False) -> list[Call]:
        return [c for c in self.calls if c.method == method and (c.ok or not only_ok)]

    def responses_to(self, name: str) -> list[Call]:
        """JSON bodies posted to `response_url(name)`, oldest first."""
        path = f"/response/{name}"
        return [c for c in self.calls if c.method == "response_url" and c.path == path]

    def mark(self) -> int:
        """A position in `calls`; pass it as `since=` to wait only for calls after it."""
        return len(self.calls)

    def messages_in(self, channel: str) -> list[Body]:
        """The channel as a user would see it: posted messages with later updates applied."""
        messages = self._messages.get(channel, {})
        return [messages[ts] for ts in sorted(messages, key=float)]

    async def wait_for(
        self,
        predicate: Callable[[list[Call]], T | None],
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline per wait reads best in tests
    ) -> T:
        """Wait until `predicate(calls)` is truthy and return its value; woken on every call."""
        async with self._changed:
            try:
                async with asyncio.timeout(timeout):
                    while not (result := predicate(list(self.calls))):
                        await self._changed.wait()
                    return result
            except TimeoutError:
                seen = ", ".join(
                    f"{c.method}({c.status}{' ' + c.error if c.error else ''})" for c in self.calls
                )
                message = f"condition not met within {timeout}s; calls: {seen or 'none'}"
                raise WaitTimeout(message) from None

    async def wait_for_call(
        self,
        method: str,
        where: Callable[[Call], bool] = lambda call: True,
        *,
        since: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> Call:
        """The first call to `method` (from position `since`) for which `where` holds."""
        return await self.wait_for(
            lambda calls: next((c for c in calls[since:] if c.method == method and where(c)), None),
            timeout,
        )

    # ---- programming answers ---------------------------------------------------------------

    def fail(
        self,
        method: str,
        error: str = "channel_not_found",
        times: int | None = 1,
        where: Callable[[Body], bool] | None = None,
    ) -> None:
        """Answer the next `times` calls (None: all) to `method` with HTTP 200 `ok: false`."""
        self._faults.append(_Fault(method, 200, error, 0, times, where))

    def rate_limit(
        self,
        method: str,
        retry_after: int = 1,
        times: int | None = 1,
        where: Callable[[Body], bool] | None = None,
    ) -> None:
        """Answer the next `times` calls to `method` with HTTP 429 and `Retry-After`."""
        self._faults.append(_Fault(method, 429, "ratelimited", retry_after, times, where))

    def hold(self, method: str) -> asyncio.Event:
        """Record calls to `method` but keep their answers until the returned event is set:
        for killing a client after Slack acted but before the client heard back."""
        self._holds[method] = asyncio.Event()
        return self._holds[method]

    def clear_faults(self) -> None:
        self._faults.clear()

    def rate_limits_per_channel(
        self, messages_per_second: float | None = 1.0, burst: int = 1
    ) -> None:
        """Enforce Slack's ~1 message/s per channel on chat.postMessage (None turns it off).

        A token bucket per channel; a call finding it empty gets 429 with the whole seconds
        until the next token as Retry-After, and does not count as a message.
        """
        self._rate = messages_per_second
        self._burst = float(burst)
        self._buckets.clear()

    def rate_limits_per_workspace(
        self, messages_per_second: float | None = 1.0, burst: int = 1
    ) -> None:
        """Enforce a workspace-wide limit on chat.postMessage (None turns it off).

        A token bucket per workspace, the workspace being the one the call's token belongs to
        (`bind_token`; otherwise the default workspace). A call finding it empty gets 429 with
        the whole seconds until the next token as Retry-After and does not count as a message.
        It applies with the per-channel limit: a call must find a token in both.
        """
        self._workspace_rate = messages_per_second
        self._workspace_burst = float(burst)
        self._workspace_buckets.clear()

    def answer(self, method: str, reply: Reply) -> None:
        """Replace the default answer of `method` (also makes an unknown method known)."""
        self._replies[method] = reply

    def set_user(self, user_id: str, **fields: Any) -> None:
        """Override fields of the users.info answer for one user (e.g. tz="Asia/Tokyo")."""
        self._users.setdefault(user_id, {}).update(fields)

    def bind_token(self, token: str, workspace: Workspace) -> None:
        """Make `token` valid and belong to `workspace` (what auth.test answers with it)."""
        self._token_workspaces[token] = workspace
        self._revoked.discard(token)
        if self.valid_tokens is not None:
            self.valid_tokens.add(token)

    def revoke(self, token: str) -> None:
        """From now on calls with `token` get `token_revoked`, as after an uninstall."""
        self._revoked.add(token)

    # ---- HTTP handlers ---------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        method = request.match_info["method"]
        body = await _read_params(request)
        token = _bearer_token(request) or body.pop("token", None)
        # oauth.v2.access takes the app's credentials as Basic auth (slack_sdk) or as fields.
        if client := _basic_credentials(request):
            body.setdefault("client_id", client[0])
            body.setdefault("client_secret", client[1])
        status, payload, headers = self._decide(method, body, token)
        error = None if payload.get("ok") else str(payload.get("error"))
        call = Call(method, body, token, at, request.path, status, error, request.content_type,
                    client_port=_client_port(request))  # fmt: skip
        await self._record(call)
        if method in self._holds:
            await self._holds[method].wait()  # the call happened; its answer is held back
        return web.json_response(payload, status=status, headers=headers)

    async def _handle_upload(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        upload = self.uploads.get(request.match_info["upload_id"])
        content = await _read_file_bytes(request)
        status = 200 if upload is not None else 404
        if upload is not None:
            upload.content = content
        body = {"file_id": request.match_info["upload_id"], "length": len(content)}
        call = Call(
            "upload",
            body,
            None,
            at,
            request.path,
            status,
            None if upload else "file_not_found",
            request.content_type,
            content,
        )
        await self._record(call)
        text = f"OK - {len(content)}" if upload else "file_not_found"
        return web.Response(text=text, status=status)

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        raw = await request.read()
        try:
            body = json.loads(raw)
        except ValueError:
            body, status, text = {"raw": raw.decode(errors="replace")}, 400, "invalid_payload"
        else:
            status, text = 200, "ok"
        error = None if status == 200 else text
        call = Call(
            "response_url", body, None, at, request.path, status, error, request.content_type
        )
        await self._record(call)
        return web.Response(text=text, status=status)

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    # ---- deciding the answer ---------------------------------------------------------------

    def _decide(
        self, method: str, body: Body, token: str | None
    ) -> tuple[int, Body, dict[str, str]]:
        if method != "oauth.v2.access" and (auth_error := self._token_error(token)):
            return 200, {"ok": False, "error": auth_error}, {}
        if fault := self._take_fault(method, body):
            if fault.status == 429:
                return 429, {"ok": False, "error": "ratelimited"}, _retry_after(fault.retry_after)
            return 200, {"ok": False, "error": fault.error}, {}
        if (wait := self._message_wait(method, body, token)) is not None:
            return 429, {"ok": False, "error": "ratelimited"}, _retry_after(wait)
        if (reply := self._replies.get(method)) is not None:
            return 200, reply(body) if callable(reply) else copy.deepcopy(reply), {}
        if (answer := self._answers.get(method)) is None:
            return 200, {"ok": False, "error": "unknown_method"}, {}
        return (
            200,
            answer(body, self._token_workspaces.get(token or "", self.default_workspace)),
            {},
        )

    def _token_error(self, token: str | None) -> str | None:
        if not token:
            return "not_authed"
        if token in self._revoked:
            return "token_revoked"
        if self.valid_tokens is None:
            return None if token.startswith("xoxb-") else "invalid_auth"
        return None if token in self.valid_tokens else "invalid_auth"

    def _take_fault(self, method: str, body: Body) -> _Fault | None:
        for fault in self._faults:
            if fault.method == method and (fault.where is None or fault.where(body)):
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                return fault
        return None

    def _message_wait(self, method: str, body: Body, token: str | None) -> int | None:
        """Seconds to wait when the channel's or the workspace's bucket is empty; None when
        the call may pass, which takes a token from each."""
        if method not in MESSAGE_METHODS:
            return None
        limits: list[tuple[_Bucket, float]] = []
        now = time.monotonic()
        channel = body.get("channel")
        if self._rate is not None and isinstance(channel, str):
            bucket = self._buckets.setdefault(channel, _Bucket(self._burst, now))
            limits.append((_refilled(bucket, self._rate, self._burst, now), self._rate))
        if (rate := self._workspace_rate) is not None:
            team = self._token_workspaces.get(token or "", self.default_workspace).team_id
            burst = self._workspace_burst
            bucket = self._workspace_buckets.setdefault(team, _Bucket(burst, now))
            limits.append((_refilled(bucket, rate, burst, now), rate))
        waits = [math.ceil((1.0 - b.tokens) / rate) for b, rate in limits if b.tokens < 1.0]
        if waits:
            return max(1, *waits)
        for bucket, _rate in limits:
            bucket.tokens -= 1.0
        return None

    # ---- default answers, one per method ---------------------------------------------------

    def _next_ts(self) -> str:
        micros = FIRST_TS_MICROS + 100 * next(self._ts)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}0{next(self._ids):08d}"

    def _auth_test(self, body: Body, ws: Workspace) -> Body:
        return {
            "ok": True,
            "url": ws.url,
            "team": ws.name,
            "user": "preptalk",
            "team_id": ws.team_id,
            "user_id": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "is_enterprise_install": False,
        }

    def _post_message(self, body: Body, ws: Workspace) -> Body:
        channel = _dm_channel(str(body.get("channel") or ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not (body.get("text") or body.get("blocks") or body.get("attachments")):
            return {"ok": False, "error": "no_text"}
        ts = self._next_ts()
        message = {
            "user": ws.bot_user_id,
            "type": "message",
            "ts": ts,
            "bot_id": ws.bot_id,
            "app_id": ws.app_id,
            "text": body.get("text", ""),
            "team": ws.team_id,
            "blocks": body.get("blocks", []),
        }
        if body.get("thread_ts"):
            message["thread_ts"] = body["thread_ts"]
        if body.get("metadata"):
            message["metadata"] = body["metadata"]
        self._messages.setdefault(channel, {})[ts] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _history(self, body: Body, ws: Workspace) -> Body:
        """conversations.history: newest first, without thread replies (those are read with
        conversations.replies); metadata only when include_all_metadata."""
        channel = str(body.get("channel") or "")
        with_metadata = str(body.get("include_all_metadata", "")).lower() in ("1", "true")
        messages = [
            _shown(message, with_metadata)
            for message in reversed(self.messages_in(channel))
            if message.get("thread_ts", message["ts"]) == message["ts"]
        ]
        limit = int(body.get("limit") or 100)
        return {"ok": True, "messages": messages[:limit], "has_more": len(messages) > limit}

    def _replies_in_thread(self, body: Body, ws: Workspace) -> Body:
        """conversations.replies: the thread's parent and replies from `oldest` on, oldest
        first; metadata only when include_all_metadata."""
        channel, thread_ts = str(body.get("channel") or ""), str(body.get("ts") or "")
        if not channel or not thread_ts:
            return {"ok": False, "error": "thread_not_found"}
        with_metadata = str(body.get("include_all_metadata", "")).lower() in ("1", "true")
        oldest = float(body.get("oldest") or 0)
        messages = [
            _shown(message, with_metadata)
            for message in self.messages_in(channel)
            if thread_ts in (message.get("ts"), message.get("thread_ts"))
            and float(message["ts"]) >= oldest
        ]
        limit = int(body.get("limit") or 1000)
        return {"ok": True, "messages": messages[:limit], "has_more": len(messages) > limit}

    def _assistant_thread_call(self, body: Body, ws: Workspace) -> Body:
        """assistant.threads.setStatus / setSuggestedPrompts / setTitle: a thread is needed."""
        if not body.get("channel_id"):
            return {"ok": False, "error": "channel_not_found"}
        if not body.get("thread_ts"):
            return {"ok": False, "error": "invalid_thread_ts"}
        return {"ok": True}

    def _update_message(self, body: Body, ws: Workspace) -> Body:
        channel, ts = str(body.get("channel") or ""), str(body.get("ts") or "")
        if not channel or not ts:
            return {"ok": False, "error": "message_not_found" if channel else "channel_not_found"}
        message = self._messages.setdefault(channel, {}).setdefault(
            ts, {"user": ws.bot_user_id, "type": "message", "ts": ts, "bot_id": ws.bot_id}
        )
        message.update({k: body[k] for k in ("text", "blocks", "attachments") if k in body})
        message["edited"] = {"user": ws.bot_user_id, "ts": self._next_ts()}
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": message.get("text", ""),
            "message": message,
        }

    def _post_ephemeral(self, body: Body, ws: Workspace) -> Body:
        if not body.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not body.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        return {"ok": True, "message_ts": self._next_ts()}

    def _open_conversation(self, body: Body, ws: Workspace) -> Body:
        users = [u for u in str(body.get("users") or "").split(",") if u]
        channel = str(body.get("channel") or "") or (f"D{users[0]}" if users else "")
        if not channel:
            return {"ok": False, "error": "users_list_not_supplied"}
        already_open = channel in self._opened_dms
        self._opened_dms.add(channel)
        return {
            "ok": True,
            "no_op": already_open,
            "already_open": already_open,
            "channel": {"id": channel},
        }

    def _publish_view(self, body: Body, ws: Workspace) -> Body:
        view, user_id = body.get("view"), body.get("user_id")
        if not isinstance(view, dict) or not user_id:
            return {"ok": False, "error": "invalid_arguments"}
        view_id = f"V0HOME{user_id}"
        return {
            "ok": True,
            "view": {
                "id": view_id,
                "team_id": ws.team_id,
                "type": view.get("type", "home"),
                "blocks": view.get("blocks", []),
                "private_metadata": view.get("private_metadata", ""),
                "callback_id": view.get("callback_id", ""),
                "state": {"values": {}},
                "hash": f"{self._next_ts()}.{view_id}",
                "clear_on_close": False,
                "notify_on_close": False,
                "root_view_id": view_id,
                "app_id": ws.app_id,
                "external_id": view.get("external_id", ""),
                "app_installed_team_id": ws.team_id,
                "bot_id": ws.bot_id,
            },
        }

    def _user_info(self, body: Body, ws: Workspace) -> Body:
        user_id = str(body.get("user") or "")
        if not user_id:
            return {"ok": False, "error": "user_not_found"}
        name = user_id.lower()
        user = {
            "id": user_id,
            "team_id": ws.team_id,
            "name": name,
            "deleted": False,
            "real_name": f"User {user_id}",
            "tz": "Europe/Paris",
            "tz_label": "Central European Time",
            "tz_offset": 3600,
            "is_admin": False,
            "is_bot": False,
            "is_app_user": False,
            "updated": 1700000000,
            "profile": {
                "real_name": f"User {user_id}",
                "display_name": name,
                "email": f"{name}@{ws.domain}.example",
                "team": ws.team_id,
            },
        }
        user.update(self._users.get(user_id, {}))
        return {"ok": True, "user": user}

    def _oauth_access(self, body: Body, ws: Workspace) -> Body:
        if not body.get("code"):
            return {"ok": False, "error": "invalid_code"}
        if self.oauth_client and body.get("client_id") != self.oauth_client[0]:
            return {"ok": False, "error": "invalid_client_id"}
        if self.oauth_client and body.get("client_secret") != self.oauth_client[1]:
            return {"ok": False, "error": "bad_client_secret"}
        installed = self.install_workspace
        token = f"xoxb-installed-{installed.team_id}-{next(self._ids)}"
        self.bind_token(token, installed)
        return {
            "ok": True,
            "app_id": installed.app_id,
            "authed_user": {"id": self.installer_user_id},
            "scope": "chat:write,commands,im:history,im:write,users:read,files:write",
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": installed.bot_user_id,
            "team": {"id": installed.team_id, "name": installed.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _upload_url(self, body: Body, ws: Workspace) -> Body:
        if not body.get("filename") or not str(body.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = self._next_id("F")
        self.uploads[file_id] = Upload(file_id, str(body["filename"]), int(body["length"]))
        return {"ok": True, "upload_url": f"{self.origin}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, body: Body, ws: Workspace) -> Body:
        items = body.get("files")
        if not isinstance(items, list) or not items:
            return {"ok": False, "error": "invalid_arguments"}
        uploads = [self.uploads.get(str(item.get("id"))) for item in items]
        if any(u is None or u.content is None for u in uploads):
            return {"ok": False, "error": "file_not_found"}
        files = []
        for item, upload in zip(items, _present(uploads), strict=True):
            upload.title = item.get("title") or upload.filename
            upload.channel_id = body.get("channel_id")
            upload.initial_comment = body.get("initial_comment")
            upload.completed = True
            files.append(
                {
                    "id": upload.file_id,
                    "name": upload.filename,
                    "title": upload.title,
                    "size": len(upload.content or b""),
                    "user": ws.bot_user_id,
                    "mode": "hosted",
                    "is_external": False,
                    "created": 1700000000,
                    "url_private": f"https://files.slack.com/files-pri/{ws.team_id}-{upload.file_id}/"
                    f"{upload.filename}",
                }
            )
        return {"ok": True, "files": files}


@pytest.fixture
async def slack_api() -> AsyncIterator[SlackApiStandIn]:
    """A running stand-in per test (import this into a conftest to use it)."""
    async with SlackApiStandIn() as api:
        yield api


async def _read_params(request: web.Request) -> Body:
    """Query parameters, form fields and JSON body merged; JSON-valued fields decoded."""
    body: Body = dict(request.query)
    if request.method == "POST" and request.body_exists:
        if request.content_type == "application/json":
            data = await request.json()
            if isinstance(data, dict):
                body.update(data)
        else:
            form = await request.post()
            body.update(
                {k: v.file.read() if isinstance(v, web.FileField) else v for k, v in form.items()}
            )
    for key in JSON_VALUED_FIELDS & body.keys():
        if isinstance(body[key], str) and body[key][:1] in ("[", "{"):
            with contextlib.suppress(ValueError):  # malformed JSON stays a string, for tests to see
                body[key] = json.loads(body[key])
    return body


async def _read_file_bytes(request: web.Request) -> bytes:
    """The uploaded bytes, sent raw (as slack_sdk does) or as the first multipart file part."""
    if not request.content_type.startswith("multipart/"):
        return await request.read()
    form = await request.post()
    for value in form.values():
        if isinstance(value, web.FileField):
            return bytes(value.file.read())
    return b""


def _bearer_token(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _basic_credentials(request: web.Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    login, _, password = base64.b64decode(encoded).decode().partition(":")
    return login, password


def _dm_channel(channel: str) -> str:
    """Posting to a user id lands in the DM with that user, as on Slack."""
    return f"D{channel}" if channel[:1] in ("U", "W") else channel


def _shown(message: Body, with_metadata: bool) -> Body:
    """A stored message as a history read shows it: metadata only when asked for."""
    shown = dict(message)
    if not with_metadata:
        shown.pop("metadata", None)
    return shown


def _refilled(bucket: _Bucket, rate: float, burst: float, now: float) -> _Bucket:
    bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * rate)
    bucket.updated = now
    return bucket


def _retry_after(seconds: int) -> dict[str, str]:
    return {"Retry-After": str(seconds)}


def _present(uploads: Iterable[Upload | None]) -> list[Upload]:
    return [u for u in uploads if u is not None]


def _client_port(request: web.Request) -> int:
    peer = request.transport.get_extra_info("peername") if request.transport else None
    return int(peer[1]) if peer else 0
