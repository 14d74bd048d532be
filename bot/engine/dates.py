"""Reading the planned date of a talk from what people actually type, relative to today.

Phrases with one clear meaning are read to a day ("the 20th", "mid-March", "the second week
of February", "a week from Thursday", "the week after next", "after the holidays", "Christmas
Eve", "the last Friday before Christmas"), and so are the company's fiscal
periods ("end of Q2", "quarter-end", "after the close", "start of next quarter"), by its
fiscal year. "3/4" is ambiguous: both readings are offered unless the user's day/month order
is known. A month alone, or a quarter ("Q1", "next quarter"), is a question, not a day. A day
in the past or more than a year away is read, but must be confirmed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import dateparser

from bot.engine.calendar import FiscalQuarter, fiscal_quarter
from bot.engine.day_phrases import (
    DAY_WORDS,
    MONTH,
    MONTHS,
    WEEKDAY,
    WEEKDAYS,
    YEAR,
    month_start,
    next_dated,
    next_weekday,
    phrase_day,
    that_weeks,
    valid_date,
    weekday_clash,
)
from bot.engine.named_holidays import with_holidays_dated
from bot.engine.typed import spelled_right, straight_quotes

MAX_DATE_TEXT = 400  # a rambling answer names its date late
MAX_PARSED_TEXT = 80  # what the general date parser is given (it reads days into words)
MAX_SPANS = 120  # runs of words read in one answer, at most
MAX_DATE_WORDS = 8  # "the first Tuesday after New Year's Day" is 7
HORIZON_DAYS = 365
# A time of day after the date: "at 3pm", "3:30 pm", "at 15:00", "in the morning".
_TIME_OF_DAY = re.compile(
    r",?\s+(?:(?:at|from|around)\s+)?(?:\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2}|noon|"
    r"midday)(?:\s*(?:-|to|until)\s*\d{1,2}(?::\d{2})?\s*(?:am|pm)?)?$|"
    r",?\s+(?:at|from|around)\s+\d{1,2}$|"
    r"(?<!this),?\s+(?:in the )?(?:morning|afternoon|evening)$"
)
# A fiscal period: "end of Q2", "start of next quarter", "Q3", "quarter-end", "year-end",
# "after the close", "the end of the fiscal year".
_QUARTER = r"(?:(?P<q>q[1-4])|(?P<next>next) quarter|quarter|(?P<year>(?:fiscal |financial )?year))"
_PERIOD = re.compile(
    r"(?:in |during |some ?time in |(?P<after>after|once|when) )?(?:the )?"
    r"(?:(?P<edge>end|start|beginning|middle) of )?(?:the |this )?"
    rf"(?:{_QUARTER}(?:[- ](?P<closing>end|close)|"
    r" (?P<closes>closes|ends|is over|wraps up|is closed|is done))?|(?P<bare>close))"
    r"(?: \d{4})?"
)
# A month or a year named loosely, with no day in it: asked, not guessed.
_VAGUE = re.compile(
    r"(?:early |sometime |some time |(?:at )?the start of )?"
    r"next (?:(?P<month>month)|year)|(?:early )?in the new year"
)
# Where a clause ends: punctuation, or a dash between spaces ("the 23rd - before Christmas").
_CLAUSE_BREAK = re.compile(r"\s*[,;:!?()]\s*|\.\s+|\s+[-\u2013\u2014]+\s+")
# Words that tie a day to an event ("the Friday before the launch").
_RELATIVE_TO = frozenset({"before", "after", "ahead", "prior", "following", "until", "till"})
_CUE_WORDS = DAY_WORDS | {"quarter", "year", "close", "q1", "q2", "q3", "q4", "eow", "eom"}
_DETERMINERS = frozenset("the a an other first second third fourth last".split())
_ROUND_THE_CLOCK = frozenset({"24/7", "24x7", "24/7/365"})
# Words before a day that make it a recurring one ("every Tuesday", "the standing Monday
# call") or a limit ("till the new year").
_UNTIL = frozenset("till until til".split())
_WAITING = frozenset("wait waiting hold holding hang leave park delay postpone defer push".split())
_RECURRING = frozenset("every each till until til standing weekly regular usual".split())
# Words around a day that only hedge it: "probably Wednesday", "the Wednesday, ideally".
_EITHER_OR = re.compile(
    r"(?:(?:either|maybe|probably|perhaps|possibly|ideally)\s+)*(?P<first>.+?)\s+or\s+"
    r"(?:(?:maybe|perhaps|possibly)\s+)?(?P<second>.+)"
)
_NO_ALTERNATIVE = re.compile(
    r"(?:so|thereabouts|around|later|earlier|after|before|whenever|whichever|never|not)\b"
)
_WEEKDAY_NAME = WEEKDAY.replace("?P<weekday>", "?:")
# A day alone, which may share what follows the other day offered: "the 3rd or 4th week of
# January", "Thursday or Friday next week".
_BARE_DAY = re.compile(r"(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)?|" + _WEEKDAY_NAME + r")")
_SHARED_TAIL = re.compile(
    r"(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)?|" + _WEEKDAY_NAME + r")\s+(?P<tail>.+)"
)
_MONTH_WORD = "|".join(sorted(MONTHS, key=len, reverse=True))
_HYPHENED = re.compile(
    rf"\b(?:(?P<month>{_MONTH_WORD})-(?P<day2>\d{{1,2}})|(?P<day>\d{{1,2}})-(?P<month2>{_MONTH_WORD}))\b"
)
# "Jan 12, 2026": a year after a comma belongs to the date before it.
_YEAR_AFTER_A_COMMA = re.compile(r"(\b[a-z]{3,9}\.? \d{1,2}(?:st|nd|rd|th)?), ((?:19|20)\d\d)\b")
_CORRECTION = re.compile(
    r"\b(?:(?:actually|or|but),? no|no wait|scratch that|on second thoughts?|actually,? "
    r"(?=make|let's))\b[,.;:!]*(?:\s*(?:no|make (?:it|that)|let's say|let's do)\b[,.;:!]*)*\s*"
)
_MAYBE = frozenset("the on prob probably maybe likely ideally most preferably possibly".split())
_RULED_OUT = re.compile(r"(?:not|no|never|can't|cannot|won't)\b")
_BEFORE_A_VERB = frozenset("to will would should can could must may might".split())
_PERIOD_WORDS = frozenset({"q1", "q2", "q3", "q4", "quarter", "year", "month", "quarter's"})
_FIGURES = frozenset(
    "numbers results earnings figures report reports plan plans planning budget budgets "
    "targets target forecast forecasts roadmap okrs goals review".split()
)
_TIMES_OF_DAY = frozenset("lunch lunchtime noon midday breakfast work hours standup".split())
# Short names of days and months that are also ordinary words.
_ORDINARY_WORDS = frozenset({"sat", "sun", "wed", "mar", "may"})
_LEAD_IN = re.compile(r"^(?:(?:on|at|by|for|around|about|maybe|say)\s+)+")
# Office shorthand for days and ends of periods.
_SHORTHANDS = {"tmrw": "tomorrow", "tmr": "tomorrow", "tmw": "tomorrow", "2moro": "tomorrow",
               "eow": "end of the week", "eom": "end of the month",
               "eoq": "end of the quarter", "eoy": "end of the year", "wk": "week",
               "wks": "weeks", "weds": "wednesday"}  # fmt: skip
_SHORTHAND = re.compile(r"\b(?:" + "|".join(_SHORTHANDS) + r")\b")
_WEEKDAY_AND_NUMBERS = re.compile(
    rf"{WEEKDAY},? (?P<numbers>\d{{1,2}}[/.]\d{{1,2}}(?:[/.]\d{{2,4}})?)"
)
_VERSIONED = frozenset("release releases version update patch build upgrade app sprint".split())
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
    # 'Tuesday the 10th' when the 10th is no Tuesday: `options` are the 10th and that
    # week's Tuesday, to ask which is meant.
    clash: bool = False
    # "The 8th or the 9th", "either Tuesday or Thursday": `options` are the days named, to
    # ask which it is.
    alternatives: bool = False


def read_date(
    text: str,
    today: date,
    order: DateOrder | None = None,
    fiscal_year_start_month: int = 1,
    regions: Sequence[str] = (),
) -> DateReading | None:
    """What the user meant by `text`, relative to `today`; None when it holds no date.

    A date inside a longer answer is read too ("Boxing Day, annoyingly"; "we're meeting on
    the 3rd"), and the public holidays of `regions` by name ("the day after MLK Day")."""
    phrase = with_holidays_dated(_phrase(text), today, regions)
    corrected = _after_a_correction(phrase)
    if corrected != phrase:  # "the 10th of feb, actually no, make it the 17th"
        reading = read_date(corrected, today, order, fiscal_year_start_month)
        if reading is not None:
            return reading
    alternatives = _alternatives(phrase, today, order, fiscal_year_start_month)
    if alternatives is not None:
        return alternatives
    reading = _read(phrase, today, order, fiscal_year_start_month)
    if reading is not None:
        return reading
    for span in _spans(phrase):
        reading = _read(span, today, order, fiscal_year_start_month, in_a_sentence=True)
        if reading is not None:
            return _weekday_named_later(reading, phrase, today)
    return None


def _alternatives(
    phrase: str, today: date, order: DateOrder | None, fiscal_year_start_month: int
) -> DateReading | None:
    """Two days offered in the first clause ("the 8th or the 9th, I'll confirm"; "either
    Tuesday or Thursday"): each read on its own, both clear and near, to ask which. Not
    "the 15th or so", nor "the 3rd or 4th week of January" (one day number shares what the
    other says)."""
    offered = _EITHER_OR.fullmatch(_CLAUSE_BREAK.split(phrase.strip())[0])
    if offered is None or _NO_ALTERNATIVE.match(offered["second"]):
        return None
    first, second = offered["first"], offered["second"]
    shared = _SHARED_TAIL.fullmatch(second)
    if shared and _BARE_DAY.fullmatch(first):
        first = f"{first} {shared['tail']}"  # "Thursday or Friday next week"
    days = [read_date(side, today, order, fiscal_year_start_month) for side in (first, second)]
    if any(day is None or day.action is not Action.ACCEPT or day.day is None for day in days):
        return None
    named = tuple(dict.fromkeys(day.day for day in days if day is not None and day.day))
    return DateReading(Action.ASK, options=named, alternatives=True) if len(named) == 2 else None


def _weekday_named_later(reading: DateReading, phrase: str, today: date) -> DateReading:
    """A day made precise by a later clause naming only a weekday: "next week, probably
    Wednesday", "first week of January - the Wednesday" is that week's Wednesday."""
    if reading.action is not Action.ACCEPT or reading.day is None:
        return reading
    for clause in _CLAUSE_BREAK.split(phrase)[1:]:
        words = [word for word in clause.split() if word not in _MAYBE]
        if len(words) == 1 and words[0] in WEEKDAYS:
            day = that_weeks(reading.day, WEEKDAYS[words[0]])
            return _settled(day, today) if day >= today else reading
    return reading


def _spans(phrase: str) -> Iterator[str]:
    """The runs of words in which a longer text may name its date, in the order they are
    tried: clause by clause ("Christmas Eve, annoyingly"; "the 23rd - before Christmas"
    reads the 23rd), and in a clause its longest runs first, leftmost first ("Boxing Day
    call with the board"; "we're meeting on the 3rd"). Each without lead-in or time of day.
    Left out: a run followed by something we cannot date ("the Friday before the launch"
    names no day we know), a lone short name that is also an ordinary word ("we sat
    down"), and numbers and days that name no meeting day (`_not_a_meeting_day`)."""
    tried = 0
    for clause in _CLAUSE_BREAK.split(phrase):
        words = clause.split()
        cues = [_is_cue(word) for word in words]
        for size in range(min(len(words), MAX_DATE_WORDS), 0, -1):
            for start in range(len(words) - size + 1):
                end = start + size
                span = " ".join(words[start:end])
                if span == phrase or span in _ORDINARY_WORDS or not _ends_a_date(words, cues, end):
                    continue
                if not _tied_to_an_event(words, start, end) and not _not_a_meeting_day(
                    words, start, end
                ):
                    tried += 1
                    if tried > MAX_SPANS:
                        return  # text made of day words, not an answer: enough tried
                    yield _TIME_OF_DAY.sub("", _LEAD_IN.sub("", span))


def _not_a_meeting_day(words: list[str], start: int, end: int) -> bool:
    """A run that names no day to meet: a recurring day ("every 2nd Tuesday", "the standing
    Monday call"), a limit ("booked solid till the new year"), a day ruled out ("not the
    17th"), a share ("3/4 of the managers"), round the clock ("24/7"), a period's figures
    ("after the Q4 numbers"), or a verb ("for the deal to close")."""
    at = start - 1
    while at >= 0 and (words[at] in _DETERMINERS or re.fullmatch(r"\d+(?:st|nd|rd|th)", words[at])):
        at -= 1  # "every 2nd Tuesday", "till the new year": the word before the noun phrase
    before = words[at] if at >= 0 else ""
    after = words[end] if end < len(words) else ""
    run = words[start:end]
    if before in ("before", "after", "since"):
        return True  # the day a phrase we could not read is counted from ("the week before X")
    if "not" in words[max(0, at - 1) : at + 1]:
        return True  # a day ruled out: "not the 17th – the 18th", "not before the 15th"
    waited_for = before in _UNTIL and at >= 1 and words[at - 1] in _WAITING  # "wait until May"
    if (before in _RECURRING and not waited_for) or run[-1] in _ROUND_THE_CLOCK:
        return True
    if run[-1] == "close" and before in _BEFORE_A_VERB:
        return True  # "waiting for the deal to close": a verb, not the books' close
    if _NUMERIC.fullmatch(run[-1]) and after == "of":
        return True
    if (
        "." in run[-1]
        and _NUMERIC.fullmatch(run[-1])
        and (after in _VERSIONED or before in ("v", "version"))
    ):
        return True  # "the 2.4 release", "version 3.1": a version, not a day
    return run[-1] in _PERIOD_WORDS and after in _FIGURES


def _ends_a_date(words: list[str], cues: list[bool], end: int) -> bool:
    """Whether a run of words ending before `end` can be a date: it ends on a day word or a
    number ("on the 3rd", "next week"), or on "next" ("the week after next")."""
    return cues[end - 1] or words[end - 1] == "next"


def _tied_to_an_event(words: list[str], start: int, end: int) -> bool:
    """Whether the words from `end` tie the day before them to an event ("the Friday before
    the launch"), not to a time of day ("after lunch"); a day named outright stays that day
    ("late March before the new financial year", "next week Wednesday after CAB")."""
    if end >= len(words) or words[end] not in _RELATIVE_TO:
        return False
    named = (part for word in words[start:end] for part in word.split("-"))  # "mid-february"
    if any(part in MONTHS or part in ("next", "this") for part in named):
        return False
    return end + 1 >= len(words) or words[end + 1] not in _TIMES_OF_DAY


def _is_cue(word: str) -> bool:
    """Whether `word` can be part of what names a day: a number, a day, month or period."""
    bare = word.strip(".,!?'\"").removesuffix("'s")  # "weeks' time", "new year's"
    parts = bare.split("-")  # "mid-january"
    return any(part in _CUE_WORDS for part in parts) or any(c.isdigit() for c in word)


def _read(
    phrase: str,
    today: date,
    order: DateOrder | None,
    fiscal_year_start_month: int,
    in_a_sentence: bool = False,
) -> DateReading | None:
    """A whole phrase read as a date. `in_a_sentence`: it ends a longer text, so a month
    alone counts only after "in" ("we may talk" names no May), and the general date parser,
    which reads days into ordinary words, is not asked."""
    fiscal = _fiscal_reading(phrase, today, fiscal_year_start_month)
    if fiscal is not None:
        return fiscal
    if _NUMERIC.fullmatch(phrase):
        return _numeric(phrase, today, order)
    dated = _WEEKDAY_AND_NUMBERS.fullmatch(phrase)
    if dated:  # "tuesday 12/22": the date, asked about when the weekday is not its own
        return _with_weekday(_numeric(dated["numbers"], today, order), dated["weekday"])
    vague = _VAGUE.fullmatch(phrase)
    if vague:  # a month or a year named loosely: which day in it?
        return DateReading(Action.ASK, month=today.month % 12 + 1 if vague["month"] else 1)
    lead = "(?:in |some ?time in |during )" + ("" if in_a_sentence else "?")
    alone = re.fullmatch(rf"{lead}{MONTH}{YEAR}", phrase)
    if alone:
        month, year = MONTHS[alone["month"]], alone["year"]
        first = month_start(month, int(year) if year else None, today)
        if year and (first > today + timedelta(days=HORIZON_DAYS) or first.year < today.year):
            return DateReading(Action.CONFIRM, day=first)
        return DateReading(Action.ASK, month=month)
    clash = weekday_clash(phrase, today)
    if clash is not None:
        return DateReading(Action.ASK, options=clash, clash=True)
    day = phrase_day(phrase, today)
    if day is None and not in_a_sentence and not _RULED_OUT.match(phrase):
        day = _fallback(phrase, today)  # not "not before the 15th": its days are read apart
    return _settled(day, today) if day else None


def _phrase(text: str) -> str:
    """`text` as a date phrase: lower case, one space, shorthand spelled out ("tmrw", "EOW"),
    month and day names spelled right ("Jaunary"), no lead-in ("on", "by") or time of day
    ("next tuesday at 3pm": the day is what is asked)."""
    phrase = straight_quotes(text.strip()[:MAX_DATE_TEXT].lower().replace("@", " at "))
    phrase = re.sub(r"\s+", " ", phrase)
    phrase = _SHORTHAND.sub(lambda match: _SHORTHANDS[match[0]], phrase)
    phrase = re.sub(r"[a-z]+", lambda match: spelled_right(match[0]), phrase)
    phrase = _YEAR_AFTER_A_COMMA.sub(r"\1 \2", _HYPHENED.sub(_unhyphened, phrase))
    phrase = _LEAD_IN.sub("", phrase).rstrip(".!?")
    return _TIME_OF_DAY.sub("", phrase)


def _unhyphened(match: re.Match[str]) -> str:
    """'feb-9' and '9-feb' as 'feb 9' and '9 feb'."""
    return f"{match['month'] or match['day']} {match['day2'] or match['month2']}"


def _after_a_correction(phrase: str) -> str:
    """What follows the writer's last correction ("the 10th of feb but actually no, make it
    the 17th"; "in the spring. or, no, let's say april"), when it names anything at all."""
    corrections = list(_CORRECTION.finditer(phrase))
    return phrase[corrections[-1].end() :].strip() if corrections else phrase


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
    if match is None or (
        match["year"] and not (match["edge"] or match["closing"] or match["closes"])
    ):
        return None  # "this year" names no day of it
    period = _period_named(match, today, start_month)
    if match["year"] and match["edge"] in ("start", "beginning"):
        period = _following(period, start_month)  # the next fiscal year's first quarter
    if match["after"] or match["closes"]:  # "after the close", "once the quarter closes"
        return _settled(next_weekday(period.end, 0), today)  # the Monday after the close
    if match["edge"] in ("start", "beginning"):
        return _settled(period.start, today)
    if match["edge"] == "end" or match["closing"] or match["bare"]:
        return _settled(period.end, today)
    if match["edge"] == "middle":
        return _settled(period.start + (period.end - period.start) / 2, today)
    return DateReading(Action.ASK, month=max(period.start, today).month)  # not a past month


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
        day = valid_date(int(iso[1]), int(iso[2]), int(iso[3]))
        return _settled(day, today) if day else None
    short = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?", phrase)
    if not short:
        return None
    first, second = int(short[1]), int(short[2])
    year = int(short[3]) + (2000 if len(short[3]) == 2 else 0) if short[3] else None
    readings = {
        DateOrder.DMY: next_dated(year, second, first, today),
        DateOrder.MDY: next_dated(year, first, second, today),
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


def _with_weekday(reading: DateReading | None, weekday: str) -> DateReading | None:
    """A numeric date said with a weekday: as read when it is that weekday; read two ways
    ("friday 12/2"), the way that falls on it; else a question between the date and that
    week's weekday."""
    named = WEEKDAYS[weekday]
    if reading is not None and reading.options and not reading.clash:
        on_it = [day for day in reading.options if day.weekday() == named]
        return DateReading(Action.ACCEPT, day=on_it[0]) if len(on_it) == 1 else reading
    if reading is None or reading.day is None:
        return reading
    if reading.day.weekday() == named:
        return reading
    week_day = that_weeks(reading.day, named)
    return DateReading(Action.ASK, options=(reading.day, week_day), clash=True)


def _settled(day: date, today: date) -> DateReading:
    far = day < today or day > today + timedelta(days=HORIZON_DAYS)
    return DateReading(Action.CONFIRM if far else Action.ACCEPT, day=day)


def _fallback(phrase: str, today: date) -> date | None:
    """Anything else a general date parser reads, such as '12 January 2027'."""
    if len(phrase) > MAX_PARSED_TEXT or not any(_is_cue(word) for word in phrase.split()):
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
    if parsed is None or (parsed.year > today.year + 1 and str(parsed.year) not in phrase):
        return None  # "12/18 at 3" is no day in 2118
    return parsed.date()
