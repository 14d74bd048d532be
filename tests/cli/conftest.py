"""Every CLI test runs in an empty folder with a clean environment and its own SQLite file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli.support import PrepTalk, run


@pytest.fixture
def prep_talk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> PrepTalk:
    """`prep-talk` for this test: no stray `.env`, no platform set up, a fresh database."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("PREPTALK_", "SLACK_", "MICROSOFT_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PREPTALK_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    return run
