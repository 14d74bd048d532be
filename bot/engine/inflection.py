"""The forms a glossary term takes in a sentence: 'quarantine' is also 'quarantines' and
'quarantined', 'exfiltration' is 'exfiltrated', 'spoofing' is 'spoofed'.

English suffix rules only; no dictionary. A form that is no word at all ('tabletoped') costs
nothing: it never occurs in a draft.
"""

from __future__ import annotations

SIBILANTS = ("s", "sh", "ch", "x", "z")
# Shorter words are too often something else once a suffix is cut ('sting' is not 'st').
_MIN_STEM = 4
# A word already bent (passkeys, pwned, infostealer) is no verb to bend again.
_INFLECTED = ("s", "ed", "er", "or")


def plural(word: str) -> str:
    return word + ("es" if word.endswith(SIBILANTS) else "s")


def verb_of(word: str, *, bare: bool) -> str | None:
    """The verb behind a term's word: spoofing → spoof, exfiltration → exfiltrate,
    containment → contain; with `bare`, a word with no such suffix is its own verb
    (quarantine, beacon)."""
    for suffix, ending in (("ing", ""), ("ation", "ate"), ("ment", "")):
        stem = word.removesuffix(suffix)
        if stem != word:
            return stem + ending if len(stem) >= _MIN_STEM else None
    if word.endswith(_INFLECTED) or not word.isalpha():
        return None
    return word if bare and len(word) > _MIN_STEM else None


def verb_forms(verb: str) -> set[str]:
    """A verb and its -s, -ed and -ing forms (quarantine: quarantines, quarantined,
    quarantining)."""
    if verb.endswith("e"):
        return {verb, verb + "s", verb + "d", verb[:-1] + "ing"}
    return {verb, plural(verb), verb + "ed", verb + "ing"}
