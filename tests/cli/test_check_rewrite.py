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
