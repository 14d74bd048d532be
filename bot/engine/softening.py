"""Words that soften what a message says without changing it: "perhaps", "maybe also", "I
suppose", "roughly", "at some point". The checks read through them, so a hedged question
or a hedged list of asks is judged for what it asks."""

from __future__ import annotations

import re

_HEDGES = re.compile(
    r"\b(?:perhaps|maybe|possibly|probably|roughly|approximately|at all|kind of|sort of|"
    r"i suppose|at some point|if possible|ideally|really|mostly|mainly)\b,?\s*",
    re.IGNORECASE,
)


def without_hedges(text: str) -> str:
    """`text` with its hedging words left out ("did your team perhaps already…")."""
    return _HEDGES.sub("", text)
