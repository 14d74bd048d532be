"""The nudge worker starts without what only coaching needs: every second of its start-up
delays the first nudge (benchmarks.nudges counts it against the rate-limit floor)."""

from __future__ import annotations

import json
import subprocess
import sys

COACHING_ONLY = (
    "slack_bolt",
    "wordfreq",
    "bot.channels.slack.listeners",
    "bot.channels.slack.turns",
)


def test_the_nudge_senders_import_without_bolt_the_slack_listeners_or_word_tables() -> None:
    probe = (
        "import json, sys\n"
        "import bot.senders, bot.channels.slack.nudges, bot.channels.teams.nudges\n"
        f"print(json.dumps([m for m in {COACHING_ONLY!r} if m in sys.modules]))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )

    assert json.loads(ran.stdout) == []
