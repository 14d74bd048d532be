"""How long to wait before trying a throttled call again: one policy for every sender.

Slack and the Bot Connector answer 429 with a Retry-After header, which HTTP allows to be a
number of seconds or an HTTP-date. Where the platform names no usable time, the wait doubles
with each attempt. A cap keeps one wait inside the deadline of whatever is waiting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retry_after_seconds(header: str | None, now: datetime | None = None) -> float | None:
    """A Retry-After header as seconds from `now`; None when absent or unreadable."""
    text = (header or "").strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        return _until_date(text, now or datetime.now(UTC))
    return max(0.0, seconds) if math.isfinite(seconds) else None


@dataclass(frozen=True, slots=True)
class Backoff:
    """`first` seconds before the first retry when the platform names no time, doubling per
    attempt; never more than `cap` seconds in one wait."""

    first: float
    cap: float

    def wait(self, named: float | None, attempt: int = 0) -> float:
        """Seconds to wait before attempt `attempt + 1`: the platform's time if it named one."""
        wanted = named if named is not None else self.first * 2**attempt
        return max(0.0, min(wanted, self.cap))


def _until_date(text: str, now: datetime) -> float | None:
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # an HTTP-date is GMT by definition
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
