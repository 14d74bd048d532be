"""`prep-talk check --json` hands back a plainer version of the text, not only its problems."""

from __future__ import annotations

import io
import json

from bot.cli import commands
from bot.playbook.library import PlaybookLibrary


def test_check_json_gives_a_rewrite_that_checks_cleaner(library: PlaybookLibrary) -> None:
    out = io.StringIO()
    draft = "Sellers should use SSO. It keeps deals moving."
    assert commands.check(library, "sales", draft, True, out) == commands.EXIT_OK
    document = json.loads(out.getvalue())
    assert document["rewrite"] == (
        "Sellers should use one login for all your work apps. It keeps deals moving."
    )
    again = io.StringIO()
    commands.check(library, "sales", document["rewrite"], True, again)
    rechecked = json.loads(again.getvalue())
    assert len(rechecked["findings"]) < len(document["findings"])
    assert rechecked["grade"] <= document["grade"] and rechecked["rewrite"] is None


def test_check_in_the_terminal_prints_the_findings_and_the_plainer_version(
    library: PlaybookLibrary,
) -> None:
    out = io.StringIO()
    draft = "Sellers should use SSO. It keeps deals moving."
    assert commands.check(library, "sales", draft, False, out) == commands.EXIT_OK
    printed = out.getvalue()
    assert "  - acronym: “SSO”" in printed
    assert printed.endswith(
        "\nA plainer version:\n"
        "Sellers should use one login for all your work apps. It keeps deals moving.\n"
    )


def test_check_in_the_terminal_offers_no_rewrite_for_plain_text(library: PlaybookLibrary) -> None:
    out = io.StringIO()
    commands.check(library, "sales", "It keeps deals moving.", False, out)
    assert "plainer version" not in out.getvalue()
