"""Every CLI test runs in an empty folder with a clean environment and its own SQLite file.

The file is a copy of one migrated once per run (`migrated_sqlite_file`): migrating a new
file on the first command is tested once, in test_cli."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.cli.support import PrepTalk, run


@pytest.fixture
def prep_talk(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, migrated_sqlite_file: Path
) -> PrepTalk:
    """`prep-talk` for this test: no stray `.env`, no platform set up, a fresh database."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("PREPTALK_", "SLACK_", "MICROSOFT_")):
            monkeypatch.delenv(name)
    shutil.copyfile(migrated_sqlite_file, tmp_path / "cli.db")
    monkeypatch.setenv("PREPTALK_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    return run
