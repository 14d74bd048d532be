"""The stakeholder's calendar: fiscal quarters, busy windows, quiet windows and holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from bot.playbook.schema import Anchor, BusyWindow, Playbook

QUIET_WINDOW_MIN_DAYS = 5


@dataclass(frozen=True, slots=True)
class FiscalQuarter:
    fiscal_year: int
    number: int
    start: date
    end: date

    @property
    def label(self) -> str:
        return f"Q{self.number} FY{self.fiscal_year}"


@dataclass(frozen=True, slots=True)
class BusyPeriod:
    """One dated occurrence of a playbook's busy window (both ends inclusive)."""

    name: str
    reason: str
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class QuietWindow:
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Holiday:
    day: date
    name: str
    region: str


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def fiscal_quarter(day: date, start_month: int) -> FiscalQuarter:
    """The fiscal quarter containing `day`; the fiscal year is named after the year it ends in."""
    months_in = (day.month - start_month) % 12
    year_start = date(day.year if day.month >= start_month else day.year - 1, start_month, 1)
    number = months_in // 3 + 1
    q_year, q_month = _add_months(year_start.year, year_start.month, (number - 1) * 3)
    n_year, n_month = _add_months(q_year, q_month, 3)
    fiscal_year = year_start.year if start_month == 1 else year_start.year + 1
    return FiscalQuarter(
        fiscal_year, number, date(q_year, q_month, 1), date(n_year, n_month, 1) - timedelta(days=1)
    )


def _closes(anchor: Anchor, start_month: int, years: range) -> list[date]:
    """First days of each fiscal quarter (or year) in the given calendar years."""
    step = 3 if anchor is Anchor.QUARTER_CLOSE else 12
    closes = []
    for year in years:
        for offset in range(0, 12, step):
            c_year, c_month = _add_months(year, start_month, offset)
            closes.append(date(c_year, c_month, 1))
    return sorted(set(closes))


def _fixed_occurrences(window: BusyWindow, years: range) -> list[tuple[date, date]]:
    assert window.start and window.end
    s_month, s_day = (int(part) for part in window.start.split("-"))
    e_month, e_day = (int(part) for part in window.end.split("-"))
    spans = []
    for year in years:
        start = _safe_date(year, s_month, s_day)
        end_year = year + 1 if (e_month, e_day) < (s_month, s_day) else year
        spans.append((start, _safe_date(end_year, e_month, e_day)))
    return spans


def _safe_date(year: int, month: int, day: int) -> date:
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1  # 02-29 in a common year


def busy_periods(playbook: Playbook, start_month: int, first: date, last: date) -> list[BusyPeriod]:
    """Every busy period of the playbook that overlaps `first`..`last`, in date order."""
    years = range(first.year - 1, last.year + 2)
    periods = []
    for window in playbook.busy_windows:
        if window.relative_to is Anchor.FIXED:
            spans = _fixed_occurrences(window, years)
        else:
            spans = [
                (
                    close - timedelta(days=window.days_before),
                    close + timedelta(days=window.days_after - 1),
                )
                for close in _closes(window.relative_to, start_month, years)
            ]
        periods += [
            BusyPeriod(window.name, window.reason, start, end)
            for start, end in spans
            if start <= last and end >= first
        ]
    return sorted(periods, key=lambda period: (period.start, period.end))


def busy_on(playbook: Playbook, start_month: int, day: date) -> BusyPeriod | None:
    """The longest busy period covering `day`, if any."""
    covering = [p for p in busy_periods(playbook, start_month, day, day) if p.contains(day)]
    return max(covering, key=lambda p: (p.end - p.start, p.end), default=None)


def quiet_windows(
    playbook: Playbook, start_month: int, first: date, days: int = 400
) -> list[QuietWindow]:
    """Stretches of at least QUIET_WINDOW_MIN_DAYS days with no busy period, from `first` on."""
    last = first + timedelta(days=days)
    busy = busy_periods(playbook, start_month, first, last)
    windows, cursor = [], first
    for period in busy:
        if period.start > cursor:
            windows.append(QuietWindow(cursor, min(period.start - timedelta(days=1), last)))
        cursor = max(cursor, period.end + timedelta(days=1))
    if cursor <= last:
        windows.append(QuietWindow(cursor, last))
    return [w for w in windows if (w.end - w.start).days + 1 >= QUIET_WINDOW_MIN_DAYS]


@lru_cache(maxsize=512)
def _holidays_of(region: str, year: int) -> dict[date, str]:
    return dict(holidays.country_holidays(region, years=year).items())


def holiday_on(day: date, regions: list[str]) -> Holiday | None:
    """A public holiday on `day` in any of the stakeholder's regions."""
    for region in regions:
        name = _holidays_of(region, day.year).get(day)
        if name:
            return Holiday(day, name, region)
    return None


def is_working_day(day: date, regions: list[str]) -> bool:
    return day.weekday() < 5 and holiday_on(day, regions) is None


def best_day_near(
    playbook: Playbook, start_month: int, wanted: date, earliest: date
) -> date | None:
    """The quiet working day closest to `wanted` (not before `earliest`); earlier on a tie."""
    for distance in range(0, 200):
        for candidate in (wanted - timedelta(days=distance), wanted + timedelta(days=distance)):
            if candidate < earliest:
                continue
            quiet = busy_on(playbook, start_month, candidate) is None
            if quiet and is_working_day(candidate, playbook.regions):
                return candidate
    return None
