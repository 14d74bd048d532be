"""What a glossary term does in a draft, and so whether a plain phrase can take its place.

A phrase can stand where a noun phrase ends: not where the term describes the next word
("DLP pop-ups"), alone or joined to another term that does ("DLP and CASB spend"), nor where
it owns the next word ("the SOC's budget"). A term that names a kind of a generic noun takes
the noun with it ("the EDR agent" is the EDR); one that describes a noun it is known to
describe puts that noun first ("the SIEM renewal": "the renewal of the system that…"). A
term bent into a verb or an adjective ("quarantined", "backdoored") keeps its place: its
plain phrase is a noun. A plain phrase naming an activity ("tricking people…") or its doers
("criminals trying…") goes only where an activity reads well: not as what is used, found
or owned ("attackers use tricking…").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.glossary import TermHit
from bot.engine.inflection import plural
from bot.engine.noun_phrases import uncountable

_PARTICIPLE = ("ed", "en")
# Words that may follow a noun: after anything else, the term is modifying the next word.
_AFTER_A_NOUN = frozenset(
    """
    and or but so to of in on at for with from by as than then because when if before after
    across into over under about is are was were be been has have had will would can could
    should may might must does do did that which who whose where while until now today
    too also first again soon here there only just everywhere against through via within
    without during like per across around inside outside toward towards upon onto near
    we they you i he she it ahead aloud off away every each once twice yet already still
    """.split()
)
# Verbs often said right after a subject that an -ed or -ly ending does not show.
_VERBS_AFTER_A_NOUN = frozenset(
    """
    needs has does means makes takes keeps stops covers runs works gives sends shows catches
    watches checks finds spots sees flags blocks lets helps goes gets comes
    caught found saw made took sent kept led got gave told said became began broke brought
    bought built hit let put ran set spent stole won wrote fell rose grew went came
    finishes starts ends begins renews saves reduces lowers replaces
    """.split()
)
# The same verbs as a plural subject takes them ("the EDR agents stop…"); after a singular
# term, "ransomware cover", they are a noun the term describes.
_PLURAL_VERBS_AFTER_A_NOUN = frozenset(
    """
    stop need run cover block make keep help show mean take give protect catch flag send
    save reduce lower replace
    """.split()
)
_NEXT_WORD = re.compile(r"\s*([^\W\d_][\w'-]*)?")
# Generic nouns a term names a kind of, which its plain phrase already says: "the EDR agent"
# is the EDR, "an XSS bug" the XSS.
_KINDS_OF_THING = frozenset(
    """
    agent agents tool tools software platform platforms solution solutions system systems
    service services provider providers vendor vendors product products bug bugs flaw flaws
    vulnerability vulnerabilities attack attacks attempt attempts scam scams technology
    partner partners firm firms token tokens code codes text texts message messages email
    emails call calls
    """.split()
)
# Kinds of thing that are events: a term whose plain phrase names a thing is not one.
_EVENTS = frozenset("attack attacks attempt attempts scam scams".split())
_POSSESSIVE = re.compile(r"['\u2019]s?\b")
_UNKNOWN_PLURAL = re.compile(r"[A-Z][A-Z0-9]+s")  # "SBOMs", "APIs"
# "DLP and CASB spend": a term joined to another that modifies the noun after both.
_JOINED = re.compile(r"\s+(?:and|or|&)\s+(\S)")
# Words an activity ("tricking people…") or its doers ("criminals trying…") cannot follow:
# a determiner ("any stealing data"), or a verb whose object is a thing or a finding ("used
# criminals trying…", "we found stealing data"). After a preposition, "be", or most verbs
# ("should trigger switching off accounts…") it reads well.
_NOT_BEFORE_AN_ACTIVITY = frozenset(
    """
    a an the our your their its this that these those his her my any every each some no
    use uses used using deploy deploys deployed find finds found see sees saw seen spot
    spots spotted detect detects detected show shows showed shown buy buys bought install
    installs installed have has had get gets got flag flags flagged catch catches caught
    confirm confirms confirmed notice notices noticed report reports reported track tracks
    tracked observe observes observed investigate investigates investigated
    """.split()
)
# Nouns a security term often describes, that can come first with its plain phrase after
# ("the SIEM renewal": "the renewal of the system that…"). Only these: a word after a term
# may as well be a verb ("the disk images matters") or anything else.
_DESCRIBED_NOUNS = frozenset(
    """
    renewal renewals licence license licences licenses budget budgets spend cost costs
    rollout rollouts deployment migration project projects programme programmes program
    programs roadmap plan plans policy policies rule rules setting settings profile profiles
    report reports log logs alert alerts review reviews training exercise exercises test
    tests backlog dashboard dashboards ticket tickets checklist checklists requirement
    requirements questionnaire questionnaires strategy model coverage prompt prompts process
    processes finding findings feed feeds automation upgrade upgrades replacement contract
    contracts price evidence readiness request requests session sessions port ports
    playbook playbooks runbook runbooks
    """.split()
)
# Verbs that may follow such a noun: "the EDR licences cost $90k".
_VERBS_AFTER_A_DESCRIBED_NOUN = frozenset(
    "cost costs expire expires include includes require requires fire fires appear appears "
    "pop pops".split()
)
# A verb that lets a singular term take a verb's base form: "let the EDR block it".
_CAUSATIVE_BEFORE = re.compile(
    r"\b(?:let|lets|make|makes|made|help|helps|helped|have|has|had|see|watch)\s+"
    r"(?:(?:the|our|an?|their|your)\s+)?$",
    re.IGNORECASE,
)
_OWNED_WORDS = 3  # "the SOC's quarterly board report"
_OWNER = re.compile(r"['\u2019]s\b|(?<=s)['\u2019](?!\w)")  # "the SOC's", "the IOCs'"
_ENDS_A_CLAUSE = re.compile(r"\s*(?:[.,;:!?)]|$)")
_JOINED_BEFORE = re.compile(r"\S\s+(?:and|or|&)\s+$")
# Nouns a term described that take its plain phrase with "from" or "of"; others with "for".
_FROM = frozenset("log alert report finding event ticket telemetry signal coverage".split())
_OF = frozenset(
    "renewal cost price contract rollout deployment migration upgrade replacement review".split()
)
# A plain phrase naming what sends logs, alerts or reports: a team, software, a service.
_AGENT = re.compile(
    r"(?:(?:a|an|the|our|your|their)\s+)?(?:[\w-]+\s+){0,3}?(?:team|teams|software|system|"
    r"systems|tool|tools|service|services|provider|providers|people|staff|platform|app|apps|"
    r"program|programme|partner|vendor|company|firm|group|cent(?:er|re)|desk|scanner|"
    r"scanners|checks|sensor|sensors|agent|agents)\b",
    re.IGNORECASE,
)
_SHORT_PAST = frozenset(
    """
    used got had did sent took made ran saw won lost kept told sold stole broke came went
    found paid led began brought bought caught gave knew left wrote spent slipped
    """.split()
)
# Where an adjective goes: after an article, a determiner or a preposition ("a phished
# account", "of misconfigured storage").
_ADJECTIVE_SLOT = re.compile(
    r"(?:^|\b(?:a|an|the|our|your|their|its|this|that|these|those|any|some|no|every|each|one|"
    r"two|three|several|many|of|in|on|for|with|from|about|via|into|across|against))\s*$",
    re.IGNORECASE,
)
# Words that may follow a participle used as a verb: "was pentested by…", "got phished last
# week", "were misconfigured and left open", "we pentested the checkout" (its object).
_AFTER_A_PARTICIPLE = frozenset(
    """
    by in on at to for from with and or but so last this yesterday today twice again before
    after during within into because when while if once since until the a an our their your
    his her its that these those every all some any two three several many us them it
    """.split()
)
_BY = re.compile(r"\s+by\b", re.IGNORECASE)
_DOERS = ("criminals ", "attackers ", "someone ", "people ", "an intruder ")
# Verbs whose object may be doers at work: "we saw an intruder spreading…".
_SEEING = frozenset(
    """
    see sees saw seen spot spots spotted detect detects detected find finds found notice
    notices noticed observe observes observed catch catches caught
    """.split()
)
_CLAUSE_END = re.compile(r"(?:^|[.!?;:,(]\s*|\n\s*)$")


@dataclass(frozen=True, slots=True)
class Slot:
    """Where a plain phrase goes for a term: the words up to `end` are replaced; `plural`:
    they were a plural; `described`: the noun the term described ("renewal" in "the SIEM
    renewal"), kept ahead of the plain phrase ("the renewal of the system that…");
    `owned`: that noun is the term's own ("the SOC's report")."""

    end: int
    plural: bool
    described: str | None = None
    owned: bool = False


def replaced_span(text: str, hit: TermHit, hits: list[TermHit]) -> Slot | None:
    """Where the plain phrase for `hit` goes: the term itself where a noun phrase can stand;
    the term and a generic noun it names a kind of ("the EDR agent", "our MDR provider": the
    plain phrase says what the noun is); the term and the noun it describes ("the SIEM
    renewal", "our EDR logs"); the term and what it owns ("the SOC's quarterly report":
    "the quarterly report from the team that…"); None where the term joins another that
    describes it ("DLP and CASB spend"), or describes or owns a term."""
    if _stands_as_a_noun(text, hit, hits) or _a_verb_of_its_own(text, hit):
        return Slot(hit.end, _is_plural(hit))
    if _POSSESSIVE.match(text, hit.end):
        return _owned(text, hit, hits) if _OWNER.match(text, hit.end) else None
    noun = _NEXT_WORD.match(text, hit.end)
    word = (noun.group(1) or "") if noun else ""
    if noun is None or not word or _POSSESSIVE.match(text, noun.end()):
        return None
    if _JOINED.match(text, hit.end) or any(other.start == noun.start(1) for other in hits):
        return None
    after = _NEXT_WORD.match(text, noun.end())
    following = after.group(1) if after else None
    plural_noun = word.lower().endswith("s")
    if (
        following
        and not _may_end_a_noun_phrase(following, plural_noun)
        and not _verb_agreeing(word, following)
    ):
        return None  # "the EDR agent rollout", "the PAM licence cost": a longer noun
    if word.lower() in _KINDS_OF_THING:
        if word.lower() in _EVENTS and hit.entry is not None and uncountable(hit.entry.plain):
            return None  # "ransomware attacks" are no "software that locks…"
        return Slot(noun.end(), word.lower().endswith("s"))
    if word not in _DESCRIBED_NOUNS or _JOINED_BEFORE.search(text, 0, hit.start):
        return None  # not a noun we know a term describes; or "DLP and CASB spend"
    return Slot(noun.end(), word.endswith("s"), described=word)


def takes_a_plural_verb(after: str) -> bool:
    """Whether `after` starts with a verb in the form a plural subject takes ("… stop most
    attacks", "… are on trial")."""
    following = _NEXT_WORD.match(after)
    word = (following.group(1) or "").lower() if following else ""
    return word in _PLURAL_VERBS_AFTER_A_NOUN or word in ("are", "were", "have", "do")


def _verb_agreeing(noun: str, word: str) -> bool:
    """Whether `word` is a verb agreeing with `noun`, a noun a term is known to describe:
    "the EDR licences cost…", "the EDR licence expires…"; not "the PAM licence cost"."""
    if noun not in _DESCRIBED_NOUNS or word not in _VERBS_AFTER_A_DESCRIBED_NOUN:
        return False
    return noun.endswith("s") != word.endswith("s")


def _owned(text: str, hit: TermHit, hits: list[TermHit]) -> Slot | None:
    """What the term owns, put first ("the SOC's quarterly report shows…"): up to three
    words after its "'s", ending where a noun phrase may end; None when that is not clear,
    or another term is among them ("the IdP's SCIM provisioning")."""
    owner = _OWNER.match(text, hit.end)
    assert owner is not None
    words: list[re.Match[str]] = []
    at = owner.end()
    while len(words) < _OWNED_WORDS:
        word = _NEXT_WORD.match(text, at)
        if word is None or not word.group(1) or _POSSESSIVE.match(text, word.end()):
            return None
        words.append(word)
        at = word.end()
        following = _NEXT_WORD.match(text, at)
        plural_head = word.group(1).lower().endswith("s")
        if not following or not following.group(1):
            if _ENDS_A_CLAUSE.match(text, at):
                break  # the owned noun ends the clause ("…the SOC's report.")
            return None  # a number or a sign next: "the SOC's budget grows 5%"
        if _may_end_a_noun_phrase(following.group(1), plural_head):
            break
    else:
        return None  # no end found within three words
    if any(other.start >= owner.end() and other.start < at for other in hits):
        return None
    head = words[-1].group(1)
    if _may_end_a_noun_phrase(head) or _past_participle(head.lower()):
        return None  # "the SOC's flagged…": no noun owned
    owned = " ".join(word.group(1) for word in words)
    return Slot(at, head.lower().endswith("s"), described=owned, owned=True)


def preposition_for(described: str, plain: str) -> str:
    """How a noun a term described takes the plain phrase: "logs from…" (what sends them),
    "reports about…" (what they are about: "vulnerability reports"), "the renewal of…", "a
    programme for…"."""
    singular = described.lower().split()[-1].removesuffix("s")
    if singular in _FROM:
        if _AGENT.match(plain):
            return "from"
        return "of" if singular == "coverage" else "about"
    return "of" if singular in _OF else "for"


def _stands_as_a_noun(text: str, hit: TermHit, hits: list[TermHit]) -> bool:
    """Not modifying the next word ("DLP pop-ups"), alone or joined to another term that does
    ("DLP and CASB spend"), nor owning it ("the SOC's budget"): a phrase can stand only
    where a noun phrase ends."""
    if _POSSESSIVE.match(text, hit.end):
        return False
    joined = _JOINED.match(text, hit.end)
    partner = next((other for other in hits if joined and other.start == joined.start(1)), None)
    verb = partner is not None and partner.entry is not None and bent(partner)  # "and fuzz"
    if partner is not None and not verb and not _stands_as_a_noun(text, partner, hits):
        return False
    following = _NEXT_WORD.match(text, hit.end)
    word = following.group(1) if following else None
    if following and word and word.lower() in _SHORT_PAST and _BY.match(text, following.end()):
        return False  # "accounts used by the CRM": what the term is used by, not its verb
    base_verb_fits = _is_plural(hit) or _CAUSATIVE_BEFORE.search(text, 0, hit.start) is not None
    return not word or _may_end_a_noun_phrase(word, base_verb_fits)


def _may_end_a_noun_phrase(next_word: str, plural: bool = False) -> bool:
    """Whether `next_word` can follow a noun phrase (`plural`: a plural one): a word of
    `_AFTER_A_NOUN`, a verb agreeing with it ("our SIEM flags", "the IOCs show"), a verb in
    the past tense ("our SIEM flagged two emails", "the MDR provider caught it"), or an
    adverb ("a BEC attempt nearly got through")."""
    lowered = next_word.lower()
    return (
        lowered in _AFTER_A_NOUN
        or lowered in _VERBS_AFTER_A_NOUN
        or (plural and lowered in _PLURAL_VERBS_AFTER_A_NOUN)
        or _past_participle(lowered)
        or (len(lowered) > 4 and lowered.endswith("ly"))
    )


def _past_participle(word: str) -> bool:
    """A verb in the past tense: "flagged", or a short or irregular one ("used", "got"); not
    "need", nor one that is also a noun ("hit", "set")."""
    return (len(word) > 4 and word.endswith("ed")) or word in _SHORT_PAST


def is_activity(plain: str) -> bool:
    """A plain phrase naming what is done ("tricking people…") or who does it ("criminals
    trying…", "an intruder spreading…"), not a thing ("a setting left…")."""
    first = plain.split(" ", 1)[0].lower()
    return (first.endswith("ing") and len(first) > 5) or plain.lower().startswith(_DOERS)


def may_follow(before: str, plain: str) -> bool:
    """Whether the activity `plain` reads well after `before` (see `_NOT_BEFORE_AN_ACTIVITY`);
    its doers read well as what was seen ("we saw an intruder spreading…")."""
    if _CLAUSE_END.search(before):
        return True
    words = re.findall(r"[\w']+", before[-40:].lower())
    # ... nor a word describing it ("automated installing software fixes")
    last = words[-1] if words else ""
    if last in _SEEING and plain.lower().startswith(_DOERS):
        return True
    return not last or (last not in _NOT_BEFORE_AN_ACTIVITY and not _past_participle(last))


def bent(hit: TermHit) -> bool:
    """Found in another form than its names or their plurals: a verb ('quarantined',
    'authenticate'), inside a hyphenated word ('auto-quarantines'), or a participle listed as
    a name of a term that is a noun ('backdoored' beside 'backdoor')."""
    assert hit.entry is not None
    matched = hit.matched.lower()
    if matched.endswith(_PARTICIPLE) and not hit.entry.term.lower().endswith(_PARTICIPLE):
        return True
    return matched not in _names(hit) and not _is_plural(hit) and not _short_form(hit)


def _short_form(hit: TermHit) -> bool:
    """A name of several words said short, one word cut ("phishing sim" of "phishing
    simulation"); not one word cut ("fuzz" of "fuzzing" is a verb)."""
    said = hit.matched.lower().split()
    return len(said) > 1 and any(
        len(words) == len(said)
        and all(w.startswith(s) for s, w in zip(said, words, strict=True))
        and sum(s != w for s, w in zip(said, words, strict=True)) == 1
        for words in (name.split() for name in _names(hit))
    )


def _is_plural(hit: TermHit) -> bool:
    """The plural of one of the term's names ('IOCs', 'misconfigurations'), whether or not
    the glossary also lists it as a name of its own; for an acronym it does not know, a
    lower-case s after the capitals ('SBOMs')."""
    if hit.entry is None:
        return _UNKNOWN_PLURAL.fullmatch(hit.matched) is not None
    matched = hit.matched.lower()
    names = _names(hit)
    return any(matched in (plural(name), name + "s") and matched != name for name in names)


def _a_verb_of_its_own(text: str, hit: TermHit) -> bool:
    """A term that is itself a participle ("pentested", "phished"), found as written: its
    plain words are a verb too ("had outside testers attack"), whatever follows; not one
    describing a noun after an article ("a misconfigured S3 bucket")."""
    assert hit.entry is not None
    term = hit.entry.term.lower()
    as_written = term.endswith(_PARTICIPLE) and hit.matched.lower() == term
    following = _NEXT_WORD.match(text, hit.end)
    word = (following.group(1) or "").lower() if following else ""
    after_a_noun_slot = _ADJECTIVE_SLOT.search(text, 0, hit.start) is not None
    # "a misconfigured S3 bucket", "visibility of misconfigured storage": it describes the
    # noun after it; "the actor exfiltrated data": a verb and its object.
    return as_written and not (after_a_noun_slot and word not in _AFTER_A_PARTICIPLE)


def singular_of_a_plural(hit: TermHit) -> bool:
    """Found in the singular where the term is a plural ("cert" of "certs")."""
    assert hit.entry is not None
    term = hit.entry.term.lower()
    return plural(hit.matched.lower()) == term or hit.matched.lower() + "s" == term


def _names(hit: TermHit) -> set[str]:
    assert hit.entry is not None
    return {name.lower() for name in (hit.entry.term, *hit.entry.variants)}
