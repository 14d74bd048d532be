"""Listening questions and hypotheses at the Feel step, judged as a coach would.

A question is open (invites a story, including invitations such as "Can you walk me
through…"), closed (yes, no or a number), leading (pushes toward our answer: "surely…", tag
questions) or accusing (puts their people on trial: "why won't your people…", "how come they
keep…").
A hypothesis that judges people ("they just don't care") is blaming.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.engine.softening import without_hedges
from bot.engine.typed import straight_quotes


class Verdict(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    LEADING = "leading"
    ACCUSING = "accusing"


_INVITATION = re.compile(
    r"^\s*(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:walk|talk|take|tell|describe|"
    r"share|explain|help me understand|give me a sense|say more|show)\b|"
    r"^\s*would you mind\s+\w+ing\b|^\s*do (?:tell|walk|talk) me\b|"
    r"^\s*(?:would|could|will|do) you (?:be up for|be willing to|want to|like to|care to|fancy) "
    r"(?:tell|talk|walk|shar|describ|explain|show)\w*",
    re.IGNORECASE,
)
_CLOSED = re.compile(
    r"^\s*(do|does|did|is|are|was|were|can|could|will|would|should|shall|have|has|had|may|"
    r"might|must|how many|how much|any (?:objections?|concerns?|issues?|problems?|questions?)|"
    # a time or a fact asked for: "when does the contract renew?", "which store had the
    # skimmer?" (not "when a release goes wrong, what…", "which parts feel slow?", nor their
    # judgement: "when is the quietest week for your stores?")
    r"(?:when (?:does|do|did|is|are|was|were|will|would|can|could|should)|"
    r"which (?:\w+ ){1,2}(?:had|was|were|did|got|is|are|will)|"
    r"what(?:'s| is| was) the (?:date|deadline|day|time|name|number|cost|price|version|"
    r"budget|headcount|renewal date)\b|"
    r"which of (?:the|these|those) (?:two|three|options?|choices?)|"
    r"who (?:owns|is|was|has|had|did|approved|approves|signed|signs))\b"
    r"(?!.*\b(?:why|how|best|worst|most|least|"
    r"ideal|right (?:time|moment|way|person|people|place|fit)|good|better|quietest|busiest|"
    r"easiest|hardest|calmest|slowest)\b))\b",
    re.IGNORECASE,
)
# Chat shorthand for the words a question starts with: "r u ok with…?", "ur team".
_SHORTHAND = {"r": "are", "u": "you", "ur": "your", "cn": "can", "wd": "would"}
_SHORT_WORD = re.compile(r"\b(?:" + "|".join(_SHORTHAND) + r")\b", re.IGNORECASE)
_LEADING = re.compile(
    r"^\s*(?:surely|obviously|clearly|of course)\b|^\s*(?:isn't|aren't|don't|doesn't|wouldn't|"
    r"won't|shouldn't|can't|didn't)\b|\b(?:you'd agree|you must agree|we both know|"
    r"everyone knows|isn't it obvious|wouldn't you agree|i'm sure you(?:'d| would)|"
    r"(?:would|wouldn't|don't|do) you not (?:agree|concur|say|think)|wouldn't you concur|"
    r"wouldn't it (?:make (?:more )?sense|be (?:better|easier|smarter|wiser|simpler|wise|"
    r"prudent|sensible))|"
    r"(?:would|wouldn't|isn't|is) it (?:not )?(?:be )?fair to say|"
    r"i (?:assume|take it|imagine|suppose) you(?:'d| would)|"
    r"(?:so )?we(?:'re| are) (?:all )?"
    r"agreed)\b|[,—–-]\s*(?:don't you think|wouldn't you say|yes|no|agreed)\s*\?\s*$|"
    r",\s*(?:isn't it|aren't they|aren't you|don't you|doesn't it|wouldn't you|won't you|"
    r"right|correct|do they|does it|is it|are they|can't you|didn't they|don't they|"
    r"shouldn't we|isn't that right|wouldn't it)\s*\?\s*$",
    re.IGNORECASE,
)
_ACCUSING_OPENER = re.compile(
    r"^\s*(?:why|how come|how can|how could|what(?:'s| is) stopping|what stops|"
    r"what(?:'s| is) (?:it|wrong|the (?:matter|problem)) with|who (?:\w+ ){0,5}(?:thought|decided) "
    r"it was|how do you explain|what possible reason|what is it about|is there a (?:particular )?"
    r"reason|what makes (?:\w+ ){1,3}"
    r"think (?:it's|it is) (?:ok|okay|fine|acceptable))\b",
    re.IGNORECASE,
)
_LOADED = re.compile(
    r"^\s*how come\b|^\s*why\s+(?:won't|can't|don't|doesn't|isn't|aren't|wouldn't)\b|"
    r"^\s*what(?:'s| is) (?:it|wrong|the (?:matter|problem)) with\b|every single|"
    r"blam\w* us|sits? on|forever|constantly|continually|repeatedly|bypass\w*|disregard\w*|"
    r"ignoring|ignored|continue to|how do you explain|what possible reason|go(?:es)? around|"
    r"insists? on|despite what we (?:agreed|said|asked)|\bagain\b|like everyone else|"
    r"skipping|think (?:it's|it is) (?:ok|okay|fine|acceptable)|"
    r"(?:thought|decided) it was (?:ok|okay|fine|a good idea|acceptable)|"
    r"without (?:even )?(?:checking|asking|thinking|reading|looking)|"
    r"\b(?:always|never|keeps?|still|bare minimum|seriously|in this day and age|just|"
    r"refuse|ignore|ignores|even)\b",
    re.IGNORECASE,
)
_CURIOUS_WHY = re.compile(r"^\s*why\s+(?:do|does|might|would)\s+you\s+think\b", re.IGNORECASE)
_BLAME = re.compile(
    r"\b(?:(?:don't|doesn't|do not|does not|never)\s+(?:really\s+)?care|lazy|careless|stubborn|"
    r"clueless|arrogant|ignorant|incompetent|stupid|useless|can't be bothered|"
    r"(?:don't|doesn't) take (?:us|it|this|security) seriously|above the rules|on purpose|"
    r"deliberately|only cares? about|just want to block|(?:don't|doesn't|never) listen|"
    r"whin\w+|entitled|reckless|not interested|stuck in (?:their|its|his|her) ways|"
    r"resist\w* (?:any )?change|couldn't care less|dismissive|obstructive|naive|oblivious|"
    r"indifferent|apathetic|(?:don't|doesn't) want to (?:know|listen|learn)|"
    r"beneath (?:him|her|them|us)|too good for|think (?:they're|he's|she's) above|"
    r"rules? (?:don't|doesn't|do not|does not) apply to (?:them|him|her)|cowboys?|greedy|"
    r"all (?:they|he|she) (?:care|cares|see|sees|think|thinks) (?:about )?is|"
    r"(?:only|just) in it for|couldn't be bothered|(?:don't|doesn't|do not|does not) get it|"
    r"(?:aren't|isn't|are not|is not|not) (?:bright|smart|clever|capable|technical|savvy|sharp) "
    r"enough|idiots?|short-?sighted|out of touch|(?:little )?empire|turf wars?|"
    r"only wakes? up|dinosaurs?|irresponsible|(?:as|an) (?:an )?excuse|too (?:dumb|stupid|"
    r"lazy|slow|thick) to|stingy|tight-?fisted|likes? saying no|loves? saying no|"
    r"(?:don't|doesn't) (?:understand|know) anything|(?:she's|he's|they're|being) "
    r"(?:difficult|impossible|a pain)|(?:is|are) (?:difficult|impossible|a pain)(?! (?:for|to)\b)|"
    r"(?:doesn't|don't|never) respect|(?:don't|doesn't|do not|does not|never|couldn't|"
    r"can't|wouldn't|won't) give a "
    r"(?:damn|toss|hoot|monkey's|shit|crap|fig)|(?:rules|policies) (?:are|is) for "
    r"(?:other people|everyone else|others|the rest of us)|box-?tick\w*|"
    r"bunch of (?:\w+ )?(?:idiots|clowns|amateurs|muppets|cowboys|box-?tickers|dinosaurs)|"
    r"never think (?:anything|things) through|too old to (?:get|understand|learn|care)|"
    r"not the (?:sharpest|brightest)|(?:thick|dim|dense) as|too (?:clever|smart|important|"
    r"senior) (?:for|to)|hopeless (?:with|at|about)|chalta hai|sloppy|slapdash|negligent|"
    r"cannot be bothered|consider (?:themselves|himself|herself) (?:exempt|above)|"
    r"(?:aren't|isn't|are not|is not|not) (?:exactly |really )?(?:the (?:brightest|sharpest)|"
    r"technical|responsible adults)|can't get (?:their|his|her) heads? (?:a)?round|"
    r"technophob\w*|(?:can't|cannot|can not) grasp|not (?:quite |really |very )?(?:bright|smart|"
    r"clever) enough|(?:aren't|isn't|not) (?:very )?(?:diligent|conscientious)|(?:don't|doesn't) "
    r"value (?:anything|security|us|our)|"
    r"(?:don't|doesn't|do not|does not|never) take anything seriously)\b",
    re.IGNORECASE,
)
# Contractions typed fast: "dont", "doesnt", "cant".
_APOSTROPHE_LEFT_OUT = re.compile(
    r"\b(don|doesn|didn|can|won|isn|aren|wasn|weren|couldn|wouldn|shouldn|haven|hasn)(t)\b",
    re.IGNORECASE,
)
# A judgement denied right before it: "not careless", "aren't lazy", "it's not that they're
# careless", "I don't think they're lazy".
_DENIED = re.compile(
    r"(?:\bnot|n't|\bnever)\s+(?:(?:that|think|say|saying|believe|mean|they're|they|are|"
    r"he's|she's|it's|really|being|because|just|simply|\w+ly)\s+){0,4}$",
    re.IGNORECASE,
)
_WHY_NOT = re.compile(
    r"^\s*why\s+(?:won't|can't|don't|doesn't|wouldn't)\s+(?P<who>.+?)\s+(?:just\s+)?"
    r"(?P<do>(?:finish|follow|use|report|take|do|complete|read|join|come|make|turn|stop|"
    r"answer|reply|attend|sign|update|patch|change|tell)\b.*?)\??\s*$",
    re.IGNORECASE,
)
_SURELY = re.compile(
    r"^\s*(?:surely|obviously|clearly)\s*,?\s+(?P<who>.+?)\s+(?:can|could|will|would|should)\s+"
    r"(?P<do>.+?)\??\s*$",
    re.IGNORECASE,
)
_YES_NO_DO = re.compile(
    r"^\s*(?P<aux>do|does|did|can|could|will|would)\s+(?P<rest>.+?)\??\s*$", re.IGNORECASE
)


# A question quoted in a longer message: quotes that open after a space or a colon and close
# before one (an apostrophe inside a word is no quote: "'Don't you think it's…?'").
_QUOTED = re.compile(
    r"""(?:^|(?<=[\s:(\[—–-]))(['"])(?P<asked>[^\s'"].*?)\1(?=$|[\s,.;:!?)\]—–-])"""
)
# What a message says before the question it asks: "Question for him:", "Asking:", "I'll
# ask, straight out:", "Simple one:", "My question is basically".
_LEAD_IN = re.compile(
    r"^[^?:]{0,60}?(?::\s+|\b(?:my question is|the question is)(?:\s+(?:basically|simply|"
    r"just))?\s+)",
    re.IGNORECASE,
)
# A soft start that leaves the question as it is: "Help me understand why…", "Out of
# interest, why…", "Just curious - don't you think…".
_SOFTENER = re.compile(
    r"^(?:(?:help me understand|i'd (?:love|like) to understand|i'm (?:just |genuinely )?"
    r"curious(?: about)?|(?:can|could) you explain|out of interest|just curious|genuinely "
    r"curious|honestly|quick question|with respect)\b[,:]?\s*(?:[-—–]\s*)?)+",
    re.IGNORECASE,
)
# An apology or a hedge before the question: "Sorry to ask, but…", "Forgive me, but…", "I
# might be wrong, but…", "Sorry to bother you —", "I was just wondering, with respect,".
_APOLOGY = re.compile(
    r"^(?:[^?]{0,50}?\b(?:sorry|forgive me|apologi[sz]e|i hope|i might be wrong|i don't mean|"
    r"i hate to|with (?:the greatest |all due )?respect|if i may|i was (?:just )?wondering)\b"
    r"[^?,—–]{0,40}?(?:,\s*but\b|\s*[—–]|,(?=\s*(?:but|i|is|are|do|does|did|why|how|what|"
    r"who|when|which|would|could|can|surely|isn't|wouldn't|don't))|:)\s*)+",
    re.IGNORECASE,
)
_WILLING = re.compile(
    r"\s*(?:you|they|he|she)(?:'d)?\s+(?:(?:might|would|could)\s+)?(?:be\s+)?"
    r"(?:willing|happy|able|up for)\s+(?:to\s+)?(?:tell|walk|talk|shar|describ|explain|show)",
    re.IGNORECASE,
)
_REPORTED_YES_NO = re.compile(
    r"^(?:(?:i'll|i will|i'd|i want to|i'm going to|going to|gonna|i might|i may|kindly|please)?"
    r"\s*(?:just\s+)?(?:ask(?:ing)?|confirm|check)\s+(?:(?:him|her|them|whether)\s+)?|"
    r"i was (?:just )?wondering |i wonder )(?:whether|if)\b",
    re.IGNORECASE,
)
_REPORTED_WH = re.compile(
    r"^(?:(?:i'll|i will|i'd|i want to|i'm going to|going to|gonna|i might|i may|might i|may i|"
    r"can i|could i)?\s*(?:just\s+)?ask(?:ing)?\s+(?:(?:him|her|them)\s+)?|i was (?:just )?"
    r"wondering\s+|i wonder\s+|(?:might|could|would) it be possible to (?:understand|ask)\s+)"
    r"(?=(?:why|how come|how|what|who|when|which)\b)",
    re.IGNORECASE,
)


def question_verdict(question: str) -> Verdict:
    """How a listening question lands with the stakeholder."""
    question = without_hedges(_APOLOGY.sub("", the_question(question)))  # "Sorry, but did…"
    if reported := _REPORTED_YES_NO.match(question):  # "I'll ask whether…", "I wonder if…"
        willing = _WILLING.match(question, reported.end())  # "…if you'd be willing to tell me"
        return Verdict.OPEN if willing else Verdict.CLOSED
    question = _REPORTED_WH.sub("", question)  # "I want to ask why …": "why …"
    bare = _SOFTENER.sub("", question)  # "Help me understand why your team keeps…"
    opener = _ACCUSING_OPENER.search(bare) and not _CURIOUS_WHY.search(bare)
    if opener and (_LOADED.search(bare) or blames(bare)):
        return Verdict.ACCUSING
    if _LEADING.search(bare):
        return Verdict.LEADING
    if _CLOSED.search(question) and not _INVITATION.search(question):
        return Verdict.CLOSED
    return Verdict.OPEN


def the_question(message: str) -> str:
    """The question a chat message asks, without what is said around it: the quoted one
    ("Going to ask: 'Don't you think…?' — gets her to say yes"), the one after a lead-in
    ("Question for him: did finance…?"), or the message up to its question mark."""
    text = _SHORT_WORD.sub(lambda m: _SHORTHAND[m[0].lower()], straight_quotes(message)).strip()
    quoted = [m["asked"] for m in _QUOTED.finditer(text)]
    asked = next((q for q in quoted if "?" in q), quoted[0] if len(quoted) == 1 else None)
    if asked is None:
        asked = text[: text.index("?") + 1] if "?" in text else text
        asked = _LEAD_IN.sub("", asked)
    return asked.strip()


def open_rewording(question: str, verdict: Verdict) -> str | None:
    """The same question asked openly, for the shapes where that can be done faithfully."""
    body = the_question(question)
    if verdict is Verdict.ACCUSING and (match := _WHY_NOT.match(body)):
        return f"What makes it hard for {match['who']} to {match['do']}?"
    if verdict is Verdict.LEADING and (match := _SURELY.match(body)):
        return f"What would help {match['who']} {match['do']}?"
    if verdict is Verdict.CLOSED and (match := _YES_NO_DO.match(body)):
        aux = "do" if match["aux"].lower() in {"do", "does", "did"} else "would"
        if match["aux"].lower() in {"does", "did"}:
            aux = match["aux"].lower()
        return f"How {aux} {match['rest']}?"
    return None


def blames(hypothesis: str) -> bool:
    """True when the hypothesis judges people instead of naming a cause they would recognise
    ("they're not careless; the process is confusing" denies the judgement)."""
    hypothesis = _APOSTROPHE_LEFT_OUT.sub(r"\1'\2", straight_quotes(hypothesis))
    return any(
        not _DENIED.search(hypothesis[: match.start()]) for match in _BLAME.finditer(hypothesis)
    )
