"""Judging one reply to the stakeholder with the engine's own checks.

The Simplify checks (jargon, acronyms, readability, fear), several asks (goals), question
quality (questions) and their priorities (whys) apply to every reply; on top, what a reply to
push-back needs: it names the concern before answering, asks back instead of arguing, stays
on one ask, offers to lower the burden, and says why it matters to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.context import CoachContext
from bot.engine.findings import Finding, PrioritiesFinding
from bot.engine.glossary import GlossaryIndex
from bot.engine.goals import goals_in
from bot.engine.language import check_text, split_sentences
from bot.engine.messages import COACHING_STEPS, Step
from bot.engine.questions import Verdict, question_verdict
from bot.engine.rehearsal.record import JudgedReply
from bot.engine.whys import judge_why
from bot.playbook.schema import Move

# Which habit of the five each move trains (the scorecard's lines).
HABIT_OF: dict[Move, Step] = {
    Move.ACKNOWLEDGE: Step.FEEL,
    Move.ASK_BACK: Step.FEEL,
    Move.ONE_GOAL: Step.FOCUS,
    Move.LOWER_BURDEN: Step.TIMING,
    Move.GIVE_WHY: Step.WHY,
}
MIN_WORDS = 4  # fewer words than this is no answer to push-back, whatever it says

_ACKNOWLEDGE = re.compile(
    r"\b(?:fair(?: enough| point| question| concern)?|(?:you'?re|you are|that'?s|that is|"
    r"it'?s) (?:right|fair|true|a fair|a real|a good|reasonable|understandable|a lot|hard|"
    r"tough|a big ask)|i hear (?:you|that)|i get (?:it|that|why|how)|i understand|understood|"
    r"makes (?:total |complete )?sense|agreed|i agree|good (?:point|question)|"
    r"i know (?:your|you|how|that|it|the|they|we|this|what)|understandable|"
    r"(?:that'?s|it'?s) (?:real|great|good|a good)|i see (?:why|your|that|how)|i appreciate|"
    r"thanks for (?:saying|raising|telling|being|the)|sounds like|of course|no doubt|totally|"
    r"absolutely|i(?:'d| would) feel the same|point taken|i(?:'ve| have) heard that|"
    r"you(?:'ve| have) (?:a point|got a point)|i hear the)\b",
    re.IGNORECASE,
)
_ARGUING = re.compile(
    r"^\s*(?:but|no|actually|well,? actually)\b|\b(?:that'?s not (?:true|right|the case|"
    r"how)|you'?re wrong|with (?:all due )?respect|you (?:have|need|must|got) to|you should|"
    r"(?:it'?s|this is) (?:mandatory|required|not optional|non-negotiable)|(?:the )?policy "
    r"(?:says|requires)|there'?s no (?:choice|way around)|you don'?t (?:understand|get it)|"
    r"no excuse)\b",
    re.IGNORECASE,
)
_LIGHTER = re.compile(
    r"\b(?:short(?:er)?|brief(?:er)?|(?:a few|few|one|two|five|ten|fifteen|twenty|1?\d|20)[- ]"
    r"minutes?|shrinks?|faster than|(?:does|do) the rest|quiet(?:er)? (?:week|weeks|month|"
    r"time|period|window|slot)|after (?:the )?(?:close|quarter|launch|release|rush|busy|"
    r"deadline|season|audit|board)|around (?:your|their|the|how)|fit(?:s)? (?:it |them )?"
    r"(?:in|into|around|between)|cut|trim|smaller|small|pilot|trial|one team|start with|"
    r"only (?:the|a|one|two|\d)|instead|rather than|(?:no|nothing) (?:extra|more|new)|"
    r"nothing to|(?:off|from) (?:your|their) (?:plate|desk|team|people)|on (?:our|my) side|"
    r"do the (?:work|setup|legwork|heavy lifting)|take care of|handle (?:it|that|the)|"
    r"less (?:time|work|effort)|fewer|easier|simpler|lighter|drop|skip|set (?:it |them )?up|"
    r"(?:i|we)(?:'ll| will) (?:do|run|bring|write|send|build|book|cover|own|share|fix|handle|"
    r"show|draft|prepare))\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_JOINING = re.compile(r"\s*(?:,\s*(?:and|or)?|and|or|&|/)\s*", re.IGNORECASE)
_QUESTION = re.compile(r"[^.!?\n]*\?")
# A sentence that asks for something (not an offer, not a question back).
_ASKING = re.compile(
    r"\b(?:i|we) (?:also |really |just |still |only )?(?:want|need|would like|'d like|am asking|"
    r"'m asking)|\bi(?:'d| would) "
    r"(?:like|ask)|\b(?:can|could|will|would) (?:we|you)\b|\blet'?s\b|\bplease\b|\bmy ask\b|"
    r"\b(?:we|you|they|people|team|staff|everyone) (?:should|must|have to|need to)\b|"
    r"^\s*(?:(?:and|also|then),?\s+)*(?:get|make|turn|roll|finish|complete|do|sign|agree|send|take|enable|fix|set|schedule|book|require|"
    r"mandate|add|move|stop|start)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ReplyCheck:
    """What one reply did, and what to quote back when it fell short."""

    said: str
    expected: tuple[Move, ...]
    shown: frozenset[Move]
    language: tuple[Finding, ...]  # jargon, acronyms, readability, fear
    asks: tuple[str, ...] = ()  # the separate asks, when there are several
    weak_question: tuple[str, Verdict] | None = None  # a question back that is not open
    arguing: str | None = None  # the sentence that argues back

    @property
    def missed(self) -> tuple[Move, ...]:
        return tuple(move for move in self.expected if move not in self.shown)

    def judged(self) -> JudgedReply:
        """The habits this reply showed or missed, for the scorecard."""
        moves = (*self.expected, *(move for move in Move if move in self.shown))
        missed = {HABIT_OF[move] for move in self.missed}
        if len(self.asks) > 1:
            missed.add(Step.FOCUS)
        if self.language:
            missed.add(Step.SIMPLIFY)
        shown = {HABIT_OF[move] for move in moves if move in self.shown} - missed
        if not self.language:
            shown.add(Step.SIMPLIFY)
        return JudgedReply(
            said=self.said,
            shown=tuple(step for step in COACHING_STEPS if step in shown),
            missed=tuple(step for step in COACHING_STEPS if step in missed),
        )


def check_reply(said: str, expected: tuple[Move, ...], ctx: CoachContext) -> ReplyCheck:
    """Every check on one reply; `expected` are the moves this push-back calls for."""
    report = check_text(said, ctx.glossary, ctx.playbook)
    language = tuple(f for f in report.findings if not isinstance(f, PrioritiesFinding))
    sentences = split_sentences(said)
    questions = [q.strip() for q in _QUESTION.findall(said) if q.strip(" ?")]
    verdicts = [(q, question_verdict(q)) for q in questions]
    asks = _asks(said, [q for q, v in verdicts if v is Verdict.OPEN], ctx)
    arguing = next((s for s in sentences if _ARGUING.search(s)), None)
    shown = {
        move
        for move, made in (
            (Move.ACKNOWLEDGE, bool(sentences) and _acknowledges(sentences[0])),
            (Move.ASK_BACK, any(v is Verdict.OPEN for _q, v in verdicts)),
            (Move.ONE_GOAL, len(asks) < 2 and len(said.split()) >= MIN_WORDS),
            (Move.LOWER_BURDEN, bool(_LIGHTER.search(said))),
            (Move.GIVE_WHY, judge_why(said, ctx.playbook, ctx.mission).passes),
        )
        if made
    }
    weak = next(((q, v) for q, v in verdicts if v is not Verdict.OPEN), None)
    return ReplyCheck(
        said=said,
        expected=expected,
        shown=frozenset(shown),
        language=language,
        asks=asks if len(asks) > 1 else (),
        weak_question=weak if Move.ASK_BACK not in shown else None,
        arguing=arguing,
    )


def _asks(said: str, asked_back: list[str], ctx: CoachContext) -> tuple[str, ...]:
    """The separate asks in a reply: what its asking sentences request (goals), leaving out
    the questions asked back and the offers that lighten the load. Security measures asked
    for together are asks of their own ("roll out MFA and EDR": MFA, and EDR)."""
    rest = said
    for question in asked_back:
        rest = rest.replace(question, " ")
    sentences = [s for s in _SENTENCE.split(rest) if _ASKING.search(s)]
    pieces = [piece for s in sentences for piece in goals_in(s) if not _LIGHTER.search(piece)]
    known = ctx.playbook.known_terms
    return tuple(ask for piece in pieces for ask in _each_measure(piece, ctx.glossary, known))


def _each_measure(piece: str, glossary: GlossaryIndex, known: list[str]) -> list[str]:
    """`piece` once per security measure it joins with "and"/"or"/a comma ("we need MFA and
    EDR on every laptop": "we need MFA on every laptop", "we need EDR on every laptop")."""
    hits = [hit for hit in glossary.find(piece, known) if hit.entry is not None]
    run = hits[:1]
    for hit in hits[1:]:
        if _JOINING.fullmatch(piece[run[-1].end : hit.start]) and hit.entry != run[-1].entry:
            run.append(hit)
        elif len(run) < 2:
            run = [hit]
    if len(run) < 2:
        return [piece]
    head, tail = piece[: run[0].start], piece[run[-1].end :]
    return [head + hit.matched + tail for hit in run]


def _acknowledges(first: str) -> bool:
    """The first sentence names their concern, and does not argue with it."""
    return bool(_ACKNOWLEDGE.search(first)) and not _ARGUING.match(first)
