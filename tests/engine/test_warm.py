"""A server builds the engine's lazy tables at start-up, so no user's turn pays for them."""

from __future__ import annotations

from datetime import date

from bot.engine import calendar, invisible
from bot.engine.glossary import GlossaryIndex
from bot.engine.warm import warm_up
from bot.playbook.library import PlaybookLibrary


def test_warm_up_builds_the_hidden_character_patterns_and_each_regions_holidays(
    library: PlaybookLibrary,
) -> None:
    invisible._patterns.cache_clear()
    calendar._holidays_of.cache_clear()
    books = library.all()
    regions = {region for book in books for region in book.regions}
    assert regions, "the shipped playbooks name the regions whose holidays they skip"

    warm_up(books, GlossaryIndex(library.glossary), date(2026, 11, 30))

    assert invisible._patterns.cache_info().currsize == 1
    built = calendar._holidays_of.cache_info().currsize
    assert built >= len(regions), "each region's holidays for the year ahead are loaded"
