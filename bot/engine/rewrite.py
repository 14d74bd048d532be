"""A plainer version of a draft: each glossary term replaced by its plain alternative.

The replacement keeps the sentence grammatical: "an EDR" becomes "software that…" without a
doubled article, a plural term keeps a plural meaning, and a sentence still starts with a
capital. A term used as a modifier ("DLP pop-ups") stays, since a phrase cannot stand there,
as does a term bent into a verb ("quarantined": the plain phrase is a noun), and so does any
replacement that would make the draft harder to read. Terms with no known
alternative (rare words, unknown abbreviations) stay as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.engine.glossary import TermHit
from bot.engine.inflection import plural

_DETERMINER_BEFORE = re.compile(
    r"\b(a|an|the|our|your|their|its|this|that|these|those|his|her|my)\s+$", re.IGNORECASE
)
_LEADING_DETERMINER = re.compile(r"^(?:a|an|the|one)\s+", re.IGNORECASE)
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)$")
_SHORT_NOUN_PHRASE = 3
# Words that may follow a noun: after anything else, the term is modifying the next word.
_AFTER_A_NOUN = frozenset(
    """
    and or but so to of in on at for with from by as than then because when if before after
    across into over under about is are was were be been has have had will would can could
    should may might must does do did that which who whose where while until now today
    too also first again soon here there only just everywhere
    """.split()
)
_NEXT_WORD = re.compile(r"\s*([^\W\d_][\w'-]*)?")


def plain_version(
    text: str, hits: list[TermHit], assess: Callable[[str], tuple[int, float]]
) -> str | None:
    """The draft with each term that has a plain alternative replaced, as long as each
    replacement leaves fewer flagged terms and no higher reading grade (`assess` gives both);
    None when nothing could be replaced."""
    version, cursor_shift, changed = text, 0, False
    current = assess(version)
    for hit in sorted(hits, key=lambda item: item.start):
        if hit.entry is None or _bent(hit) or _modifies_next_word(text, hit):
            continue
        start, end = hit.start + cursor_shift, hit.end + cursor_shift
        before = version[:start]
        plain = _fitted(hit, before)
        candidate = _fix_article(before, plain) + plain + version[end:]
        terms, grade = assess(candidate)
        if terms < current[0] and grade <= current[1]:
            cursor_shift += len(candidate) - len(version)
            version, current, changed = candidate, (terms, grade), True
    return version if changed else None


def _modifies_next_word(text: str, hit: TermHit) -> bool:
    following = _NEXT_WORD.match(text, hit.end)
    word = following.group(1) if following else None
    return bool(word) and word is not None and word.lower() not in _AFTER_A_NOUN


def _fitted(hit: TermHit, before: str) -> str:
    """The plain phrase shaped for where the term stood."""
    assert hit.entry is not None
    plain = hit.entry.plain
    if _DETERMINER_BEFORE.search(before):
        plain = _LEADING_DETERMINER.sub("", plain)
    if _is_plural(hit):
        plain = _pluralised(_LEADING_DETERMINER.sub("", plain))
    if _SENTENCE_START.search(before):
        plain = plain[:1].upper() + plain[1:]
    return plain


def _names(hit: TermHit) -> set[str]:
    assert hit.entry is not None
    return {name.lower() for name in (hit.entry.term, *hit.entry.variants)}


def _is_plural(hit: TermHit) -> bool:
    matched = hit.matched.lower()
    return matched not in _names(hit) and any(
        matched in (plural(name), name + "s") for name in _names(hit)
    )


def _bent(hit: TermHit) -> bool:
    """Found in another form than its names or their plurals: a verb ('quarantined',
    'authenticate'), or inside a hyphenated word ('auto-quarantines')."""
    return hit.matched.lower() not in _names(hit) and not _is_plural(hit)


def _pluralised(phrase: str) -> str:
    """A short noun phrase in the plural ('a single-use code' -> 'single-use codes')."""
    words = phrase.split(" ")
    if len(words) > _SHORT_NOUN_PHRASE or words[-1].endswith("s"):
        return phrase
    last = words[-1]
    if last.endswith("y") and last[-2:-1] not in "aeiou":
        words[-1] = last[:-1] + "ies"
    elif last.endswith(("sh", "ch", "x")):
        words[-1] = last + "es"
    else:
        words[-1] = last + "s"
    return " ".join(words)


def _fix_article(before: str, plain: str) -> str:
    """'a' or 'an' before the replacement, by how the replacement sounds."""
    match = re.search(r"\b(a|an)\s+$", before, re.IGNORECASE)
    if not match or not plain:
        return before
    article = "an" if plain[0].lower() in "aeiou" else "a"
    if match.group(1)[0].isupper():
        article = article.capitalize()
    return before[: match.start()] + article + before[match.start() + len(match.group(1)) :]
