"""What a stakeholder playbook and the glossary contain (pydantic-validated YAML)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=600)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,40}$")]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
KnownTerm = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=40)]
MonthDay = Annotated[str, StringConstraints(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


class Anchor(StrEnum):
    """Where a busy window sits: around the close of each fiscal quarter or year, or fixed dates."""

    QUARTER_CLOSE = "quarter_close"
    YEAR_CLOSE = "year_close"
    FIXED = "fixed"


class BusyWindow(BaseModel):
    """A recurring period when the stakeholder's team has no attention to spare.

    For `quarter_close` / `year_close` the window is `[close - days_before, close + days_after)`
    where `close` is the first day of the next fiscal quarter or year; so `days_before: 21`
    is the last 21 days of every quarter. For `fixed` it is `start`..`end` (MM-DD, inclusive,
    may wrap over the new year).
    """

    model_config = ConfigDict(extra="forbid")

    name: Text
    reason: Text
    relative_to: Anchor
    days_before: int = Field(default=0, ge=0, le=120)
    days_after: int = Field(default=0, ge=0, le=120)
    start: MonthDay | None = None
    end: MonthDay | None = None

    @model_validator(mode="after")
    def _shape(self) -> BusyWindow:
        if self.relative_to is Anchor.FIXED:
            if not (self.start and self.end):
                raise ValueError("a fixed window needs start and end (MM-DD)")
        elif self.start or self.end:
            raise ValueError("start/end are only for relative_to: fixed")
        elif self.days_before + self.days_after == 0:
            raise ValueError("a window around a close needs days_before or days_after")
        return self


class Move(StrEnum):
    """Something a good reply to push-back does; rehearsal judges each reply for these."""

    ACKNOWLEDGE = "acknowledge"  # names their concern before answering it
    ASK_BACK = "ask_back"  # asks a question back instead of arguing
    ONE_GOAL = "one_goal"  # stays on the one outcome of this conversation
    LOWER_BURDEN = "lower_burden"  # offers to take work, time or friction off them
    GIVE_WHY = "give_why"  # says why it matters to them, in their priorities


MIN_OBJECTIONS = 5


class Objection(BaseModel):
    """A push-back the stakeholder is likely to raise, as they would say it, and a good reply.

    `moves` are what a good reply to it does (rehearsal expects those); `about` are the
    lower-case words that make it relevant to a prep whose goal or hypotheses use them.
    """

    model_config = ConfigDict(extra="forbid")

    objection: Text
    reply: Text
    moves: list[Move] = Field(min_length=2)
    about: list[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z -]{1,30}$")]] = Field(
        min_length=2
    )

    @model_validator(mode="after")
    def _distinct_moves(self) -> Objection:
        if len(set(self.moves)) != len(self.moves):
            raise ValueError(f"objection {self.objection!r} lists a move twice")
        return self


class Playbook(BaseModel):
    """How to prepare a conversation with one kind of stakeholder.

    Text fields may use Jinja2 placeholders `{{ team }}`, `{{ role }}`, `{{ company }}` and
    `{{ mission }}`, rendered in a sandbox.
    """

    model_config = ConfigDict(extra="forbid")

    id: Slug
    name: Text
    role: Text = Field(description="who you will talk to, e.g. 'the VP of Sales'")
    team: Text = Field(description="their people, e.g. 'the sales team'")
    aliases: list[Slug] = Field(default_factory=list)
    summary: Text
    priorities: list[Text] = Field(min_length=3)
    priority_terms: list[Annotated[str, StringConstraints(min_length=2, max_length=40)]] = Field(
        min_length=5, description="lower-case words that show a pitch speaks to their priorities"
    )
    known_terms: list[KnownTerm] = Field(
        default_factory=list,
        description="the stakeholder's own vocabulary (ARR, EBITDA, sprint): never jargon to them",
    )
    likely_concerns: list[Text] = Field(min_length=3)
    listening_questions: list[Text] = Field(min_length=4)
    busy_windows: list[BusyWindow] = Field(default_factory=list)
    regions: list[CountryCode] = Field(default_factory=list)
    objections: list[Objection] = Field(
        min_length=MIN_OBJECTIONS,
        description="what they typically say back, each with what a good reply does",
    )
    fallback_ask: Text | None = Field(
        default=None, description="a smaller ask to fall back on if the one outcome is refused"
    )
    data_to_gather: list[Text] = Field(min_length=3)
    framing_advice: list[Text] = Field(min_length=3)
    example_opening: Text
    why_examples: list[Text] = Field(min_length=2)
    readability_target: float = Field(default=9.0, ge=3, le=16)
    nudge_lead_days: int = Field(default=14, ge=1, le=60)
    prep_days: int = Field(
        default=7, ge=1, le=60, description="days to gather data before a suggested date"
    )

    @model_validator(mode="after")
    def _terms_lower(self) -> Playbook:
        for term in self.priority_terms:
            if term != term.lower():
                raise ValueError(f"priority_terms must be lower case: {term!r}")
        seen: set[str] = set()
        for term in self.known_terms:
            if term.lower() in seen:
                raise ValueError(f"known_terms lists {term!r} twice")
            seen.add(term.lower())
        return self


class GlossaryKind(StrEnum):
    JARGON = "jargon"
    ACRONYM = "acronym"


class GlossaryEntry(BaseModel):
    """A security term and how to say it plainly to a business audience."""

    model_config = ConfigDict(extra="forbid")

    term: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=60)]
    kind: GlossaryKind
    plain: Text
    expansion: str | None = None
    variants: list[str] = Field(default_factory=list)
    # An everyday word whose security sense ('lure', 'contained', 'popped') is jargon only
    # when the draft is about security; elsewhere it is plain English.
    security_sense: bool = False

    @model_validator(mode="after")
    def _acronym_shape(self) -> GlossaryEntry:
        if self.kind is GlossaryKind.ACRONYM:
            if not self.expansion:
                raise ValueError(f"acronym {self.term!r} needs its expansion")
            if not re.fullmatch(r"[A-Za-z0-9&/\-]{2,10}", self.term):
                raise ValueError(f"acronym {self.term!r} should be a short token like 'MFA'")
        return self


class Glossary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    entries: list[GlossaryEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Glossary:
        seen: set[str] = set()
        for entry in self.entries:
            key = entry.term.lower()
            if key in seen:
                raise ValueError(f"glossary term {entry.term!r} appears twice")
            seen.add(key)
        return self
