"""Focus: one outcome for this conversation, framed around the stakeholder team's needs."""

from __future__ import annotations

from bot.engine import calendar
from bot.engine.context import CoachContext
from bot.engine.findings import CrunchPeriodFinding, MultipleGoalsFinding, PrioritiesFinding
from bot.engine.goals import asks_nothing, deadline_in, goals_in
from bot.engine.language import mentions_any
from bot.engine.messages import Reply, Step
from bot.engine.state import PrepState, Stage
from bot.engine.steps.timing import outside
from bot.engine.turn import (
    BACK_CHOICE,
    PAUSE_CHOICE,
    Turn,
    ask_choice,
    ask_text,
    bullets,
    choice,
    next_choice,
    quoted,
    say,
    stay,
)

# A first talk only to listen: good, and still worth one small outcome to leave with.
NO_ASK_TIP = (
    "Tip: listening first is a good start — the Feel step is for that. Still name one small "
    "thing to leave with, so the talk moves something for {team}: a second meeting, a person "
    "to work with, or a date to look at the numbers together."
)


class Focus:
    step = Step.FOCUS
    title = "Focus — one outcome"

    def intro(self, state: PrepState, ctx: CoachContext) -> list[Reply]:
        book = ctx.playbook
        text = (
            f"Step 2 of 5 · {self.title}\n"
            f"{book.role[0].upper()}{book.role[1:]} is juggling ten things. "
            "Agree on one outcome for this "
            f"talk, and frame it around what {book.team} needs.\n"
            f"What {book.team} is measured on:\n{bullets(book.priorities)}"
        )
        return [say(self.step, text), self.ask(state, ctx)]

    def ask(self, state: PrepState, ctx: CoachContext) -> Reply:
        if state.stage is Stage.PICK_GOAL:
            options = [
                choice(f"goal{index}", goal)
                for index, goal in enumerate(state.goal_options, start=1)
            ]
            return ask_choice(
                self.step,
                "Which one matters most now? Keep the others for another conversation.",
                *options,
                BACK_CHOICE,
            )
        if state.goal:
            return ask_text(
                self.step,
                f"Your outcome: {quoted(state.goal)}\nRewrite it, or continue to timing.",
                next_choice("Continue to timing"),
                BACK_CHOICE,
                PAUSE_CHOICE,
            )
        return ask_text(
            self.step,
            "What single outcome do you want from this conversation?",
            BACK_CHOICE,
            PAUSE_CHOICE,
        )

    def on_text(self, state: PrepState, text: str, ctx: CoachContext) -> Turn:
        goals = goals_in(text)
        if len(goals) > 1:
            new = state.model_copy(update={"goal_options": goals, "stage": Stage.PICK_GOAL})
            finding = MultipleGoalsFinding(
                message=f"That is {len(goals)} goals in one conversation.",
                suggestion="Pick one; a focused ask is easier to say yes to.",
                goals=goals,
            )
            return Turn(new, [self.ask(new, ctx).model_copy(update={"findings": (finding,)})])
        return self._set_goal(state, goals[0], ctx)

    def _set_goal(self, state: PrepState, goal: str, ctx: CoachContext) -> Turn:
        new = state.model_copy(update={"goal": goal, "goal_options": [], "stage": Stage.GOAL})
        replies: list[Reply] = []
        if asks_nothing(goal):
            replies.append(say(self.step, NO_ASK_TIP.format(team=ctx.playbook.team)))
        elif not mentions_any(goal, ctx.playbook.priority_terms):
            replies.append(
                say(
                    self.step,
                    f"Tip: say what {ctx.playbook.team} gets out of it.",
                    PrioritiesFinding(
                        message=f"This outcome is framed around security, not {ctx.playbook.team}.",
                        suggestion="Tie it to one of their priorities: "
                        + "; ".join(ctx.playbook.priorities[:3]),
                    ),
                )
            )
        crunch = deadline_in_crunch(goal, ctx)
        if crunch:
            replies.append(say(self.step, "Tip: your deadline lands in their busy time.", crunch))
        return Turn(new, [*replies, self.ask(new, ctx)])

    def on_choice(self, state: PrepState, value: str, ctx: CoachContext) -> Turn | None:
        if state.stage is not Stage.PICK_GOAL or value not in {
            c.value for c in self.ask(state, ctx).choices
        }:
            return None
        return self._set_goal(state, state.goal_options[int(value.removeprefix("goal")) - 1], ctx)

    def on_next(self, state: PrepState, ctx: CoachContext) -> Turn | None:
        if state.stage is Stage.PICK_GOAL:
            return stay(state, say(self.step, "Pick one outcome first."), self.ask(state, ctx))
        if not state.goal:
            return stay(
                state, say(self.step, "Write your one outcome first."), self.ask(state, ctx)
            )
        return None

    def note(self, state: PrepState, ctx: CoachContext) -> str:
        return f"Outcome: {state.goal}" if state.goal else ""


def deadline_in_crunch(goal: str, ctx: CoachContext) -> CrunchPeriodFinding | None:
    """A goal's own deadline that falls in one of the stakeholder's busy windows."""
    deadline = deadline_in(goal, ctx.today, ctx.fiscal_year_start_month)
    if deadline is None:
        return None
    busy = calendar.busy_on(ctx.playbook, ctx.fiscal_year_start_month, deadline)
    if busy is None:
        return None
    return CrunchPeriodFinding(
        term=busy.name,
        message=f"The deadline, {deadline:%a} {deadline.day} {deadline:%b %Y}, falls in "
        f"{busy.name}: {busy.reason}",
        suggestion=f"Ask for a date {outside(busy)}.",
        start=busy.start,
        end=busy.end,
    )
