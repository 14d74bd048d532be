"""Replies as Adaptive Cards: schema 1.5, buttons with their prep, findings with their data,
and user text that can never become markup, a link or a mention."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.channels.teams.cards import (
    BUTTON_PADDING,
    BUTTONS_PER_ROW,
    FINDING_LABELS,
    ROW_CHARACTERS,
    WORD_JOINER,
    personal_chat_link,
    turn_card,
)
from bot.engine.findings import (
    CrunchPeriodFinding,
    FearFinding,
    Finding,
    HolidayFinding,
    MissingWhyFinding,
    MultipleGoalsFinding,
    QuietWindowFinding,
    ReadabilityFinding,
    TermFinding,
    Tip,
)
from bot.engine.messages import Choice, Expects, Reply, Step
from tests.support.findings import EVERY_KIND, written_as
from tests.teams import cardreader
from tests.teams.support import BOT_ID

HOSTILE = [
    "[click me](https://evil.example/steal)",
    "see https://evil.example and www.evil.example",
    "<at>Everyone</at> **bold** _italic_ {{DATE(2026-11-27T06:00:00Z, SHORT)}}",
    "mail ceo@example.com",
]


def card_for(*findings: Finding, text: str = "Coach says") -> dict[str, object]:
    return turn_card([Reply(step=Step.TIMING, text=text, findings=findings)], prep_id=7)


def test_a_turn_is_one_schema_1_5_card_with_the_steps_guidance() -> None:
    replies = [
        Reply(step=Step.FEEL, text="Step 1 of 5 · Feel — listen first\n- a reason\n- another"),
        Reply(
            step=Step.FEEL,
            text="What do you think is going on?",
            expects=Expects.TEXT,
            choices=(Choice(value="next", label="Continue"), Choice(value="pause", label="Pause")),
        ),
    ]
    card = turn_card(replies, prep_id=12)
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.5")
    assert cardreader.lines(card)[:4] == [
        "Feel — listen first",
        "Step 1 of 5 · Feel — listen first",
        "• a reason",
        "• another",
    ]
    assert cardreader.buttons(card) == [
        {"choice": "next", "prep_id": 12, "step": "feel"},
        {"choice": "pause", "prep_id": 12, "step": "feel"},
    ]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_user_text_is_never_markdown_a_link_or_a_mention(hostile: str) -> None:
    card = turn_card(
        [
            Reply(
                step=Step.FEEL,
                text=f"You said: {hostile}",
                choices=(Choice(value="x", label=hostile),),
            )
        ],
        None,
    )
    blocks = [e for e in cardreader.elements(card) if e.get("type") == "TextBlock"]
    assert blocks == []  # TextBlocks parse Markdown; every text here is a TextRun
    assert not any(e.get("type") == "Action.OpenUrl" for e in cardreader.elements(card))
    assert "msteams" not in json.dumps(card).replace('"msteams": {"width": "Full"}', "")
    shown = cardreader.text(card) + " ".join(b["choice"] for b in cardreader.buttons(card))
    for linkish in ("https://", "www.", "@example", "{{DATE"):
        assert linkish not in shown
    assert hostile.replace(WORD_JOINER, "") in cardreader.text(card).replace(WORD_JOINER, "")


def test_jargon_shows_the_term_and_its_plain_words() -> None:
    card = card_for(
        TermFinding(
            kind="jargon",
            term="phishing",
            suggestion="fake emails that trick people",
            expansion=None,
        )
    )
    assert "Jargon: phishing → fake emails that trick people" in cardreader.lines(card)


def test_readability_shows_the_grade_against_the_target() -> None:
    card = card_for(
        ReadabilityFinding(message="too hard", suggestion="Shorter.", grade=12.34, target=8.0)
    )
    assert "Readability: reading grade 12.3, target 8" in cardreader.lines(card)


def test_quiet_window_and_crunch_period_show_their_dates() -> None:
    card = card_for(
        CrunchPeriodFinding(
            term="Quarter-end push",
            message="Tue 22 Dec 2026 falls in Quarter-end push: deals first.",
            suggestion="Pick a day before 11 Dec or after 31 Dec.",
            start=date(2026, 12, 11),
            end=date(2026, 12, 31),
        ),
        QuietWindowFinding(message="Quiet window", start=date(2027, 1, 1), end=date(2027, 3, 10)),
    )
    lines = cardreader.lines(card)
    assert "Busy period: Quarter-end push, Fri 11 Dec 2026 – Thu 31 Dec 2026" in lines
    assert "Quiet window: Fri 1 Jan 2027 – Wed 10 Mar 2027" in lines


def test_holiday_fear_missing_why_and_several_goals() -> None:
    card = card_for(
        HolidayFinding(
            message="Fri 25 Dec 2026 is Christmas Day (GB).",
            term="Christmas Day",
            date=date(2026, 12, 25),
            region="GB",
        ),
        FearFinding(message="Threat first.", suggestion="Open with gains.", quote="Breaches!"),
        MissingWhyFinding(message="No business outcome.", suggestion="Tie it to deals."),
        MultipleGoalsFinding(
            message="That is 2 goals in one conversation.",
            suggestion="Pick one.",
            goals=["finish training", "turn on MFA"],
        ),
    )
    lines = cardreader.lines(card)
    assert "Public holiday: Christmas Day on Fri 25 Dec 2026 (GB)" in lines
    assert lines[
        lines.index("Fear first: Threat first.") : lines.index("Fear first: Threat first.") + 3
    ] == ["Fear first: Threat first.", "“Breaches!”", "Open with gains."]
    assert "Missing the why: No business outcome." in lines
    assert "• finish training" in lines and "• turn on MFA" in lines


def test_every_kind_of_finding_has_its_own_label_and_its_advice() -> None:
    labels = [FINDING_LABELS[finding.kind] for finding in EVERY_KIND]
    assert len(set(labels)) == len(EVERY_KIND), "each kind is told apart at a glance"
    for finding, label in zip(EVERY_KIND, labels, strict=True):
        [_, _, headline, *details] = cardreader.lines(card_for(finding))
        assert headline.startswith(f"{label}: ") and headline != f"{label}: "
        if isinstance(finding, Tip):
            assert details[-1] == finding.suggestion


@pytest.mark.parametrize("hostile", HOSTILE)
def test_every_kind_of_finding_shows_user_words_literally(hostile: str) -> None:
    card = card_for(*(written_as(finding, hostile) for finding in EVERY_KIND))
    assert [e for e in cardreader.elements(card) if e.get("type") == "TextBlock"] == []
    shown = cardreader.text(card).replace(WORD_JOINER, "")
    for linkish in ("https://", "www.", "@example"):
        assert linkish not in cardreader.text(card)
    assert shown.count(hostile) >= len(EVERY_KIND)


def test_the_brief_headings_bullets_and_bold_become_text_styles() -> None:
    brief = (
        "# Prep brief: Sales\n\n**Goal (one outcome):** keep deals safe\n"
        "- [ ] pipeline data\n> Our opening"
    )
    card = turn_card([Reply(step=Step.BRIEF, text=brief)], None)
    runs = [e for e in cardreader.elements(card) if e.get("type") == "TextRun"]
    heading = next(run for run in runs if run["text"] == "Prep brief: Sales")
    assert heading.get("weight") == "Bolder"
    bold = next(run for run in runs if run["text"] == "Goal (one outcome):")
    assert bold.get("weight") == "Bolder"
    assert "☐ pipeline data" in cardreader.lines(card)
    assert any(run.get("italic") and run["text"] == "Our opening" for run in runs)


def test_many_choices_wrap_into_rows_and_none_is_dropped() -> None:
    choices = tuple(Choice(value=f"q{n}", label=f"Question {n}") for n in range(1, 12))
    card = turn_card([Reply(step=Step.FEEL, text="Pick", choices=choices)], 3)
    rows = [e for e in cardreader.elements(card) if e.get("type") == "ActionSet"]
    assert len(rows) > 2
    for row in rows:  # each row fits a chat column: at most so many buttons, so many letters
        titles = [action["title"] for action in row["actions"]]
        assert len(titles) <= BUTTONS_PER_ROW
        assert len(titles) == 1 or sum(len(t) + BUTTON_PADDING for t in titles) <= ROW_CHARACTERS
    assert [b["choice"] for b in cardreader.buttons(card)] == [c.value for c in choices]
    short = tuple(Choice(value=f"n{n}", label=f"{n}") for n in range(1, 12))  # "1" … "11"
    narrow = turn_card([Reply(step=Step.FEEL, text="Pick", choices=short)], 3)
    assert len([e for e in cardreader.elements(narrow) if e.get("type") == "ActionSet"]) == 3


def test_the_personal_chat_link_opens_a_chat_with_this_bot_only() -> None:
    link = personal_chat_link(BOT_ID)
    assert link is not None
    card = turn_card([Reply(step=Step.INFO, text="Preps are private")], None, link)
    assert cardreader.links(card) == [f"https://teams.microsoft.com/l/chat/0/0?users={BOT_ID}"]
