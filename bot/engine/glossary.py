"""Finding security jargon and acronyms in a draft, with plain-language alternatives."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.playbook.schema import Glossary, GlossaryEntry, GlossaryKind

# Abbreviations every business audience already knows; never flagged as unexplained.
FAMILIAR_ABBREVIATIONS = frozenset(
    """
    AI AM CEO CFO CHRO CIO CISO CMO COO CRM CRO CTO EU EMEA APAC FAQ FY GC HR IT KPI KPIS LA
    NY OK OKR OKRS PM PR PS Q1 Q2 Q3 Q4 QBR ROI SLA TV UK UN US USA VP VPS ASAP ETA FYI H1
    H2 ID PDF UI UX YOY
    """.split()
)
# "hashing out the details", "patching things up": everyday phrasal verbs, not security terms.
_PHRASAL = re.compile(r"\s+(?:(?:things|it|this|that|them)\s+)?(?:out|up)\b", re.IGNORECASE)
_ACRONYM_TOKEN = re.compile(r"\b[A-Z][A-Z0-9&]{1,7}s?\b")


@dataclass(frozen=True, slots=True)
class TermHit:
    entry: GlossaryEntry | None
    matched: str
    start: int


class GlossaryIndex:
    """Compiled matchers over a glossary: jargon case-insensitively, acronyms as written."""

    def __init__(self, glossary: Glossary) -> None:
        self.entries = glossary.entries
        self._by_form: dict[str, GlossaryEntry] = {}
        jargon_forms, acronym_forms = [], []
        for entry in glossary.entries:
            for form in (entry.term, *entry.variants):
                if entry.kind is GlossaryKind.ACRONYM:
                    self._by_form[form] = entry
                    acronym_forms.append(form)
                else:
                    self._by_form[form.lower()] = entry
                    jargon_forms.append(form.lower())
        self._jargon = _alternation(jargon_forms, re.IGNORECASE)
        self._acronyms = _alternation(acronym_forms, 0)

    def find(self, text: str) -> list[TermHit]:
        """Glossary terms and unexplained acronyms in `text`, once each, in order of appearance."""
        hits: dict[str, TermHit] = {}
        for match in self._jargon.finditer(text) if self._jargon else ():
            if match.group(0).lower().endswith("ing") and _PHRASAL.match(text, match.end()):
                continue
            entry = self._by_form[match.group(0).lower()]
            hits.setdefault(entry.term, TermHit(entry, match.group(0), match.start()))
        for match in self._acronyms.finditer(text) if self._acronyms else ():
            entry = self._by_form[match.group(0)]
            if not _explained(text, match, entry.expansion or ""):
                hits.setdefault(entry.term, TermHit(entry, match.group(0), match.start()))
        for match in _ACRONYM_TOKEN.finditer(text):
            token = match.group(0)
            bare = token[:-1] if token.endswith("s") else token
            known = token in self._by_form or bare in self._by_form
            if known or bare in FAMILIAR_ABBREVIATIONS or _shouting(text, match):
                continue
            if not _explained(text, match, ""):
                hits.setdefault(bare, TermHit(None, bare, match.start()))
        return sorted(hits.values(), key=lambda hit: hit.start)


def _alternation(forms: list[str], flags: int) -> re.Pattern[str] | None:
    if not forms:
        return None
    ordered = sorted(set(forms), key=len, reverse=True)
    body = "|".join(re.escape(form) for form in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)


def _explained(text: str, match: re.Match[str], expansion: str) -> bool:
    """True when the acronym is spelled out beside it: 'MFA (multi-factor…)' or '… (MFA)'."""
    after = text[match.end() : match.end() + 3].lstrip()
    before = text[max(0, match.start() - 2) : match.start()]
    if after.startswith("(") or before.endswith("("):
        return True
    return bool(expansion) and expansion.lower() in text.lower()


def _shouting(text: str, match: re.Match[str]) -> bool:
    """A capitalised word next to another capitalised word is emphasis, not an acronym."""
    before = re.findall(r"[A-Za-z]+", text[max(0, match.start() - 40) : match.start()])
    after = re.findall(r"[A-Za-z]+", text[match.end() : match.end() + 40])
    neighbours = before[-1:] + after[:1]
    return any(len(word) >= 2 and word.isupper() for word in neighbours)
