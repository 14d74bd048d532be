"""Simplify: the opening in plain words, checked for jargon, grade, fear and relevance, with a
plainer version offered to use as it is."""

from __future__ import annotations

from bot.engine.context import CoachContext
from bot.engine.language import TextReport, check_text
from bot.engine.messages import Reply, Step
from bot.engine.state import PrepState
from bot.engine.turn import (
    BACK_CHOICE,
    PAUSE_CHOICE,
    Turn,
    ask_text,
    choice,
    next_choice,
    quoted,
    say,
    stay,
)

USE_REWRITE = "use_rewrite"


def report_summary(report: TextReport) -> str:
    """One line on the draft: its grade against the target and how many things to fix."""
    grade = (
        f"Reading grade {report.grade:.1f} (target {report.target:.0f} or lower)."
        if report.graded
        else "Too short for a reading grade."
    )
    issues = len(report.findings)
    if not issues:
        return f"{grade} Clear and plain — nothing to fix."
    return f"{grade} {issues} thing{'s' if issues > 1 else ''} to look at:"


def plainer_version(rewrite: str) -> str:
    """The plainer version of a draft, offered under the findings."""
    return f"A plainer version:\n{quoted(rewrite, 1200)}"


class Simplify:
    step = Step.SIMPLIFY
    title = "Simplify — plain words"

    def intro(self, state: PrepState, ctx: CoachContext) -> list[Reply]:
        book = ctx.playbook
        text = (
            f"Step 4 of 5 · {self.title}\n"
            f"No tech speak and no scary statistics: show how this helps {book.team} "
            f"do their job.\nFraming tips:\n"
            + "\n".join(f"• {tip}" for tip in book.framing_advice)
            + f"\nAn example opening: “{book.example_opening}”"
        )
        return [say(self.step, text), self.ask(state, ctx)]

    def ask(self, state: PrepState, ctx: CoachContext) -> Reply:
        if state.opening:
            rewrite = check_text(state.opening, ctx.glossary, ctx.playbook).rewrite
            offer = (
                f"{plainer_version(rewrite)}\nUse this version, revise your own, or continue."
                if rewrite
                else "Revise your opening as often as you like, or continue."
            )
            plainer = [choice(USE_REWRITE, "Use this version")] if rewrite else []
            return ask_text(
                self.step,
                offer,
                *plainer,
                next_choice("Use this opening"),
                BACK_CHOICE,
                PAUSE_CHOICE,
            )
        return ask_text(
            self.step,
            f"Draft how you will open the conversation with {ctx.playbook.role}, "
            "in two to four sentences.",
            BACK_CHOICE,
            PAUSE_CHOICE,
        )

    def on_text(self, state: PrepState, text: str, ctx: CoachContext) -> Turn:
        report = check_text(text, ctx.glossary, ctx.playbook)
        new = state.model_copy(update={"opening": text, "opening_grade": report.grade})
        return Turn(
            new, [say(self.step, report_summary(report), *report.findings), self.ask(new, ctx)]
        )

    def on_choice(self, state: PrepState, value: str, ctx: CoachContext) -> Turn | None:
        if value != USE_REWRITE or not state.opening:
            return None
        rewrite = check_text(state.opening, ctx.glossary, ctx.playbook).rewrite
        return self.on_text(state, rewrite, ctx) if rewrite else None

    def on_next(self, state: PrepState, ctx: CoachContext) -> Turn | None:
        if state.opening:
            return None
        return stay(state, say(self.step, "Draft your opening first."), self.ask(state, ctx))

    def note(self, state: PrepState, ctx: CoachContext) -> str:
        if not state.opening:
            return ""
        return f"Opening (reading grade {state.opening_grade:.1f}):\n{state.opening}"
