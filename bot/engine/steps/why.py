"""Spark: the why — the ask tied to the company's mission and the stakeholder's goals."""

from __future__ import annotations

import re

from bot.engine.context import CoachContext
from bot.engine.findings import MissingWhyFinding
from bot.engine.messages import Reply, Step
from bot.engine.state import PrepState
from bot.engine.turn import BACK_CHOICE, PAUSE_CHOICE, Turn, ask_text, next_choice, say, stay
from bot.engine.whys import Weakness, judge_why

_WEAKNESS_MESSAGES: dict[Weakness, str] = {
    Weakness.FEAR: "Fear is a push, not a reason: say what is in it for {team}, not what "
    "could be lost.",
    Weakness.COMPLIANCE: "Compliance is our reason, not theirs; it asks without saying what "
    "is in it for {team}.",
    Weakness.DUTY: "Duty asks for effort without saying what is in it for {team}.",
    Weakness.GENERIC_SAFETY: "“Safer” is abstract; name what it protects for {team}.",
    Weakness.FRAMEWORK: "A framework name means little to {team}.",
    Weakness.SECURITY_GOAL: "That is the security team's goal, not {team}'s.",
    Weakness.NO_OUTCOME: "This names no outcome for {team} or the company.",
}


class Why:
    step = Step.WHY
    title = "Spark — the why"

    def intro(self, state: PrepState, ctx: CoachContext) -> list[Reply]:
        mission = (
            f"Your company's mission: “{ctx.mission}”\n"
            if ctx.mission
            else "Tip: set your company's mission so I can show it here.\n"
        )
        text = (
            f"Step 5 of 5 · {self.title}\n{mission}"
            f"People act when they know why. Connect your ask to the mission and to what "
            f"{ctx.playbook.team} wants to achieve.\nFor example: “{ctx.playbook.why_examples[0]}”"
        )
        return [say(self.step, text), self.ask(state, ctx)]

    def ask(self, state: PrepState, ctx: CoachContext) -> Reply:
        if state.why:
            return ask_text(
                self.step,
                "Rewrite your why, or build your brief.",
                next_choice("Build my brief"),
                BACK_CHOICE,
                PAUSE_CHOICE,
            )
        return ask_text(
            self.step,
            "In a sentence or two: why does this matter, to the company and to "
            f"{ctx.playbook.team}?",
            BACK_CHOICE,
            PAUSE_CHOICE,
        )

    def on_text(self, state: PrepState, text: str, ctx: CoachContext) -> Turn:
        new = state.model_copy(update={"why": text})
        judgement = judge_why(text, ctx.playbook, ctx.mission)
        if judgement.passes or judgement.weakness is None:
            return Turn(
                new, [say(self.step, "That connects the ask to what matters."), self.ask(new, ctx)]
            )
        finding = MissingWhyFinding(
            message=weakness_message(judgement.weakness, ctx),
            suggestion=suggested_why(state.goal, ctx),
        )
        return Turn(new, [say(self.step, "Make the why about them.", finding), self.ask(new, ctx)])

    def on_choice(self, state: PrepState, value: str, ctx: CoachContext) -> Turn | None:
        return None

    def on_next(self, state: PrepState, ctx: CoachContext) -> Turn | None:
        if state.why:
            return None
        return stay(state, say(self.step, "Write your why first."), self.ask(state, ctx))

    def note(self, state: PrepState, ctx: CoachContext) -> str:
        return f"Why: {state.why}" if state.why else ""


def suggested_why(goal: str | None, ctx: CoachContext) -> str:
    """A why built from the chosen goal and the stakeholder priority it serves best."""
    book = ctx.playbook
    if not goal:
        return book.why_examples[-1]
    goal_words = set(re.findall(r"[a-z]{4,}", goal.lower()))
    priority = max(
        book.priorities,
        key=lambda p: len(goal_words & set(re.findall(r"[a-z]{4,}", p.lower()))),
    )
    return (
        f"{goal.rstrip('.')}, because it helps {book.team} with what they are measured on: "
        f"{priority[0].lower()}{priority[1:]}."
    )


def weakness_message(weakness: Weakness, ctx: CoachContext) -> str:
    """What is weak about a why, said about this stakeholder."""
    return _WEAKNESS_MESSAGES[weakness].format(team=ctx.playbook.team)
