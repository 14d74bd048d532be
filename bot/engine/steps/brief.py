"""The one-page brief at the end of a prep, and the debrief after the talk."""

from __future__ import annotations

import jinja2

from bot.engine import calendar
from bot.engine.context import CoachContext
from bot.engine.messages import Expects, Reply, Step
from bot.engine.state import PrepState, Stage, Status
from bot.engine.steps.timing import day_label
from bot.engine.turn import BACK_CHOICE, PAUSE_CHOICE, Turn, ask_text, say, stay

DEBRIEF_QUESTIONS = {
    Stage.HEARD: "What did you hear? Their reasons, worries and priorities, in their words.",
    Stage.AGREED: "What did you agree, if anything?",
    Stage.NEXT_STEP: "What is the next step, who owns it, and by when?",
}
_NEXT_STAGE = {Stage.HEARD: Stage.AGREED, Stage.AGREED: Stage.NEXT_STEP}


def render_brief(state: PrepState, ctx: CoachContext) -> str:
    return _render(ctx.brief_template, state, ctx, timing_advice=_timing_advice(state, ctx))


def _render(template: jinja2.Template, state: PrepState, ctx: CoachContext, **extra: str) -> str:
    planned = day_label(state.planned_date) if state.planned_date else ""
    return template.render(
        playbook=ctx.playbook, state=state, planned=planned, mission=ctx.mission, **extra
    ).strip()


def _timing_advice(state: PrepState, ctx: CoachContext) -> str:
    if not state.planned_date:
        return ""
    busy = calendar.busy_on(ctx.playbook, ctx.fiscal_year_start_month, state.planned_date)
    if busy:
        return f"Heads-up: this is during {busy.name} — {busy.reason}."
    return f"A quiet time for {ctx.playbook.team}."


def finish_prep(state: PrepState, ctx: CoachContext) -> Turn:
    """Render the brief, save it as a note and close the prep until the debrief."""
    done = state.at(Step.BRIEF).model_copy(update={"status": Status.BRIEFED})
    brief = render_brief(done, ctx)
    closing = Reply(
        step=Step.BRIEF,
        text="Saved as a private note of this conversation. After the talk, come back for a "
        "debrief: what you heard, what you agreed, the next step.",
        expects=Expects.NONE,
    )
    return Turn(done, [say(Step.BRIEF, brief), closing], {Step.BRIEF.value: brief})


class Debrief:
    step = Step.DEBRIEF
    title = "Debrief — what happened"

    def intro(self, state: PrepState, ctx: CoachContext) -> list[Reply]:
        text = f"{self.title}\nHow did the conversation with {ctx.playbook.role} go?"
        return [say(self.step, text), self.ask(state, ctx)]

    def ask(self, state: PrepState, ctx: CoachContext) -> Reply:
        extras = (BACK_CHOICE,) if state.stage is not Stage.HEARD else ()
        return ask_text(self.step, DEBRIEF_QUESTIONS[state.stage], *extras, PAUSE_CHOICE)

    def on_text(self, state: PrepState, text: str, ctx: CoachContext) -> Turn:
        answers = state.debrief.model_copy(update={state.stage.value: text})
        new = state.model_copy(update={"debrief": answers})
        following = _NEXT_STAGE.get(state.stage)
        if following:
            new = new.model_copy(update={"stage": following})
            return Turn(new, [self.ask(new, ctx)])
        return self._close(new, ctx)

    def _close(self, state: PrepState, ctx: CoachContext) -> Turn:
        closed = state.model_copy(update={"status": Status.CLOSED, "stage": Stage.DONE})
        text = self.note(closed, ctx)
        closing = Reply(
            step=self.step,
            text="Debrief saved with this conversation's notes.",
            expects=Expects.NONE,
        )
        return Turn(closed, [say(self.step, text), closing], {self.step.value: text})

    def on_choice(self, state: PrepState, value: str, ctx: CoachContext) -> Turn | None:
        return None

    def on_next(self, state: PrepState, ctx: CoachContext) -> Turn | None:
        return stay(state, say(self.step, "Answer the question, or pause."), self.ask(state, ctx))

    def note(self, state: PrepState, ctx: CoachContext) -> str:
        if state.status is not Status.CLOSED:
            return ""
        return _render(ctx.debrief_template, state, ctx)
