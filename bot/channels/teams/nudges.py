"""Sending nudges to Teams: proactive cards from the stored reference, within Teams' limits.

Teams allows about 30 requests a second per app per tenant: a limiter per tenant keeps us
under it (PREPTALK_TEAMS_RATE), and a 429 that still comes back is waited out and retried a
few times before the nudge goes back to the outbox.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiolimiter import AsyncLimiter

from bot.channels.teams.delivery import DeliveryStatus, ProactiveMessenger
from bot.engine.messages import Reply
from bot.nudges.runner import Outcome
from bot.storage.nudge_outbox import ClaimedNudge
from bot.users import UserRef

THROTTLE_RETRIES = 3
BACKOFF_SECONDS = 1.0


class TeamsNudgeSender:
    def __init__(
        self,
        messenger: ProactiveMessenger,
        per_tenant_rate: float,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._messenger = messenger
        self._rate = per_tenant_rate
        self._limiters: dict[str, AsyncLimiter] = {}
        self._sleep = sleep

    async def send(self, nudge: ClaimedNudge, reply: Reply) -> Outcome:
        user = UserRef("teams", nudge.tenant_id, nudge.user_id)
        prep_id = nudge.payload.get("prep_id")
        limiter = self._limiters.setdefault(nudge.tenant_id, AsyncLimiter(self._rate, 1.0))
        for attempt in range(THROTTLE_RETRIES):
            async with limiter:
                delivery = await self._messenger.send(user, [reply], prep_id)
            if delivery.status is DeliveryStatus.SENT:
                return Outcome.SENT
            if delivery.status in (DeliveryStatus.NO_REFERENCE, DeliveryStatus.GONE):
                return Outcome.GONE
            if delivery.status is not DeliveryStatus.THROTTLED:
                return Outcome.RETRY
            await self._sleep(delivery.retry_after or BACKOFF_SECONDS * 2**attempt)
        return Outcome.RETRY
