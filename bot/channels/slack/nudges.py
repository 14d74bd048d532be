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

The calls go out as plain HTTP (`WebApiCalls`) over one session per delivery pass rather
than through slack_sdk's WebClient: at hundreds of nudges a second its per-call overhead
(URL and query building, retry state, debug formatting) cost more CPU than the HTTP itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

from bot.backoff import Backoff, retry_after_seconds
from bot.channels.slack.blocks import fallback_text, turn_blocks
from bot.channels.slack.bolt_app import RATE_LIMIT_RETRIES, web_client
from bot.engine.messages import Reply
from bot.nudges.runner import Outcome
from bot.runtime import Services
from bot.storage.nudge_outbox import ClaimedNudge

log = logging.getLogger(__name__)
EVENT_TYPE = "prep_talk_nudge"
HISTORY_DEPTH = 50
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

    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: str) -> None:
        self._session, self._base_url = session, base_url
        self._headers = {"Authorization": f"Bearer {token}"}
        self.pace = WorkspacePace()

    async def call(
        self, method: str, form: dict[str, str] | None = None, json: Any = None
    ) -> dict[str, Any]:
        """The answer of a successful call; SlackCallFailed otherwise."""
        for _attempt in range(RATE_LIMIT_RETRIES + 1):
            await self.pace.ready()
            url = f"{self._base_url}{method}"
            async with self._session.post(
                url, data=form, json=json, headers=self._headers
            ) as response:
                if response.status == 429:
                    named = retry_after_seconds(response.headers.get("Retry-After"))
                    self.pace.back_off(PACE.wait(named))
                    await response.read()  # so the connection can serve the next call
                    continue
                answer: dict[str, Any] = await response.json(content_type=None)
            if not answer.get("ok"):
                raise SlackCallFailed(str(answer.get("error")))
            return answer
        raise SlackCallFailed(RATE_LIMITED)


class SlackNudgeSender:
    def __init__(self, services: Services, store: AsyncInstallationStore | None) -> None:
        template = web_client(services)
        self._base_url, self._default_token = template.base_url, template.token
        self._store = store
        self._session: aiohttp.ClientSession | None = None
        self._workspaces: dict[str, WebApiCalls | None] = {}

    async def prepare(self, nudges: Sequence[ClaimedNudge]) -> None:
        """Nothing to load ahead: a workspace's token is read once per pass."""

    async def send(self, nudge: ClaimedNudge, reply: Reply) -> Outcome:
        slack = await self._workspace(nudge.tenant_id)
        if slack is None:
            return Outcome.GONE
        key = str(nudge.id)
        try:
            if nudge.attempts > 1 and await self._already_sent(slack, nudge.user_id, key):
                return Outcome.SENT
            message = {
                "channel": nudge.user_id,
                "text": fallback_text([reply]),
                "blocks": turn_blocks([reply], None),
                "metadata": {"event_type": EVENT_TYPE, "event_payload": {"nudge": key}},
            }
            async with slack.pace.slots:
                await slack.call("chat.postMessage", json=message)
            return Outcome.SENT
        except SlackCallFailed as error:
            log.warning("Slack nudge %s to slack:%s:%s: %s", key, nudge.tenant_id,
                        nudge.user_id, error.code)  # fmt: skip
            if error.code in GONE:
                return Outcome.GONE
            return Outcome.THROTTLED if error.code == RATE_LIMITED else Outcome.RETRY
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            log.warning("Slack nudge %s to slack:%s:%s: %s", key, nudge.tenant_id,
                        nudge.user_id, type(error).__name__)  # fmt: skip
            return Outcome.RETRY

    async def close(self) -> None:
        """End the pass: close the HTTP session; tokens are read again next time."""
        session, self._session = self._session, None
        self._workspaces.clear()
        if session is not None:
            await session.close()

    async def _already_sent(self, slack: WebApiCalls, user_id: str, key: str) -> bool:
        opened = await slack.call("conversations.open", form={"users": user_id})
        channel = opened["channel"]["id"]
        history = await slack.call(
            "conversations.history",
            form={"channel": channel, "limit": str(HISTORY_DEPTH), "include_all_metadata": "true"},
        )
        return any(
            (message.get("metadata") or {}).get("event_type") == EVENT_TYPE
            and ((message.get("metadata") or {}).get("event_payload") or {}).get("nudge") == key
            for message in history.get("messages") or []
        )

    async def _workspace(self, team_id: str) -> WebApiCalls | None:
        """Calls with the workspace's bot token: the configured one or its installation's."""
        if team_id not in self._workspaces:
            token = await self._token_of(team_id)
            if self._session is None:
                timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
                self._session = aiohttp.ClientSession(timeout=timeout)
            self._workspaces[team_id] = (
                WebApiCalls(self._session, self._base_url, token) if token else None
            )
        return self._workspaces[team_id]

    async def _token_of(self, team_id: str) -> str | None:
        if self._store is None:
            return self._default_token
        bot = await self._store.async_find_bot(enterprise_id=None, team_id=team_id)
        return bot.bot_token if bot and bot.bot_token else None
