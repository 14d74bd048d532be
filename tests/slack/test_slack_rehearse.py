"""Rehearsing in Slack over signed HTTP against the Web API stand-in: the brief's Rehearse
button and `/prep-talk rehearse N` both put the stakeholder's push-back in the DM, and the
scorecard ends the rehearsal."""

from __future__ import annotations

import json

from bot.users import UserRef
from tests.slack.conftest import SlackWorkspace, buttons, choice_of, text_of
from tests.slack.test_slack_workspace import dialog_of, private_reply, run_to_the_brief
from tests.support.slack_requests import TEAM_ID, USER_ID

REPLY = "I hear you & I'll keep it to fifteen minutes in a quiet week. What would <b>help</b>?"


async def test_the_briefs_rehearse_button_starts_the_push_back_in_the_dm(
    slack: SlackWorkspace,
) -> None:
    brief = await run_to_the_brief(slack)
    prep = await slack.prep_of()

    opening = await slack.turn(slack.click(choice_of(brief, "rehearse")))

    assert "I'll play the VP of Sales" in text_of(opening)
    assert "what's on your mind?" in text_of(opening)
    assert (await dialog_of(slack, prep.id))[0] == "rehearse"


async def test_slash_rehearse_runs_to_a_scorecard_with_the_users_words_escaped(
    slack: SlackWorkspace,
) -> None:
    await run_to_the_brief(slack)
    prep = await slack.prep_of()

    message = await slack.turn(slack.command(f"rehearse {prep.id}"))
    assert "I'll play the VP of Sales" in text_of(message)
    for _line in range(8):
        message = await slack.turn(slack.say(REPLY))
        if "Rehearsal scorecard" in text_of(message):
            break
    shown = text_of(message)
    assert "Rehearsal scorecard" in shown and "• Feel: 3/3" in shown
    assert "&amp; I'll keep it" in shown and "&lt;b&gt;help&lt;/b&gt;" in shown
    assert "<b>" not in shown
    detail = await slack.coach.prep(UserRef("slack", TEAM_ID, USER_ID), prep.id)
    assert detail is not None and detail.status == "briefed"
    assert any(note.step == "rehearse" for note in detail.notes)


async def test_history_offers_to_rehearse_a_briefed_prep(slack: SlackWorkspace) -> None:
    await run_to_the_brief(slack)
    prep = await slack.prep_of()
    history = await private_reply(slack, "history")
    value = json.loads(buttons(history)[f"Rehearse #{prep.id}"])
    assert value["c"] == f"cmd:rehearse {prep.id}"

    opening = await slack.turn(slack.click(buttons(history)[f"Rehearse #{prep.id}"]))

    assert "I'll play the VP of Sales" in text_of(opening)
