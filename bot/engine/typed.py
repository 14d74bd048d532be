"""Text as people type it, made plain for reading: phones and Macs turn ' into ’ and " into
“ ”, so "don’t care" and "New Year’s Eve" read as "don't care" and "New Year's Eve". One
character for one, so positions in the text stay where they were."""

from __future__ import annotations

_STRAIGHT = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'}
)


def straight_quotes(text: str) -> str:
    """`text` with curly quotes and apostrophes made straight, one character for one."""
    return text.translate(_STRAIGHT)
