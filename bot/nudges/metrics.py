"""Nudge counters for /metrics (Prometheus text format), on the registry the app owns."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter


@dataclass(frozen=True)
class NudgeMetrics:
    """`preptalk_nudges_total{outcome=…}`: one labelled counter, a child per outcome."""

    planned: Counter
    sent: Counter
    skipped: Counter
    failed: Counter

    @classmethod
    def create(cls, registry: CollectorRegistry | None = None) -> NudgeMetrics:
        nudges = Counter(
            "preptalk_nudges",
            "Nudges by outcome: planned (found due), sent, skipped (no longer wanted: opted "
            "out, snoozed, forgotten), failed (will not succeed: user or app gone)",
            ["outcome"],
            registry=registry or CollectorRegistry(),
        )
        return cls(
            *(nudges.labels(outcome=name) for name in ("planned", "sent", "skipped", "failed"))
        )
