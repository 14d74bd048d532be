"""The playground's settings panel: the company mission, the fiscal-year start and the
visitor's time zone.

The mission and fiscal year belong to the playground's workspace (`local:playground`), as a
workspace admin sets them in Slack or Teams with `prep-talk tenant set`; the time zone is
the visitor's own. This module checks the body's shape; the coach service checks the values
(a month from 1 to 12, a known zone, a mission of sensible length) and saves all three in one
transaction, so a bad value changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from zoneinfo import available_timezones

FIELDS = ["fiscal_year_start_month", "mission", "time_zone"]
SHAPE = 'Send {"mission": "...", "fiscal_year_start_month": 1-12, "time_zone": "Area/City"}.'


class BadSettings(ValueError):
    """The body is not a settings form; the message says what to send."""


@dataclass(frozen=True, slots=True)
class SettingsForm:
    mission: str
    fiscal_year_start_month: int
    time_zone: str


def parse_settings(document: object) -> SettingsForm:
    """The settings a body asks for, or BadSettings with a message a person can act on."""
    if not isinstance(document, dict) or sorted(document) != FIELDS:
        raise BadSettings(SHAPE)
    mission, month, zone = (
        document["mission"],
        document["fiscal_year_start_month"],
        document["time_zone"],
    )
    if not isinstance(mission, str):
        raise BadSettings("The mission must be text (empty clears it).")
    if isinstance(month, bool) or not isinstance(month, int):
        raise BadSettings("The fiscal year's first month must be a number from 1 to 12.")
    if not isinstance(zone, str) or not zone.strip():
        raise BadSettings("Pick a time zone, such as Europe/Paris.")
    return SettingsForm(mission, month, zone.strip())


@cache
def time_zones() -> tuple[str, ...]:
    """The IANA zone names offered in the panel, sorted (read from disk once)."""
    return tuple(sorted(available_timezones() - {"localtime", "Factory"}))
