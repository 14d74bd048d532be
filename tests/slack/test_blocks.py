"""User text in Block Kit: shown exactly as typed, never styled, linked or a mention."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.slack.blocks import escape, reply_blocks
from bot.engine.messages import Finding, Reply, Step
from tests.support.mrkdwn import linked, shown, styled

HOSTILE = [
    "*bold* and _italic_ and ~struck~",
    "`code` and ```block```",
    "see https://evil.example/x or www.evil.example or ceo@evil.example",
    "<!channel> <@U999> <http://evil.example|click> &amp;",
    "> a quote\n>> another",
    "snake_case_name *a*b_c_",
]


def texts(reply: Reply) -> list[dict[str, str]]:
    return [block["text"] for block in reply_blocks(reply, 7) if block["type"] == "section"]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_user_text_echoed_by_the_coach_is_shown_literally(hostile: str) -> None:
    reply = Reply(step=Step.FEEL, text=f"Noted: {hostile}")
    [section] = texts(reply)
    assert styled(section["text"]) == []
    assert linked(section) == []
    assert shown(section["text"]) == f"Noted: {hostile}"


@pytest.mark.parametrize("hostile", [text for text in HOSTILE if "\n" not in text])
def test_terms_and_goals_in_findings_are_literal_inside_the_coachs_own_styling(
    hostile: str,
) -> None:
    jargon = Finding(kind="jargon", term=hostile, suggestion=hostile, expansion=hostile)
    goals = Finding(kind="multiple_goals", message="Pick one:", goals=[hostile, "b"])
    [_, findings] = texts(Reply(step=Step.SIMPLIFY, text="Checked.", findings=(jargon, goals)))
    assert linked(findings) == []
    assert hostile in shown(findings["text"])
    # At most the coach's own code span around the term and italics around the suggestion.
    assert set(styled(findings["text"])) <= {f"`{escape(hostile)}`", f"_{escape(hostile)}_"}


def test_the_brief_keeps_its_headings_and_labels_but_not_the_users_markup() -> None:
    brief = Reply(
        step=Step.BRIEF,
        text="# Prep brief: Sales\n**Goal:** *ship* _it_ https://evil.example\n> my `opening`",
    )
    [section] = texts(brief)
    assert styled(section["text"]) == [  # the coach's markup only
        "*Prep brief: Sales*",
        "*Goal:*",
        "&gt; my \u200b`\u200bopening\u200b`\u200b",
    ]
    assert linked(section) == []
    assert "*ship* _it_ https://evil.example" in shown(section["text"])


@settings(max_examples=200, derandomize=True)
@given(st.text(alphabet=st.sampled_from("*_~`> <&@:/.wh\nxy"), max_size=40))
def test_no_typed_text_is_ever_styled_or_linked(typed: str) -> None:
    for section in texts(Reply(step=Step.FEEL, text=typed or "x")):
        assert styled(section["text"]) == []
        assert linked(section) == []
        assert shown(section["text"]) == (typed or "x")
