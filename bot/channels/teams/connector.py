"""Proactive cards at volume: straight to the Bot Connector REST API, over one HTTP session.

The SDK's `continue_conversation` builds a new connector client (and HTTP connection) for
every message and serialises the card through msrest, which costs milliseconds of CPU per
message: fine for a hand-off, too slow for a tenant's worth of nudges at Teams' limit. This
posts the same activity (`POST {serviceUrl}/v3/conversations/{id}/activities`) as JSON, over
kept-alive connections (`HttpPosts`); the card part of the activity comes encoded already
(`card_message`), the same for many users, and only the addressing is added per message.
Authentication stays the SDK's: the credentials its connector factory makes for a service
URL sign the request (an anonymous app in local mode sends no token), and the header is
re-read every TOKEN_REUSE_SECONDS (MSAL keeps the token cached and renews it before expiry).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from botframework.connector.auth import (  # type: ignore[import-untyped]
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
)

from bot.backoff import retry_after_seconds
from bot.channels.http_posts import Answer, HttpPosts, Origin
from bot.channels.teams.cards import CARD_CONTENT_TYPE
from bot.channels.teams.delivery import Delivery
from bot.channels.teams.delivery import DeliveryStatus as Status
from bot.nudges.messages import joined

log = logging.getLogger(__name__)
TOKEN_REUSE_SECONDS = 60.0
TIMEOUT_SECONDS = 30.0


@dataclass
class _Signature:
    authorization: str | None
    read_at: float


class CardPoster:
    """Posts a card into the personal chat a stored ConversationReference points at."""

    def __init__(self, authentication: BotFrameworkAuthentication, app_id: str) -> None:
        claims = {
            AuthenticationConstants.AUDIENCE_CLAIM: app_id,
            AuthenticationConstants.APP_ID_CLAIM: app_id,
        }
        self._factory = authentication.create_connector_factory(ClaimsIdentity(claims, True))
        self._posts = HttpPosts(TIMEOUT_SECONDS)
        self._origins: dict[str, Origin] = {}
        self._signatures: dict[str, _Signature] = {}
        self._signing = asyncio.Lock()

    async def post(self, reference: dict[str, Any], message: str) -> Delivery:
        """Send `message` (a `card_message`, JSON-encoded) as a new message, not a reply, in
        the referenced chat; the outcome says whether to retry."""
        service_url = str(reference.get("serviceUrl") or "")
        conversation = reference.get("conversation") or {}
        if not service_url or not conversation.get("id"):
            return Delivery(Status.NO_REFERENCE)
        path = f"/v3/conversations/{quote(str(conversation['id']), safe='')}/activities"
        activity = joined(addressing(reference), message).encode()
        try:
            answer = await self._post(service_url, path, activity)
        except (OSError, TimeoutError, ValueError) as error:
            log.warning("Teams connector at %s unreachable: %s", service_url, type(error).__name__)
            return Delivery(Status.FAILED)
        return _delivery(answer.status, answer.headers.get("retry-after"), service_url)

    async def close(self) -> None:
        self._signatures.clear()
        self._origins.clear()
        await self._posts.close()

    async def _post(self, service_url: str, path: str, activity: bytes) -> Answer:
        authorization = await self._authorization(service_url)
        headers = {"Authorization": authorization} if authorization else {}
        origin = self._origins.get(service_url)
        if origin is None:
            origin = self._origins[service_url] = Origin.of(service_url)
        return await self._posts.post(origin, path, activity, headers)

    async def _authorization(self, service_url: str) -> str | None:
        """The Authorization header the SDK's credentials give for `service_url`, if any."""
        signature = self._signatures.get(service_url)
        if signature is not None and _recent(signature):
            return signature.authorization
        async with self._signing:
            signature = self._signatures.get(service_url)
            if signature is not None and _recent(signature):  # read meanwhile by another post
                return signature.authorization
            connector = await self._factory.create(service_url, None)
            credentials = connector.config.credentials
            # May fetch a token (blocking HTTP inside MSAL): not on the event loop.
            session = await asyncio.to_thread(credentials.signed_session)
            authorization = session.headers.get("Authorization")
            self._signatures[service_url] = _Signature(authorization, time.monotonic())
            return str(authorization) if authorization else None


def _recent(signature: _Signature) -> bool:
    return time.monotonic() - signature.read_at < TOKEN_REUSE_SECONDS


def card_message(card: dict[str, Any]) -> dict[str, Any]:
    """The message activity the SDK would send for `card`, but for its addressing."""
    return {
        "type": "message",
        "attachmentLayout": "list",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": card}],
        "summary": str(card.get("fallbackText", ""))[:100],
    }


def addressing(reference: dict[str, Any]) -> dict[str, Any]:
    """Where a message in the referenced chat goes, and from whom, as the SDK fills it in."""
    fields: dict[str, Any] = {
        "channelId": reference.get("channelId"),
        "serviceUrl": reference.get("serviceUrl"),
        "conversation": reference.get("conversation"),
        "from": reference.get("bot"),
        "recipient": reference.get("user"),
    }
    if reference.get("locale"):
        fields["locale"] = reference["locale"]
    return fields


def _delivery(status: int, retry_after: str | None, service_url: str) -> Delivery:
    if 200 <= status < 300:
        return Delivery(Status.SENT)
    if status == 429:
        return Delivery(Status.THROTTLED, retry_after_seconds(retry_after))
    if status in (403, 404):
        return Delivery(Status.GONE)
    log.warning("proactive Teams message via %s refused: HTTP %s", service_url, status)
    return Delivery(Status.FAILED)
