"""A Teams user rehearses a finished prep in personal chat: the word "rehearse" and the
brief's Rehearse button both start it (Bot Framework's TestAdapter, a migrated database)."""

from __future__ import annotations

from bot.coach import Coach
from tests.teams.support import DANA
from tests.teams.test_transcript import TeamsChat, chat, coach
from tests.test_coach import FULL, run

__all__ = ["chat", "coach"]  # the personal-chat fixtures, shared with the prep transcript


async def through_the_brief(chat: TeamsChat, coach: Coach) -> None:
    """The prep's answers through the coach, the last step's "next" typed in the chat."""
    await run(coach, DANA, *FULL[:-1])
    await chat.says("next")
    assert "Prep brief: Sales" in chat.text


async def test_typing_rehearse_plays_the_stakeholder_until_the_scorecard(
    chat: TeamsChat, coach: Coach
) -> None:
    await through_the_brief(chat, coach)
    [prep] = await coach.preps(DANA)
    await chat.says(f"rehearse {prep.id}")
    assert "I'll play the VP of Sales" in chat.text and "what's on your mind?" in chat.text
    for _line in range(8):
        await chat.says("Fair. I'll keep it short. What would help your team most?")
        if "Rehearsal scorecard" in chat.text:
            break
    assert "Rehearsal scorecard" in chat.text and "Slow down" in chat.text
    [prep] = await coach.preps(DANA)
    assert prep.status == "briefed"


async def test_the_briefs_rehearse_button_starts_a_rehearsal(chat: TeamsChat, coach: Coach) -> None:
    await through_the_brief(chat, coach)
    await chat.clicks("rehearse")
    assert "I'll play the VP of Sales" in chat.text
    await chat.says("pause")
    await chat.says("rehearse")
    assert "Back to your rehearsal" in chat.text
