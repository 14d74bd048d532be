"""Plain phrases fitted into a sentence as noun phrases: their head noun, singular and
plural ("a setting left in an unsafe state" -> "settings left in an unsafe state"), a verb
agreeing with them ("servers that control…"), and the article before them ("an EDR" ->
"software that…", no article; "a BEC attempt" -> "a fake email…", singular).
"""

from __future__ import annotations

import re

LEADING_DETERMINER = re.compile(r"^(?:a|an|the|one)\s+", re.IGNORECASE)
_SHORT_NOUN_PHRASE = 3
_SINGULAR_S = ("ss", "us", "is")  # "access", "status", "crisis": singular nouns ending in s
# Words that start what follows a noun phrase's head: "a setting | left in …", "a clue | that …".
_POSTMODIFIER = frozenset(
    """
    that which who whose where when left in on at for with of from to by used made still
    after before until without across into over under through via during within between
    against like
    """.split()
)
# Nouns that take no "a": "an EDR" is "software that spots…", never "a software".
_UNCOUNTABLE = frozenset("software malware hardware information data equipment advice".split())


def joined(before: str, plain: str) -> str:
    """`before` and the replacement, with the article between them fitted: 'a' or 'an' by
    how the replacement sounds; none before a noun that takes none ("an EDR": "software
    that spots…"); a plural made singular after one ("a BEC attempt": "a fake email…")."""
    match = re.search(r"\b(a|an)\s+$", before, re.IGNORECASE)
    if not match or not plain:
        return before + plain
    capital = match.group(1)[0].isupper()
    if uncountable(plain):
        return before[: match.start()] + (plain[:1].upper() + plain[1:] if capital else plain)
    plain = singularised(plain) if plural_head(plain) else plain
    article = "an" if plain[0].lower() in "aeiou" else "a"
    article = article.capitalize() if capital else article
    return before[: match.start()] + article + " " + plain


def uncountable(plain: str) -> bool:
    """A plain phrase about a noun with no plural ("software that…", "hidden software…")."""
    words = plain.lower().split(" ")
    head = _head_index(words)
    nouns = words[head : head + 1] if head is not None else words[:2]
    return not LEADING_DETERMINER.match(plain) and bool(set(nouns) & _UNCOUNTABLE)


def plural_head(plain: str) -> bool:
    """A plain phrase whose head noun, near its start, is a plural ("fake websites with…")."""
    if LEADING_DETERMINER.match(plain):
        return False
    words = plain.lower().split(" ")
    head = _head_index(words)
    return (
        head is not None
        and head <= 2
        and words[head].endswith("s")
        and not words[head].endswith(_SINGULAR_S)
    )


def singularised(plain: str) -> str:
    """'fake emails posing as…' -> 'fake email posing as…'; 'devices that copy' -> 'device
    that copies'."""
    words = plain.split(" ")
    head = _head_index([word.lower() for word in words])
    assert head is not None
    word = words[head]
    if word.endswith("ies"):
        words[head] = word[:-3] + "y"
    elif word.endswith(("shes", "ches", "xes", "sses")):
        words[head] = word[:-2]
    else:
        words[head] = word[:-1]
    if head + 2 < len(words) and words[head + 1] in ("that", "which", "who"):
        words[head + 2] = _agreeing_with_singular(words[head + 2])
    return " ".join(words)


def _agreeing_with_singular(verb: str) -> str:
    """A verb in the present tense as a singular subject takes it: 'copy' -> 'copies'."""
    irregular = {"are": "is", "have": "has", "do": "does", "were": "was"}
    if verb in irregular:
        return irregular[verb]
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    if verb.endswith(("sh", "ch", "x", "ss")):
        return verb + "es"
    return verb if verb.endswith("ed") else verb + "s"


def pluralised(phrase: str) -> str | None:
    """A noun phrase in the plural: its last word when short ('a single-use code' ->
    'single-use codes'), else its head before what follows it ('a setting left in an unsafe
    state' -> 'settings left in an unsafe state'); None when no head can be told."""
    words = phrase.split(" ")
    head = _head_index(words)
    if head is None:
        return None
    word = words[head]
    if word.lower() in _UNCOUNTABLE:  # "EDR agents": "software that spots…", never "softwares"
        return phrase
    if word.endswith("is"):  # "a practice crisis" -> "practice crises"
        words[head] = word[:-2] + "es"
        return " ".join(words)
    if word.endswith("s") and not word.endswith(_SINGULAR_S):
        return phrase
    if head + 2 < len(words) and words[head + 1] in ("that", "which", "who"):
        words[head + 2] = _agreeing_with_plural(words[head + 2])  # "servers that control…"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        words[head] = word[:-1] + "ies"
    elif word.endswith(("sh", "ch", "x", "ss", "us")):
        words[head] = word + "es"
    else:
        words[head] = word + "s"
    return " ".join(words)


def _head_index(words: list[str]) -> int | None:
    """Where the head noun of a noun phrase is: before what follows it ("a setting | left
    in…"), or its last word when short; None when it cannot be told."""
    return next(
        (
            at - 1
            for at, word in enumerate(words)
            if at > 0 and _starts_postmodifier(word, words[at - 1])
        ),
        len(words) - 1 if len(words) <= _SHORT_NOUN_PHRASE else None,
    )


def _agreeing_with_plural(verb: str) -> str:
    """A verb in the present tense as a plural subject takes it: 'controls' -> 'control'."""
    irregular = {"is": "are", "has": "have", "does": "do", "was": "were"}
    if verb in irregular:
        return irregular[verb]
    if verb.endswith("ies") and len(verb) > 4:
        return verb[:-3] + "y"
    if verb.endswith(("sses", "shes", "ches", "xes")):
        return verb[:-2]
    if verb.endswith("s") and not verb.endswith("ss"):
        return verb[:-1]
    return verb


def _starts_postmodifier(word: str, before: str) -> bool:
    """'that', 'with', 'left'…, or a participle ('a sign-in | tied to your device'), unless
    it describes the noun after it ('a publicly listed flaw', 'a listed flaw')."""
    lowered, previous = word.lower(), before.lower()
    if lowered in _POSTMODIFIER:
        return True
    participle = (len(lowered) >= 4 and lowered.endswith("ed")) or (
        len(lowered) >= 5 and lowered.endswith("ing")  # "fake emails | posing as…"
    )
    return participle and not previous.endswith("ly") and previous not in ("a", "an", "the")
