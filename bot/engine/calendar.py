"""The stakeholder's calendar: fiscal quarters, busy windows, quiet windows and holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from bot.playbook.schema import Anchor, BusyWindow, Playbook

QUIET_WINDOW_MIN_DAYS = 5

SATURDAY_AND_SUNDAY = frozenset({5, 6})


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


def holidays_in(region: str, year: int) -> dict[date, str]:
    """`region`'s public holidays in `year`, by day; none for a country the holidays
    package does not know."""
    try:
        return _holidays_of(region, year)
    except NotImplementedError:
        return {}


def holiday_on(day: date, regions: list[str]) -> Holiday | None:
    """A public holiday on `day` in any of the stakeholder's regions."""
    for region in regions:
        name = _holidays_of(region, day.year).get(day)
        if name:
            return Holiday(day, name, region)
    return None


@lru_cache(maxsize=256)
def _weekend_of(region: str) -> frozenset[int]:
    """The weekdays that make `region`'s weekend (Friday and Saturday in Israel, Friday in
    Iran), from the holidays package; Saturday and Sunday where it does not know."""
    try:
        return frozenset(holidays.country_holidays(region).weekend)
    except NotImplementedError:
        return SATURDAY_AND_SUNDAY


def weekend_in(day: date, regions: list[str]) -> str | None:
    """The first of `regions` (or "" when none is given) whose weekend `day` falls on."""
    if not regions:
        return "" if day.weekday() in SATURDAY_AND_SUNDAY else None
    return next((region for region in regions if day.weekday() in _weekend_of(region)), None)


def is_working_day(day: date, regions: list[str]) -> bool:
    """Neither a weekend nor a public holiday in any of the regions."""
    return weekend_in(day, regions) is None and holiday_on(day, regions) is None


def first_day_back(day: date, regions: list[str]) -> bool:
    """The first working day after a break of three or more days that includes a public
    holiday (a long weekend, the new year): inboxes are full and nobody has time to listen."""
    if not is_working_day(day, regions):
        return False
    off = 0
    while off < 14 and not is_working_day(day - timedelta(days=off + 1), regions):
        off += 1
    away = [day - timedelta(days=back) for back in range(1, off + 1)]
    return off >= 3 and any(holiday_on(before, regions) for before in away)


def _good_day(playbook: Playbook, start_month: int, day: date) -> bool:
    return (
        busy_on(playbook, start_month, day) is None
        and is_working_day(day, playbook.regions)
        and not first_day_back(day, playbook.regions)
    )


def _closeness(day: date, target: date) -> int:
    """Days from the target, with Monday and Friday counted two days further (Tue–Thu first)."""
    return abs((day - target).days) + (0 if 1 <= day.weekday() <= 3 else 2)


def best_day_near(
    playbook: Playbook, start_month: int, wanted: date, earliest: date
) -> date | None:
    """The good day (quiet, working, not the first back after a holiday break) closest to
    `wanted` and not before `earliest`, Tuesday to Thursday preferred; earlier on a tie."""
    best: date | None = None
    for distance in range(0, 200):
        if best is not None and distance > _closeness(best, wanted):
            break
        for day in (wanted - timedelta(days=distance), wanted + timedelta(days=distance)):
            if day < earliest or not _good_day(playbook, start_month, day):
                continue
            if best is None or (_closeness(day, wanted), day) < (_closeness(best, wanted), best):
                best = day
    return best


def suggested_day(playbook: Playbook, start_month: int, earliest: date) -> date | None:
    """A good day in the middle of the first quiet window from `earliest` on."""
    for window in quiet_windows(playbook, start_month, earliest):
        middle = window.start + (window.end - window.start) / 2
        day = best_day_near(playbook, start_month, middle, window.start)
        if day is not None and day <= window.end:
            return day
    return None
