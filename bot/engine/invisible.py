"""Dropping what a reader cannot see from user text: controls, format and direction marks.

Unicode's control (Cc), format (Cf) and surrogate (Cs) characters are removed: they hide text
(U+200B, U+FEFF), reorder it (U+202E, U+2066, U+061C) or cannot be stored at all (a lone
surrogate). Kept are tab and newline, the joiners that emoji and Persian or Indic scripts need
(U+200D, U+200C), variation selectors (they are marks, not format characters) and the tag
characters of a subdivision flag (🏴 + tags + cancel tag, England's flag). The line and
paragraph separators U+2028/U+2029 become a newline, and the odd spaces (no-break, thin, em,
ideographic…) a plain space, so no words run together.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

KEPT_FORMAT = "\t\n\u200c\u200d"
_HIDDEN = ("Cc", "Cf", "Cs")
_FLAG_TAGS = "\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(hidden characters or a whole flag tag sequence, odd spaces), built once on first use."""
    hidden, spaces = [], []
    for point in range(sys.maxunicode + 1):
        char = chr(point)
        category = unicodedata.category(char)
        if category in _HIDDEN and char not in KEPT_FORMAT:
            hidden.append(char)
        elif category == "Zs" and char != " ":
            spaces.append(char)
    return (
        re.compile(f"({_FLAG_TAGS})|[{_char_class(hidden)}]"),
        re.compile(f"[{_char_class(spaces)}]"),
    )


def _char_class(chars: list[str]) -> str:
    return "".join(re.escape(char) for char in chars)


def visible_text(text: str) -> str:
    """`text` without hidden characters, with one kind of line break and one kind of space."""
    hidden, spaces = _patterns()
    text = _LINE_BREAKS.sub("\n", text)
    text = hidden.sub(lambda found: found.group(1) or "", text)
    return spaces.sub(" ", text)
