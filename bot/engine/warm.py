"""Warming the engine's lazily built tables before the first user needs them.

The engine builds some tables on first use: the hidden-character patterns (a pass over all
of Unicode), each region's holidays (the holidays package imports a module per country),
the hyphenation dictionary and word frequencies behind the Simplify checks. Built inside a
turn, they cost the first users of a fresh server a few hundred milliseconds; `warm_up`
builds them at start-up instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from bot.engine.calendar import suggested_day
from bot.engine.glossary import GlossaryIndex
from bot.engine.invisible import visible_text
from bot.engine.language import check_text
from bot.playbook.schema import Playbook

# A draft that goes through every Simplify check: a glossary term, an abbreviation, a rare
# word, a statistic and a long sentence.
_SAMPLE_DRAFT = (
    "We need MFA and phishing simulations on every laptop because 91% of breaches start "
    "with an email, and our telemetry indicates considerable exfiltration susceptibility."
)


def warm_up(playbooks: Iterable[Playbook], glossary: GlossaryIndex, today: date) -> None:
    """Build now what the engine would otherwise build in the first turns that need it."""
    visible_text(_SAMPLE_DRAFT)
    for playbook in playbooks:
        check_text(_SAMPLE_DRAFT, glossary, playbook)
        # The holidays of its regions for the year ahead (they do not depend on the fiscal
        # year, so any start month does).
        suggested_day(playbook, 1, today)
