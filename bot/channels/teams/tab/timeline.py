"""The quarter timeline the tab draws: fiscal quarters, busy and quiet windows, holidays, today.

Dates come from `bot.engine.calendar` (the same rules the coach uses in the Slow-down step);
this module only lays them out on an SVG canvas, so the template draws rectangles and lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.engine import calendar
from bot.playbook.schema import Playbook

QUARTERS_SHOWN = 4
WIDTH = 960
LEFT = 8
RIGHT = 8
HOLIDAYS_SHOWN = 240  # every day of the year could be one somewhere; keep the SVG bounded


@dataclass(frozen=True, slots=True)
class Span:
    """Something with dates on the timeline, placed at `x` with `width` (SVG units)."""

    label: str
    start: date
    end: date
    x: float
    width: float


@dataclass(frozen=True, slots=True)
class Mark:
    label: str
    day: date
    x: float


@dataclass(frozen=True, slots=True)
class Timeline:
    width: int
    first: date
    last: date
    quarters: list[Span]
    busy: list[Span]
    quiet: list[Span]
    holidays: list[Mark]
    today: Mark


def quarter_timeline(playbook: Playbook, fiscal_year_start_month: int, today: date) -> Timeline:
    """The current fiscal quarter and the next three, with everything dated inside them."""
    quarters = [calendar.fiscal_quarter(today, fiscal_year_start_month)]
    while len(quarters) < QUARTERS_SHOWN:
        quarters.append(
            calendar.fiscal_quarter(quarters[-1].end + timedelta(days=1), fiscal_year_start_month)
        )
    first, last = quarters[0].start, quarters[-1].end
    scale = (WIDTH - LEFT - RIGHT) / ((last - first).days + 1)

    def span(label: str, start: date, end: date) -> Span:
        start, end = max(start, first), min(end, last)
        x = LEFT + (start - first).days * scale
        return Span(label, start, end, round(x, 1), round(((end - start).days + 1) * scale, 1))

    def mark(label: str, day: date) -> Mark:
        return Mark(label, day, round(LEFT + ((day - first).days + 0.5) * scale, 1))

    busy = calendar.busy_periods(playbook, fiscal_year_start_month, first, last)
    quiet = calendar.quiet_windows(playbook, fiscal_year_start_month, first, (last - first).days)
    return Timeline(
        width=WIDTH,
        first=first,
        last=last,
        quarters=[span(q.label, q.start, q.end) for q in quarters],
        busy=[span(period.name, period.start, period.end) for period in busy],
        quiet=[span("Quiet window", window.start, window.end) for window in quiet],
        holidays=[mark(f"{h.name} ({h.region})", h.day) for h in _holidays(playbook, first, last)],
        today=mark("Today", today),
    )


def _holidays(playbook: Playbook, first: date, last: date) -> list[calendar.Holiday]:
    found: list[calendar.Holiday] = []
    day = first
    while day <= last and len(found) < HOLIDAYS_SHOWN:
        holiday = calendar.holiday_on(day, playbook.regions)
        if holiday is not None:
            found.append(holiday)
        day += timedelta(days=1)
    return found
