"""Bad input gets a clear answer and loses nothing; any input sequence keeps the engine whole."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine.flow import MAX_TEXT, clean_text
from bot.engine.messages import Expects
from bot.engine.state import Status
from tests.conftest import ContextFactory
from tests.engine.dialog import Dialog
from tests.engine.test_prep_transcripts import through_focus


@pytest.mark.parametrize("blank", ["", "   ", "\x00\x01\x02", "\u200b\u200e"])
def test_an_empty_message_is_asked_again(make_context: ContextFactory, blank: str) -> None:
    d = Dialog.start(make_context())
    through_focus(d)
    before = d.state
    d.say(blank)
    assert "didn't get any text" in d.text
    assert d.state == before and d.last.expects is Expects.TEXT


def test_a_200kb_message_is_cut_and_said_so(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    d.say("x" * 200_000)
    [cut] = d.findings("trimmed")
    assert cut["limit"] == MAX_TEXT
    assert len(d.state.hypotheses[0]) == MAX_TEXT
    assert "kept the first 4,000 characters" in d.text


@pytest.mark.parametrize(
    "odd",
    [
        "<!channel> <!here> <@U123> <http://evil.example|click>",
        "<script>alert(1)</script> **bold** _it_",
        "'; DROP TABLE notes; --",
        "مرحبا بالعالم 🚀🔥 שלום",
        "line\x00with\x07controls\x1b[31m",
    ],
)
def test_odd_text_is_kept_as_plain_data(make_context: ContextFactory, odd: str) -> None:
    d = Dialog.start(make_context())
    d.say(odd)
    stored = d.state.hypotheses[0]
    assert "\x00" not in stored and "\x07" not in stored and "\x1b" not in stored
    assert stored.replace(" ", "")[:5] == odd.replace("\x00", "").replace(" ", "")[:5]


def test_a_choice_from_an_earlier_step_changes_nothing(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_focus(d)
    before = d.state
    d.pick("q1")
    assert "earlier question" in d.text
    assert d.state == before and d.last.expects is Expects.TEXT


def test_an_answer_after_the_brief_is_refused_politely(make_context: ContextFactory) -> None:
    from bot.engine import flow
    from bot.engine.messages import Inbound

    d = Dialog.start(make_context())
    finished = d.state.model_copy(update={"status": Status.BRIEFED})
    turn = flow.advance(finished, Inbound(text="hello"), d.ctx)
    assert turn.state == finished and "not active" in turn.replies[0].text


actions = st.one_of(
    st.builds(lambda t: ("say", t), st.text(max_size=300)),
    st.builds(
        lambda c: ("pick", c),
        st.sampled_from(
            [
                "next",
                "back",
                "pause",
                "restart",
                "help",
                "q1",
                "q3",
                "goal1",
                "goal9",
                "suggest",
                "use_suggested",
                "keep",
                "nonsense",
            ]
        ),
    ),
    st.sampled_from(
        [
            ("say", "2027-02-10"),
            ("say", "2026-12-20"),
            ("say", "next Tuesday"),
            ("say", "We need MFA. And also EDR; plus a SIEM."),
            ("say", "Customers trust us."),
        ]
    ),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(actions, max_size=40))
def test_any_sequence_of_inputs_always_gets_a_reply(
    make_context: ContextFactory, steps: list[tuple[str, str]]
) -> None:
    d = Dialog.start(make_context())
    for kind, value in steps:
        if d.state.status is Status.PAUSED:
            d.resume()
        if d.state.status is not Status.IN_PROGRESS:
            break
        answers_before = len(d.state.hypotheses)
        replies = d.say(value) if kind == "say" else d.pick(value)
        assert replies, "every turn answers"
        waiting_or_done = (
            d.last.expects is not Expects.NONE or d.state.status is not Status.IN_PROGRESS
        )
        assert waiting_or_done, "an active prep always ends its turn with a question"
        if value not in ("restart",):
            assert len(d.state.hypotheses) >= answers_before, "earlier answers are never lost"


HIDDEN = ["\u061c", "\ufeff", "\u200b", "\u200e", "\u202e", "\u2066", "\u00ad", "\U000e0041"]


@pytest.mark.parametrize("hidden", HIDDEN)
def test_invisible_and_direction_characters_never_reach_the_prep(
    make_context: ContextFactory, hidden: str
) -> None:
    d = Dialog.start(make_context())
    d.say(f"They{hidden} find the course{hidden} generic")
    assert d.state.hypotheses == ["They find the course generic"]


def test_line_and_paragraph_separators_and_odd_spaces_become_plain_ones(
    make_context: ContextFactory,
) -> None:
    d = Dialog.start(make_context())
    d.say("Too long\u2028for\u00a0sellers\u2029on\u3000the road")
    assert d.state.hypotheses == ["Too long\nfor sellers\non the road"]


EMOJI = [
    "👩\u200d💻",
    "❤\ufe0f",
    "👍🏽",
    "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
]


@pytest.mark.parametrize("emoji", EMOJI)
def test_emoji_keep_their_joiners_variation_selectors_and_flag_tags(emoji: str) -> None:
    assert clean_text(f"Sellers {emoji} travel")[0] == f"Sellers {emoji} travel"


def _shown(char: str) -> bool:
    """A character a reader sees (or a plain space or newline), as the filter promises."""
    category = unicodedata.category(char)
    if char in " \n\t\u200c\u200d":
        return True
    return category not in ("Cc", "Cf", "Cs", "Zl", "Zp", "Zs")


@settings(max_examples=300, derandomize=True)
@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=60))
def test_no_hidden_character_survives_any_text(raw: str) -> None:
    text, _ = clean_text(raw)
    assert all(_shown(char) for char in text), [hex(ord(c)) for c in text if not _shown(c)]
    assert clean_text(text)[0] == text  # filtering twice changes nothing more


visible = st.characters(categories=("L", "M", "N", "P", "S"))


@settings(max_examples=200, derandomize=True)
@given(st.lists(st.text(alphabet=visible, min_size=1, max_size=12), min_size=1, max_size=6))
def test_visible_words_pass_unchanged(words: list[str]) -> None:
    raw = unicodedata.normalize("NFC", " ".join(words))
    assert clean_text(raw)[0] == raw.strip()
