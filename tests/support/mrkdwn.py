"""What Slack would style or link in a mrkdwn text, read by Slack's rules, for assertions.

A span `*x*`, `_x_`, `~x~` or `` `x` `` opens at a delimiter that starts the text or follows
a space or punctuation and is followed by a non-space; it closes at the same delimiter after a
non-space, before a space, punctuation or the end. Slack counts a zero-width space as a space
here (the well-known trick to bold part of a word relies on it), which is what `escape` uses.
A line starting with `>` (escaped: `&gt;`) is a quote. Links are `<…>` markup, and, in a text
object that is not `verbatim`, any `http(s)://…`, `www.…` or `name@host.tld` Slack would link.
"""

from __future__ import annotations

import re
from typing import Any

_SPACE = r"\s\u200b"
_SPANS = [
    re.compile(
        rf"(?:^|(?<=[{_SPACE}\W])){d}(?=[^{_SPACE}{d}])[^\n]*?(?<=[^{_SPACE}{d}]){d}(?=$|[{_SPACE}\W])",
        re.MULTILINE,
    )
    for d in (r"\*", "_", "~", "`")
]
_QUOTE = re.compile(r"^(?:&gt;|>)", re.MULTILINE)
_BARE_LINK = re.compile(r"(?i)https?://\w|www\.\w|\w@\w+\.\w")


def styled(text: str) -> list[str]:
    """The spans Slack would render bold, italic, struck or as code, and any quoted line."""
    found = [match.group(0) for pattern in _SPANS for match in pattern.finditer(text)]
    return found + [line for line in text.splitlines() if _QUOTE.match(line)]


def linked(text_object: dict[str, Any]) -> list[str]:
    """What Slack would turn into a link, mention or channel in this text object."""
    text = text_object["text"]
    found = re.findall(r"<[^>]*>", text)
    if text_object.get("type") == "mrkdwn" and not text_object.get("verbatim"):
        found += _BARE_LINK.findall(text)
    return found


def shown(text: str) -> str:
    """The characters a reader sees: entities decoded, zero-width characters gone."""
    text = text.replace("\u200b", "").replace("\u2060", "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
