"""Sending nudges as Slack DMs: conversations.open, then chat.postMessage with buttons.

Each nudge message carries its outbox id in Slack message metadata. A nudge claimed again
after a worker died (attempts > 1) is first looked up in the DM's history, so a message
that did go out before the crash is not sent twice.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack.blocks import fallback_text, turn_blocks
from bot.channels.slack.bolt_app import web_client
from bot.engine.messages import Reply
from bot.nudges.runner import Outcome
from bot.runtime import Services
from bot.storage.nudge_outbox import ClaimedNudge

log = logging.getLogger(__name__)
EVENT_TYPE = "prep_talk_nudge"
HISTORY_DEPTH = 50
# Errors that no retry will fix: the user, the DM or the app's access is gone.
GONE = frozenset(
    {
        "account_inactive", "cannot_dm_bot", "channel_not_found", "invalid_auth",
        "missing_scope", "not_authed", "team_access_not_granted", "token_revoked",
        "user_disabled", "user_not_found", "user_not_visible",
    }
)  # fmt: skip


class SlackNudgeSender:
    def __init__(self, services: Services, store: AsyncInstallationStore | None) -> None:
        self._template = web_client(services)
        self._store = store
        self._clients: dict[str, AsyncWebClient | None] = {}

    async def send(self, nudge: ClaimedNudge, reply: Reply) -> Outcome:
        client = await self._client_for(nudge.tenant_id)
        if client is None:
            return Outcome.GONE
        key = str(nudge.id)
        try:
            opened = await client.conversations_open(users=nudge.user_id)
            channel = opened["channel"]["id"]
            if nudge.attempts > 1 and await self._already_sent(client, channel, key):
                return Outcome.SENT
            await client.chat_postMessage(
                channel=channel,
                text=fallback_text([reply]),
                blocks=turn_blocks([reply], None),
                metadata={"event_type": EVENT_TYPE, "event_payload": {"nudge": key}},
            )
            return Outcome.SENT
        except SlackApiError as error:
            code = str(error.response.get("error"))
            log.warning("Slack nudge %s to slack:%s:%s: %s", key, nudge.tenant_id,
                        nudge.user_id, code)  # fmt: skip
            return Outcome.GONE if code in GONE else Outcome.RETRY

    async def _already_sent(self, client: AsyncWebClient, channel: str, key: str) -> bool:
        history = await client.conversations_history(
            channel=channel, limit=HISTORY_DEPTH, include_all_metadata=True
        )
        return any(
            (message.get("metadata") or {}).get("event_type") == EVENT_TYPE
            and ((message.get("metadata") or {}).get("event_payload") or {}).get("nudge") == key
            for message in history.get("messages") or []
        )

    async def _client_for(self, team_id: str) -> AsyncWebClient | None:
        """The workspace's bot client: the configured token, or its stored installation."""
        if self._store is None:
            return self._template
        if team_id not in self._clients:
            bot = await self._store.async_find_bot(enterprise_id=None, team_id=team_id)
            self._clients[team_id] = (
                AsyncWebClient(
                    token=bot.bot_token,
                    base_url=self._template.base_url,
                    retry_handlers=self._template.retry_handlers,
                )
                if bot and bot.bot_token
                else None
            )
        return self._clients[team_id]
