"""Nudge counters for /metrics (Prometheus text format), on a registry owned by the app."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter


@dataclass(frozen=True)
class NudgeMetrics:
    registry: CollectorRegistry
    planned: Counter
    sent: Counter
    skipped: Counter
    failed: Counter

    @classmethod
    def create(cls, registry: CollectorRegistry | None = None) -> NudgeMetrics:
        registry = registry or CollectorRegistry()

        def counter(name: str, text: str) -> Counter:
            return Counter(f"preptalk_nudges_{name}", text, registry=registry)

        return cls(
            registry,
            counter("planned", "Nudges found due by the planner"),
            counter("sent", "Nudges delivered"),
            counter("skipped", "Nudges no longer wanted (opted out, snoozed, forgotten)"),
            counter("failed", "Nudges that will not succeed (user or app gone)"),
        )
