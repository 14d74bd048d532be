"""Log lines an on-call engineer can search: time, level, logger and the ids of the work."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import configure_logging, log_context


@pytest.fixture
def our_logging() -> Iterator[None]:
    level = logging.getLogger().level
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if type(h).__name__ == "StderrLines"]:
        root.removeHandler(handler)
    root.setLevel(level)


@pytest.mark.usefixtures("our_logging")
def test_json_lines_carry_time_level_logger_and_the_ids_in_force(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", "json")
    log = logging.getLogger("bot.channels.slack.listeners")
    with log_context(event="Ev0123", turn="slack:T1:U1"):
        with log_context(nudge=42):
            log.info("posted in %d ms", 12)
        log.debug("below the level")
    log.warning("outside any turn")

    first, second = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert first["level"] == "INFO" and first["logger"] == "bot.channels.slack.listeners"
    assert first["message"] == "posted in 12 ms" and first["time"].endswith("Z")
    assert (first["event"], first["turn"], first["nudge"]) == ("Ev0123", "slack:T1:U1", "42")
    assert second["level"] == "WARNING" and "event" not in second, "ids end with their context"


@pytest.mark.usefixtures("our_logging")
def test_text_lines_name_the_ids_and_reconfiguring_never_doubles_a_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", "text")
    configure_logging("WARNING", "text")
    with log_context(turn="teams:tenant:user"):
        logging.getLogger("bot.coach").warning("replayed a turn")
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith(" WARNING bot.coach [turn=teams:tenant:user] replayed a turn")
