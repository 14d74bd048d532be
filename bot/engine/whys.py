"""Judging the why at the Spark step: does it name an outcome for the stakeholder?

A why passes when, once the weak reasons are set aside, it still names something the
stakeholder or the company gains: one of their priority terms, a business outcome, or a word
of the mission. Weak reasons on their own are challenged: compliance ("because the audit…"),
duty ("everyone's responsibility"), generic safety ("reduce risk"), framework names, and the
security team's own goals ("our click rate").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.engine.fear import fear_sentence
from bot.engine.language import mentions_any, split_sentences
from bot.engine.typed import straight_quotes
from bot.playbook.schema import Playbook


class Weakness(StrEnum):
    FEAR = "fear"
    COMPLIANCE = "compliance"
    DUTY = "duty"
    GENERIC_SAFETY = "generic_safety"
    FRAMEWORK = "framework"
    SECURITY_GOAL = "security_goal"
    NO_OUTCOME = "no_outcome"


_WEAK_REASONS: dict[Weakness, re.Pattern[str]] = {
    Weakness.FRAMEWORK: re.compile(
        r"\b(?:NIST(?: CSF)?|ISO(?:/IEC)? ?27001|SOC ?2(?: Type (?:II|2))?|CIS|PCI(?: DSS)?|GDPR|"
        r"HIPAA|NIS ?2|DORA|SOX|CMMC|FedRAMP|frameworks?|zero trust|industry (?:direction|"
        r"standard|trend|norm))\b",
        re.IGNORECASE,
    ),
    Weakness.COMPLIANCE: re.compile(
        r"\b(?:(?:the )?(?:audit|auditors?|regulators?)(?: (?:requires?|expects?|says?|could "
        r"fine us|will flag it))?|complian(?:ce|t)|(?:the )?(?:policy|law|rules?|regulations?)"
        r"(?: (?:says?|requires?|mandates?)\w*)?|required|requires? it|mandatory|best practice|"
        r"fines?|fined|tick(?:ing)? (?:the )?box(?:es)?|close (?:the|a|an|our) (?:audit )?"
        r"findings?)\b",
        re.IGNORECASE,
    ),
    Weakness.DUTY: re.compile(
        r"\b(?:every(?:one|body)'?s? (?:job|responsibility|duty)|(?:a |our )?duty|obligations?|"
        r"the right thing(?: to do)?|must)\b",
        re.IGNORECASE,
    ),
    Weakness.SECURITY_GOAL: re.compile(
        r"\b(?:(?:phishing )?click rates?|completion(?: rates?| targets?)?|maturity(?: score)?|"
        r"(?:the |my |our )?security team (?:needs?|wants?)[^.,;]*|security (?:roadmap|programme|"
        r"program|strategy)|"
        r"security team|security metrics?|industry average|(?:our|the) team'?s? goal|"
        r"phishing|score|(?:more )?security[- ]aware(?:ness)?|awareness|vulnerability count)\b",
        re.IGNORECASE,
    ),
    Weakness.GENERIC_SAFETY: re.compile(
        r"\b(?:reduce (?:the )?risks?|(?:stay|be|keep (?:us|the company|everyone)|remain) "
        r"(?:secure|safe|safer|protected)|safer|security posture|protect (?:the company|us|"
        r"company data|our data)|cyber ?security|cyber ?resilience|secure)\b",
        re.IGNORECASE,
    ),
}
# Priority terms that name the obligation rather than a gain; they do not make a why pass.
_NOT_AN_OUTCOME = frozenset(
    "duty audit controls regulator regulators fines obligation obligations team safety "
    "assurance oversight governance accountability disclosure people employees employee staff "
    "managers developers".split()
)
_OUTCOMES = (
    "customer customers client clients revenue income growth grow deal deals renewal renewals "
    "cash payment payments rework schedule roadmap ship ships faster productive hires "
    "contract contracts shoppers serving patients care promise reputation brand trust "
    "trusting cost costs save saves saved savings market shareholders profit launch "
    "employer partners community orders operations trading release deliver uptime money "
    "pay paid supplier suppliers workload churn complaints retention"
).split()
_OUTCOME_PHRASES = (
    "sales cycle", "on time", "less time", "more time", "keep running", "our sales",
    "stop spending", "stops spending",
    "online sales", "store sales",
)  # fmt: skip
# Phrases whose words say nothing of the stakeholder: "across the board" names no board.
_IDIOMS = re.compile(r"\bacross the board\b", re.IGNORECASE)
# An audit that finds nothing is an outcome finance owns, unlike an audit that demands.
_CLEAN_AUDIT = re.compile(
    r"\b(?:clean audits?|audits? (?:stays? |comes? back |is |are )?clean|no (?:audit )?findings)\b",
    re.IGNORECASE,
)
_STOPWORDS = frozenset(
    """
    about above after again their there these those which while would could should where
    being every other under with from into that this what when your ours they them
    """.split()
)


@dataclass(frozen=True, slots=True)
class WhyJudgement:
    passes: bool
    weakness: Weakness | None = None


def judge_why(why: str, playbook: Playbook, mission: str | None) -> WhyJudgement:
    """Whether the why names their outcome, and if not, what kind of weak reason it is. A
    why made of fear ("fines can reach 4% of revenue") fails whatever it names: it pushes
    with a loss instead of giving a reason."""
    why = _IDIOMS.sub(" ", straight_quotes(why))
    if fear_sentence(split_sentences(why), playbook.known_terms, opening=False) is not None:
        return WhyJudgement(passes=False, weakness=Weakness.FEAR)
    if _CLEAN_AUDIT.search(why):
        return WhyJudgement(passes=True)
    rest, found = why, []
    for weakness, pattern in _WEAK_REASONS.items():
        if pattern.search(rest):
            found.append(weakness)
            rest = pattern.sub(" ", rest)
    priorities = [term for term in playbook.priority_terms if term not in _NOT_AN_OUTCOME]
    outcomes = {stem(word) for word in [*priorities, *_OUTCOMES, *mission_terms(mission)]}
    said = {stem(word) for word in re.findall(r"[a-z]+", rest.lower())}
    phrases = [*_OUTCOME_PHRASES, *(term for term in priorities if " " in term)]
    # Their phrases are read in the whole why: "employment law" is HR's, though "law" alone
    # is a compliance reason.
    if said & outcomes or mentions_any(why, phrases):  # "new starters", "risk appetite"
        return WhyJudgement(passes=True)
    return WhyJudgement(passes=False, weakness=found[0] if found else Weakness.NO_OUTCOME)


def stem(word: str) -> str:
    """A word without its ending, so 'promised' meets 'promise' and 'shipping' meets 'ship'."""
    for ending in ("ing", "ed", "es", "s", "e"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            break
    return word[:-1] if len(word) > 3 and word[-1] == word[-2] else word


def mission_terms(mission: str | None) -> list[str]:
    if not mission:
        return []
    words = re.findall(r"[A-Za-z]{5,}", mission.lower())
    return [word for word in words if word not in _STOPWORDS]
