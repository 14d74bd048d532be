"""The terminal shows every kind of finding as one line with its words."""

from __future__ import annotations

from bot.cli.render import finding_line
from bot.engine.findings import MultipleGoalsFinding
from tests.support.findings import EVERY_KIND, said


def test_every_kind_of_finding_is_one_line_naming_its_kind_and_words() -> None:
    for finding in EVERY_KIND:
        line = finding_line(finding)
        assert line.startswith(f"{finding.kind}: ")
        # The goals to pick from are the numbered choices under the finding.
        goals = finding.goals if isinstance(finding, MultipleGoalsFinding) else []
        assert all(words in line for words in said(finding) if words not in goals), line
