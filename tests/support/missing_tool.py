"""A tool a test needs (Chromium, an npm-built file) is not installed here."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing_tool(reason: str) -> NoReturn:
    """Skip the calling test on a developer's machine; fail it under CI=true, where `.ci/run`
    installs every tool, so a missing one is a broken build and never a silent skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)
