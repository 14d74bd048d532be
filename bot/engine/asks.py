"""Reading what the user asks for: one goal or several, open or closed questions, a real why."""

from __future__ import annotations

import re

from bot.engine.language import mentions_any, split_sentences
from bot.playbook.schema import Playbook

_LIST_ITEM = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+", re.MULTILINE)
_JOINERS = re.compile(
    r"\s*(?:;|\band also\b|\bas well as\b|\balso\b|\bplus\b|\bin addition\b|, and\b|"
    r"\band then\b)\s*",
    re.IGNORECASE,
)
_ASK_VERBS = re.compile(
    r"\b(get|gets|make|have|want|need|needs|agree|agrees|ensure|approve|approves|fund|"
    r"complete|completes|finish|adopt|roll out|enforce|increase|raise|reduce|cut|lower|stop|"
    r"start|commit|sign|buy|hire|support|sponsor|back|join|attend|mandate|require|enrol|"
    r"enroll|train|update|replace|move|set up|turn on|enable|pay|budget|prioriti[sz]e|"
    r"allow|add|drop|block|review|take|do|run|launch|deploy|achieve|improve)\b",
    re.IGNORECASE,
)
_CLOSED_OPENERS = re.compile(
    r"^\s*(do|does|did|is|are|was|were|can|could|will|would|should|shall|have|has|had|"
    r"may|might|must|isn't|aren't|don't|doesn't|won't|wouldn't)\b",
    re.IGNORECASE,
)
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
MAX_GOALS = 6


def goals_in(answer: str) -> list[str]:
    """The separate asks in an outcome statement; one item when it carries a single goal."""
    text = answer.strip()
    pieces = [p for p in _LIST_ITEM.split(text) if p.strip()] if _LIST_ITEM.search(text) else []
    if len(pieces) < 2:
        pieces = split_sentences(text)
    if len(pieces) < 2:
        pieces = _JOINERS.split(text)
    asks = [_tidy(piece) for piece in pieces if _is_ask(piece)]
    return asks[:MAX_GOALS] if len(asks) >= 2 else [_tidy(text)]


def _is_ask(piece: str) -> bool:
    return len(piece.split()) >= 2 and bool(_ASK_VERBS.search(piece))


def _tidy(piece: str) -> str:
    cleaned = _LIST_ITEM.sub("", piece).strip().strip(".;,").strip()
    return cleaned[:1].upper() + cleaned[1:]


def is_closed_question(question: str) -> bool:
    """A yes/no question ('Do you…', 'Is it…') invites a one-word answer, not a story."""
    return bool(_CLOSED_OPENERS.match(question))


def why_connects(why: str, playbook: Playbook, mission: str | None) -> bool:
    """True when the why names a business outcome, a stakeholder priority or a mission term."""
    terms = [*playbook.priority_terms, *_OUTCOME_WORDS, *mission_terms(mission)]
    return mentions_any(why, terms)


def mission_terms(mission: str | None) -> list[str]:
    if not mission:
        return []
    words = re.findall(r"[A-Za-z]{5,}", mission.lower())
    return [word for word in words if word not in _STOPWORDS]
