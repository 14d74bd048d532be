"""Text as people type it, made plain for reading: phones and Macs turn ' into ’ and " into
“ ”, so "don’t care" and "New Year’s Eve" read as "don't care" and "New Year's Eve" (one
character for one, so positions in the text stay where they were); and a day or month
name with a slip of the keys ("Jaunary", "tomorow") reads as meant."""

from __future__ import annotations

import calendar as month_calendar
from difflib import get_close_matches

from bot.engine.day_phrases import MONTHS, WEEKDAYS

_STRAIGHT = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'}
)


def straight_quotes(text: str) -> str:
    """`text` with curly quotes and apostrophes made straight, one character for one."""
    return text.translate(_STRAIGHT)


_DAY_NAMES = [
    *(month_calendar.month_name[number].lower() for number in range(1, 13)),
    *(month_calendar.day_name[number].lower() for number in range(7)),
    "tomorrow",
]


def spelled_right(word: str) -> str:
    """A month or weekday name, or "tomorrow", with a slip of the keys put right ("Jaunary",
    "Wendesday", "tomorow"); any other word as it is. Only long words, starting with the
    right letter."""
    if len(word) < 5 or not word.isalpha() or word in MONTHS or word in WEEKDAYS:
        return word
    if word.removesuffix("s") in _DAY_NAMES or word.removesuffix("es") in _DAY_NAMES:
        return word  # a plural ("Mondays", "marches") is no misspelt day
    close = get_close_matches(word, _DAY_NAMES, n=1, cutoff=0.8)
    return close[0] if close and close[0][0] == word[0] else word
