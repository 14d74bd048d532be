"""Reading the planned date of a talk from what the user typed."""

from __future__ import annotations

import re
from datetime import date, datetime

import dateparser

MAX_DATE_TEXT = 80
_DATE_WORDS = re.compile(
    r"\d|\b(today|tomorrow|tonight|yesterday|ago|last|next|in|week|weeks|month|months|day|days|"
    r"mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|"
    r"june|july|august|september|october|november|december)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "a couple of": "2",
    "couple of": "2",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "eight": "8",
    "ten": "10",
}


def parse_planned_date(text: str, today: date) -> date | None:
    """A calendar date from ISO text or an everyday phrase, relative to `today`; else None."""
    phrase = text.strip()[:MAX_DATE_TEXT].lower()
    if not _DATE_WORDS.search(phrase):
        return None
    for word, digit in _NUMBER_WORDS.items():
        phrase = re.sub(rf"\b{word}\b", digit, phrase)
    phrase = re.sub(r"^(on|at|by)\s+", "", phrase)
    try:
        parsed = dateparser.parse(
            phrase,
            languages=["en"],
            settings={
                "RELATIVE_BASE": datetime(today.year, today.month, today.day),
                "PREFER_DATES_FROM": "future",
                "DATE_ORDER": "YMD" if re.match(r"^\d{4}", phrase) else "DMY",
                "STRICT_PARSING": False,
            },
        )
    except (ValueError, OverflowError, TypeError):
        return None
    return parsed.date() if parsed else None
