"""Getting cards to Teams: a turn's reply, and proactive messages from a stored reference.

Teams allows about 7 messages a second per conversation and answers 429 beyond that. A
reply within a turn waits briefly and tries again (the user is waiting for it); a proactive
message does not wait: it reports `THROTTLED` with the delay, so a sender such as the nudge
outbox can come back later instead of holding a worker.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from botbuilder.core import BotAdapter, MessageFactory, TurnContext  # type: ignore[import-untyped]
from botbuilder.schema import (  # type: ignore[import-untyped]
    Activity,
    Attachment,
    ConversationReference,
    ErrorResponseException,
)

from bot.backoff import Backoff, retry_after_seconds
from bot.channels.teams.cards import CARD_CONTENT_TYPE, Link, turn_card
from bot.engine.messages import Reply
from bot.storage.teams_references import TeamsReferences
from bot.users import UserRef

log = logging.getLogger(__name__)

SEND_ATTEMPTS = 3
# A reply must reach Teams within its 15 s: short waits, capped.
REPLY_BACKOFF = Backoff(first=0.5, cap=5.0)
Sleep = Callable[[float], Awaitable[None]]


class DeliveryStatus(StrEnum):
    SENT = "sent"
    NO_REFERENCE = "no_reference"  # the user never talked to the bot, or was forgotten
    THROTTLED = "throttled"  # 429: try again later (`retry_after`: the seconds Teams named)
    GONE = "gone"  # 403/404: the user removed the app or the chat is gone; do not retry
    FAILED = "failed"  # anything else; logged


@dataclass(frozen=True, slots=True)
class Delivery:
    status: DeliveryStatus
    retry_after: float | None = None


def card_activity(replies: list[Reply], prep_id: int | None, link: Link | None = None) -> Activity:
    """A message activity carrying the turn's Adaptive Card."""
    card = turn_card(replies, prep_id, link)
    activity = MessageFactory.attachment(Attachment(content_type=CARD_CONTENT_TYPE, content=card))
    activity.summary = card["fallbackText"][:100]
    return activity


def status_of(error: Exception) -> int | None:
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def named_wait(error: Exception) -> float | None:
    """The seconds a 429 from the SDK's client asked us to wait (None when it named none)."""
    headers: Any = getattr(getattr(error, "response", None), "headers", None) or {}
    return retry_after_seconds(headers.get("Retry-After"))


async def send_card(
    turn_context: TurnContext,
    replies: list[Reply],
    prep_id: int | None,
    sleep: Sleep = asyncio.sleep,
    link: Link | None = None,
) -> None:
    """Reply in the current conversation, waiting out a 429 up to SEND_ATTEMPTS times."""
    if not replies:
        return
    activity = card_activity(replies, prep_id, link)
    for attempt in range(SEND_ATTEMPTS):
        try:
            await turn_context.send_activity(activity)
            return
        except ErrorResponseException as error:
            if status_of(error) != 429 or attempt == SEND_ATTEMPTS - 1:
                raise
            wait = REPLY_BACKOFF.wait(named_wait(error), attempt)
            log.info("Teams throttled a reply; retrying in %.1f s", wait)
            await sleep(wait)


class ProactiveMessenger:
    """Sends cards to a user's personal chat outside any turn (nudges, channel hand-offs)."""

    def __init__(self, adapter: BotAdapter, references: TeamsReferences, app_id: str) -> None:
        self.adapter = adapter
        self.references = references
        self.app_id = app_id

    async def send(
        self, user: UserRef, replies: list[Reply], prep_id: int | None = None
    ) -> Delivery:
        """Deliver `replies` as one card; the outcome says whether to retry, and when."""
        stored = await self.references.load(user)
        if stored is None:
            return Delivery(DeliveryStatus.NO_REFERENCE)
        reference = ConversationReference().deserialize(stored.reference)
        failures: list[Exception] = []

        async def deliver(turn_context: TurnContext) -> None:
            # A new message, not a reply to the SDK's synthetic continuation activity.
            turn_context.activity.id = None
            # The adapter's error handler would swallow an exception: keep it for the outcome.
            try:
                await turn_context.send_activity(card_activity(replies, prep_id))
            except Exception as error:  # reported as the Delivery below
                failures.append(error)

        try:
            await self.adapter.continue_conversation(reference, deliver, self.app_id)
        except Exception as error:  # e.g. the service URL is unreachable
            failures.append(error)
        return _outcome(user, failures)


def _outcome(user: UserRef, failures: list[Exception]) -> Delivery:
    if not failures:
        return Delivery(DeliveryStatus.SENT)
    error = failures[0]
    status = status_of(error)
    if status == 429:
        return Delivery(DeliveryStatus.THROTTLED, named_wait(error))
    if status in (403, 404):
        return Delivery(DeliveryStatus.GONE)
    log.warning(
        "proactive Teams message to %s:%s failed: %s (HTTP %s)",
        user.platform,
        user.tenant,
        type(error).__name__,
        status,
    )
    return Delivery(DeliveryStatus.FAILED)


async def send_proactive(
    messenger: ProactiveMessenger,
    user: UserRef,
    replies: list[Reply],
    prep_id: int | None = None,
) -> Delivery:
    """Send `replies` to `user`'s personal chat with the bot (the nudges' entry point)."""
    return await messenger.send(user, replies, prep_id)
