"""Days named in words, relative to today: "the 20th", "mid-March", "Thursday week", "the
second Wednesday of January", "Christmas Eve", "the last Friday before Christmas", "the week
after next". `phrase_day` reads a whole phrase (lower case, one space) to a day, or None.

Used by `bot.engine.dates`, which adds numeric dates, fiscal periods and what to ask.
"""

from __future__ import annotations

import calendar as month_calendar
import re
from collections.abc import Callable
from datetime import date, timedelta

# Where in a month "early", "mid" and "late" land.
_PART_OF_MONTH = {"early": 5, "beginning of": 5, "start of": 5, "mid": 15, "middle of": 15}
_PART_OF_MONTH |= {"late": 25}
MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (month_calendar.month_name[number], month_calendar.month_abbr[number])
} | {"sept": 9}
WEEKDAYS = {
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
_ORDINAL_WEEKS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1,
                  "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}  # fmt: skip
_NTH = r"(?P<nth>" + "|".join(_ORDINAL_WEEKS) + r")"
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
MONTH = rf"(?P<month>{_MONTH_NAMES})\.?"
WEEKDAY = r"(?P<weekday>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")"
_WEEKDAY = WEEKDAY
_WEEKDAY2 = _WEEKDAY.replace("?P<weekday>", "?P<weekday2>")
_COUNT = r"(?P<count>\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
_WEEKDAY_THE_NTH = re.compile(rf"{_WEEKDAY},? (?:the )?{_DAY}")
# A weekday and a date with its month: "thursday 11th dec", "thu, december 11".
_A_MONTH = rf"(?:{_MONTH_NAMES})\.?"
_WEEKDAY_AND_DATE = re.compile(
    rf"{_WEEKDAY},? (?P<date>(?:the )?\d{{1,2}}(?:st|nd|rd|th)?(?: of)? {_A_MONTH}(?: \d{{4}})?|"
    rf"{_A_MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?)"
)
# How far ahead 'Thursday the 7th' may be read to the day both name; beyond, it is asked.
CLASH_HORIZON_DAYS = 62


# An event and the day it is on: "the board meeting on 14 jan", "the freeze ends on the 4th".
_EVENT_ON = re.compile(
    r"(?:[\w'-]+ ){1,6}?(?:(?:is |falls |lands |ends |finishes |closes |starts )?on|ends)"
    r" (?P<day>.+)"
)


def valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def next_dated(year: int | None, month: int, day: int, today: date) -> date | None:
    """A month and day in the given year, or their next occurrence from today."""
    if year is not None:
        return valid_date(year, month, day)
    this_year = valid_date(today.year, month, day)
    if this_year is None and not (month == 2 and day == 29):
        return None
    if this_year is not None and this_year >= today:
        return this_year
    return valid_date(today.year + 1, month, day) or valid_date(
        today.year + 4 - today.year % 4, 2, 29
    )


def month_start(month: int, year: int | None, today: date, last_day: int = 1) -> date:
    """The first (or `last_day`) day of a named month: this year's, unless it is over."""
    if year is None:
        year = today.year if month >= today.month else today.year + 1
    return date(year, month, min(last_day, month_calendar.monthrange(year, month)[1]))


def phrase_day(phrase: str, today: date) -> date | None:
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


def next_weekday(today: date, weekday: int, strictly_after: bool = True) -> date:
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


def _from_today(match: re.Match[str], today: date) -> date:
    """'A fortnight today', 'a week tomorrow', 'tomorrow week': weeks on from that day."""
    base = today + timedelta(days=1 if "tomorrow" in (match["base"], match["base2"]) else 0)
    unit = match["unit"] or match["unit2"]
    count = _count(match) if match["unit"] else 1
    return base + timedelta(weeks=count * (2 if unit.startswith("f") else 1))


def _from_weekday(match: re.Match[str], today: date) -> date:
    weeks = _count(match) * (2 if (match.groupdict().get("unit") or "").startswith("f") else 1)
    return next_weekday(today, WEEKDAYS[match["weekday"]]) + timedelta(weeks=weeks)


def _weekday(match: re.Match[str], today: date) -> date:
    weekday, which = WEEKDAYS[match["weekday"]], match["which"]
    if which == "last":
        return today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
    if which == "next":
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
        return monday + timedelta(days=weekday)
    if which == "this":
        return next_weekday(today, weekday, strictly_after=False)
    return next_weekday(today, weekday)


def that_weeks(day: date, weekday: int) -> date:
    """The given weekday of the week `day` falls in (Monday to Sunday)."""
    return day + timedelta(days=weekday - day.weekday())


def weekday_clash(phrase: str, today: date) -> tuple[date, date] | None:
    """'Tuesday the 10th' when the coming 10th is not a Tuesday, nor is one in the next two
    months: the coming 10th and that week's Tuesday, to ask which is meant (a slip of the
    weekday, not a day half a year away). None when the phrase is not of that kind, or the
    two agree soon enough."""
    dated = _WEEKDAY_AND_DATE.fullmatch(phrase)
    if dated is not None:  # "Thursday 11th Dec", "thu, december 11": the month is named
        day = phrase_day(dated["date"], today)
        weekday = WEEKDAYS[dated["weekday"]]
        if day is None or day.weekday() == weekday:
            return None
        return day, that_weeks(day, weekday)
    match = _WEEKDAY_THE_NTH.fullmatch(phrase)
    if match is None:
        return None
    agreeing = _weekday_the_nth(match, today)
    numbered = _nth_of_month(match, today)
    if agreeing is not None and (agreeing - today).days <= CLASH_HORIZON_DAYS:
        return None
    named = that_weeks(numbered, WEEKDAYS[match["weekday"]])
    return numbered, named


def _weekday_the_nth(match: re.Match[str], today: date) -> date | None:
    """'Thursday the 7th': the next day numbered so that falls on that weekday (within a
    year and a half: a 7th is a Thursday in one month or another every year)."""
    weekday, day = WEEKDAYS[match["weekday"]], int(match["day"])
    for months_ahead in range(18):
        index = today.month - 1 + months_ahead
        candidate = valid_date(today.year + index // 12, index % 12 + 1, day)
        if candidate and candidate >= today and candidate.weekday() == weekday:
            return candidate
    return None


def _weekday_next_week(match: re.Match[str], today: date) -> date:
    """'Tuesday next week', 'next week on Tuesday': that weekday of the coming week."""
    weekday = WEEKDAYS[match["weekday"] or match["weekday2"]]
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
    return monday + timedelta(days=weekday)


def _nth_weekday_of_month(match: re.Match[str], today: date) -> date:
    """'The first Monday in February', 'the last Friday of March 2027'."""
    year = int(match["year"]) if match["year"] else None
    first = month_start(MONTHS[match["month"]], year, today)
    weekday, nth = WEEKDAYS[match["weekday"]], _ORDINAL_WEEKS[match["nth"]]
    if nth > 0:
        return first + timedelta(days=(weekday - first.weekday()) % 7, weeks=nth - 1)
    last = month_start(first.month, first.year, today, last_day=31)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _nth_of_month(match: re.Match[str], today: date) -> date:
    day = int(match["day"])
    for months_ahead in range(3):
        index = today.month - 1 + months_ahead
        candidate = valid_date(today.year + index // 12, index % 12 + 1, day)
        if candidate and candidate >= today:
            return candidate
    return today


def _month_day(match: re.Match[str], today: date) -> date | None:
    year = int(match["year"]) if match["year"] else None
    return next_dated(year, MONTHS[match["month"]], int(match["day"]), today)


def _part_of_month(match: re.Match[str], today: date) -> date:
    year = int(match["year"]) if match["year"] else None
    month = MONTHS[match["month"]]
    if match["part"] == "end of":
        return month_start(month, year, today, last_day=31)
    return month_start(month, year, today, last_day=_PART_OF_MONTH[match["part"]])


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
    first = month_start(MONTHS[match["month"]], None, today)
    first_monday = first + timedelta(days=(0 - first.weekday()) % 7)
    nth = _ORDINAL_WEEKS[match["nth"]]
    if nth > 0:
        return first_monday + timedelta(weeks=nth - 1)
    last = month_start(first.month, first.year, today, last_day=31)
    return last - timedelta(days=last.weekday())


def _after_the_holidays(match: re.Match[str], today: date) -> date:
    """The first Monday of the new year, after the public holidays at its start."""
    year = today.year if today.month == 1 and today.day <= 7 else today.year + 1
    second = date(year, 1, 2)
    return second + timedelta(days=(0 - second.weekday()) % 7)


# Days with a fixed date everywhere, by the names people give them (month, day).
_NAMED_DAYS = {"christmas eve": (12, 24), "christmas": (12, 25), "christmas day": (12, 25),
               "xmas": (12, 25), "boxing day": (12, 26), "new year's eve": (12, 31),
               "new years eve": (12, 31), "new year's day": (1, 1), "new years day": (1, 1),
               "new year's": (1, 1), "new year": (1, 1)}  # fmt: skip
_NAMED_DAY = r"(?P<named>" + "|".join(sorted(map(re.escape, _NAMED_DAYS), key=len, reverse=True))
_NAMED_DAY += ")"


def _named_day(match: re.Match[str], today: date) -> date | None:
    """'Christmas Eve', 'New Year's Day': its next coming (today, if it is today)."""
    return next_dated(None, *_NAMED_DAYS[match["named"]], today)


def _weekday_around(match: re.Match[str], today: date) -> date | None:
    """'The last Friday before Christmas', 'the first Monday after 4 January', 'the Tuesday
    before end of March': that weekday nearest the day named, on the side named."""
    anchor = _anchor_day(match["anchor"], today)
    if anchor is None:
        return None
    weekday = WEEKDAYS[match["weekday"]]
    if match["side"] == "before":
        return anchor - timedelta(days=(anchor.weekday() - weekday) % 7 or 7)
    return next_weekday(anchor, weekday)


def _day_around(match: re.Match[str], today: date) -> date | None:
    """'The day after Boxing Day', 'the day before the 15th'."""
    anchor = _anchor_day(match["anchor"], today)
    if anchor is None:
        return None
    return anchor + timedelta(days=1 if match["side"] == "after" else -1)


def _anchor_day(anchor: str, today: date) -> date | None:
    """The day an event is on: a day named ("Boxing Day", "the 15th"), or an event with its
    date ("the board meeting on 14 Jan", "the change freeze ends on the 4th")."""
    day = phrase_day(anchor, today)
    if day is None and (dated := _EVENT_ON.fullmatch(anchor)):
        day = phrase_day(dated["day"], today)
    return day


def _week_of(match: re.Match[str], today: date) -> date | None:
    """'The week of the 14th': the Monday of that week (as 'next week' is read)."""
    anchor = _anchor_day(match["anchor"], today)
    return anchor - timedelta(days=anchor.weekday()) if anchor is not None else None


def _week_around(match: re.Match[str], today: date) -> date | None:
    """'The week before Christmas' (the Monday of the week it ends), 'the week after Boxing
    Day' (the Monday after it)."""
    anchor = _anchor_day(match["anchor"], today)
    if anchor is None:
        return None
    if match["side"] == "after":
        return next_weekday(anchor, 0)
    eve = anchor - timedelta(days=1)
    return eve - timedelta(days=eve.weekday())


def _days_around(match: re.Match[str], today: date) -> date | None:
    """'Two days before Christmas', 'a week after MLK Day'."""
    anchor = _anchor_day(match["anchor"], today)
    if anchor is None:
        return None
    days = _count(match) * (7 if match["unit"].startswith("week") else 1)
    return anchor + timedelta(days=days if match["side"] == "after" else -days)


def _end_of_week(match: re.Match[str], today: date) -> date:
    """'End of the week' (its Friday), 'end of next week'."""
    friday = today - timedelta(days=today.weekday()) + timedelta(days=4)
    return friday + timedelta(weeks=1 if match["next"] else 0)


def _next_week(match: re.Match[str], today: date) -> date:
    """'Next week' (its Monday, as 'the week after next' is read), 'later next week' (its
    Thursday)."""
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
    return monday + timedelta(days=3 if match["late"] else 0)


def _week_after_next(match: re.Match[str], today: date) -> date:
    """'The week after next' (its Monday), 'the Friday after next': in the week after the
    coming one, as 'next Friday' is in the coming one."""
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=2)
    return monday + timedelta(days=WEEKDAYS[match["weekday"]] if match["weekday"] else 0)


# Every phrase read here holds one of these words (or a number): a text without one names no
# day, and needs no reading.
_NAMED_DAY_WORDS = (word for name in _NAMED_DAYS for word in name.split())
DAY_WORDS = frozenset(
    {*MONTHS, *WEEKDAYS, *_NAMED_DAY_WORDS, "today", "tomorrow", "yesterday", "day", "days",
     "week", "weeks", "weekend", "fortnight", "fortnights", "month", "months", "holidays",
     "tonight", "morning", "afternoon", "evening"}
)  # fmt: skip

_PARTS = "|".join(["end of", *_PART_OF_MONTH])


def _weekday_and_date(match: re.Match[str], today: date) -> date | None:
    """'Thursday 26 November 2026': the date, when its weekday agrees (a clash is asked
    about before this is read)."""
    day = phrase_day(match["date"], today)
    return day if day is not None and day.weekday() == WEEKDAYS[match["weekday"]] else None


_READERS: list[tuple[str, Callable[[re.Match[str], date], date | None]]] = [
    (_WEEKDAY_AND_DATE.pattern, _weekday_and_date),
    (r"(?:later )?(?:today|tonight|this (?:morning|afternoon|evening))", lambda m, today: today),
    (
        rf"(?:{_COUNT} (?P<unit>weeks?|fortnights?) (?:from |on )?(?P<base>today|tomorrow)|"
        r"(?P<base2>today|tomorrow) (?P<unit2>week|fortnight))",
        _from_today,
    ),
    (r"tomorrow", lambda m, today: today + timedelta(days=1)),
    (r"yesterday", lambda m, today: today - timedelta(days=1)),
    (rf"in {_COUNT} (?P<unit>days?|weeks?|fortnights?|months?)", _in_span),
    (rf"{_COUNT} (?P<unit>days?|weeks?|fortnights?|months?) from (?:today|now)", _in_span),
    (rf"{_COUNT} (?P<unit>weeks?|fortnights?) (?:from|on) {_WEEKDAY}", _from_weekday),
    (rf"{_WEEKDAY} (?:week|(?P<unit>fortnight))(?P<count>)", _from_weekday),
    (rf"(?:(?P<which>next|this|last|coming) )?{_WEEKDAY}", _weekday),
    (_WEEKDAY_THE_NTH.pattern, _weekday_the_nth),
    (
        rf"(?:{_WEEKDAY} (?:of |in )?next week|next week,? (?:on )?{_WEEKDAY2})",
        _weekday_next_week,
    ),
    (
        rf"(?:the )?{_NTH} {_WEEKDAY} (?:in|of) {MONTH}{YEAR}",
        _nth_weekday_of_month,
    ),
    (rf"the {_DAY}", _nth_of_month),
    (r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)", _nth_of_month),  # "on 10th", as some write it
    (rf"{MONTH} {_DAY}{YEAR}", _month_day),
    (rf"(?:the )?{_DAY}(?: of)? {MONTH}{YEAR}", _month_day),
    (rf"(?P<part>{_PARTS})[- ]?{MONTH}{YEAR}", _part_of_month),
    (r"(?:the )?end of (?:the |this )?(?P<next>next )?month", _end_of_month),
    (rf"(?P<part>{_PARTS})[- ](?:the )?next month", _part_of_next_month),
    (rf"(?:the |in the )?{_NTH} week of {MONTH}", _week_of_month),
    (r"after (?:the )?(?:holidays|christmas|new year'?s?|the new year)", _after_the_holidays),
    (_NAMED_DAY, _named_day),
    (rf"(?:the )?(?:week|{_WEEKDAY}) after next", _week_after_next),
    (
        r"(?:(?P<late>late|later)|early|sometime|some time|(?:at )?the start of)?,? ?"
        r"(?:the )?next week(?: sometime)?",
        _next_week,
    ),
    (r"(?:the )?end of (?:the |this )?(?P<next>next )?(?:work ?)?week", _end_of_week),
    (r"(?:the )?day (?P<side>before|after) (?P<anchor>.+)", _day_around),
    (r"(?:the )?week (?:of|starting|beginning) (?P<anchor>.+)", _week_of),
    (r"(?:the )?week (?P<side>before|after) (?P<anchor>.+)", _week_around),
    (rf"{_COUNT} (?P<unit>days?|weeks?) (?P<side>before|after) (?P<anchor>.+)", _days_around),
    (
        rf"(?:the )?(?:(?:last|first|next) )?{_WEEKDAY} (?P<side>before|after) (?P<anchor>.+)",
        _weekday_around,
    ),
]
