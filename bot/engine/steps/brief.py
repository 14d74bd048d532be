"""The one-page brief at the end of a prep, and the debrief after the talk.

The brief is ready for the meeting: what is still unresolved in the user's answers, an agenda
that starts with listening, the likely objections with a reply, one fallback ask, and the data
points that support the chosen goal.
"""

from __future__ import annotations

import re

import jinja2

from bot.engine import calendar
from bot.engine.context import CoachContext
from bot.engine.findings import Finding, TermFinding
from bot.engine.language import check_text
from bot.engine.messages import Expects, Reply, Step
from bot.engine.questions import Verdict, blames, question_verdict
from bot.engine.rehearsal.guide import REHEARSE
from bot.engine.state import PrepState, Stage, Status
from bot.engine.steps import measure
from bot.engine.steps.focus import deadline_in_crunch
from bot.engine.steps.timing import day_label
from bot.engine.steps.why import weakness_message
from bot.engine.turn import BACK_CHOICE, PAUSE_CHOICE, Turn, ask_text, choice, quoted, say, stay
from bot.engine.whys import judge_why

DEBRIEF_QUESTIONS = {
    Stage.HEARD: "What did you hear? Their reasons, worries and priorities, in their words.",
    Stage.AGREED: "What did you agree, if anything?",
    Stage.NEXT_STEP: "What is the next step, who owns it, and by when?",
}
_NEXT_STAGE = {
    Stage.HEARD: Stage.AGREED,
    Stage.AGREED: Stage.NEXT_STEP,
    Stage.NEXT_STEP: Stage.MEASURE,
}
_OUTCOME_STAGES = (Stage.MEASURE, Stage.FOLLOW_UP, Stage.NEW_VALUE)


def render_brief(state: PrepState, ctx: CoachContext) -> str:
    return _render(
        ctx.brief_template,
        state,
        ctx,
        timing_advice=_timing_advice(state, ctx),
        unresolved=unresolved_findings(state, ctx),
        agenda=_agenda(state, ctx),
        data_points=_supporting_data(state, ctx),
    )


def unresolved_findings(state: PrepState, ctx: CoachContext) -> list[str]:
    """What the coach flagged in the answers the user kept, to fix or handle in the room."""
    notes = [
        f"Hypothesis {quoted(item, 80)} blames people; test it by listening."
        for item in state.hypotheses
        if blames(item)
    ]
    notes += [
        f"Question {quoted(item, 80)} is {verdict.value}; ask it openly."
        for item in state.questions
        if (verdict := question_verdict(item)) is not Verdict.OPEN
    ]
    crunch = deadline_in_crunch(state.goal, ctx) if state.goal else None
    if crunch:
        notes.append(crunch.message)
    if state.opening:
        report = check_text(state.opening, ctx.glossary, ctx.playbook)
        notes += [f"Opening: {_in_words(finding)}" for finding in report.findings]
    if state.why:
        judgement = judge_why(state.why, ctx.playbook, ctx.mission)
        if judgement.weakness:
            notes.append(f"Why: {weakness_message(judgement.weakness, ctx)}")
    return notes


def _in_words(finding: Finding) -> str:
    if isinstance(finding, TermFinding):
        return f"{quoted(finding.term, 40)} — say “{finding.suggestion}”"
    return finding.message


def _agenda(state: PrepState, ctx: CoachContext) -> list[str]:
    """Listening first: their view before our ask."""
    first = f": {quoted(state.questions[0], 120)}" if state.questions else ""
    steps = [
        f"Listen first — ask your questions and let {ctx.playbook.role} talk{first}",
        "Agree on the reasons before any solution",
    ]
    if state.goal:
        steps.append(f"Propose the one outcome: {state.goal}")
    if state.why:
        steps.append("Say why it matters to them, in their words")
    steps.append("Agree the next step, who owns it and by when")
    return steps


def _supporting_data(state: PrepState, ctx: CoachContext) -> list[str]:
    """The data to gather that speaks to the chosen goal, most relevant first."""
    goal_words = set(re.findall(r"[a-z]{4,}", (state.goal or "").lower()))

    def overlap(item: str) -> int:
        return len(goal_words & set(re.findall(r"[a-z]{4,}", item.lower())))

    ranked = sorted(ctx.playbook.data_to_gather, key=overlap, reverse=True)
    relevant = [item for item in ranked if overlap(item)]
    return relevant[:3] or ranked[:3]


def _render(template: jinja2.Template, state: PrepState, ctx: CoachContext, **extra: object) -> str:
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
        text="Saved as a private note of this conversation. Rehearse it now: I'll play "
        f"{ctx.playbook.role} and push back. After the talk, come back for a debrief: what you "
        "heard, what you agreed, the next step.",
        expects=Expects.NONE,
        choices=(choice(REHEARSE, "Rehearse"),),
    )
    return Turn(done, [say(Step.BRIEF, brief), closing], {Step.BRIEF.value: brief})


class Debrief:
    step = Step.DEBRIEF
    title = "Debrief — what happened"

    def intro(self, state: PrepState, ctx: CoachContext) -> list[Reply]:
        if state.stage is Stage.NEW_VALUE:
            return [self.ask(state, ctx)]
        text = f"{self.title}\nHow did the conversation with {ctx.playbook.role} go?"
        return [say(self.step, text), self.ask(state, ctx)]

    def ask(self, state: PrepState, ctx: CoachContext) -> Reply:
        if state.stage in _OUTCOME_STAGES:
            return measure.ask(state)
        extras = (BACK_CHOICE,) if state.stage is not Stage.HEARD else ()
        return ask_text(self.step, DEBRIEF_QUESTIONS[state.stage], *extras, PAUSE_CHOICE)

    def on_text(self, state: PrepState, text: str, ctx: CoachContext) -> Turn:
        if state.stage in _OUTCOME_STAGES:
            return measure.on_text(state, text, ctx, lambda done: self._close(done, ctx))
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
        after = f" {measure.status_line(state.outcome)}" if state.outcome else ""
        closing = Reply(
            step=self.step,
            text=f"Debrief saved with this conversation's notes.{after}",
            expects=Expects.NONE,
        )
        return Turn(closed, [say(self.step, text), closing], {self.step.value: text})

    def on_choice(self, state: PrepState, value: str, ctx: CoachContext) -> Turn | None:
        return measure.on_choice(state, value, lambda done: self._close(done, ctx))

    def on_next(self, state: PrepState, ctx: CoachContext) -> Turn | None:
        return stay(state, say(self.step, "Answer the question, or pause."), self.ask(state, ctx))

    def note(self, state: PrepState, ctx: CoachContext) -> str:
        if state.status is not Status.CLOSED:
            return ""
        outcome = state.outcome
        line = (
            f"{measure.progress_line(outcome)}\n{measure.status_line(outcome)}" if outcome else ""
        )
        return _render(ctx.debrief_template, state, ctx, outcome=line)
