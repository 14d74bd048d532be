"""What the coach noticed, one typed shape per kind of finding.

A finding serialises as one object of a reply's `findings` (DESIGN.md, "The neutral reply"):
`{"kind": "jargon", "term": "MFA", "suggestion": "…"}`. `kind` picks the shape, so a
renderer matches on the class and mypy checks every field it reads.

Most findings are a `Notice` (a sentence saying what was noticed) and many a `Tip` (a notice
and what to do instead); a term finding is the word and its plain alternative.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field


class _Finding(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str


class TermFinding(_Finding):
    """A word the listener may stumble over, and the plain words to say instead."""

    kind: Literal["jargon", "acronym"]
    term: str
    suggestion: str
    # What an acronym stands for, when the glossary knows it.
    expansion: str | None = None


class Notice(_Finding):
    """Something the coach noticed, said in one sentence."""

    message: str


class Tip(Notice):
    """A notice with what to do instead."""

    suggestion: str


class UnfamiliarFinding(Tip):
    """A word rare in everyday English that the glossary has no plain alternative for."""

    kind: Literal["unfamiliar"] = "unfamiliar"
    term: str


class ReadabilityFinding(Tip):
    kind: Literal["readability"] = "readability"
    grade: float
    target: float


class FearFinding(Tip):
    kind: Literal["fear"] = "fear"
    # The frightening sentence, shortened.
    quote: str


class PrioritiesFinding(Tip):
    """The ask is not tied to anything the stakeholder cares about."""

    kind: Literal["priorities"] = "priorities"


class MultipleGoalsFinding(Tip):
    kind: Literal["multiple_goals"] = "multiple_goals"
    goals: list[str]


QuestionKind = Literal["closed_question", "leading_question", "accusing_question"]


class QuestionFinding(Tip):
    """A question for the stakeholder that shuts them down rather than opening them up."""

    kind: QuestionKind
    # The user's question.
    term: str


class BlamingHypothesisFinding(Tip):
    kind: Literal["blaming_hypothesis"] = "blaming_hypothesis"
    # The user's hypothesis.
    term: str


class MissingWhyFinding(Tip):
    kind: Literal["missing_why"] = "missing_why"


class CrunchPeriodFinding(Tip):
    """A date (the talk's, or a goal's deadline) in one of the stakeholder's busy windows."""

    kind: Literal["crunch_period"] = "crunch_period"
    # The busy window's name.
    term: str
    start: datetime.date
    end: datetime.date


class QuietWindowFinding(Notice):
    kind: Literal["quiet_window"] = "quiet_window"
    start: datetime.date
    end: datetime.date


class HolidayFinding(Notice):
    kind: Literal["holiday"] = "holiday"
    # The holiday's name.
    term: str
    date: datetime.date
    region: str


class WeekendFinding(Notice):
    kind: Literal["weekend"] = "weekend"


class TrimmedFinding(Notice):
    """The user's message was longer than the coach reads; `limit` characters were kept."""

    kind: Literal["trimmed"] = "trimmed"
    limit: int


class ForgottenFinding(Notice):
    """Everything about the user was deleted (`forget`); `preps` is how many preps."""

    kind: Literal["forgotten"] = "forgotten"
    preps: int


Finding = Annotated[
    TermFinding
    | UnfamiliarFinding
    | ReadabilityFinding
    | FearFinding
    | PrioritiesFinding
    | MultipleGoalsFinding
    | QuestionFinding
    | BlamingHypothesisFinding
    | MissingWhyFinding
    | CrunchPeriodFinding
    | QuietWindowFinding
    | HolidayFinding
    | WeekendFinding
    | TrimmedFinding
    | ForgottenFinding,
    Field(discriminator="kind"),
]


def _kinds() -> tuple[str, ...]:
    shapes: tuple[type[_Finding], ...] = get_args(get_args(Finding)[0])
    return tuple(
        kind for shape in shapes for kind in get_args(shape.model_fields["kind"].annotation)
    )


# Every kind a finding can have, in the order of `Finding`.
FINDING_KINDS: tuple[str, ...] = _kinds()
