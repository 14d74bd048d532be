"""Fear framing in a draft: frightening statistics and threat-first openings, anywhere.

A sentence frightens when it pairs a threat with a number in any form (91%, "one in three",
"twelve million", "doubled", "every 11 seconds"), or speaks of doom ("only a matter of time",
"attacks are at an all-time high", "the business may not survive it"). The first sentence
frightens with a threat alone. Not fear: a proof point with a number about what went well
(won, grew, saved, stopped, never been breached); a number that only says how long ("a
ten-minute course", "takes 10 minutes"); a threat named as the subject of training or a plan
("phishing practice", "breach response plan") or as what people learn to handle ("spot a
fake invoice"); and the audience's own vocabulary ("breach notification" to Legal).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.engine.typed import straight_quotes

_THREAT = re.compile(
    r"\b(breach(?:es|ed)?|hack(?:ed|ers?|ing)?|(?:cyber-?)?attack(?:s|ed|ers?)?|ransomware|"
    r"catastroph\w*|devastat\w*|disaster\w*|nightmare\w*|fined|fines|lawsuits?|bankrupt\w*|"
    r"cyber ?crim\w*|criminals?|terrif\w*|scar(?:y|ed|e)|destroy\w*|cripple\w*|phishing|"
    r"scam(?:s|mers?)?|fraud\w*|stolen|st(?:eal|ole)\w*|doomed|gangs?|target(?:ed|ing)|"
    r"(?:prime|easy|soft|obvious|juicy) targets?|"
    r"malware|spyware|leak(?:s|ed|ing)?|exposed|data loss|"
    r"los(?:e|es|ing|t) (?:(?:their|our|your|its|the|customer|client) )*(?:data|records|files)|"
    r"take over|taken over|hit by|(?:were|was|got|get|been) hit|compromised|victims?|"
    r"fine (?:us|you|them|the company|companies|the business|firms)|"
    r"go(?:es)? under|out of business|fake|wipe[sd]? out|shut down|take down|sue (?:us|the \w+)|"
    r"lost (?=[$€£\d])|(?:records|files|accounts) (?:gone|wiped|dumped)|dark web|ransom|"
    r"actively (?:scanning|targeting|probing|exploiting)|(?:take|knock)s? (?:\w+ ){0,3}offline)",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\d|[$€£]|\bone (?:in|out of|of every)\b|"
    r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|forty|fifty|hundreds?|thousands?|millions?|billions?|half|third|quarter(?!'s)|"
    r"doubled?|tripled?|twice|most|majority|every)\b",
    re.IGNORECASE,
)
_DOOM = re.compile(
    r"\b(matter of time|not if,? but when|(?:it's )?not if,? (?:it's|it is) when|question of if|"
    r"(?:real and )?growing (?:every|each|by the) (?:day|week|hour)|(?:are|is) coming for|"
    r"you(?:'re| are) "
    r"next|(?:we|you|they) (?:could|might|will) be next|getting worse|wake-?up call|"
    r"easiest way in|sitting ducks?|tomorrow'?s headlines?|front pages?|make (?:the )?headlines|"
    r"(?:the )?next headlines?|(?:may|might|could|would|will) not survive|"
    r"(?:won't|wouldn't|couldn't|can't) survive|(?:would|will|may|might|could) never recover|"
    r"imagine (?:(?:having )?to )?(?:explain(?:ing)?|tell(?:ing)?|tell|the headlines?|the "
    r"(?:call|fallout))|picture (?:the headlines?|explaining)|(?:is|are|be|we're) toast|"
    r"wipe (?:us|the company|the business) out|(?:ticking )?time ?bombs?|"
    r"los(?:e|t|ing) everything|(?:do not|don't) want to be the|"
    r"los(?:e|t|ing) (?:their|our|your) jobs|shut (?:down )?for (?:weeks|months)|"
    r"(?:we're|we are|you're|you are|(?:we|you|they)'ll be|(?:could|will|would|might) be) "
    r"(?:finished|done for|doomed)|"
    r"crucify us|(?:goes|go|going|will go) dark|"
    r"(?:would|will|could|might) be (?:catastrophic|devastating|a disaster|a nightmare|fatal)|"
    r"mark my words|on (?:your|his|her|their) heads?|(?:could|will|might|would|may) die|"
    r"cost (?:us )?(?:\w+ )?times (?:more|as much)|nobody gets paid|"
    r"(?:the )?(?:whole|entire) (?:\w+ )?(?:goes|go|going|will go|would go) down|"
    r"(?:that|this|it) (?:will|could|would|might) (?:(?:so|very|just as|quite) )?(?:easily )?"
    r"be us|nuke\w*|have us for breakfast|end up like (?:that|those|the|them)|"
    r"(?:did you see|remember|look at|you saw) what happened (?:to|at)|(?:their|whose) "
    r"(?:controls|security|defences|defenses) (?:were|are) (?:better|stronger) than ours|"
    r"(?:brought|bring|brings|bringing) (?:\w+ ){0,3}to (?:its|our|their|your) knees|"
    r"(?:we're|we are|you're|you are) wide open|no idea (?:it|this) was coming|"
    r"(?:exactly|just) the same (?:gaps|holes|weaknesses|problems|exposure)|"
    r"(?:picture|imagine) (?:the \w+ |them |regulators? )?(?:fining|suing|hacking|breaching))\b",
    re.IGNORECASE,
)
# A sentence told in the past tense, and words that say it is not only that.
_PAST = re.compile(
    r"\b(?:was|were|had|did|got|came|went|took|stole|hit|made|found|saw|sent|used|paid|said|"
    r"led|lost|left|kept|told|sold|brought|bought|caught|began|broke|ran|wrote|spent|"
    r"(?!(?:scar|terrifi|worri|frighten|concern|petrifi)ed\b)\w{3,}ed)\b",
    re.IGNORECASE,
)
# The present, the future, a supposition ("imagine…", "if…"), or a feeling now ("I'm…").
_NOT_PAST = re.compile(
    r"\b(?:is|are|am|will|would|could|can|may|might|shall|must|going to|imagine|if|suppose|"
    r"won'?t|can'?t|don'?t|doesn'?t|isn'?t|aren'?t|i'?m)\b|'(?:ll|re)\b",
    re.IGNORECASE,
)
# Another organisation as the one harmed: its incident is a warning to us, told to frighten.
_OTHER_VICTIMS = re.compile(
    r"\b(?:competitors?|rivals?|peers?|another|others|other (?:\w+ )?(?:companies|firms|"
    r"businesses|organi[sz]ations|hospitals|banks|retailers|universities|schools|councils)|"
    r"(?:a|an|one|two|three|several|many|some) (?:\w+ ){0,2}(?:company|companies|firms?|"
    r"hospitals?|banks?|retailers?|universit(?:y|ies)|schools?|councils?|businesses|"
    r"suppliers?|vendors?|organi[sz]ations?|insurers?|manufacturers?))\b",
    re.IGNORECASE,
)
# Doom only when it is the threat that is at a record ("attacks are at an all-time high"):
# "completion is at an all-time high" is good news.
_RECORD = re.compile(r"\b(all-time high|record high|record levels?)\b", re.IGNORECASE)
# A number that only says how long something takes: "ten minutes", "a 10-minute course". A
# rate of harm keeps its number ("every 11 seconds").
_UNIT = r"(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|quarters?|years?)"
_HOW_LONG = re.compile(
    rf"(?<!every )\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    rf"fifteen|twenty|thirty|forty|fifty|sixty|half an?|a few)[- ]{_UNIT}\b",
    re.IGNORECASE,
)
# A threat named as what is trained for or planned: the topic, not a threat.
_TOPIC = re.compile(
    r"\b(?:phishing|ransomware|fraud|scam|attack|breach|incident)[- ](?:awareness |response |"
    r"simulation |reporting )?(?:course|training|practice|simulation|sim|test|exercise|module|"
    r"drill|tabletop|plan|playbook|policy|insurance|report|reporting|button|quiz|lesson)s?\b",
    re.IGNORECASE,
)
# A threat named as what people learn to handle: "learn to spot a fake invoice".
_SKILL = re.compile(
    r"\b(?:spot|recogni[sz]e|report|catch|detect|flag|avoid|check for)(?:s|ing)? (?:a |an |the "
    r"|any |every )?(?:fake|phishing|scam|fraudulent|suspicious|malicious|spoofed)\b",
    re.IGNORECASE,
)
_GOOD_NEWS = re.compile(
    r"\b(won|grew|grow|saved|saves?|never been (?:breached|hacked)|stop(?:ped|s)?|"
    r"keep(?:s|ing)? (?:\w+ ){0,3}(?:running|open|trading|selling|working|online)|"
    r"(?<!the )block(?:ed|s)?|caught|catch(?:es)?|prevent(?:ed|s)?|"
    r"finished|completed|cut|improved|went from|renewed|closed \d+ deals|"
    r"(?:is|are|stays?|remains?|has been|have been) (?:\w+ ){0,2}(?:calm|quiet|stable|steady|"
    r"under control))\b",
    re.IGNORECASE,
)

_DECLINE = re.compile(
    r"\b(?:fell|dropped|halved|decreased|declined|shrank|down (?:by|to|from))\b",
    re.IGNORECASE,
)

_FEWER = re.compile(r"\bfewer\b", re.IGNORECASE)
_FEWER_REACH = 40  # characters: "fewer [two or three words] scams"


def fear_sentence(
    sentences: list[str], known: Sequence[str] = (), *, opening: bool = True
) -> tuple[str, str] | None:
    """The first frightening sentence and why it frightens, or None for a calm draft.
    `known`: the audience's own vocabulary, never a threat to them ('breach notification');
    `opening`: whether the first sentence is an opening, where a threat alone frightens (a
    reason naming the risk it removes is no opening)."""
    for index, quote in enumerate(sentences):
        sentence = _without(_SKILL.sub(" ", _TOPIC.sub(" ", straight_quotes(quote))), known)
        threat = _THREAT.search(sentence)
        if _DOOM.search(sentence) or (threat and _RECORD.search(sentence)):
            return "Doom talk puts people on the defensive.", quote
        if not threat or _good_news(sentence):
            continue
        if _NUMBER.search(_HOW_LONG.sub(" ", sentence)):
            return "A frightening statistic puts people on the defensive.", quote
        if index == 0 and opening and not _our_past_incident(sentence):
            return "The opening leads with threat and breach talk.", quote
    return None


def _our_past_incident(sentence: str) -> bool:
    """A calm report of something that happened to us ("Last March we had an outage caused
    by a phishing email"): told in the past tense, naming no other victim ("hackers hit a
    competitor last month" still leads with fear)."""
    return (
        _PAST.search(sentence) is not None
        and _NOT_PAST.search(sentence) is None
        and _OTHER_VICTIMS.search(sentence) is None
    )


def _without(sentence: str, known: Sequence[str]) -> str:
    for term in known:
        if " " in term or "-" in term:  # a phrase of theirs, not a single word
            sentence = re.sub(rf"(?<!\w){re.escape(term)}(?!\w)", " ", sentence, flags=re.I)
    return sentence


def _good_news(sentence: str) -> bool:
    """A proof point about what went well; not when the threat is what grew ('attacks grow'),
    but whatever fell ('fraud losses fell by a third')."""
    for fewer in _FEWER.finditer(sentence):
        if _THREAT.search(sentence[fewer.end() : fewer.end() + _FEWER_REACH]):
            return True  # "fewer payroll-diversion scams hitting new joiners"
    decline = _DECLINE.search(sentence)
    if decline and any(threat.start() < decline.start() for threat in _THREAT.finditer(sentence)):
        return True  # the threat is what fell; not "our defences dropped and attackers…"
    for match in _GOOD_NEWS.finditer(sentence):
        before = sentence[max(0, match.start() - 25) : match.start()]
        if not any(threat.end() >= len(before) - 1 for threat in _THREAT.finditer(before)):
            return True
    return False
