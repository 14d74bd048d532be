"""Fear framing in a draft: frightening statistics and threat-first openings, anywhere.

A sentence frightens when it pairs a threat with a number in any form (91%, "one in three",
"twelve million", "doubled", "every 11 seconds"), or speaks of doom ("only a matter of time").
The first sentence frightens with a threat alone. A proof point with a number about what went
well (won, grew, saved, stopped, never been breached) is not fear.
"""

from __future__ import annotations

import re

_THREAT = re.compile(
    r"\b(breach(?:es|ed)?|hack(?:ed|ers?|ing)?|(?:cyber-?)?attack(?:s|ed|ers?)?|ransomware|"
    r"catastroph\w*|devastat\w*|disaster\w*|nightmare\w*|fined|fines|lawsuits?|bankrupt\w*|"
    r"cyber ?crim\w*|criminals?|terrif\w*|scar(?:y|ed|e)|destroy\w*|cripple\w*|phishing|"
    r"scam(?:s|mers?)?|fraud\w*|stolen|st(?:eal|ole)\w*|doomed|gangs?|target(?:s|ed|ing)|"
    r"take over|taken over|hit by|(?:were|was|got|get|been) hit|compromised|victims?|"
    r"go(?:es)? under|out of business|fake|wipe[sd]? out|shut down|take down|"
    r"lost (?=[$€£\d]))",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\d|[$€£]|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|forty|fifty|hundreds?|thousands?|millions?|billions?|half|third|quarter|"
    r"doubled?|tripled?|twice|most|majority|every)\b",
    re.IGNORECASE,
)
_DOOM = re.compile(
    r"\b(matter of time|not if,? but when|question of if|(?:are|is) coming for|you(?:'re| are) "
    r"next|(?:we|you|they) (?:could|might|will) be next|getting worse|wake-?up call|"
    r"easiest way in|sitting ducks?|all-time high|record high)\b",
    re.IGNORECASE,
)
_GOOD_NEWS = re.compile(
    r"\b(won|win|grew|grow|saved|save|never been (?:breached|hacked)|stopped|blocked|caught|"
    r"finished|completed|cut|improved|went from|renew\w*|closed \d+ deals)\b",
    re.IGNORECASE,
)


def fear_sentence(sentences: list[str]) -> tuple[str, str] | None:
    """The first frightening sentence and why it frightens, or None for a calm draft."""
    for index, sentence in enumerate(sentences):
        threat = _THREAT.search(sentence)
        if _DOOM.search(sentence):
            return "Doom talk puts people on the defensive.", sentence
        if not threat or _good_news(sentence):
            continue
        if _NUMBER.search(sentence):
            return "A frightening statistic puts people on the defensive.", sentence
        if index == 0:
            return "The opening leads with threat and breach talk.", sentence
    return None


def _good_news(sentence: str) -> bool:
    """A proof point about what went well; not when the threat is what grew ('attacks grow')."""
    for match in _GOOD_NEWS.finditer(sentence):
        before = sentence[max(0, match.start() - 25) : match.start()]
        if not any(threat.end() >= len(before) - 1 for threat in _THREAT.finditer(before)):
            return True
    return False
