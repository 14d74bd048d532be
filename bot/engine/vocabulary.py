"""What an everyday business listener already knows: common abbreviations, idioms and words.

The glossary lists security terms by name; this module is the second signal for words it does
not list. Word frequencies come from the `wordfreq` package, whose tables ship inside it (no
network at run time).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Abbreviations every business audience already knows; never flagged as unexplained.
FAMILIAR_ABBREVIATIONS = frozenset(
    """
    AI AM PM CEO CFO CHRO CIO CISO CMO COO CPO CRO CTO VP SVP EVP GM MD HR IT PC USB FBI CIA
    KPI OKR ROI SLA FAQ FYI ASAP ETA EOD EOW OOO PTO PS TV UK US USA EU UN NY LA EMEA APAC
    LATAM FY YOY YTD QTD H1 H2 Q1 Q2 Q3 Q4 QBR CRM ERP B2B B2C SMB SME HQ R&D M&A P&L PR
    NDA RFP ID PDF PIN ATM GPS SMS UI UX WI-FI WIFI OK IPO ESG AGM LLC PLC INC LTD USD EUR
    GBP TBD NHS BBC QR KB MB GB TB ELT SLT COVID CV GP
    """.split()
)
# Security vendors: a name a business listener may not know (unlike a customer's name).
SECURITY_VENDORS = frozenset(
    """
    okta netskope zscaler crowdstrike sentinelone fortinet splunk wiz snyk duo proofpoint
    mimecast knowbe4 darktrace rapid7 tenable qualys cloudflare akamai sophos mandiant
    cyberark sailpoint ping illumio tanium abnormal varonis rubrik cohesity veeam lacework
    orca datadog sumo elastic arctic huntress bitdefender trellix checkmarx veracode sonatype
    """.split()
)
# Workplace tools and consumer brands every office worker meets; a rare word in a
# frequency table, but no listener stumbles over them. Security products are glossary terms.
EVERYDAY_PRODUCTS = frozenset(
    """
    docusign salesforce workday sharepoint onedrive dropbox gmail outlook whatsapp linkedin
    zoom slack excel powerpoint iphone ipad android youtube paypal jira confluence zendesk
    hubspot servicenow netsuite quickbooks xero concur coupa tableau looker gong calendly
    """.split()
)
# Words that put a draft in the middle of an attack, so an everyday word's security sense
# applies. Not "security" or "risk": nearly every draft a security leader writes has those.
SECURITY_CONTEXT = frozenset(
    """
    attack attacks attacker attackers attacked hacker hackers hacked breach breached breaches
    intrusion malicious criminal criminals adversary adversaries compromised exploit exploited
    phishing phished malware ransomware
    """.split()
)
# Hyphenated phrases of three or more parts that are everyday English, not coined jargon.
EVERYDAY_COMPOUNDS = frozenset(
    """
    day-to-day face-to-face up-to-date out-of-date back-and-forth state-of-the-art
    one-to-one one-to-ones end-to-end out-of-the-box word-of-mouth run-of-the-mill
    year-over-year month-over-month off-the-shelf on-the-job top-of-mind head-to-head
    all-in-one hard-to-find easy-to-use one-on-one one-on-ones first-of-its-kind
    pay-as-you-go one-size-fits-all behind-the-scenes not-for-profit business-as-usual
    out-of-office out-of-pocket up-to-the-minute well-thought-out
    """.split()
)
# A hyphenated phrase ending in one of these says when: out-of-hours, end-of-quarter.
_TIME_WORDS = frozenset(
    """
    hour hours day days week weeks month months quarter quarters year years term season
    """.split()
)
# Below this Zipf frequency (about once per 3 million words) a word is rare in everyday
# English, so a business listener may not know it.
RARE_ZIPF = 2.55
# A past tense or doer ('onboarded', 'approver') is as familiar as its verb when the verb is
# at least this common; a little stricter than RARE_ZIPF, as the inflected form is rarer still.
LEMMA_ZIPF = 3.0
# Seen in everyday text, if rarely (about once in 100 million words).
USED_ZIPF = 2.0
# At or above this, an all-capitals word is an ordinary word written for emphasis ("PLEASE").
COMMON_ZIPF = 4.0
# A capitalised -ing word used less than this is a coined technique (Kerberoasting), not a
# name (Brightwell, Corvex).
NAME_ZIPF = 1.5
_ROMAN = re.compile(r"[IVX]+")
_CAMEL_WORD = re.compile(r"(?:[A-Z][a-z]+)+")
_LETTER_NUMBER = re.compile(r"[A-Z]\d{1,2}")
_NUMBER_AROUND = re.compile(r"^\d+|\d+$")
# A name with a number inside it (Log4j, Log4Shell, Win11): a product or tool, not a count
# ('10k', '24x7', '3pm') or a period ('FY24', 'Q4').
_CODED_NAME = re.compile(r"[A-Za-z]{3,}\d+[A-Za-z]*")


# A prefix that makes a new word of a common one ("unapproved"), and the shortest rest.
_PREFIXES = ("non", "un", "re", "pre", "co")
_MIN_STEM = 5
_SHORT_FIRST_PARTS = frozenset({"off", "out"})  # "off" + "site"; not "sub" + "service"
_LINKS = frozenset("to of in on for at by and or".split())


def zipf(word: str) -> float:
    """How common a word is in English, 0 (unknown) to about 8 ('the')."""
    return _zipf(word.lower())


@lru_cache(maxsize=8192)
def _zipf(word: str) -> float:
    # Imported at the first word looked up, not with the engine: wordfreq loads its language
    # tables (0.2 s), which the commands that never judge words (nudges, db, keys) skip.
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def is_rare(word: str) -> bool:
    """Rare in everyday English. A plural counts as common when its singular is ('logins'),
    a verb form or doer when its verb is well known ('onboarded', 'approvers'), and so does a
    word made of two common words ('helpdesk', 'timesheet')."""
    if zipf(word) >= RARE_ZIPF:
        return False
    if word.lower().endswith("s") and zipf(word[:-1]) >= RARE_ZIPF:
        return False
    if any(zipf(stem) >= LEMMA_ZIPF for stem in _verb_stems(word.lower())):
        return False
    lowered = word.lower()
    prefix = next((p for p in _PREFIXES if lowered.startswith(p)), None)
    if (
        prefix
        and len(lowered) - len(prefix) >= _MIN_STEM
        and zipf(lowered[len(prefix) :]) >= COMMON_ZIPF
    ):
        return False  # a common word made new: "unapproved", "unmanaged", "nonstandard"
    return not (word[1:].islower() and _two_common_words(lowered))


def _verb_stems(word: str) -> list[str]:
    """The verbs a past tense or doer may come from: 'onboarded' from 'onboard', 'approvers'
    from 'approve'. An -ing form only when it is itself in use ('onboarding'): one never
    written is a noun made a verb ('permissioning'), which is coined."""
    for suffix in ("ed", "er", "ers", "ing"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            if suffix == "ing" and zipf(word) < USED_ZIPF:
                return []
            stem = word[: -len(suffix)]
            return [stem, stem + "e"]
    return []


def _two_common_words(word: str) -> bool:
    """'helpdesk' is 'help' + 'desk', 'offsite' 'off' + 'site'; a CamelCase name (CrowdStrike)
    is never split."""
    short = word[:3] in _SHORT_FIRST_PARTS
    return any(
        zipf(word[:cut]) >= COMMON_ZIPF and zipf(word[cut:]) >= COMMON_ZIPF
        for cut in range(3 if short else 4, len(word) - 3)
    )


def is_acronym_like(token: str) -> bool:
    """Two or more capitals and not a CamelCase name (MFA, SaaS, FWaaS, IdP, IMDSv1, CI/CD), or a
    capital and a number (P1, S3)."""
    capitals = sum(char.isupper() for char in token)
    if _LETTER_NUMBER.fullmatch(token):  # P1, S3
        return True
    return capitals >= 2 and not _CAMEL_WORD.fullmatch(token)


def is_familiar_abbreviation(token: str) -> bool:
    """An everyday abbreviation, also in the plural (KPIs), with a year or number (FY24) or
    after an amount (256GB)."""
    bare = token[:-1] if token.endswith("s") and len(token) > 2 else token
    numbered = _NUMBER_AROUND.sub("", token)
    return any(form.upper() in FAMILIAR_ABBREVIATIONS for form in (token, bare, numbered))


def is_coded_name(token: str) -> bool:
    return bool(_CODED_NAME.fullmatch(token))


def is_roman_numeral(token: str) -> bool:
    """'Type II', 'Phase IV': a numeral, not an acronym."""
    return bool(_ROMAN.fullmatch(token))


def is_emphasis(token: str) -> bool:
    """An everyday word in capitals ('PLEASE READ THIS'), not an abbreviation."""
    return token.isupper() and len(token) >= 3 and zipf(token) >= COMMON_ZIPF


def unfamiliar_compound(word: str) -> bool:
    """A coined hyphenated phrase (living-off-the-land) or one with a rare part."""
    parts = word.lower().split("-")
    if len(parts) < 2 or word.lower() in EVERYDAY_COMPOUNDS:
        return False
    if len(parts) == 3 and parts[0] == parts[2] and parts[1] in {"by", "to", "for", "on"}:
        return False  # step-by-step, day-to-day, back-to-back
    if parts[-1] in _TIME_WORDS:
        return False  # out-of-hours, end-of-quarter, twice-a-year
    if len(parts) == 3 and parts[1] in _LINKS and not any(is_rare(p) for p in parts[::2]):
        return False  # right-to-audit, start-of-shift: everyday words linked
    return len(parts) >= 3 or any(len(part) >= 4 and is_rare(part) for part in parts)
