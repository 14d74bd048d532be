"""What the engine needs to know about the world for one turn, passed in (never read)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import jinja2

from bot.engine.dates import DateOrder
from bot.engine.glossary import GlossaryIndex
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
    def today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.time_zone)).date()
