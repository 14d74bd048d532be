"""The debrief's measured outcome: the number that will show the talk worked, when to check
it, and each new reading until the loop closes.

Stages of the debrief step: MEASURE (read the number, or skip), FOLLOW_UP (when the coach
asks for the new number: the due day by default), NEW_VALUE (a reading, when the follow-up
nudge or the outcome command asks for it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.engine.context import CoachContext
from bot.engine.dates import Action, read_date
from bot.engine.messages import Reply, Step
from bot.engine.outcomes import (
    EXAMPLE,
    MeasuredOutcome,
    OutcomeStatus,
    Unit,
    read_measure,
    read_value,
    record,
)
from bot.engine.state import PrepState, Stage, Status
from bot.engine.steps.timing import day_label
from bot.engine.turn import BACK_CHOICE, PAUSE_CHOICE, Turn, ask_text, choice, say, stay

SKIP = "skip"
USE_DUE_DAY = "use_due_day"
NOT_NOW = "not_now"
MEASURE_QUESTION = (
    "What number will show it worked? Name it, where it is now, the goal and by when — "
    f"e.g. “{EXAMPLE}”. Or skip."
)
NO_OUTCOME = "This prep has no measured outcome. Its debrief can add one."
Close = Callable[[PrepState], Turn]


def ask(state: PrepState) -> Reply:
    """The question of the outcome stage `state` is at."""
    if state.stage is Stage.FOLLOW_UP and state.outcome is not None:
        due = state.outcome.target_date
        default = (choice(USE_DUE_DAY, f"On {day_label(due)}"),) if due else ()
        text = "When should I ask you for the new number? Give a day (e.g. 15 March, in 6 weeks)."
        return ask_text(Step.DEBRIEF, text, *default, choice(SKIP, "No reminder"), BACK_CHOICE)
    if state.stage is Stage.NEW_VALUE and state.outcome is not None:
        outcome = state.outcome
        text = f"{progress_line(outcome)}\nWhat is {outcome.metric} now? {_value_hint(outcome)}"
        return ask_text(Step.DEBRIEF, text, choice(NOT_NOW, "Not now"))
    return ask_text(Step.DEBRIEF, MEASURE_QUESTION, choice(SKIP, "Skip"), BACK_CHOICE, PAUSE_CHOICE)


def on_text(state: PrepState, text: str, ctx: CoachContext, close: Close) -> Turn:
    """An answer at one of the outcome stages; `close` ends the debrief."""
    if state.stage is Stage.NEW_VALUE:
        return record_reading(state, text, ctx, again=True)
    if text.strip().lower().rstrip(".!") in (SKIP, "no", "none", "n/a"):
        return on_choice(state, SKIP, close) or stay(state, ask(state))
    if state.stage is Stage.FOLLOW_UP:
        return _follow_up(state, text, ctx, close)
    reading = read_measure(text, ctx.today, ctx.date_order, ctx.fiscal_year_start_month)
    if reading.outcome is None:
        problem = say(Step.DEBRIEF, f"{reading.problem} For example: “{EXAMPLE}”.")
        return stay(state, problem, ask(state))
    measured = state.model_copy(update={"outcome": reading.outcome, "stage": Stage.FOLLOW_UP})
    return Turn(measured, [say(Step.DEBRIEF, f"Noted: {progress_line(reading.outcome)}."),
                           ask(measured)])  # fmt: skip


def on_choice(state: PrepState, value: str, close: Close) -> Turn | None:
    """Skip (no outcome, or no reminder), the due day as the follow-up day, and not now (no
    reading after all: the prep is closed again, not left open to come back at its next start)."""
    if state.stage is Stage.NEW_VALUE and value == NOT_NOW and state.outcome is not None:
        closed = state.model_copy(update={"status": Status.CLOSED, "stage": Stage.DONE})
        later = f"Fine — no new number for now. {status_line(state.outcome)}"
        return Turn(closed, [say(Step.DEBRIEF, later)])
    if state.stage is Stage.MEASURE and value == SKIP:
        return close(state.model_copy(update={"outcome": None}))
    outcome = state.outcome
    if state.stage is not Stage.FOLLOW_UP or outcome is None:
        return None
    if value == SKIP:
        return close(_following_up(state, outcome, None))
    if value == USE_DUE_DAY and outcome.target_date:
        return close(_following_up(state, outcome, outcome.target_date))
    return None


def record_reading(state: PrepState, text: str, ctx: CoachContext, *, again: bool) -> Turn:
    """A new reading of the prep's outcome; the prep is closed again after it. `again`: ask
    once more when the text holds no number (in the dialog), rather than only explain."""
    outcome = state.outcome
    if outcome is None:
        return stay(state, say(Step.INFO, NO_OUTCOME))
    if outcome.status is not OutcomeStatus.OPEN:
        return stay(state, say(Step.INFO, f"{progress_line(outcome)}\n{status_line(outcome)}"))
    value = read_value(text)
    if value is None:
        hint = say(Step.INFO, f"Give the new number only. {_value_hint(outcome)}")
        return stay(state, hint, ask(state)) if again else stay(state, hint)
    updated = record(outcome, value[0], ctx.today, final=value[1])
    closed = state.model_copy(
        update={"outcome": updated, "status": Status.CLOSED, "stage": Stage.DONE}
    )
    text = f"Recorded: {progress_line(updated)}.\n{status_line(updated)}"
    return Turn(closed, [say(Step.DEBRIEF, text)])


def ask_reading(state: PrepState) -> Turn:
    """Open the prep to take a new reading of its outcome, in the dialog."""
    outcome = state.outcome
    if outcome is None:
        return stay(state, say(Step.INFO, NO_OUTCOME))
    if outcome.status is not OutcomeStatus.OPEN:
        return stay(state, say(Step.INFO, f"{progress_line(outcome)}\n{status_line(outcome)}"))
    live = state.model_copy(
        update={"step": Step.DEBRIEF, "stage": Stage.NEW_VALUE, "status": Status.IN_PROGRESS}
    )
    return Turn(live, [ask(live)])


def progress_line(outcome: MeasuredOutcome) -> str:
    """E.g. "training completion in sales: 42% → 71%, goal 90% by Mon 15 Mar 2027"."""
    values = [outcome.baseline, *(reading.value for reading in outcome.readings)]
    path = " → ".join(number_label(value, outcome.unit) for value in values)
    now = "" if outcome.readings else " now"
    due = f" by {day_label(outcome.target_date)}" if outcome.target_date else ""
    return f"{outcome.metric}: {path}{now}, goal {number_label(outcome.target, outcome.unit)}{due}"


def status_line(outcome: MeasuredOutcome) -> str:
    """Where the loop stands, in words."""
    if outcome.status is OutcomeStatus.REACHED:
        return "Goal reached — the loop is closed."
    if outcome.status is OutcomeStatus.FINAL:
        return "Final reading recorded — the loop is closed."
    if outcome.follow_up_on:
        return f"I'll ask you for the new number on {day_label(outcome.follow_up_on)}."
    return "No reminder planned; record the new number whenever you have it."


def number_label(value: float, unit: Unit) -> str:
    shown = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
    return f"{shown}{unit.value}"


def _value_hint(outcome: MeasuredOutcome) -> str:
    example = number_label(round((outcome.latest + outcome.target) / 2), outcome.unit)
    return f"E.g. {example} — add “final” if it is the last reading."


def _follow_up(state: PrepState, text: str, ctx: CoachContext, close: Close) -> Turn:
    outcome = state.outcome
    if outcome is None:  # not reached: FOLLOW_UP is entered with an outcome
        return stay(state, ask(state.model_copy(update={"stage": Stage.MEASURE})))
    reading = read_date(text, ctx.today, ctx.date_order, ctx.fiscal_year_start_month, ctx.regions)
    if reading is None or reading.day is None:
        hint = "Give one day, e.g. 15 March, 2027-03-15 or in 6 weeks."
        return stay(state, say(Step.DEBRIEF, f"I couldn't read one day there. {hint}"), ask(state))
    if reading.action is Action.CONFIRM and reading.day < ctx.today:
        past = f"{day_label(reading.day)} is already past; pick a day ahead."
        return stay(state, say(Step.DEBRIEF, past), ask(state))
    return close(_following_up(state, outcome, reading.day))


def _following_up(state: PrepState, outcome: MeasuredOutcome, day: date | None) -> PrepState:
    return state.model_copy(update={"outcome": outcome.model_copy(update={"follow_up_on": day})})
