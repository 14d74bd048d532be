"""The coach's judgement in the dialog: plainer versions, goals, questions, whys, dates."""

from __future__ import annotations

from tests.conftest import ContextFactory
from tests.engine.dialog import Dialog
from tests.engine.test_prep_transcripts import through_timing


def test_simplify_offers_a_plainer_version_and_uses_it(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_timing(d)
    d.say("Sellers should use SSO. It keeps deals moving.")
    assert "A plainer version:\n“Sellers should use one login for all your work apps." in d.text
    assert "use_rewrite" in d.choices()
    d.pick("use_rewrite")
    assert (
        d.state.opening
        == "Sellers should use one login for all your work apps. It keeps deals moving."
    )
    assert not d.findings("acronym")
    assert "use_rewrite" not in d.choices()
