"""Spark: the why — the ask tied to the company's mission and the stakeholder's goals."""

from __future__ import annotations

from bot.engine.asks import why_connects
from bot.engine.context import CoachContext
from bot.engine.messages import Finding, Reply, Step
from bot.engine.state import PrepState
from bot.engine.turn import BACK_CHOICE, PAUSE_CHOICE, Turn, ask_text, next_choice, say, stay


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
        if why_connects(text, ctx.playbook, ctx.mission):
            return Turn(
                new, [say(self.step, "That connects the ask to what matters."), self.ask(new, ctx)]
            )
        finding = Finding(
            kind="missing_why",
            message="This names no business outcome, priority of theirs, or part of the mission.",
            suggestion=ctx.playbook.why_examples[-1],
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
