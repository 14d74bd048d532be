"""The Simplify checks: jargon, acronyms, readability, fear-first wording, relevance."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyphen

from bot.engine.glossary import GlossaryIndex
from bot.engine.messages import Finding
from bot.playbook.schema import Playbook

DEFAULT_GRADE_TARGET = 9.0
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s+|$)|\n+")
_FEAR_WORDS = re.compile(
    r"\b(breach(?:es|ed)?|hack(?:ed|ers?|ing)?|attack(?:s|ed|ers?)?|ransomware|"
    r"catastroph\w*|devastat\w*|disaster\w*|nightmare\w*|fined|fines|lawsuits?|bankrupt\w*|"
    r"cyber ?crim\w*|criminals?|terrif\w*|scar(?:y|ed|e)|destroy\w*|cripple\w*|"
    r"out of business|not if,? but when|you(?:'re| are) next|stolen|steal\w*|doomed)\b",
    re.IGNORECASE,
)
_STATISTIC = re.compile(
    r"(\d[\d,.]*\s*(%|percent|per cent|million|billion|bn\b|m\b|k\b|times)|[$€£]\s?\d|"
    r"every \d+ (seconds|minutes|hours)|\b\d+ (?:in|out of) \d+\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class TextReport:
    grade: float
    target: float
    findings: tuple[Finding, ...]


def check_text(text: str, glossary: GlossaryIndex, playbook: Playbook | None) -> TextReport:
    """Every Simplify finding for a draft, plus its reading grade."""
    target = playbook.readability_target if playbook else DEFAULT_GRADE_TARGET
    grade = reading_grade(text)
    findings = [*_term_findings(text, glossary), *_fear_findings(text, playbook)]
    if grade > target:
        findings.append(
            Finding(
                kind="readability",
                message=f"Reading grade {grade:.1f} is above the target of {target:.0f}.",
                suggestion="Use shorter sentences and everyday words.",
                grade=grade,
                target=target,
            )
        )
    if playbook and not mentions_any(text, playbook.priority_terms):
        findings.append(
            Finding(
                kind="priorities",
                message=f"Nothing here ties the ask to what {playbook.team} cares about.",
                suggestion="Connect it to one of their priorities: "
                + "; ".join(playbook.priorities[:3]),
            )
        )
    return TextReport(grade, target, tuple(findings))


def _term_findings(text: str, glossary: GlossaryIndex) -> list[Finding]:
    findings = []
    for hit in glossary.find(text):
        if hit.entry is None:
            findings.append(
                Finding(
                    kind="acronym",
                    term=hit.matched,
                    suggestion="spell it out, or say what it does in plain words",
                )
            )
        else:
            findings.append(
                Finding(
                    kind=hit.entry.kind.value,
                    term=hit.matched,
                    suggestion=hit.entry.plain,
                    expansion=hit.entry.expansion,
                )
            )
    return findings


def _fear_findings(text: str, playbook: Playbook | None) -> list[Finding]:
    sentences = split_sentences(text)
    if not sentences:
        return []
    who = playbook.team if playbook else "your audience"
    advice = f"Open with what {who} gains; keep one fact for later, as support rather than threat."
    scary_stats = [s for s in sentences if _STATISTIC.search(s) and _FEAR_WORDS.search(s)]
    if scary_stats:
        message, quote = "A frightening statistic puts people on the defensive.", scary_stats[0]
    elif _FEAR_WORDS.search(sentences[0]):
        message, quote = "The opening leads with threat and breach talk.", sentences[0]
    else:
        return []
    return [Finding(kind="fear", message=message, suggestion=advice, quote=quote[:160])]


def split_sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def mentions_any(text: str, terms: list[str]) -> bool:
    lowered = text.lower()
    return any(re.search(rf"(?<!\w){re.escape(term)}(?!\w)", lowered) for term in terms)


@lru_cache(maxsize=1)
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


def _syllables(word: str) -> int:
    cleaned = word.strip("'’-").lower()
    if not cleaned:
        return 0
    hyphenated: str = _hyphenator().inserted(cleaned)
    return max(1, hyphenated.count("-") + 1)


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade level (0 for text with no words)."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len(split_sentences(text)))
    syllables = sum(_syllables(word) for word in words[:5000])
    grade = 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59
    return round(max(0.0, grade), 1)
