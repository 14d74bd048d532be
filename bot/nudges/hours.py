"""Working hours in the user's own time zone: weekdays, 09:30–17:00, not a public holiday."""

from __future__ import annotations

import importlib.resources
from datetime import datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.engine.calendar import holiday_on

DAY_STARTS = time(9, 30)
DAY_ENDS = time(17, 0)


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """IANA zone -> ISO country code, from tzdata's zone.tab."""
    table = importlib.resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    countries = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            code, _coordinates, zone, *_ = line.split("\t")
            countries[zone] = code
    return countries


def country_of(time_zone: str) -> str | None:
    """The country a time zone belongs to, when it names one (not for UTC or Etc/*)."""
    return _countries().get(time_zone)


def local_time(now: datetime, time_zone: str) -> datetime:
    try:
        return now.astimezone(ZoneInfo(time_zone))
    except (ZoneInfoNotFoundError, ValueError):
        return now.astimezone(ZoneInfo("UTC"))


def is_working_moment(now: datetime, time_zone: str) -> bool:
    """True on a working day of the user's country, between 09:30 and 17:00 their time."""
    local = local_time(now, time_zone)
    if local.weekday() >= 5 or not DAY_STARTS <= local.time() < DAY_ENDS:
        return False
    country = country_of(time_zone)
    return country is None or _is_workday(local, country)


def _is_workday(local: datetime, country: str) -> bool:
    try:
        return holiday_on(local.date(), [country]) is None
    except NotImplementedError:  # a country the holidays package does not cover
        return True
