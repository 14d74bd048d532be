"""The neutral message types every channel translates to and from.

A turn is one `Inbound` in and a list of `Reply` out. Serialised, a reply is one line of
the `--json` transcript format described in DESIGN.md.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.engine.findings import Finding
from bot.engine.scene import StakeholderCue


class Step(StrEnum):
    FEEL = "feel"
    FOCUS = "focus"
    TIMING = "timing"
    SIMPLIFY = "simplify"
    WHY = "why"
    BRIEF = "brief"
    DEBRIEF = "debrief"
    INFO = "info"


COACHING_STEPS: tuple[Step, ...] = (Step.FEEL, Step.FOCUS, Step.TIMING, Step.SIMPLIFY, Step.WHY)

# How each step is named to people, on every channel.
STEP_NAMES: dict[Step, str] = {
    Step.FEEL: "Feel",
    Step.FOCUS: "Focus",
    Step.TIMING: "Slow down",
    Step.SIMPLIFY: "Simplify",
    Step.WHY: "Spark",
    Step.BRIEF: "Brief",
    Step.DEBRIEF: "Debrief",
    Step.INFO: "prep-talk",
}


class Expects(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    NONE = "none"


class Choice(BaseModel):
    model_config = ConfigDict(frozen=True)

    value: str
    label: str


class Reply(BaseModel):
    model_config = ConfigDict(frozen=True)

    step: Step
    text: str
    expects: Expects = Expects.NONE
    choices: tuple[Choice, ...] = ()
    findings: tuple[Finding, ...] = ()
    # True where several choices may be picked at once (a checklist with one submit).
    pick_several: bool | None = None
    # Set on a rehearsal line spoken by the stakeholder; never part of the transcript.
    cue: StakeholderCue | None = Field(default=None, exclude=True)

    def to_json_line(self) -> str:
        return self.model_dump_json(exclude_none=True)


class Command(StrEnum):
    """Things a user asks for outside the step-by-step dialog."""

    START = "start"
    RESUME = "resume"
    DEBRIEF = "debrief"


class Inbound(BaseModel):
    """One thing the user did: wrote text, picked a choice, or ran a command."""

    model_config = ConfigDict(frozen=True)

    text: str | None = None
    choice: str | None = None
    # Several choices ticked in one checklist and sent with one submit, applied in order.
    picks: tuple[str, ...] = ()
    command: Command | None = None
    argument: str | None = None
    # Where a button was shown: a click from another prep or an earlier step is stale.
    prep_id: int | None = None
    step: Step | None = None

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> Inbound:
        return cls.model_validate(document)


class Transcript(BaseModel):
    """A list of replies, as one JSON document (used by the web playground)."""

    replies: list[Reply] = Field(default_factory=list)
