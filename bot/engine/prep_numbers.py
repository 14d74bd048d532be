"""Reading a prep's number from what a user typed (`notes 12`, `resume #12`, a CLI argument).

The one place that decides what counts as a prep number, so every channel and the coach agree:
ASCII digits only (`str.isdigit` also accepts "²" and "①", which `int` then refuses) and no
larger than the database's integer column (PostgreSQL's `integer` stops at 2**31 - 1; a larger
value would be an overflow error, not "no such prep").
"""

from __future__ import annotations

import re

LARGEST_PREP_NUMBER = 2**31 - 1
_NUMBER = re.compile(r"#?([0-9]{1,10})")


def prep_number(text: str) -> int | None:
    """The prep number in `12` or `#12`; None when the text is not one a prep could have."""
    found = _NUMBER.fullmatch(text.strip())
    if found is None:
        return None
    number = int(found.group(1))
    return number if could_be_a_prep(number) else None


def could_be_a_prep(number: int) -> bool:
    """Whether a prep can have this number (asking the database otherwise overflows)."""
    return 0 < number <= LARGEST_PREP_NUMBER
