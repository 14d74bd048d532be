"""Reading the why: does it name an outcome the stakeholder cares about."""

from __future__ import annotations

import re

from bot.engine.language import mentions_any
from bot.playbook.schema import Playbook

_OUTCOME_WORDS = (
    "customer",
    "customers",
    "revenue",
    "growth",
    "grow",
    "trust",
    "mission",
    "reputation",
    "brand",
    "cost",
    "costs",
    "time",
    "deliver",
    "serve",
    "win",
    "retain",
    "market",
    "shareholders",
    "patients",
    "people",
    "employees",
    "team",
    "promise",
    "values",
    "future",
    "goal",
    "goals",
    "profit",
    "partners",
    "community",
    "safe",
    "safety",
)
_STOPWORDS = frozenset(
    """
    about above after again their there these those which while would could should where
    being every other under with from into that this what when your ours they them
    """.split()
)


def why_connects(why: str, playbook: Playbook, mission: str | None) -> bool:
    """True when the why names a business outcome, a stakeholder priority or a mission term."""
    terms = [*playbook.priority_terms, *_OUTCOME_WORDS, *mission_terms(mission)]
    return mentions_any(why, terms)


def mission_terms(mission: str | None) -> list[str]:
    if not mission:
        return []
    words = re.findall(r"[A-Za-z]{5,}", mission.lower())
    return [word for word in words if word not in _STOPWORDS]
