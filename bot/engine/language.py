"""The Simplify checks: jargon, acronyms, rare words, readability, fear, relevance, and a
plainer version of the draft."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyphen

from bot.engine import inflection
from bot.engine.fear import fear_sentence
from bot.engine.findings import (
    FearFinding,
    Finding,
    PrioritiesFinding,
    ReadabilityFinding,
    TermFinding,
    UnfamiliarFinding,
)
from bot.engine.glossary import GlossaryIndex, HitKind, TermHit
from bot.engine.rewrite import plain_version
from bot.engine.vocabulary import is_acronym_like
from bot.playbook.schema import GlossaryKind, Playbook

DEFAULT_GRADE_TARGET = 9.0
_WORD = re.compile(r"[^\W\d_][\w&/'’-]*")  # a word in any alphabet
_SENTENCE_END = re.compile(r"[.!?]+(?:\s+|$)|\n+")
_LETTER_SYLLABLES = {"w": 3}  # "double-u"; every other letter is one syllable when spelled


# Flesch-Kincaid says nothing about a line shorter than this: one long word (or an acronym
# heard as its expansion) moves it by ten grades or more ("MFA" alone would be grade 50).
MIN_GRADED_WORDS = 10


@dataclass(frozen=True, slots=True)
class TextReport:
    grade: float
    target: float
    findings: tuple[Finding, ...]
    # The draft with each flagged term in plain words, when any term has an alternative.
    rewrite: str | None = None
    graded: bool = True  # long enough for its grade to mean something (MIN_GRADED_WORDS)


def check_text(text: str, glossary: GlossaryIndex, playbook: Playbook | None) -> TextReport:
    """Every Simplify finding for a draft, its reading grade, and a plainer version."""
    target = playbook.readability_target if playbook else DEFAULT_GRADE_TARGET
    grade = reading_grade(text, glossary)
    known = playbook.known_terms if playbook else []
    hits = glossary.find(text, known)
    who = playbook.team if playbook else "a business audience"
    findings = [*_term_findings(hits, who), *_fear_findings(text, playbook)]
    graded = len(_WORD.findall(text)) >= MIN_GRADED_WORDS
    if graded and grade > target:
        findings.append(
            ReadabilityFinding(
                message=f"Reading grade {grade:.1f} is above the target of {target:.0f}.",
                suggestion="Use shorter sentences and everyday words.",
                grade=grade,
                target=target,
            )
        )
    if playbook and not mentions_any(_outside(text, hits), playbook.priority_terms):
        findings.append(
            PrioritiesFinding(
                message=f"Nothing here ties the ask to what matters to {playbook.team}.",
                suggestion="Connect it to one of their priorities: "
                + "; ".join(playbook.priorities[:3]),
            )
        )
    rewrite = _plainer(text, hits, glossary, known, target)
    return TextReport(grade, target, tuple(findings), rewrite, graded)


def _plainer(
    text: str, hits: list[TermHit], glossary: GlossaryIndex, known: list[str], target: float
) -> str | None:
    """The plainer version, judged by the same checks as the draft."""

    def assess(draft: str) -> tuple[int, float]:
        return len(glossary.find(draft, known)), reading_grade(draft, glossary)

    return plain_version(text, hits, assess, target)


def _term_findings(hits: list[TermHit], who: str) -> list[Finding]:
    findings: list[Finding] = []
    for hit in hits:
        if hit.kind is HitKind.UNFAMILIAR:
            findings.append(
                UnfamiliarFinding(
                    term=hit.matched,
                    message=f"“{hit.matched}” may be unfamiliar to {who}.",
                    suggestion="say it in everyday words, or explain it once",
                )
            )
        elif hit.entry is None:
            findings.append(
                TermFinding(
                    kind="acronym",
                    term=hit.matched,
                    suggestion="spell it out, or say what it does in plain words",
                )
            )
        else:
            findings.append(
                TermFinding(
                    kind="acronym" if hit.entry.kind is GlossaryKind.ACRONYM else "jargon",
                    term=hit.matched,
                    suggestion=hit.entry.plain,
                    expansion=hit.entry.expansion,
                )
            )
    return findings


def _fear_findings(text: str, playbook: Playbook | None) -> list[Finding]:
    found = fear_sentence(split_sentences(text), playbook.known_terms if playbook else ())
    if found is None:
        return []
    message, quote = found
    who = playbook.team if playbook else "your audience"
    advice = (
        f"Open with what is in it for {who}; keep one fact for later, as support rather than "
        "threat."
    )
    return [FearFinding(message=message, suggestion=advice, quote=quote[:160])]


def split_sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def _outside(text: str, hits: list[TermHit]) -> str:
    """`text` with its glossary phrases blanked out: "zero trust" names no trust of theirs
    (a one-word term is left: "paged" is an engineer's own worry)."""
    for hit in hits:
        if " " in hit.matched:
            text = text[: hit.start] + " " * len(hit.matched) + text[hit.end :]
    return text


def mentions_any(text: str, terms: list[str]) -> bool:
    """Whether `text` names one of `terms`, in the singular or the plural ('quota': 'quotas';
    'a budget': 'budgets'), as a word of its own."""
    return _mentioning(tuple(terms)).search(text.lower()) is not None


@lru_cache(maxsize=64)
def _mentioning(terms: tuple[str, ...]) -> re.Pattern[str]:
    forms = {form for term in terms for form in (term.lower(), inflection.plural(term.lower()))}
    alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)" if alternatives else r"(?!)")


@lru_cache(maxsize=1)
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


def _syllables(word: str) -> int:
    cleaned = word.strip("'’-").lower()
    if not cleaned:
        return 0
    hyphenated: str = _hyphenator().inserted(cleaned)
    return max(1, hyphenated.count("-") + 1)


def _heard_syllables(text: str, glossary: GlossaryIndex | None) -> list[int]:
    """Syllables per word as a listener hears them: an acronym is read as its expansion, or
    letter by letter ("MFA" is three syllables, never one short word)."""
    counts: list[int] = []
    for word in _WORD.findall(text):
        expansion = glossary.expansion_of(word) if glossary else None
        if expansion:
            counts += [_syllables(part) for part in _WORD.findall(expansion)]
        elif is_acronym_like(word):
            counts.append(sum(_LETTER_SYLLABLES.get(c, 1) for c in word.lower() if c.isalpha()))
        else:
            counts.append(_syllables(word))
    return counts


def reading_grade(text: str, glossary: GlossaryIndex | None = None) -> float:
    """Flesch-Kincaid grade level (0 for text with no words); acronyms count as heard."""
    syllables = _heard_syllables(text[:50000], glossary)
    if not syllables:
        return 0.0
    sentences = max(1, len(split_sentences(text)))
    words = len(syllables)
    grade = 0.39 * words / sentences + 11.8 * sum(syllables) / words - 15.59
    return round(max(0.0, grade), 1)
