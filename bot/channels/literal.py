"""Keeping user text from becoming a link in any chat client.

Slack and Teams clients turn `https://…`, `www.…` and `name@host` into links on their own,
even in text that is otherwise shown literally. A word joiner (U+2060, invisible, not a
space) after the `:` of a scheme, after `www` and after `@` breaks that recognition while the
text reads the same. Each channel applies it on top of its own escaping.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(:(?=//)|www(?=\.)|@)")


def unlinked(text: str) -> str:
    """`text` as it reads, with nothing a client would auto-link."""
    return _AUTOLINK.sub(lambda match: match.group(1) + WORD_JOINER, text)
