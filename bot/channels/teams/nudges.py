"""Sending nudges to Teams: proactive cards from the stored reference, within Teams' limits.

Teams allows about 30 requests a second per app per tenant: a limiter per tenant keeps us
under it (PREPTALK_TEAMS_RATE), and a 429 that still comes back is waited out and retried a
few times before the nudge goes back to the outbox (throttled: that does not use up one of
its attempts). References are read a claimed batch at a time, and cards go out through one
`CardPoster` (kept-alive connections) per delivery pass, each card rendered and encoded once
per wording (`EncodedWordings`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiolimiter import AsyncLimiter

from bot.backoff import Backoff
from bot.channels.teams.cards import turn_card
from bot.channels.teams.connector import CardPoster, card_message
from bot.channels.teams.delivery import DeliveryStatus, ProactiveMessenger
from bot.engine.messages import Reply
from bot.nudges.messages import EncodedWordings, NudgeMessage
from bot.nudges.runner import Outcome
from bot.storage.nudge_outbox import ClaimedNudge
from bot.storage.teams_references import StoredReference
from bot.users import UserRef

THROTTLE_RETRIES = 3
NUDGE_BACKOFF = Backoff(first=1.0, cap=60.0)


class TeamsNudgeSender:
    def __init__(
        self,
        messenger: ProactiveMessenger,
        per_tenant_rate: float,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._references = messenger.references
        self._poster = CardPoster(messenger.adapter.bot_framework_authentication, messenger.app_id)
        self._rate = per_tenant_rate
        self._limiters: dict[str, AsyncLimiter] = {}
        self._sleep = sleep
        self._prepared: dict[int, StoredReference | None] = {}
        self._messages = EncodedWordings(card_json)

    async def prepare(self, nudges: Sequence[ClaimedNudge]) -> None:
        """Read the references of a batch in one query."""
        users = [UserRef("teams", nudge.tenant_id, nudge.user_id) for nudge in nudges]
        found = await self._references.load_many(users)
        for nudge, user in zip(nudges, users, strict=True):
            self._prepared[nudge.id] = found.get(user)

    async def send(self, nudge: ClaimedNudge, message: NudgeMessage) -> Outcome:
        if nudge.id in self._prepared:
            stored = self._prepared.pop(nudge.id)
        else:
            stored = await self._references.load(UserRef("teams", nudge.tenant_id, nudge.user_id))
        if stored is None:
            return Outcome.GONE  # never talked to the bot, or forgotten
        card = self._messages.json(message)
        limiter = self._limiters.setdefault(nudge.tenant_id, AsyncLimiter(self._rate, 1.0))
        for attempt in range(THROTTLE_RETRIES):
            async with limiter:
                delivery = await self._poster.post(stored.reference, card)
            if delivery.status is DeliveryStatus.SENT:
                return Outcome.SENT
            if delivery.status in (DeliveryStatus.NO_REFERENCE, DeliveryStatus.GONE):
                return Outcome.GONE
            if delivery.status is not DeliveryStatus.THROTTLED:
                return Outcome.RETRY
            await self._sleep(NUDGE_BACKOFF.wait(delivery.retry_after, attempt))
        return Outcome.THROTTLED

    async def close(self) -> None:
        self._prepared.clear()
        self._messages.clear()
        await self._poster.close()


def card_json(reply: Reply, prep_id: int | None) -> dict[str, Any]:
    """A nudge's card, as the message activity carrying it (addressed per nudge)."""
    return card_message(turn_card([reply], prep_id))
