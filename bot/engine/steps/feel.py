"""Feel: listen first. Hypotheses about why the team does not prioritise security, then
open questions to ask the stakeholder."""

from __future__ import annotations

from bot.engine.context import CoachContext
from bot.engine.findings import BlamingHypothesisFinding, QuestionFinding, QuestionKind
from bot.engine.messages import Reply, Step
from bot.engine.questions import Verdict, blames, open_rewording, question_verdict
from bot.engine.state import PrepState, Stage
from bot.engine.turn import (
    BACK_CHOICE,
    PAUSE_CHOICE,
    Turn,
    ask_text,
    bullets,
    choice,
    next_choice,
    quoted,
    say,
    stay,
)

MAX_ITEMS = 12
_QUESTION_TIPS: dict[Verdict, tuple[QuestionKind, str, str]] = {
    Verdict.CLOSED: (
        "closed_question",
        "This can be answered with a yes, a no or a number, which ends the story.",
        "Start with What, How or Tell me about… to invite the real reasons.",
    ),
    Verdict.LEADING: (
        "leading_question",
        "This tells them the answer you want, so you will hear agreement, not their view.",
        "Ask what they see, without the answer in it.",
    ),
    Verdict.ACCUSING: (
        "accusing_question",
        "This puts their people on trial; expect defence, not reasons.",
        "Ask what makes it hard, not why they fail.",
    ),
}


class Feel:
    step = Step.FEEL
    title = "Feel — listen first"

    def intro(self, state: PrepState, ctx: CoachContext) -> list[Reply]:
        book = ctx.playbook
        if state.stage is Stage.QUESTIONS:
            return [self.ask(state, ctx)]
        text = (
            f"Step 1 of 5 · {self.title}\n"
            f"Before you propose anything, understand why {book.team} may not put security "
            "first. Don't move to solutions until you both agree on the reasons.\n"
            f"Reasons we often hear:\n{bullets(book.likely_concerns)}"
        )
        return [say(self.step, text), self.ask(state, ctx)]

    def ask(self, state: PrepState, ctx: CoachContext) -> Reply:
        if state.stage is Stage.QUESTIONS:
            return self._ask_questions(state, ctx)
        if not state.hypotheses:
            return ask_text(
                self.step,
                f"What do you think is going on with {ctx.playbook.team}? "
                "Write your first hypothesis — a guess is fine; you will test it by listening.",
                PAUSE_CHOICE,
            )
        return ask_text(
            self.step,
            f"Your hypotheses so far:\n{bullets(state.hypotheses)}\n"
            "Add another, or continue to pick the questions you will ask.",
            next_choice("Continue to listening questions"),
            PAUSE_CHOICE,
        )

    def _ask_questions(self, state: PrepState, ctx: CoachContext) -> Reply:
        offered = [
            choice(f"q{index}", question)
            for index, question in enumerate(ctx.playbook.listening_questions, start=1)
            if question not in state.questions
        ]
        picked = f"Picked so far:\n{bullets(state.questions)}\n" if state.questions else ""
        done = [next_choice("Done — continue to Focus")] if state.questions else []
        return ask_text(
            self.step,
            f"{picked}Pick open questions to ask {ctx.playbook.role}, or write your own. "
            "Listen more than you talk.",
            *offered,
            *done,
            BACK_CHOICE,
            PAUSE_CHOICE,
        ).model_copy(update={"pick_several": True})

    def on_text(self, state: PrepState, text: str, ctx: CoachContext) -> Turn:
        if state.stage is Stage.QUESTIONS:
            return self._add_question(state, text, ctx)
        if len(state.hypotheses) >= MAX_ITEMS:
            return stay(state, say(self.step, "That's plenty of hypotheses."), self.ask(state, ctx))
        new = state.model_copy(update={"hypotheses": [*state.hypotheses, text]})
        findings = (_reframe(text, ctx),) if blames(text) else ()
        return Turn(new, [say(self.step, f"Noted: {quoted(text)}", *findings), self.ask(new, ctx)])

    def _add_question(self, state: PrepState, text: str, ctx: CoachContext) -> Turn:
        if len(state.questions) >= MAX_ITEMS:
            return stay(state, say(self.step, "That's plenty of questions."), self.ask(state, ctx))
        question = _as_question(text)
        new = state.model_copy(update={"questions": [*state.questions, question]})
        verdict = question_verdict(question)
        findings = () if verdict is Verdict.OPEN else (_question_tip(question, verdict, ctx),)
        return Turn(
            new, [say(self.step, f"Added {quoted(question)}", *findings), self.ask(new, ctx)]
        )

    def on_choice(self, state: PrepState, value: str, ctx: CoachContext) -> Turn | None:
        offered = {c.value for c in self.ask(state, ctx).choices}
        if state.stage is not Stage.QUESTIONS or value not in offered or not value[1:].isdigit():
            return None
        question = ctx.playbook.listening_questions[int(value[1:]) - 1]
        new = state.model_copy(update={"questions": [*state.questions, question]})
        return Turn(new, [self.ask(new, ctx)])

    def on_next(self, state: PrepState, ctx: CoachContext) -> Turn | None:
        if not state.hypotheses:
            return stay(
                state,
                say(self.step, "Write at least one hypothesis before moving on."),
                self.ask(state, ctx),
            )
        if state.stage is Stage.HYPOTHESES:
            new = state.model_copy(update={"stage": Stage.QUESTIONS})
            return Turn(new, [self.ask(new, ctx)])
        if not state.questions:
            return stay(
                state,
                say(self.step, "Pick or write at least one question to ask."),
                self.ask(state, ctx),
            )
        return None

    def note(self, state: PrepState, ctx: CoachContext) -> str:
        if not (state.hypotheses or state.questions):
            return ""
        parts = [f"Hypotheses:\n{bullets(state.hypotheses)}"]
        if state.questions:
            parts.append(f"Questions to ask:\n{bullets(state.questions)}")
        return "\n\n".join(parts)


def _question_tip(question: str, verdict: Verdict, ctx: CoachContext) -> QuestionFinding:
    """What is wrong with a question and an open way to ask it instead."""
    kind, message, advice = _QUESTION_TIPS[verdict]
    rewording = open_rewording(question, verdict) or ctx.playbook.listening_questions[0]
    return QuestionFinding(
        kind=kind,
        term=question,
        message=message,
        suggestion=f"{advice} For example: “{rewording}”",
    )


def _reframe(hypothesis: str, ctx: CoachContext) -> BlamingHypothesisFinding:
    """A blaming guess turned toward causes the stakeholder would recognise."""
    return BlamingHypothesisFinding(
        term=hypothesis,
        message="This judges people; they will defend themselves rather than explain.",
        suggestion=f"Look for a cause {ctx.playbook.role} would recognise — time, incentives, "
        f"tools or past experience. For example: “{ctx.playbook.likely_concerns[0]}”",
    )


def _as_question(text: str) -> str:
    """The user's question ending in one question mark: a full stop, colon or ellipsis
    they ended it with becomes it ('…in the way.' -> '…in the way?'); an emoji or a closing
    quote stays, with the mark after it."""
    stripped = text.rstrip(" .:;,…!") or text
    return stripped if stripped.endswith("?") else stripped + "?"
