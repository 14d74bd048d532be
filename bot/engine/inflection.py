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
# Noun endings and the verb ending each stands for, longest first.
_VERB_SUFFIXES = (
    ("isation", "ise"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ment", ""),
    ("ing", ""),
)


def plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"  # identity: identities
    return word + ("es" if word.endswith(SIBILANTS) else "s")


def verb_of(word: str) -> str | None:
    """The verb behind a term's word: spoofing → spoof, exfiltration → exfiltrate,
    tokenisation → tokenise, containment → contain; a word with no such suffix is its own verb
    (quarantine, team)."""
    for suffix, ending in _VERB_SUFFIXES:
        stem = word.removesuffix(suffix)
        if stem != word:
            return stem + ending if len(stem) >= _MIN_STEM else None
    if word.endswith(_INFLECTED) or not word.isalpha():
        return None
    return word if len(word) >= _MIN_STEM else None


def verb_forms(verb: str) -> set[str]:
    """A verb, its -s, -ed and -ing forms and its doers (quarantine: quarantines, quarantined,
    quarantining; team: teamers)."""
    if verb.endswith("e"):
        return {verb, verb + "s", verb + "d", verb[:-1] + "ing", verb + "r", verb + "rs"}
    return {verb, plural(verb), verb + "ed", verb + "ing", verb + "er", verb + "ers"}


# How practitioners shorten the words of their trade ('phishing sim', 'transitive deps').
CLIPPINGS = {
    "authentication": "auth",
    "certificate": "cert",
    "certificates": "certs",
    "configuration": "config",
    "configurations": "configs",
    "credential": "cred",
    "credentials": "creds",
    "dependencies": "deps",
    "dependency": "dep",
    "environment": "env",
    "exfiltration": "exfil",
    "intelligence": "intel",
    "permissions": "perms",
    "privileges": "privs",
    "reconnaissance": "recon",
    "simulation": "sim",
    "simulations": "sims",
    "vulnerabilities": "vulns",
    "vulnerability": "vuln",
}


def clipped(form: str) -> str | None:
    """A multi-word term as practitioners shorten it ('phishing simulation': 'phishing sim'),
    or None when no word of it has a short form. A single word clipped ('sim', 'env') is too
    often something else."""
    words = form.split(" ")
    short = [CLIPPINGS.get(word, word) for word in words]
    return " ".join(short) if len(words) > 1 and short != words else None
