"""The state of one prep conversation between turns (stored as JSON by the coach service)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from bot.engine.dates import DateOrder
from bot.engine.messages import Step
from bot.engine.outcomes import MeasuredOutcome
from bot.engine.rehearsal.record import Rehearsal, Scorecard


class Status(StrEnum):
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    BRIEFED = "briefed"
    CLOSED = "closed"


class Stage(StrEnum):
    """Where inside a step the conversation is."""

    HYPOTHESES = "hypotheses"
    QUESTIONS = "questions"
    GOAL = "goal"
    PICK_GOAL = "pick_goal"
    DATE = "date"
    CONFIRM_DATE = "confirm_date"
    PICK_DATE = "pick_date"
    GATHER = "gather"
    DRAFT = "draft"
    WHY = "why"
    DONE = "done"
    HEARD = "heard"
    AGREED = "agreed"
    NEXT_STEP = "next_step"
    MEASURE = "measure"
    FOLLOW_UP = "follow_up"
    NEW_VALUE = "new_value"
    REPLY = "reply"


FIRST_STAGE: dict[Step, Stage] = {
    Step.FEEL: Stage.HYPOTHESES,
    Step.FOCUS: Stage.GOAL,
    Step.TIMING: Stage.DATE,
    Step.SIMPLIFY: Stage.DRAFT,
    Step.WHY: Stage.WHY,
    Step.BRIEF: Stage.DONE,
    Step.DEBRIEF: Stage.HEARD,
    Step.REHEARSE: Stage.REPLY,
}


class Debrief(BaseModel):
    heard: str | None = None
    agreed: str | None = None
    next_step: str | None = None


class PrepState(BaseModel):
    """Everything the user has answered so far, and where they are."""

    model_config = ConfigDict(validate_assignment=True)

    stakeholder: str
    step: Step = Step.FEEL
    stage: Stage = Stage.HYPOTHESES
    status: Status = Status.IN_PROGRESS
    hypotheses: list[str] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list)
    goal: str | None = None
    goal_options: list[str] = Field(default_factory=list)
    planned_date: date | None = None
    proposed_date: date | None = None
    suggested_date: date | None = None
    # An ambiguous short date ("3/4") read both ways, and the order the user then chose.
    date_choices: dict[DateOrder, date] = Field(default_factory=dict)
    # "Tuesday the 10th" when the 10th is a Thursday: the 10th, and that week's Tuesday.
    day_choices: list[date] = Field(default_factory=list)
    date_order: DateOrder | None = None
    opening: str | None = None
    opening_grade: float | None = None
    why: str | None = None
    debrief: Debrief = Field(default_factory=Debrief)
    outcome: MeasuredOutcome | None = None
    rehearsal: Rehearsal | None = None  # the one under way
    scorecards: list[Scorecard] = Field(default_factory=list)  # earlier rehearsals, oldest first

    def at(self, step: Step) -> PrepState:
        """The same answers, moved to the first stage of `step`."""
        return self.model_copy(update={"step": step, "stage": FIRST_STAGE[step]})
