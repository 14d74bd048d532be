"""Who is due which nudge right now. Pure: the audience and the clock are passed in.

Kinds:
- quiet_window_closing: from `nudge_lead_days` before a stakeholder's busy window until it
  starts — hold the talk while they can still listen;
- after_close: the first days after a busy window — a good time now;
- debrief: the days after a planned talk — record what was heard and agreed;
- outcome: from a debriefed prep's follow-up day — what is the number now?

A nudge is due only in the user's working hours; its `key` (kind and period) makes it
at-most-once per user in the outbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.engine import calendar
from bot.nudges.hours import is_working_moment, local_time
from bot.playbook.schema import Playbook
from bot.users import UserRef

Span = tuple[date, date]
AFTER_CLOSE_DAYS = 7
DEBRIEF_DAYS = 7
FOLLOW_UP_DAYS = 7  # a follow-up day that fell on a weekend or holiday is still asked after
DEFAULT_STAKEHOLDER = "sales"


class NudgeKind(StrEnum):
    QUIET_WINDOW_CLOSING = "quiet_window_closing"
    AFTER_CLOSE = "after_close"
    DEBRIEF = "debrief"
    OUTCOME = "outcome"


@dataclass(frozen=True, slots=True)
class Talk:
    prep_id: int
    stakeholder: str
    planned_date: date


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A debriefed prep whose measured outcome is next checked `on` that day."""

    prep_id: int
    stakeholder: str
    on: date


@dataclass(frozen=True, slots=True)
class Audience:
    """One user, as the planner needs them."""

    user: UserRef
    time_zone: str = "UTC"
    fiscal_year_start_month: int = 1
    opted_in: bool = False
    opted_out: bool = False
    snoozed_until: datetime | None = None
    open_stakeholders: frozenset[str] = frozenset()
    known_stakeholders: frozenset[str] = frozenset()
    talks: tuple[Talk, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()

    def stakeholders(self) -> frozenset[str]:
        """Open preps always count; opting in adds every stakeholder they ever prepared for."""
        if not self.opted_in:
            return self.open_stakeholders
        return self.open_stakeholders | (self.known_stakeholders or {DEFAULT_STAKEHOLDER})


@dataclass(frozen=True, slots=True)
class PlannedNudge:
    user: UserRef
    kind: NudgeKind
    period: str
    stakeholder: str
    starts: date | None = None
    ends: date | None = None
    prep_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.period}"


def due_nudges(
    audience: Audience,
    playbooks: Mapping[str, Playbook],
    now: datetime,
    memory: PassMemory | None = None,
) -> list[PlannedNudge]:
    """Every nudge due for this user at `now` (empty outside their working hours).

    A planning pass over many users passes one `PassMemory`, so that what its users share
    (busy spans, each time zone's working day) is worked out once."""
    if audience.opted_out or (audience.snoozed_until and now < audience.snoozed_until):
        return []
    memory = memory or PassMemory()
    today = memory.working_day(now, audience.time_zone)
    if today is None:
        return []
    due: list[PlannedNudge] = []
    for stakeholder in sorted(audience.stakeholders()):
        book = playbooks.get(stakeholder)
        if book is not None:
            due += _season_nudges(audience, book, today, memory)
    due += [
        PlannedNudge(audience.user, NudgeKind.DEBRIEF, f"prep{talk.prep_id}", talk.stakeholder,
                     starts=talk.planned_date, prep_id=talk.prep_id)
        for talk in audience.talks
        if talk.planned_date < today <= talk.planned_date + timedelta(days=DEBRIEF_DAYS)
    ]  # fmt: skip
    due += [
        PlannedNudge(audience.user, NudgeKind.OUTCOME, f"prep{check.prep_id}:{check.on}",
                     check.stakeholder, starts=check.on, prep_id=check.prep_id)
        for check in audience.follow_ups
        if check.on <= today <= check.on + timedelta(days=FOLLOW_UP_DAYS)
    ]  # fmt: skip
    return due


def _season_nudges(
    audience: Audience, book: Playbook, today: date, memory: PassMemory
) -> list[PlannedNudge]:
    lead = timedelta(days=book.nudge_lead_days)
    first = today - timedelta(days=AFTER_CLOSE_DAYS + 1)
    nudges = []
    for start, end in memory.spans(book, audience.fiscal_year_start_month, first, today + lead):
        if start - lead <= today < start:
            nudges.append(
                PlannedNudge(audience.user, NudgeKind.QUIET_WINDOW_CLOSING,
                             f"{book.id}:{start.isoformat()}", book.id, starts=start, ends=end)
            )  # fmt: skip
        if end < today <= end + timedelta(days=AFTER_CLOSE_DAYS):
            nudges.append(
                PlannedNudge(audience.user, NudgeKind.AFTER_CLOSE,
                             f"{book.id}:{end.isoformat()}", book.id, starts=start, ends=end)
            )  # fmt: skip
    return nudges


@dataclass
class PassMemory:
    """What one planning pass works out once for all its users, who share a handful of
    fiscal calendars, days and time zones: busy spans, and each zone's working day."""

    _spans: dict[tuple[str, int, date, date], list[Span]] = field(default_factory=dict)
    _days: dict[tuple[datetime, str], date | None] = field(default_factory=dict)

    def spans(self, book: Playbook, start_month: int, first: date, last: date) -> list[Span]:
        """`busy_spans`, remembered (a pass has one library: a playbook's id names it)."""
        key = (book.id, start_month, first, last)
        found = self._spans.get(key)
        if found is None:
            found = self._spans[key] = busy_spans(book, start_month, first, last)
        return found

    def working_day(self, now: datetime, time_zone: str) -> date | None:
        """The local day in `time_zone` at `now`; None outside its working hours."""
        key = (now, time_zone)
        if key not in self._days:
            working = is_working_moment(now, time_zone)
            self._days[key] = local_time(now, time_zone).date() if working else None
        return self._days[key]


def busy_spans(book: Playbook, start_month: int, first: date, last: date) -> list[Span]:
    """Busy periods merged where they overlap or touch (sales' quarter-end inside year-end)."""
    spans: list[Span] = []
    for period in calendar.busy_periods(book, start_month, first, last):
        if spans and period.start <= spans[-1][1] + timedelta(days=1):
            spans[-1] = (spans[-1][0], max(spans[-1][1], period.end))
        else:
            spans.append((period.start, period.end))
    return spans
