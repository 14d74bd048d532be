"""Fiscal quarters and busy windows across fiscal-year starts and year boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from bot.engine import calendar
from bot.playbook.library import PlaybookLibrary


@pytest.mark.parametrize(
    ("day", "start_month", "label", "start", "end"),
    [
        (date(2026, 11, 27), 1, "Q4 FY2026", date(2026, 10, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), 1, "Q1 FY2027", date(2027, 1, 1), date(2027, 3, 31)),
        (date(2026, 11, 27), 2, "Q4 FY2027", date(2026, 11, 1), date(2027, 1, 31)),
        (date(2027, 1, 31), 2, "Q4 FY2027", date(2026, 11, 1), date(2027, 1, 31)),
        (date(2027, 2, 1), 2, "Q1 FY2028", date(2027, 2, 1), date(2027, 4, 30)),
        (date(2026, 7, 1), 7, "Q1 FY2027", date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 6, 30), 7, "Q4 FY2026", date(2026, 4, 1), date(2026, 6, 30)),
        (date(2024, 2, 29), 10, "Q2 FY2024", date(2024, 1, 1), date(2024, 3, 31)),
    ],
)
def test_fiscal_quarters(day: date, start_month: int, label: str, start: date, end: date) -> None:
    quarter = calendar.fiscal_quarter(day, start_month)
    assert (quarter.label, quarter.start, quarter.end) == (label, start, end)


def test_sales_is_busy_the_last_21_days_of_each_quarter(library: PlaybookLibrary) -> None:
    sales = library.find("sales")
    assert sales
    q1_push = calendar.busy_on(sales, 1, date(2027, 3, 20))
    assert q1_push and (q1_push.start, q1_push.end) == (date(2027, 3, 11), date(2027, 3, 31))
    assert calendar.busy_on(sales, 1, date(2027, 3, 10)) is None
    assert calendar.busy_on(sales, 1, date(2027, 4, 1)) is None


def test_sales_year_end_is_the_last_42_days_and_follows_the_fiscal_year(
    library: PlaybookLibrary,
) -> None:
    sales = library.find("sales")
    assert sales
    year_end = calendar.busy_on(sales, 1, date(2026, 11, 25))
    assert year_end and (year_end.start, year_end.end) == (date(2026, 11, 20), date(2026, 12, 31))
    # With a fiscal year from February, the year ends on 31 January.
    feb = calendar.busy_on(sales, 2, date(2027, 1, 5))
    assert feb and feb.end == date(2027, 1, 31) and feb.start == date(2026, 12, 21)
    assert calendar.busy_on(sales, 2, date(2026, 12, 20)) is None


def test_quiet_windows_sit_between_busy_periods(library: PlaybookLibrary) -> None:
    sales = library.find("sales")
    assert sales
    windows = calendar.quiet_windows(sales, 1, date(2026, 11, 27), days=200)
    assert (windows[0].start, windows[0].end) == (date(2027, 1, 1), date(2027, 3, 10))
    assert (windows[1].start, windows[1].end) == (date(2027, 4, 1), date(2027, 6, 9))


def test_fixed_windows_wrap_over_new_year(library: PlaybookLibrary) -> None:
    fixed = [
        book
        for book in library.all()
        if any(w.relative_to.value == "fixed" for w in book.busy_windows)
    ]
    assert fixed, "at least one playbook has a fixed-date season"
    book = fixed[0]
    window = next(w for w in book.busy_windows if w.relative_to.value == "fixed")
    assert window.start and window.end
    month, day = (int(x) for x in window.start.split("-"))
    period = calendar.busy_on(book, 1, date(2026, month, day))
    assert period and period.start == date(2026, month, day)


def test_holidays_of_the_stakeholders_regions() -> None:
    christmas = calendar.holiday_on(date(2026, 12, 25), ["JP", "GB"])
    assert christmas and christmas.region == "GB"
    assert calendar.holiday_on(date(2026, 12, 24), ["GB"]) is None
    assert not calendar.is_working_day(date(2026, 11, 28), [])  # a Saturday


def test_each_regions_own_weekend_counts() -> None:
    """Friday and Saturday in Israel and Saudi Arabia, Saturday and Sunday in the US."""
    friday, sunday = date(2026, 11, 27), date(2026, 11, 29)
    assert calendar.weekend_in(friday, ["IL"]) == "IL"
    assert calendar.weekend_in(sunday, ["IL"]) is None
    assert calendar.is_working_day(sunday, ["SA"]) and not calendar.is_working_day(friday, ["SA"])
    assert calendar.weekend_in(friday, ["US", "IL"]) == "IL", "off in any region is off"
    assert calendar.weekend_in(sunday, ["US", "IL"]) == "US"
