"""What the engine needs to know about the world for one turn, passed in (never read)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import jinja2

from bot.engine.dates import DateOrder
from bot.engine.glossary import GlossaryIndex
from bot.engine.named_holidays import country_of
from bot.playbook.schema import Playbook


@dataclass(frozen=True, slots=True)
class CoachContext:
    now: datetime
    playbook: Playbook
    glossary: GlossaryIndex
    brief_template: jinja2.Template
    debrief_template: jinja2.Template
    fiscal_year_start_month: int = 1
    mission: str | None = None
    time_zone: str = "UTC"
    # How this user writes 3/4 (from an earlier answer, or their Slack locale); None: ask.
    date_order: DateOrder | None = None

    @property
    def regions(self) -> tuple[str, ...]:
        """Where the holidays a date answer names are looked up: the user's country (from
        their time zone), then the stakeholder's regions."""
        own = country_of(self.time_zone)
        return tuple(dict.fromkeys([own, *self.playbook.regions] if own else self.playbook.regions))

    @property
    def today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.time_zone)).date()
