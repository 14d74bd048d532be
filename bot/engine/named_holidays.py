"""Public holidays named in a date answer ("the Tuesday after Thanksgiving", "MLK Day"),
read for the countries that matter to the talk: the user's own (from their time zone) and
the stakeholder's regions. Each name is written as its date before the date is read, so
every phrase that takes a date takes a holiday too ("the day after Labor Day").

Holidays with one date everywhere (Christmas, Boxing Day, New Year's Day) are read by
`bot.engine.day_phrases` whatever the country.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files

from bot.engine.calendar import holidays_in

# A holiday a few days past still names this year's ("the Tuesday after Thanksgiving", said
# on the Monday after it).
RECENT_DAYS = 7
# Short names people use for a holiday, by the name the holidays package gives it.
_SHORT_NAMES = {
    "martin luther king jr. day": ("mlk day", "mlk", "martin luther king day"),
    "washington's birthday": ("presidents day", "presidents' day", "president's day"),
    "thanksgiving day": ("thanksgiving",),
    "juneteenth national independence day": ("juneteenth",),
    "saint patrick's day": ("st patrick's day", "st. patrick's day", "paddy's day"),
    "labor day": ("labour day",),
}
_FIXED_EVERYWHERE = frozenset(
    "christmas|christmas day|christmas eve|boxing day|new year's day|new year's eve".split("|")
)


def country_of(time_zone: str) -> str | None:
    """The country (ISO 3166 code) of an IANA time zone ("America/Chicago": "US")."""
    return _countries().get(time_zone)


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    table = files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in table.splitlines() if not line.startswith("#"))
    return {row[2]: row[0] for row in rows if len(row) >= 3}


def with_holidays_dated(phrase: str, today: date, regions: Sequence[str]) -> str:
    """`phrase` (lower case) with each holiday of `regions` it names written as its coming
    date ("the day after mlk day" -> "the day after 18 january 2027")."""
    if not regions:
        return phrase
    pattern, dated = _holiday_names(tuple(regions), today)
    if pattern is None:
        return phrase
    return pattern.sub(lambda match: _written(dated[match[0]]), phrase)


def _written(day: date) -> str:
    return f"{day.day} {day:%B} {day.year}".lower()


@lru_cache(maxsize=64)
def _holiday_names(
    regions: tuple[str, ...], today: date
) -> tuple[re.Pattern[str] | None, dict[str, date]]:
    """Every name of the regions' holidays (the first region's first), each with its next
    date from `today` less RECENT_DAYS; and a pattern that finds them."""
    since = today - timedelta(days=RECENT_DAYS)
    dated: dict[str, date] = {}
    for region in regions:
        for day, names in _calendar(region, since.year):
            if day < since:
                continue
            for name in _names(names):
                dated.setdefault(name, day)
    if not dated:
        return None, dated
    alternatives = "|".join(re.escape(name) for name in sorted(dated, key=len, reverse=True))
    return re.compile(rf"(?<![\w'])(?:{alternatives})(?![\w'])"), dated


def _calendar(region: str, year: int) -> list[tuple[date, str]]:
    """`region`'s holidays in `year` and the next, in order."""
    return sorted({**holidays_in(region, year), **holidays_in(region, year + 1)}.items())


def _names(listed: str) -> list[str]:
    """The names a holiday goes by: the package's ("Thanksgiving Day"; several joined by
    ";"), without "(observed)" and the like, and their short forms."""
    names = []
    for part in listed.lower().replace("\u2019", "'").split(";"):
        name = re.sub(r"\s*\([^)]*\)", "", part).strip()
        if name and name not in _FIXED_EVERYWHERE:
            names += [name, *_SHORT_NAMES.get(name, ())]
    return names
