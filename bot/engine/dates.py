"""Reading the planned date of a talk from what people actually type, relative to today.

Phrases with one clear meaning are read to a day ("the 20th", "mid-March", "the second week
of February", "a week from Thursday", "after the holidays"), and so are the company's fiscal
periods ("end of Q2", "quarter-end", "after the close", "start of next quarter"), by its
fiscal year. "3/4" is ambiguous: both readings are offered unless the user's day/month order
is known. A month alone, or a quarter ("Q1", "next quarter"), is a question, not a day. A day
in the past or more than a year away is read, but must be confirmed.
"""

from __future__ import annotations

import calendar as month_calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import dateparser

from bot.engine.calendar import FiscalQuarter, fiscal_quarter

MAX_DATE_TEXT = 80
HORIZON_DAYS = 365
# Where in a month "early", "mid" and "late" land.
_PART_OF_MONTH = {"early": 5, "beginning of": 5, "start of": 5, "mid": 15, "middle of": 15}
_PART_OF_MONTH |= {"late": 25}
_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (month_calendar.month_name[number], month_calendar.month_abbr[number])
} | {"sept": 9}
_WEEKDAYS = {
    name.lower(): number
    for number in range(7)
    for name in (month_calendar.day_name[number], month_calendar.day_abbr[number])
} | {"tues": 1, "thur": 3, "thurs": 3}
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
}
_ORDINAL_WEEKS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")"
_WEEKDAY2 = _WEEKDAY.replace("?P<weekday>", "?P<weekday2>")
_COUNT = r"(?P<count>\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
# A time of day after the date: "at 3pm", "3:30 pm", "at 15:00", "in the morning".
_TIME_OF_DAY = re.compile(
    r",?\s+(?:(?:at|from|around)\s+)?(?:\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2}|noon|"
    r"midday)(?:\s*(?:-|to|until)\s*\d{1,2}(?::\d{2})?\s*(?:am|pm)?)?$|"
    r",?\s+(?:in the )?(?:morning|afternoon|evening)$"
)
# A fiscal period: "end of Q2", "start of next quarter", "Q3", "quarter-end", "year-end",
# "after the close", "the end of the fiscal year".
_QUARTER = r"(?:(?P<q>q[1-4])|(?P<next>next) quarter|quarter|(?P<year>(?:fiscal |financial )?year))"
_PERIOD = re.compile(
    r"(?:in |during |some ?time in |(?P<after>after) )?(?:the )?"
    r"(?:(?P<edge>end|start|beginning|middle) of )?(?:the |this )?"
    rf"(?:{_QUARTER}(?:[- ](?P<closing>end|close))?|(?P<bare>close))(?: \d{{4}})?"
)
# A month or a year named loosely, with no day in it: asked, not guessed.
_VAGUE = re.compile(
    r"(?:early |sometime |some time |(?:at )?the start of )?"
    r"next (?:(?P<month>month)|year)|(?:early )?in the new year"
)
_NUMERIC = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?")


class DateOrder(StrEnum):
    """How the user writes short numeric dates: 3/4 is 3 April (DMY) or 4 March (MDY)."""

    DMY = "DMY"
    MDY = "MDY"


# Countries whose people write the month first (3/4 is March 4); elsewhere the day comes first.
MONTH_FIRST_REGIONS = frozenset({"US", "PH", "FM", "MH", "PW", "GU", "AS", "MP", "UM", "VI"})


def order_of_locale(locale: str | None) -> DateOrder | None:
    """How people of `locale` (a BCP 47 tag such as en-US or fr_FR) write numeric dates;
    None when the tag names no country."""
    parts = (locale or "").replace("_", "-").split("-")
    regions = [part.upper() for part in parts[1:] if len(part) == 2 and part.isalpha()]
    if not regions:
        return None
    return DateOrder.MDY if regions[0] in MONTH_FIRST_REGIONS else DateOrder.DMY


class Action(StrEnum):
    ACCEPT = "accept"  # a clear, near date
    ASK = "ask"  # ambiguous, or a month alone: ask which day
    CONFIRM = "confirm"  # in the past or more than a year away: check first


@dataclass(frozen=True, slots=True)
class DateReading:
    action: Action
    day: date | None = None
    options: tuple[date, ...] = ()
    # For an ambiguous numeric date: the order each option was read in, same positions.
    orders: tuple[DateOrder, ...] = ()
    month: int | None = None  # a month named alone


def read_date(
    text: str, today: date, order: DateOrder | None = None, fiscal_year_start_month: int = 1
) -> DateReading | None:
    """What the user meant by `text`, relative to `today`; None when it holds no date."""
    phrase = _phrase(text)
    fiscal = _fiscal_reading(phrase, today, fiscal_year_start_month)
    if fiscal is not None:
        return fiscal
    if _NUMERIC.fullmatch(phrase):
        return _numeric(phrase, today, order)
    vague = _VAGUE.fullmatch(phrase)
    if vague:  # a month or a year named loosely: which day in it?
        return DateReading(Action.ASK, month=today.month % 12 + 1 if vague["month"] else 1)
    alone = re.fullmatch(rf"(?:in |some ?time in |during )?{_MONTH}{_YEAR}", phrase)
    if alone:
        month, year = _MONTHS[alone["month"]], alone["year"]
        first = _month_start(month, int(year) if year else None, today)
        if year and (first > today + timedelta(days=HORIZON_DAYS) or first.year < today.year):
            return DateReading(Action.CONFIRM, day=first)
        return DateReading(Action.ASK, month=month)
    day = _phrase_day(phrase, today) or _fallback(phrase, today)
    return _settled(day, today) if day else None


def _phrase(text: str) -> str:
    """`text` as a date phrase: lower case, one space, no lead-in ("on", "by") or time of
    day ("next tuesday at 3pm": the day is what is asked)."""
    phrase = re.sub(r"\s+", " ", text.strip()[:MAX_DATE_TEXT].lower())
    phrase = re.sub(r"^(?:on|at|by|for|around|about|maybe|say)\s+", "", phrase).rstrip(".!?")
    return _TIME_OF_DAY.sub("", phrase)


def period_end(text: str, today: date, fiscal_year_start_month: int) -> date | None:
    """The last day of the fiscal period `text` names as a deadline: "end of Q2", "Q2",
    "quarter-end", "the end of the quarter", "year-end"; None for anything else."""
    match = _PERIOD.fullmatch(_phrase(text))
    if match is None or (match["edge"] or "end") != "end" or match["after"]:
        return None
    return _period_named(match, today, fiscal_year_start_month).end


def _fiscal_reading(phrase: str, today: date, start_month: int) -> DateReading | None:
    """A meeting day from a fiscal period: its end, its start, or the first working week
    after its close; a quarter named alone is a question (which day in it?)."""
    match = _PERIOD.fullmatch(phrase)
    if match is None or (match["year"] and not (match["edge"] or match["closing"])):
        return None  # "this year" names no day of it
    period = _period_named(match, today, start_month)
    if match["year"] and match["edge"] in ("start", "beginning"):
        period = _following(period, start_month)  # the next fiscal year's first quarter
    if match["after"]:
        return _settled(_next_weekday(period.end, 0), today)  # the Monday after the close
    if match["edge"] in ("start", "beginning"):
        return _settled(period.start, today)
    if match["edge"] == "end" or match["closing"] or match["bare"]:
        return _settled(period.end, today)
    if match["edge"] == "middle":
        return _settled(period.start + (period.end - period.start) / 2, today)
    return DateReading(Action.ASK, month=period.start.month)


def _period_named(match: re.Match[str], today: date, start_month: int) -> FiscalQuarter:
    """The quarter a period phrase names (this one, the next, Qn ahead), or for a fiscal
    year its last quarter."""
    quarter = fiscal_quarter(today, start_month)
    if match["next"]:
        return _following(quarter, start_month)
    wanted = 4 if match["year"] else int(match["q"][1]) if match["q"] else quarter.number
    while quarter.number != wanted:
        quarter = _following(quarter, start_month)
    return quarter


def _following(quarter: FiscalQuarter, start_month: int) -> FiscalQuarter:
    return fiscal_quarter(quarter.end + timedelta(days=1), start_month)


def _numeric(phrase: str, today: date, order: DateOrder | None) -> DateReading | None:
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", phrase)
    if iso:
        day = _valid(int(iso[1]), int(iso[2]), int(iso[3]))
        return _settled(day, today) if day else None
    short = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?", phrase)
    if not short:
        return None
    first, second = int(short[1]), int(short[2])
    year = int(short[3]) + (2000 if len(short[3]) == 2 else 0) if short[3] else None
    readings = {
        DateOrder.DMY: _dated(year, second, first, today),
        DateOrder.MDY: _dated(year, first, second, today),
    }
    valid = {key: value for key, value in readings.items() if value is not None}
    if order in valid:
        return _settled(valid[order], today)
    if len(set(valid.values())) == 1:
        return _settled(next(iter(valid.values())), today)
    if not valid:
        return None
    pairs = sorted(valid.items(), key=lambda item: item[1])
    return DateReading(
        Action.ASK, options=tuple(day for _, day in pairs), orders=tuple(o for o, _ in pairs)
    )


def _settled(day: date, today: date) -> DateReading:
    far = day < today or day > today + timedelta(days=HORIZON_DAYS)
    return DateReading(Action.CONFIRM if far else Action.ACCEPT, day=day)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _dated(year: int | None, month: int, day: int, today: date) -> date | None:
    """A month and day in the given year, or their next occurrence from today."""
    if year is not None:
        return _valid(year, month, day)
    this_year = _valid(today.year, month, day)
    if this_year is None and not (month == 2 and day == 29):
        return None
    if this_year is not None and this_year >= today:
        return this_year
    return _valid(today.year + 1, month, day) or _valid(today.year + 4 - today.year % 4, 2, 29)


def _month_start(month: int, year: int | None, today: date, last_day: int = 1) -> date:
    """The first (or `last_day`) day of a named month: this year's, unless it is over."""
    if year is None:
        year = today.year if month >= today.month else today.year + 1
    return date(year, month, min(last_day, month_calendar.monthrange(year, month)[1]))


def _phrase_day(phrase: str, today: date) -> date | None:
    for pattern, reader in _READERS:
        match = re.fullmatch(pattern, phrase)
        if match:
            return reader(match, today)
    return None


def _count(match: re.Match[str]) -> int:
    word = match["count"]
    if not word:
        return 1
    return int(word) if word.isdigit() else _NUMBERS[word]


def _next_weekday(today: date, weekday: int, strictly_after: bool = True) -> date:
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(days=ahead or (7 if strictly_after else 0))


def _in_span(match: re.Match[str], today: date) -> date:
    count, unit = _count(match), match["unit"]
    if unit.startswith("month"):
        month_index = today.month - 1 + count
        year, month = today.year + month_index // 12, month_index % 12 + 1
        return date(year, month, min(today.day, month_calendar.monthrange(year, month)[1]))
    days = {"day": 1, "week": 7, "fortnight": 14}[unit.rstrip("s")]
    return today + timedelta(days=count * days)


def _from_weekday(match: re.Match[str], today: date) -> date:
    weeks = _count(match) * (2 if (match.groupdict().get("unit") or "").startswith("f") else 1)
    return _next_weekday(today, _WEEKDAYS[match["weekday"]]) + timedelta(weeks=weeks)


def _weekday(match: re.Match[str], today: date) -> date:
    weekday, which = _WEEKDAYS[match["weekday"]], match["which"]
    if which == "last":
        return today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
    if which == "next":
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
        return monday + timedelta(days=weekday)
    if which == "this":
        return _next_weekday(today, weekday, strictly_after=False)
    return _next_weekday(today, weekday)


def _weekday_the_nth(match: re.Match[str], today: date) -> date | None:
    """'Thursday the 7th': the next day numbered so that falls on that weekday (within a
    year and a half: a 7th is a Thursday in one month or another every year)."""
    weekday, day = _WEEKDAYS[match["weekday"]], int(match["day"])
    for months_ahead in range(18):
        index = today.month - 1 + months_ahead
        candidate = _valid(today.year + index // 12, index % 12 + 1, day)
        if candidate and candidate >= today and candidate.weekday() == weekday:
            return candidate
    return None


def _weekday_next_week(match: re.Match[str], today: date) -> date:
    """'Tuesday next week', 'next week on Tuesday': that weekday of the coming week."""
    weekday = _WEEKDAYS[match["weekday"] or match["weekday2"]]
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
    return monday + timedelta(days=weekday)


def _nth_weekday_of_month(match: re.Match[str], today: date) -> date:
    """'The first Monday in February', 'the last Friday of March 2027'."""
    year = int(match["year"]) if match["year"] else None
    first = _month_start(_MONTHS[match["month"]], year, today)
    weekday, nth = _WEEKDAYS[match["weekday"]], _ORDINAL_WEEKS[match["nth"]]
    if nth > 0:
        return first + timedelta(days=(weekday - first.weekday()) % 7, weeks=nth - 1)
    last = _month_start(first.month, first.year, today, last_day=31)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _nth_of_month(match: re.Match[str], today: date) -> date:
    day = int(match["day"])
    for months_ahead in range(3):
        index = today.month - 1 + months_ahead
        candidate = _valid(today.year + index // 12, index % 12 + 1, day)
        if candidate and candidate >= today:
            return candidate
    return today


def _month_day(match: re.Match[str], today: date) -> date | None:
    year = int(match["year"]) if match["year"] else None
    return _dated(year, _MONTHS[match["month"]], int(match["day"]), today)


def _part_of_month(match: re.Match[str], today: date) -> date:
    year = int(match["year"]) if match["year"] else None
    month = _MONTHS[match["month"]]
    if match["part"] == "end of":
        return _month_start(month, year, today, last_day=31)
    return _month_start(month, year, today, last_day=_PART_OF_MONTH[match["part"]])


def _part_of_next_month(match: re.Match[str], today: date) -> date:
    index = today.month  # the next month, zero-based
    year, month = today.year + index // 12, index % 12 + 1
    if match["part"] == "end of":
        return date(year, month, month_calendar.monthrange(year, month)[1])
    return date(year, month, _PART_OF_MONTH[match["part"]])


def _end_of_month(match: re.Match[str], today: date) -> date:
    index = today.month - 1 + (1 if match["next"] else 0)
    year, month = today.year + index // 12, index % 12 + 1
    return date(year, month, month_calendar.monthrange(year, month)[1])


def _week_of_month(match: re.Match[str], today: date) -> date:
    first = _month_start(_MONTHS[match["month"]], None, today)
    first_monday = first + timedelta(days=(0 - first.weekday()) % 7)
    nth = _ORDINAL_WEEKS[match["nth"]]
    if nth > 0:
        return first_monday + timedelta(weeks=nth - 1)
    last = _month_start(first.month, first.year, today, last_day=31)
    return last - timedelta(days=last.weekday())


def _after_the_holidays(match: re.Match[str], today: date) -> date:
    """The first Monday of the new year, after the public holidays at its start."""
    year = today.year if today.month == 1 and today.day <= 7 else today.year + 1
    second = date(year, 1, 2)
    return second + timedelta(days=(0 - second.weekday()) % 7)


_PARTS = "|".join(["end of", *_PART_OF_MONTH])
_READERS: list[tuple[str, Callable[[re.Match[str], date], date | None]]] = [
    (r"today", lambda m, today: today),
    (r"tomorrow", lambda m, today: today + timedelta(days=1)),
    (r"yesterday", lambda m, today: today - timedelta(days=1)),
    (rf"in {_COUNT} (?P<unit>days?|weeks?|fortnights?|months?)", _in_span),
    (rf"{_COUNT} (?P<unit>days?|weeks?|fortnights?|months?) from (?:today|now)", _in_span),
    (rf"{_COUNT} (?P<unit>weeks?|fortnights?) (?:from|on) {_WEEKDAY}", _from_weekday),
    (rf"{_WEEKDAY} week(?P<count>)", _from_weekday),
    (rf"(?:(?P<which>next|this|last|coming) )?{_WEEKDAY}", _weekday),
    (rf"{_WEEKDAY},? (?:the )?{_DAY}", _weekday_the_nth),
    (
        rf"(?:{_WEEKDAY} (?:of |in )?next week|next week,? (?:on )?{_WEEKDAY2})",
        _weekday_next_week,
    ),
    (
        rf"(?:the )?(?P<nth>first|second|third|fourth|last) {_WEEKDAY} (?:in|of) {_MONTH}{_YEAR}",
        _nth_weekday_of_month,
    ),
    (rf"the {_DAY}", _nth_of_month),
    (rf"{_MONTH} {_DAY}{_YEAR}", _month_day),
    (rf"(?:the )?{_DAY}(?: of)? {_MONTH}{_YEAR}", _month_day),
    (rf"(?P<part>{_PARTS})[- ]?{_MONTH}{_YEAR}", _part_of_month),
    (r"(?:the )?end of (?:the |this )?(?P<next>next )?month", _end_of_month),
    (rf"(?P<part>{_PARTS})[- ](?:the )?next month", _part_of_next_month),
    (rf"(?:the |in the )?(?P<nth>first|second|third|fourth|last) week of {_MONTH}", _week_of_month),
    (r"after (?:the )?(?:holidays|christmas|new year'?s?|the new year)", _after_the_holidays),
]


def _fallback(phrase: str, today: date) -> date | None:
    """Anything else a general date parser reads, such as '12 January 2027'."""
    if not re.search(r"\d|[a-z]{3,}", phrase):
        return None
    try:
        parsed = dateparser.parse(
            phrase,
            languages=["en"],
            settings={
                "RELATIVE_BASE": datetime(today.year, today.month, today.day),
                "PREFER_DATES_FROM": "future",
                "DATE_ORDER": "DMY",
                "STRICT_PARSING": False,
            },
        )
    except (ValueError, OverflowError, TypeError):
        return None
    return parsed.date() if parsed else None
