"""What a rehearsal keeps between turns, and the scorecards of rehearsals already done.

Habits are named by their coaching step (feel, focus, timing, simplify, why), so a scorecard
line and the step it trains read the same everywhere.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from bot.engine.messages import Step
from bot.playbook.schema import Objection

OPENING = -1  # `Rehearsal.at` while the stakeholder's opening line waits for its answer


class JudgedReply(BaseModel):
    """One thing the user said to the stakeholder, and which habits it showed or missed."""

    model_config = ConfigDict(frozen=True)

    said: str
    shown: tuple[Step, ...] = ()
    missed: tuple[Step, ...] = ()


class Rehearsal(BaseModel):
    """A rehearsal under way: the push-back picked for this prep and the replies so far."""

    model_config = ConfigDict(frozen=True)

    back_to: Step  # where the prep returns afterwards: its brief, or its debrief when closed
    objections: tuple[Objection, ...]
    at: int = OPENING
    replies: tuple[JudgedReply, ...] = ()
    # The user has been told once that the model voice fell back to scripted lines.
    voice_notice_given: bool = False


class HabitScore(BaseModel):
    """One scorecard line: a habit, its score (None: not called for) and the quote behind it."""

    model_config = ConfigDict(frozen=True)

    habit: Step
    score: int | None = None
    quote: str | None = None
    earned: bool = False  # the quote shows the habit (else it is where the habit was missed)


class Scorecard(BaseModel):
    model_config = ConfigDict(frozen=True)

    lines: tuple[HabitScore, ...] = Field(default_factory=tuple)

    def score_of(self, habit: Step) -> int | None:
        return next((line.score for line in self.lines if line.habit is habit), None)
