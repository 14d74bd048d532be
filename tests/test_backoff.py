"""One retry policy for every sender: Retry-After in seconds or as an HTTP-date, else doubling."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.backoff import Backoff, retry_after_seconds

NOW = datetime(2026, 11, 30, 10, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        (" 2.5 ", 2.5),
        ("-3", 0.0),
        ("Mon, 30 Nov 2026 10:00:30 GMT", 30.0),  # an HTTP-date, as RFC 9110 allows
        ("Mon, 30 Nov 2026 09:59:00 GMT", 0.0),  # already past: go now
        (None, None),
        ("", None),
        ("soon", None),
        ("nan", None),
        ("inf", None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(
    header: str | None, seconds: float | None
) -> None:
    assert retry_after_seconds(header, NOW) == seconds


def test_a_named_time_wins_capped_else_the_wait_doubles_per_attempt() -> None:
    policy = Backoff(first=0.5, cap=5.0)
    assert policy.wait(3.0, attempt=2) == 3.0
    assert policy.wait(60.0) == 5.0, "a turn has a deadline: one wait never exceeds the cap"
    assert [policy.wait(None, attempt) for attempt in range(5)] == [0.5, 1.0, 2.0, 4.0, 5.0]
