"""A plainer version of a draft: each glossary term replaced by its plain alternative.

The replacement keeps the sentence grammatical (bot/engine/noun_phrases.py): "an EDR" becomes
"software that…" with no article, a plural term keeps a plural meaning ("two
misconfigurations": "two settings left in an unsafe state"), and a sentence still starts
with a capital. A term goes only where a plain phrase can stand (bot/engine/term_roles.py):
not where it describes or owns the next word ("DLP pop-ups"), nor where it is bent into a
verb ("quarantined"); an activity ("tricking people…") not where it is what is used. Nor does
a replacement go in that leaves the draft much harder to read, or a plural with no noun to
put in the plural. Terms with no known alternative (rare words, unknown abbreviations) stay
as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.engine.glossary import TermHit
from bot.engine.noun_phrases import (
    LEADING_DETERMINER,
    joined,
    plural_head,
    pluralised,
    singularised,
    uncountable,
)
from bot.engine.term_roles import (
    Slot,
    bent,
    is_activity,
    may_follow,
    preposition_for,
    replaced_span,
    singular_of_a_plural,
    takes_a_plural_verb,
)

_DETERMINER_BEFORE = re.compile(
    r"(?:\b(?:a|an|the|our|your|their|its|this|that|these|those|his|her|my|any|every|each|no)"
    r"|\w['\u2019]s)\s+$",
    re.IGNORECASE,
)
# A determiner and a word describing the term: "a common attack vector", "a known infostealer".
_DESCRIBED_BEFORE = re.compile(
    r"\b(?:a|an|the|our|your|their|its|this|that|these|those|his|her|my|any|some|no)"
    r"\s+[\w-]+\s+$",
    re.IGNORECASE,
)
# What cannot follow "our" or "the": a clause ("their how quickly…"), or a quantifier ("our
# all the ways…").
_CLAUSE_START = re.compile(
    r"(?:how|what|when|where|who|why|whether|all|every|each)\b", re.IGNORECASE
)
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)$")
# How much harder than the draft (grades) the plainer version may read: a term heard as one
# word becomes a phrase, and a longer sentence reads a grade or two harder by Flesch-Kincaid,
# yet a listener follows it where the term lost them.
GRADE_ALLOWANCE = 2.0
_LIST_MARK = re.compile(r",| and | or ")
_OF = re.compile(r"\s+of\b")
_COUNT = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many|few|both)\s+$",
    re.IGNORECASE,
)
_SINGULAR_VERB = re.compile(r"\s+(?:is|has|was|does|needs|means|makes|covers|takes|keeps)\b")
# A comma in a plain phrase that sets off an aside ("…, wherever they are"), not one in a
# list ("laptops, email and cloud"): such a phrase may go only at the end of a clause.
_ASIDE = re.compile(
    r",(?:(?=\s*(?:by|for|in|on|with|to|from|at|of|wherever|whenever|when|where|which|who)\b)"
    r"|(?![^,]*\b(?:and|or)\b))"
)
# Where a plain phrase with a comma of its own may go: at the end of a clause.
_CLAUSE_GOES_ON = re.compile(r"\s*(?:[.,;:!?)\u2013\u2014-]|$)")


def plain_version(
    text: str,
    hits: list[TermHit],
    assess: Callable[[str], tuple[int, float]],
    easy_grade: float,
) -> str | None:
    """The draft with each term that has a plain alternative replaced, as long as each
    replacement leaves fewer flagged terms and the version reads no harder than the draft
    plus GRADE_ALLOWANCE, or than `easy_grade` (what its audience reads easily), whichever is
    higher (`assess` gives both figures); None when nothing could be replaced."""
    version, cursor_shift, changed = text, 0, False
    terms_left, draft_grade = assess(version)
    hardest = max(draft_grade + GRADE_ALLOWANCE, easy_grade)
    for hit in sorted(hits, key=lambda item: item.start):
        if hit.entry is None or bent(hit):
            continue
        slot = replaced_span(text, hit, hits)
        if slot is None:
            continue
        start, end = hit.start + cursor_shift, slot.end + cursor_shift
        before, after = version[:start], version[end:]
        described = slot.described is not None  # that noun keeps its own number and verb
        plain = _after(slot, hit, before) if described else _fitted(hit, before, slot.plural)
        if plain is None or _blurs_a_list(text, hit, plain):
            continue  # no plural to give it; or a list inside a list
        misplaced = slot.plural or not may_follow(before, hit.entry.plain) or _OF.match(after)
        if not described and is_activity(hit.entry.plain) and misplaced:
            continue  # "attackers use tricking people…", "stealing data out of … of 2 GB"
        comma = _ASIDE.search(plain) or (described and "," in plain)
        if comma and not _CLAUSE_GOES_ON.match(after):
            continue  # "checking …, wherever they are will take…": its comma misleads
        if plural_head(plain) and not (slot.plural or described) and _SINGULAR_VERB.match(after):
            continue  # "the standard security settings covers…"
        if (
            slot.plural
            and uncountable(plain)
            and (takes_a_plural_verb(after) or _COUNT.search(before))
        ):
            continue  # "the EDR agents stop…", "two EDR agents": "software" takes neither
        candidate = joined(before, plain) + after
        terms, grade = assess(candidate)
        if terms < terms_left and grade <= hardest:
            cursor_shift += len(candidate) - len(version)
            version, terms_left, changed = candidate, terms, True
    return version if changed else None


def _after(slot: Slot, hit: TermHit, before: str) -> str | None:
    """The noun a term described, then its plain phrase: "the SIEM renewal" -> "the renewal
    of the system that…", "SAST findings are…" -> "Findings from automated checks…"; None
    where the phrase cannot follow a preposition ("logs from stealing data…") or has a comma
    of its own."""
    assert hit.entry is not None and slot.described is not None
    plain = hit.entry.plain
    preposition = preposition_for(slot.described, plain)
    if _ASIDE.search(plain) or (preposition == "from" and is_activity(plain)):
        return None
    noun = slot.described
    if slot.owned and not _DETERMINER_BEFORE.search(before):
        noun = f"the {noun}"  # "IAM's joiner process": "the joiner process for…"
    if _SENTENCE_START.search(before):
        noun = noun[:1].upper() + noun[1:]
    return f"{noun} {preposition} {plain}"


def _blurs_a_list(text: str, hit: TermHit, plain: str) -> bool:
    """A plain phrase with a list of its own for an item of a list: one with "and" in it
    after a comma ("DLP, CASB and XDR"), one with a comma beside "and" or "or" ("XDR and a
    24x7 MDR service": "laptops, email and cloud and a…")."""
    before, after = text[: hit.start].rstrip().lower(), text[hit.end :].lstrip().lower()
    if before.endswith(",") or after.startswith(","):
        return _LIST_MARK.search(plain) is not None
    return "," in plain and (before.endswith((" and", " or")) or after.startswith(("and ", "or ")))


def _fitted(hit: TermHit, before: str, plural: bool) -> str | None:
    """The plain phrase shaped for where the term stood (`plural`: it was a plural); None
    when it cannot be."""
    assert hit.entry is not None
    plain: str | None = hit.entry.plain
    described = _DESCRIBED_BEFORE.search(before) is not None
    if described and (uncountable(hit.entry.plain) or "," in hit.entry.plain):
        return None  # "a known software that…", "a metadata laptop, phone or server"
    if _DETERMINER_BEFORE.search(before) or described:
        plain = LEADING_DETERMINER.sub("", hit.entry.plain)
    if plural:
        plain = pluralised(LEADING_DETERMINER.sub("", hit.entry.plain))
    elif plain is not None and singular_of_a_plural(hit) and plural_head(plain):
        plain = singularised(plain)  # "an expired cert": "certificate", not "certificates"
    if plain is None or (
        (_DETERMINER_BEFORE.search(before) or described) and _CLAUSE_START.match(plain)
    ):
        return None  # "their how quickly…", "our all the ways…": not after "their", "our"
    if _SENTENCE_START.search(before):
        plain = plain[:1].upper() + plain[1:]
    return plain
