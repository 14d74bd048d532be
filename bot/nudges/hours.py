"""Working hours in the user's own time zone: their country's working days, 09:30–17:00."""

from __future__ import annotations

import importlib.resources
from datetime import datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.engine.calendar import is_working_day, weekend_in

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
    if not DAY_STARTS <= local.time() < DAY_ENDS:
        return False
    country = country_of(time_zone)
    return _is_workday(local, [country] if country else [])


def _is_workday(local: datetime, regions: list[str]) -> bool:
    """Not their weekend (Friday and Saturday in Israel…) nor a public holiday there."""
    try:
        return is_working_day(local.date(), regions)
    except NotImplementedError:  # a country the holidays package has no holidays for
        return weekend_in(local.date(), regions) is None
