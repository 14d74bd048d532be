"""What /metrics shows, in Prometheus text format, on a registry owned by the app.

Turns per channel (the user's platform: slack, teams, local) with their latency by the step
that answered, errors per channel, nudges by outcome, the backlog of what waits to be sent
and how old its oldest item is, and the process's own CPU, memory and file descriptors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.nudges.metrics import NudgeMetrics
from bot.storage import nudge_outbox

# Turn latencies: a coach turn takes milliseconds; a slow database or a lock can take seconds.
TURN_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class TurnMetrics:
    """Counts and times coach turns; the coach calls it once per turn."""

    seconds: Histogram
    turns: Counter
    errors: Counter

    def turn_done(self, channel: str, step: str, seconds: float) -> None:
        self.seconds.labels(channel=channel, step=step).observe(seconds)
        self.turns.labels(channel=channel).inc()

    def turn_failed(self, channel: str) -> None:
        self.errors.labels(channel=channel).inc()


@dataclass(frozen=True)
class ServerMetrics:
    registry: CollectorRegistry
    turns: TurnMetrics
    nudges: NudgeMetrics
    backlog: Gauge
    oldest_age: Gauge

    @classmethod
    def create(cls) -> ServerMetrics:
        registry = CollectorRegistry()
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        GCCollector(registry=registry)
        turns = TurnMetrics(
            Histogram("preptalk_turn_seconds", "Coach turn latency by channel and answering step",
                      ["channel", "step"], buckets=TURN_BUCKETS, registry=registry),
            Counter("preptalk_turns", "Coach turns answered, by channel", ["channel"],
                    registry=registry),
            Counter("preptalk_turn_errors", "Coach turns that failed on our side, by channel",
                    ["channel"], registry=registry),
        )  # fmt: skip
        return cls(
            registry,
            turns,
            NudgeMetrics.create(registry),
            Gauge("preptalk_backlog", "Items waiting to be processed, by queue", ["queue"],
                  registry=registry),
            Gauge("preptalk_backlog_oldest_seconds", "Age of the oldest waiting item, by queue",
                  ["queue"], registry=registry),
        )  # fmt: skip

    async def refresh(self, sessions: async_sessionmaker[AsyncSession], now: datetime) -> None:
        """Read the backlogs from the database (at scrape time, so every replica agrees)."""
        async with sessions() as session:
            count, oldest = await nudge_outbox.backlog(session)
        self._waiting("nudges", count, oldest, now)

    def _waiting(self, queue: str, count: int, oldest: datetime | None, now: datetime) -> None:
        self.backlog.labels(queue=queue).set(count)
        age = (now - oldest).total_seconds() if oldest is not None else 0.0
        self.oldest_age.labels(queue=queue).set(max(age, 0.0))
