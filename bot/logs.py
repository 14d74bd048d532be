"""Log lines an on-call engineer can search: time, level, logger and the ids of the work.

`log_context(event="Ev1", turn="slack:T1:U1")` puts ids on every line logged inside it (a
context variable, so concurrent turns on one event loop keep their own). Lines are text or,
with PREPTALK_LOG_FORMAT=json, one JSON object each. User text and secrets are never put in
a context and never logged (callers log types and ids, not values).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Literal

LogFormat = Literal["text", "json"]
_ids: ContextVar[dict[str, str]] = ContextVar("prep_talk_log_ids", default={})  # noqa: B039 - never mutated


@contextmanager
def log_context(**ids: str | int | None) -> Iterator[None]:
    """Every line logged inside carries these ids (added to any already in force)."""
    token = _ids.set(
        {**_ids.get(), **{name: str(value) for name, value in ids.items() if value is not None}}
    )
    try:
        yield
    finally:
        _ids.reset(token)


class StderrLines(logging.StreamHandler):  # type: ignore[type-arg]
    """prep-talk's own handler: lines to stderr (replaced, never doubled, on reconfiguring)."""


# slack_sdk's and Bolt's own loggers. Their INFO and DEBUG lines carry request bodies (the
# user's words) and response_url addresses (which let whoever holds one post to the user), so
# they stay at WARNING whatever the level in force; our own loggers say what happened.
PAYLOAD_LOGGERS = ("slack_sdk", "slack_bolt")


def configure_logging(level: str = "INFO", log_format: LogFormat = "text") -> StderrLines:
    """Send every logger's lines to stderr in the chosen format; returns the handler.

    Replaces an earlier call's handler and a plain `basicConfig` one (so a line is never
    written twice), and leaves any other handler (a test's capture, say) alone."""
    handler = StderrLines()
    handler.setFormatter(JsonLines() if log_format == "json" else TextLines())
    root = logging.getLogger()
    for old in root.handlers[:]:
        if type(old) in (StderrLines, logging.StreamHandler):
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in PAYLOAD_LOGGERS:
        library_logger(name)
    return handler


def library_logger(name: str) -> logging.Logger:
    """The logger `name`, for slack_sdk or Bolt to write to: its own level set to WARNING,
    or to the level in force when that is higher (see `configure_logging`).

    slack_sdk and Bolt test `logger.level <= DEBUG` (a logger's own level: 0 when unset)
    rather than `isEnabledFor`, and on that test format every request and answer in full
    for a debug line: a tenth of a Slack turn's CPU at INFO, profiled. A logger from here
    has its level set; one built before the level changes keeps the old one."""
    logger = logging.getLogger(name)
    logger.setLevel(logging.NOTSET)  # so the level in force is its parents', not an earlier one
    logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
    return logger


class TextLines(logging.Formatter):
    """`2026-11-30T10:00:00.123Z INFO bot.coach [turn=slack:T1:U1] message`."""

    def format(self, record: logging.LogRecord) -> str:
        ids = " ".join(f"{name}={value}" for name, value in _ids.get().items())
        line = f"{_timestamp(record)} {record.levelname} {record.name} "
        line += f"[{ids}] {record.getMessage()}" if ids else record.getMessage()
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the ids, and any exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, str] = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_ids.get(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
