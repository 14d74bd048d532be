"""Finding words a business listener would stumble over, with plain alternatives where known.

Three signals, strongest first: glossary terms (and their inflected forms), abbreviations the
glossary does not explain, and words that are rare in everyday English (a softer "may be
unfamiliar"). A stakeholder's own vocabulary (`known_terms`) is never flagged for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.engine import inflection, vocabulary
from bot.playbook.schema import Glossary, GlossaryEntry, GlossaryKind

# "hashing out the details", "patching things up": everyday phrasal verbs, not security terms.
_PHRASAL = re.compile(r"\s+(?:(?:things|it|this|that|them)\s+)?(?:out|up)\b", re.IGNORECASE)
# A word or abbreviation, in any alphabet ([^\W_]: a letter or digit; Zoë, Łukasz, Kraków
# are one word each), with its hyphens, slashes and an apostrophe ending.
_TOKEN = re.compile(r"[^\W_](?:[^\W_]|&)*(?:[-/](?:[^\W_]|&)+)*(?:['’][^\W\d_]+)?")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_VERB_ENDING = re.compile(r"['’](?:d|ed|ing)$")
# An abbreviation leading a compound of everyday words: ARR-critical, SOC2-compliant.
_ABBREVIATION_LED = re.compile(r"[A-Za-z0-9&]+(?:-[a-z]+)+")
# A verb's -ing form in the glossary also matches its other forms (spoofing: spoofed, spoof)
# when the stem is not itself an everyday word (salting: not "salt").
_STEM_ZIPF = 3.6
# The first word of a multi-word term stands for it when it is this rare ('tabletop').
_HEAD_ZIPF = 3.2


class HitKind(StrEnum):
    GLOSSARY = "glossary"
    ACRONYM = "acronym"
    UNFAMILIAR = "unfamiliar"


@dataclass(frozen=True, slots=True)
class TermHit:
    kind: HitKind
    entry: GlossaryEntry | None
    matched: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.matched)


class GlossaryIndex:
    """Compiled matchers over a glossary: jargon case-insensitively, acronyms as written."""

    def __init__(self, glossary: Glossary) -> None:
        self.entries = glossary.entries
        self._jargon: dict[str, GlossaryEntry] = {}
        self._acronyms: dict[str, GlossaryEntry] = {}
        spelled_out: list[tuple[str, GlossaryEntry]] = []
        for entry in glossary.entries:
            for form in (entry.term, *entry.variants):
                if entry.kind is GlossaryKind.ACRONYM and _TOKEN.fullmatch(form):
                    self._acronyms[form] = entry
                else:
                    spelled_out.append((form.lower(), entry))
        acronyms = {form.lower() for form in self._acronyms}
        spelled_out += [
            (short, entry) for form, entry in spelled_out if (short := inflection.clipped(form))
        ]
        for form, entry in spelled_out:  # a form that is a term of its own is that term
            self._jargon.setdefault(form, entry)  # ("pivoted", not "pivoting" bent)
        heads: dict[str, set[str]] = {}
        for form, entry in spelled_out:
            for inflected in _inflections(form, entry.security_sense):
                self._jargon.setdefault(inflected, entry)
            head = _distinctive_head(form)
            if head and head not in acronyms:
                heads.setdefault(head, set()).add(entry.term)
        for form, entry in spelled_out:
            # A head shared by several terms names none of them: "credential" is not
            # "credential stuffing" more than "credential harvesting".
            head = _distinctive_head(form)
            if head and len(heads.get(head, ())) == 1:
                self._jargon.setdefault(head, entry)
        self._jargon_pattern = _alternation(self._jargon)

    def expansion_of(self, token: str) -> str | None:
        """What a glossary acronym stands for (plural 's' allowed), else None."""
        entry = self._acronyms.get(token) or self._acronyms.get(token.removesuffix("s"))
        return entry.expansion if entry else None

    def find(self, text: str, known_terms: Iterable[str] = ()) -> list[TermHit]:
        """Each term a listener may stumble over, once, in order of appearance."""
        known = {form for term in known_terms for form in (term.lower(), _singular(term))}
        hits: dict[str, TermHit] = {}
        taken: list[tuple[int, int]] = []

        def add(key: str, hit: TermHit) -> None:
            if any(start < hit.end and hit.start < end for start, end in taken):
                return
            taken.append((hit.start, hit.end))
            if not _is_known(hit, known):
                hits.setdefault(key.lower(), hit)

        for match in self._jargon_pattern.finditer(text) if self._jargon_pattern else ():
            if match.group(0).lower().endswith(("ing", "ed")) and _PHRASAL.match(text, match.end()):
                continue
            entry = self._jargon[match.group(0).lower()]
            add(entry.term, TermHit(HitKind.GLOSSARY, entry, match.group(0), match.start()))
        for match in _TOKEN.finditer(text):
            self._token_hit(text, match, add)
        found = list(hits.values())
        if not _about_security(text, found):
            found = [hit for hit in found if not (hit.entry and hit.entry.security_sense)]
        return sorted(found, key=lambda hit: hit.start)

    def _token_hit(
        self, text: str, match: re.Match[str], add: Callable[[str, TermHit], None]
    ) -> None:
        token = _POSSESSIVE.sub("", match.group(0))
        if vocabulary.is_acronym_like(bare := _VERB_ENDING.sub("", token)):
            token = bare  # an abbreviation made a verb: mTLS'd
        if "'" in token or "’" in token:
            return  # a contraction: hasn't, we're
        head = re.split(r"[-/]", token)[0]
        entry = next(
            (
                self._acronyms[key]
                for key in (token, token.removesuffix("s"), head, head.removesuffix("s"))
                if key in self._acronyms
            ),
            None,
        )
        if entry is not None:
            if not _explained(text, match, entry.expansion or ""):
                add(entry.term, TermHit(HitKind.GLOSSARY, entry, token, match.start()))
            return
        # 'red-team', 'threat-intel': a glossary phrase hyphenated; 'auto-quarantines': built
        # on a glossary word.
        parts = token.lower().split("-")
        part = next((p for p in (" ".join(parts), *parts) if p in self._jargon), None)
        if "-" in token and part is not None:
            add(token, TermHit(HitKind.GLOSSARY, self._jargon[part], token, match.start()))
            return
        if vocabulary.is_acronym_like(token):
            # 'ARR-critical' is about ARR: the abbreviation is what a listener may not know.
            abbreviation = head if _ABBREVIATION_LED.fullmatch(token) else token
            if _plain_abbreviation(abbreviation) or _explained(text, match, ""):
                return
            if "-" in token and all(  # 'chip-and-PIN': everyday abbreviations in a compound
                _plain_abbreviation(part)
                for part in token.split("-")
                if vocabulary.is_acronym_like(part)
            ):
                return
            hit = TermHit(HitKind.ACRONYM, None, abbreviation, match.start())
            add(abbreviation.removesuffix("s"), hit)
        elif _unfamiliar_word(token) and not _a_name(text, match.start(), token):
            add(token, TermHit(HitKind.UNFAMILIAR, None, token, match.start()))


_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n]\s*|[\"'(\u2018\u201c]|-\s)\s*$")


def _about_security(text: str, hits: Iterable[TermHit]) -> bool:
    """Whether the draft is about security: a term that is jargon in any context, or a word
    such as 'attackers' or 'breach'. Only then is 'lure' or 'contained' read in its security
    sense."""
    if any(not (hit.entry and hit.entry.security_sense) for hit in hits):
        return True
    words = {match.group(0).lower() for match in _TOKEN.finditer(text)}
    return not words.isdisjoint(vocabulary.SECURITY_CONTEXT)


def _plain_abbreviation(token: str) -> bool:
    return (
        vocabulary.is_familiar_abbreviation(token)
        or vocabulary.is_roman_numeral(token)
        or vocabulary.is_emphasis(token)
    )


def _a_name(text: str, start: int, token: str) -> bool:
    """A capitalised word inside a sentence ("the Westpac renewal"): a name, of a customer,
    a place or a person, which the user knows and the listener does too."""
    if not (token[:1].isupper() and token[1:].replace("-", "").isalpha()):
        return False  # not 'Log4j', a tool's coded name
    if not token[1:].replace("-", "").islower():
        return False
    if token.lower() in vocabulary.SECURITY_VENDORS:
        return False  # "SSO via Okta": a product the listener may not know
    if token.lower().endswith(("ing", "ed")) and vocabulary.zipf(token) < vocabulary.NAME_ZIPF:
        return False  # "Kerberoasting": a technique, written nowhere but in security
    return _SENTENCE_START.search(text, 0, start) is None


def _unfamiliar_word(token: str) -> bool:
    if any(char.isdigit() for char in token):  # 'Log4j', also leading a compound: 'Log4j-style'
        return any(vocabulary.is_coded_name(part) for part in token.split("-"))
    if "/" in token:
        return False
    if token.lower() in vocabulary.EVERYDAY_PRODUCTS:
        return False
    if not token.isascii() and token[0].isupper():
        return False  # a name: English words keep no accents when capitalised (Łukasz, Kraków)
    if "-" in token:
        return vocabulary.unfamiliar_compound(token)
    return len(token) >= 4 and vocabulary.is_rare(token)


def _singular(term: str) -> str:
    lowered = term.lower()
    return lowered[:-1] if lowered.endswith("s") and len(lowered) > 3 else lowered


def _is_known(hit: TermHit, known: set[str]) -> bool:
    """The audience's own vocabulary: the word as written, its singular, or the entry's names."""
    forms = {hit.matched.lower(), hit.matched.lower().removesuffix("s")}
    if hit.entry is not None:
        forms |= {form.lower() for form in (hit.entry.term, *hit.entry.variants)}
    return bool(forms & known)


def _inflections(form: str, security_sense: bool) -> set[str]:
    """A term, its plural, and the other forms of its verb (spoofing: spoofed; quarantine:
    quarantined; exfiltration: exfiltrated) that are not everyday words
    ('salting' is not 'salted'). An everyday word's security sense is read in context, so its
    past tense is kept too ('containment': 'contained' beside an attack, never 'contains')."""
    forms = {form, inflection.plural(form)}
    *lead, last = form.split(" ")
    verb = inflection.verb_of(last)
    everyday = not lead and not security_sense and vocabulary.zipf(verb or "") >= _STEM_ZIPF
    if verb is None or everyday:
        return forms
    prefix = " ".join(lead) + " " if lead else ""
    return forms | {
        prefix + other
        for other in inflection.verb_forms(verb)
        if lead or vocabulary.zipf(other) < _STEM_ZIPF or (security_sense and other.endswith("ed"))
    }


def _distinctive_head(form: str) -> str | None:
    """The first word of a multi-word term when it is telling on its own: 'tabletop' for
    'tabletop exercise', 'nation-state' for 'nation-state actor'."""
    words = form.split(" ")
    if len(words) < 2:
        return None
    head = words[0]
    if head.endswith(("ing", "ed")):
        return None
    coined = "-" in head and head not in vocabulary.EVERYDAY_COMPOUNDS
    return head if coined or vocabulary.zipf(head) < _HEAD_ZIPF else None


def _alternation(forms: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern matching any of `forms` (lower case) as a whole word, the longest first.

    The forms are compiled as a character trie (`ab(?:c|d)?`), not a flat `a|b|…` list: the
    regex engine then reads each position once instead of trying thousands of forms there."""
    trie: dict[str, Any] = {}
    for form in set(forms):
        node = trie
        for char in form:
            node = node.setdefault(char, {})
        node[_END] = {}
    if not trie:
        return None
    return re.compile(rf"(?<![\w&-])(?:{_trie_pattern(trie)})(?![\w&-])", re.IGNORECASE)


_END = ""


def _trie_pattern(node: dict[str, Any]) -> str:
    """A trie node as a pattern; greedy, so a longer form is tried before a shorter one."""
    branches = [re.escape(char) + _trie_pattern(node[char]) for char in sorted(node) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END not in node:
        return body
    return f"(?:{body})?" if len(branches) == 1 else f"{body}?"


def _explained(text: str, match: re.Match[str], expansion: str) -> bool:
    """True when the acronym is spelled out beside it: 'MFA (multi-factor…)' or '… (MFA)'."""
    after = text[match.end() : match.end() + 3].lstrip()
    before = text[max(0, match.start() - 2) : match.start()]
    if after.startswith("(") or before.endswith("("):
        return True
    return bool(expansion) and expansion.lower() in text.lower()
