"""Sending nudges as Slack DMs: chat.postMessage with buttons, to the user's id.

A user id as the channel posts to the app's DM with that user, as the coaching dialog does.
No conversations.open first: it is a Tier 3 method (about 50 calls a minute per workspace),
so one per nudge would stretch a 5,000-person workspace's nudges over more than an hour.

Each nudge message carries its outbox id in Slack message metadata. A nudge claimed again
after a worker died (attempts > 1) is first looked up in the DM's history (found with
conversations.open, only then), so a message that did go out before the crash is not sent
twice.

Slack limits chat.postMessage per workspace and answers 429 + Retry-After beyond it. A 429
pauses every call to that workspace until Retry-After has passed (`WorkspacePace`), and only
a few posts per workspace are in flight at once, so a limit costs a handful of refused calls
a second, not one per waiting nudge. A nudge still refused after the retries goes back to
the outbox as throttled, which does not use up one of its attempts.

The calls go out as plain HTTP (`WebApiCalls`) over kept-alive connections (`HttpPosts`)
rather than through slack_sdk's WebClient: at hundreds of nudges a second its per-call
overhead (URL and query building, retry state, debug formatting) cost more CPU than the
HTTP itself. The message itself is rendered and encoded once per wording
(`EncodedWordings`), not once per user.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

from bot.backoff import Backoff, retry_after_seconds
from bot.channels.http_posts import FORM, JSON, HttpPosts, Origin
from bot.channels.slack.blocks import fallback_text, turn_blocks
from bot.channels.slack.receipts import HISTORY_DEPTH, has_receipt, receipt
from bot.channels.slack.web_api import RATE_LIMIT_RETRIES, bot_token, web_client
from bot.engine.messages import Reply
from bot.nudges.messages import EncodedWordings, NudgeMessage, joined
from bot.nudges.runner import Outcome
from bot.runtime import Services
from bot.storage.nudge_outbox import ClaimedNudge

log = logging.getLogger(__name__)
EVENT_TYPE = "prep_talk_nudge"
POSTS_IN_FLIGHT = 8  # per workspace: hundreds a second on a fast link, few 429s per pause
# Slack asks to be waited out in full; 1 s when it names no time (never observed).
PACE = Backoff(first=1.0, cap=3600.0)
RATE_LIMITED = "ratelimited"  # Slack's error code with a 429
TIMEOUT_SECONDS = 30.0
# Errors that no retry will fix: the user, the DM or the app's access is gone.
GONE = frozenset(
    {
        "account_inactive", "cannot_dm_bot", "channel_not_found", "invalid_auth",
        "missing_scope", "not_authed", "team_access_not_granted", "token_revoked",
        "user_disabled", "user_not_found", "user_not_visible",
    }
)  # fmt: skip


class SlackCallFailed(Exception):
    """Slack answered `ok: false` (or kept answering 429); `code` is its error."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class WorkspacePace:
    """How fast one workspace may be called: at most POSTS_IN_FLIGHT posts at once, and no
    call until the Retry-After of its latest 429 has passed."""

    def __init__(self) -> None:
        self.slots = asyncio.Semaphore(POSTS_IN_FLIGHT)
        self._resume_at = 0.0

    def back_off(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        self._resume_at = max(self._resume_at, loop.time() + seconds)

    async def ready(self) -> None:
        loop = asyncio.get_running_loop()
        # Not an Event: the time to wait for moves on when another 429 comes in meanwhile.
        while (wait := self._resume_at - loop.time()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(wait)


class WebApiCalls:
    """Web API calls for one workspace: bearer token, form or JSON body, `ok`/`error`
    answers, and 429s waited out (RATE_LIMIT_RETRIES times) with the workspace paused."""

    def __init__(self, posts: HttpPosts, base_url: str, token: str) -> None:
        self._posts, self._origin = posts, Origin.of(base_url)
        self._headers = {"Authorization": f"Bearer {token}"}
        self.pace = WorkspacePace()

    async def call(self, method: str, form: dict[str, str] | None = None) -> dict[str, Any]:
        """The answer of a successful call with `form`; SlackCallFailed otherwise."""
        return await self.post(method, urlencode(form or {}).encode(), FORM)

    async def post(self, method: str, body: bytes, content_type: str) -> dict[str, Any]:
        """The answer of a successful call with an encoded `body`; SlackCallFailed otherwise."""
        for _attempt in range(RATE_LIMIT_RETRIES + 1):
            await self.pace.ready()
            answer = await self._posts.post(
                self._origin, f"/{method}", body, self._headers, content_type
            )
            if answer.status == 429:
                named = retry_after_seconds(answer.headers.get("retry-after"))
                self.pace.back_off(PACE.wait(named))
                continue
            result: dict[str, Any] = json.loads(answer.body)
            if not result.get("ok"):
                raise SlackCallFailed(str(result.get("error")))
            return result
        raise SlackCallFailed(RATE_LIMITED)


def message_json(reply: Reply, _prep_id: int | None) -> dict[str, Any]:
    """A nudge's text and blocks (its buttons carry the prep id in their command)."""
    return {"text": fallback_text([reply]), "blocks": turn_blocks([reply], None)}


class SlackNudgeSender:
    def __init__(self, services: Services, store: AsyncInstallationStore | None) -> None:
        template = web_client(services)
        self._base_url, self._default_token = template.base_url, template.token
        self._store = store
        self._posts: HttpPosts | None = None
        self._workspaces: dict[str, asyncio.Future[WebApiCalls | None]] = {}
        self._messages = EncodedWordings(message_json)

    async def prepare(self, nudges: Sequence[ClaimedNudge]) -> None:
        """Nothing to load ahead: a workspace's token is read once per pass."""

    async def send(self, nudge: ClaimedNudge, message: NudgeMessage) -> Outcome:
        slack = await self._workspace(nudge.tenant_id)
        if slack is None:
            return Outcome.GONE
        key = str(nudge.id)
        try:
            if nudge.attempts > 1 and await self._already_sent(slack, nudge.user_id, key):
                return Outcome.SENT
            head = {"channel": nudge.user_id, "metadata": receipt(EVENT_TYPE, "nudge", key)}
            body = joined(head, self._messages.json(message)).encode()
            async with slack.pace.slots:
                await slack.post("chat.postMessage", body, JSON)
            return Outcome.SENT
        except SlackCallFailed as error:
            log.warning("Slack nudge %s to slack:%s:%s: %s", key, nudge.tenant_id,
                        nudge.user_id, error.code)  # fmt: skip
            if error.code in GONE:
                return Outcome.GONE
            return Outcome.THROTTLED if error.code == RATE_LIMITED else Outcome.RETRY
        except (OSError, TimeoutError, ValueError) as error:
            log.warning("Slack nudge %s to slack:%s:%s: %s", key, nudge.tenant_id,
                        nudge.user_id, type(error).__name__)  # fmt: skip
            return Outcome.RETRY

    async def close(self) -> None:
        """End the pass: close the connections; tokens and wordings are read again next time."""
        posts, self._posts = self._posts, None
        for calls in self._workspaces.values():
            calls.cancel()
        self._workspaces.clear()
        self._messages.clear()
        if posts is not None:
            await posts.close()

    async def _already_sent(self, slack: WebApiCalls, user_id: str, key: str) -> bool:
        opened = await slack.call("conversations.open", form={"users": user_id})
        channel = opened["channel"]["id"]
        history = await slack.call(
            "conversations.history",
            form={"channel": channel, "limit": str(HISTORY_DEPTH), "include_all_metadata": "true"},
        )
        return has_receipt(history.get("messages") or [], EVENT_TYPE, "nudge", key)

    async def _workspace(self, team_id: str) -> WebApiCalls | None:
        """Calls with the workspace's bot token: the configured one or its installation's,
        read once per pass (the first nudge to a workspace reads it, the others wait)."""
        calls = self._workspaces.get(team_id)
        if calls is None:
            calls = self._workspaces[team_id] = asyncio.ensure_future(self._calls_for(team_id))
        try:
            # Shielded: a waiter cancelled (with its nudge's task) leaves the read to the rest.
            return calls.result() if calls.done() else await asyncio.shield(calls)
        except Exception:
            if self._workspaces.get(team_id) is calls:
                del self._workspaces[team_id]  # read again for the next nudge
            raise

    async def _calls_for(self, team_id: str) -> WebApiCalls | None:
        token = await self._token_of(team_id)
        if self._posts is None:
            self._posts = HttpPosts(TIMEOUT_SECONDS)
        return WebApiCalls(self._posts, self._base_url, token) if token else None

    async def _token_of(self, team_id: str) -> str | None:
        return await bot_token(self._default_token, self._store, team_id)
