"""A plainer version of a draft: each glossary term replaced by its plain alternative.

The replacement keeps the sentence grammatical: "an EDR" becomes "software that…" without a
doubled article, a plural term keeps a plural meaning ("two misconfigurations": "two settings
left in an unsafe state"), and a sentence still starts with a capital. A term used as a
modifier ("DLP pop-ups") stays, since a phrase cannot stand there, as does a term bent into a
verb or an adjective ("quarantined", "backdoored": the plain phrase is a noun), a plural whose
plain phrase has no noun to put in the plural, and any replacement that would make the draft
harder to read. Terms with no known
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
_CLAUSE_START = re.compile(r"(?:how|what|when|where|who|why|whether)\b", re.IGNORECASE)
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)$")
_SHORT_NOUN_PHRASE = 3
# Words that start what follows a noun phrase's head: "a setting | left in …", "a clue | that …".
_POSTMODIFIER = frozenset(
    "that which who whose where when left in on at for with of from to by used made".split()
)
_PARTICIPLE = ("ed", "en")
_LIST_MARK = re.compile(r",| and | or ")
# Words that may follow a noun: after anything else, the term is modifying the next word.
_AFTER_A_NOUN = frozenset(
    """
    and or but so to of in on at for with from by as than then because when if before after
    across into over under about is are was were be been has have had will would can could
    should may might must does do did that which who whose where while until now today
    too also first again soon here there only just everywhere against through via within
    without during like per across around inside outside toward towards upon onto near
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
        if plain is None or (_listed(text, hit) and _LIST_MARK.search(plain)):
            continue  # no plural to give it; or an "and" inside a list would blur the list
        candidate = _fix_article(before, plain) + plain + version[end:]
        terms, grade = assess(candidate)
        if terms < current[0] and grade <= current[1]:
            cursor_shift += len(candidate) - len(version)
            version, current, changed = candidate, (terms, grade), True
    return version if changed else None


def _listed(text: str, hit: TermHit) -> bool:
    """An item of a list: a comma right before or after it ("DLP, CASB and XDR")."""
    return text[: hit.start].rstrip().endswith(",") or text[hit.end :].lstrip().startswith(",")


def _modifies_next_word(text: str, hit: TermHit) -> bool:
    following = _NEXT_WORD.match(text, hit.end)
    word = following.group(1) if following else None
    return bool(word) and word is not None and word.lower() not in _AFTER_A_NOUN


def _fitted(hit: TermHit, before: str) -> str | None:
    """The plain phrase shaped for where the term stood; None when it cannot be."""
    assert hit.entry is not None
    plain: str | None = hit.entry.plain
    if _DETERMINER_BEFORE.search(before):
        plain = _LEADING_DETERMINER.sub("", hit.entry.plain)
    if _is_plural(hit):
        plain = _pluralised(_LEADING_DETERMINER.sub("", hit.entry.plain))
    if plain is None or (_DETERMINER_BEFORE.search(before) and _CLAUSE_START.match(plain)):
        return None  # "their how quickly…": a clause cannot follow "their"
    if _SENTENCE_START.search(before):
        plain = plain[:1].upper() + plain[1:]
    return plain


def _names(hit: TermHit) -> set[str]:
    assert hit.entry is not None
    return {name.lower() for name in (hit.entry.term, *hit.entry.variants)}


def _is_plural(hit: TermHit) -> bool:
    """The plural of one of the term's names ('IOCs', 'misconfigurations'), whether or not
    the glossary also lists it as a name of its own."""
    matched = hit.matched.lower()
    names = _names(hit)
    return any(matched in (plural(name), name + "s") and matched != name for name in names)


def _bent(hit: TermHit) -> bool:
    """Found in another form than its names or their plurals: a verb ('quarantined',
    'authenticate'), inside a hyphenated word ('auto-quarantines'), or a participle listed as
    a name of a term that is a noun ('backdoored' beside 'backdoor')."""
    assert hit.entry is not None
    matched = hit.matched.lower()
    if matched.endswith(_PARTICIPLE) and not hit.entry.term.lower().endswith(_PARTICIPLE):
        return True
    return matched not in _names(hit) and not _is_plural(hit)


def _pluralised(phrase: str) -> str | None:
    """A noun phrase in the plural: its last word when short ('a single-use code' ->
    'single-use codes'), else its head before what follows it ('a setting left in an unsafe
    state' -> 'settings left in an unsafe state'); None when no head can be told."""
    words = phrase.split(" ")
    head = next(
        (at - 1 for at, word in enumerate(words) if at > 0 and _starts_postmodifier(word)),
        len(words) - 1 if len(words) <= _SHORT_NOUN_PHRASE else None,
    )
    if head is None:
        return None
    word = words[head]
    if word.endswith("s"):
        return phrase
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        words[head] = word[:-1] + "ies"
    elif word.endswith(("sh", "ch", "x")):
        words[head] = word + "es"
    else:
        words[head] = word + "s"
    return " ".join(words)


def _starts_postmodifier(word: str) -> bool:
    """'that', 'with', 'left'…, or a participle ('a sign-in | tied to your device')."""
    lowered = word.lower()
    return lowered in _POSTMODIFIER or (len(lowered) >= 4 and lowered.endswith("ed"))


def _fix_article(before: str, plain: str) -> str:
    """'a' or 'an' before the replacement, by how the replacement sounds."""
    match = re.search(r"\b(a|an)\s+$", before, re.IGNORECASE)
    if not match or not plain:
        return before
    article = "an" if plain[0].lower() in "aeiou" else "a"
    if match.group(1)[0].isupper():
        article = article.capitalize()
    return before[: match.start()] + article + before[match.start() + len(match.group(1)) :]
