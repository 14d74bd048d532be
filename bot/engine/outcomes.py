"""The number that shows a talk worked: read from what people type, tracked until the loop closes.

A measured outcome names a metric, where it is now, the goal and (usually) the day it is due:
"training completion in sales: 42% now, goal 90% by 15 March", "phishing reports from 3 to 20
a month by end of June", "open findings 120 -> 20 by 2027-06-30". Later readings are recorded
against it; reaching the goal, a value marked final, or a reading on or after the due day
closes the loop. Pure: `today` and the user's date order are passed in.
"""

from __future__ import annotations

import calendar as month_calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field

from bot.engine.dates import Action, DateOrder, period_end, read_date

MAX_METRIC = 120
EXAMPLE = "training completion in sales: 42% now, goal 90% by 15 March"
# With no due day, the coach asks again this long after each reading.
RECHECK_DAYS = 30

_NUMBER = re.compile(
    r"(?<![\w.,])(?P<value>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<percent>%|percent\b|per cent\b|pct\b))?(?![\w%])",
    re.IGNORECASE,
)
_DATE_WORD = re.compile(
    r"\b(?:by|before|until|till|no later than|on|in|within|due|deadline)\b[: ]", re.IGNORECASE
)
_TARGET_BEFORE = re.compile(
    r"(?:goal|target|aim|aiming for|to|up to|down to|reach|hit|get to|want|->|→|=>|>)"
    r"\s*(?:of|is|at|for)?\s*[:=]?\s*$",
    re.IGNORECASE,
)
_CURRENT_BEFORE = re.compile(
    r"(?:now|currently|today|from|at|is|was|baseline|starting|start)\s*(?:at|is)?\s*[:=]?\s*$",
    re.IGNORECASE,
)
_CURRENT_AFTER = re.compile(
    r"^\s*(?:[a-z]+\s+)?(?:now|today|currently|at the moment|so far|right now)\b", re.IGNORECASE
)
_TARGET_AFTER = re.compile(r"^\s*(?:[a-z]+\s+)?(?:goal|target)\b", re.IGNORECASE)
_CUE_WORDS = (
    r"now|currently|today|from|at|is|was|goal|target|aim|to|baseline|starting|start|"
    r"right now|at the moment|so far|and|then|with|a|an|the|of"
)
_LEADING_CUES = re.compile(rf"^(?:\W|\b(?:{_CUE_WORDS})\b)+", re.IGNORECASE)
_TRAILING_CUES = re.compile(rf"(?:\W|\b(?:{_CUE_WORDS})\b)+$", re.IGNORECASE)
_FINAL = re.compile(r"\b(?:final|done|last|for good)\b", re.IGNORECASE)


class Unit(StrEnum):
    PERCENT = "%"
    COUNT = ""


class OutcomeStatus(StrEnum):
    OPEN = "open"  # waiting for the next reading
    REACHED = "reached"  # the goal was met: loop closed
    FINAL = "final"  # a final reading short of the goal: loop closed


class Reading(BaseModel):
    value: float
    on: date


class MeasuredOutcome(BaseModel):
    """The number that shows the talk worked, and the readings since."""

    metric: str
    unit: Unit
    baseline: float
    target: float
    target_date: date | None = None
    follow_up_on: date | None = None
    readings: list[Reading] = Field(default_factory=list)
    status: OutcomeStatus = OutcomeStatus.OPEN

    @property
    def latest(self) -> float:
        return self.readings[-1].value if self.readings else self.baseline

    def reached(self, value: float) -> bool:
        """Whether `value` meets the goal (lower is better when the goal is below the start)."""
        return value >= self.target if self.target > self.baseline else value <= self.target


@dataclass(frozen=True, slots=True)
class MeasureReading:
    """What the user's text said: an outcome, or what is missing from it (a re-ask)."""

    outcome: MeasuredOutcome | None = None
    problem: str | None = None


def read_measure(
    text: str, today: date, order: DateOrder | None = None, fiscal_year_start_month: int = 1
) -> MeasureReading:
    """The measured outcome in `text`: a metric, its value now, the goal and the due day
    (a fiscal period such as "by end of Q2" by the company's fiscal year)."""
    rest, due, problem = _due_day(text, today, order, fiscal_year_start_month)
    if problem:
        return MeasureReading(problem=problem)
    numbers = list(_NUMBER.finditer(rest))
    if len(numbers) != 2:
        return MeasureReading(problem=_count_problem(len(numbers)))
    current, target = _roles(rest, numbers[0], numbers[1])
    metric = _metric(rest, numbers[0], numbers[1])
    if not metric:
        return MeasureReading(problem="Name what you measure, not only the numbers.")
    now_value, goal_value = _value(current), _value(target)
    if now_value == goal_value:
        return MeasureReading(problem="The number now and the goal are the same; what is the goal?")
    percent = bool(current["percent"] or target["percent"])
    unit = Unit.PERCENT if percent else Unit.COUNT
    outcome = MeasuredOutcome(
        metric=metric, unit=unit, baseline=now_value, target=goal_value, target_date=due
    )
    return MeasureReading(outcome=outcome)


def read_value(text: str) -> tuple[float, bool] | None:
    """A new reading ("71%", "71 final"): its value and whether it is the final one; None
    unless the text holds exactly one number."""
    numbers = list(_NUMBER.finditer(text))
    if len(numbers) != 1:
        return None
    return _value(numbers[0]), bool(_FINAL.search(text))


def record(outcome: MeasuredOutcome, value: float, today: date, final: bool) -> MeasuredOutcome:
    """The outcome with a new reading. The loop closes when the goal is met, when the user
    calls it final, or on or after the due day; otherwise the next check is the due day
    (or RECHECK_DAYS on when there is none, or it has come)."""
    readings = [*outcome.readings, Reading(value=value, on=today)]
    due = outcome.target_date
    if outcome.reached(value):
        status, follow_up = OutcomeStatus.REACHED, None
    elif final or (due is not None and today >= due):
        status, follow_up = OutcomeStatus.FINAL, None
    else:
        following = due if due is not None and due > today else None
        status, follow_up = OutcomeStatus.OPEN, following or today + timedelta(days=RECHECK_DAYS)
    return outcome.model_copy(
        update={"readings": readings, "status": status, "follow_up_on": follow_up}
    )


def _value(match: re.Match[str]) -> float:
    return float(match["value"].replace(",", ""))


def _count_problem(found: int) -> str:
    if found == 0:
        return "I found no numbers there."
    if found == 1:
        return "I need two numbers: where it is now, and the goal."
    return "I found more than two numbers; give only the number now and the goal."


def _due_day(
    text: str, today: date, order: DateOrder | None, fiscal_year_start_month: int
) -> tuple[str, date | None, str | None]:
    """The text without its due-day phrase, the due day, and a problem with it if any.

    The last phrase such as "by 15 March" that reads as a date and leaves the two numbers
    wins; it runs to the next comma or semicolon."""
    for word in reversed(list(_DATE_WORD.finditer(text))):
        clause = re.split(r"[;,]", text[word.end() :], maxsplit=1)[0]
        if "%" in clause or not clause.strip():
            continue
        rest = text[: word.start()] + text[word.end() + len(clause) :]
        if len(_NUMBER.findall(rest)) != 2:
            continue  # "42 now" is no due day, though a lenient date reader takes it as today
        end = period_end(clause, today, fiscal_year_start_month)  # "by Q2": its last day
        if end is not None:
            return rest, *_settled_due(Action.ACCEPT, end, None, today)
        reading = read_date(clause, today, order, fiscal_year_start_month)
        if reading is None:
            continue
        day, problem = _settled_due(reading.action, reading.day, reading.month, today)
        if reading.clash:
            problem = "Write the due day with its month's name (e.g. 15 March): that weekday "
            problem += "and that day of the month fall on different days."
        elif reading.options:
            problem = "Write the due day with its month's name (e.g. 15 March): 3/4 reads two ways."
        return rest, day, problem
    return text, None, None


def _settled_due(
    action: Action, day: date | None, month: int | None, today: date
) -> tuple[date | None, str | None]:
    """A due day: a month alone means its last day ("by June"); past days are refused."""
    if month is not None:
        year = today.year if month >= today.month else today.year + 1
        return date(year, month, month_calendar.monthrange(year, month)[1]), None
    if day is not None and day < today:
        return None, "That due day is already past; when is the goal due?"
    del action  # a day far ahead is fine for a goal
    return day, None


def _roles(text: str, first: re.Match[str], second: re.Match[str]) -> tuple[re.Match[str], ...]:
    """Which number is now and which the goal: by the words around them, else in order."""

    def cue(match: re.Match[str], before_from: int, after_to: int) -> str | None:
        before, after = text[before_from : match.start()], text[match.end() : after_to]
        if _TARGET_BEFORE.search(before) or _TARGET_AFTER.search(after):
            return "target"
        if _CURRENT_BEFORE.search(before) or _CURRENT_AFTER.search(after):
            return "current"
        return None

    first_cue = cue(first, 0, second.start())
    second_cue = cue(second, first.end(), len(text))
    swapped = (first_cue == "target" and second_cue != "target") or (
        second_cue == "current" and first_cue != "current"
    )
    if swapped:
        return second, first
    return first, second


def _metric(text: str, first: re.Match[str], second: re.Match[str]) -> str:
    """The words that name the metric: before the numbers, else after them."""
    for part in (text[: first.start()], text[second.end() :], text[first.end() : second.start()]):
        name = _TRAILING_CUES.sub("", _LEADING_CUES.sub("", part)).strip()
        if re.search(r"[^\W\d_]{2,}", name):
            return re.sub(r"\s+", " ", name)[:MAX_METRIC]
    return ""
