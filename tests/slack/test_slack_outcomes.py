"""In Slack: a debrief with a number, the follow-up nudge on its day, the number recorded from
the nudge's button, and the outcome in App Home. The whole app in front of the Web API
stand-in, with the real signature check and the real nudge runner."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.coach import NO_SUCH_PREP
from bot.engine.outcomes import OutcomeStatus
from bot.nudges.metrics import NudgeMetrics
from bot.nudges.runner import RunReport
from bot.senders import nudge_runner
from bot.users import UserRef
from tests.slack.conftest import SlackWorkspace, buttons, choice_of, text_of
from tests.slack.test_slack_workspace import (
    home_buttons,
    home_text,
    open_home,
    private_reply,
    run_to_the_brief,
    services_of,
)
from tests.support.slack_requests import TEAM_ID, USER_ID

PREPPED = datetime.fromisoformat("2026-11-27T10:00:00+00:00")  # a Friday morning
ALICE = UserRef("slack", TEAM_ID, USER_ID)
OTHER_USER = "U0OTHER"
MEASURE = "training completion in sales: 42% now, goal 90% by 15 March"


async def debrief_with_a_number(slack: SlackWorkspace) -> int:
    """A prep, its brief and a debrief that ends with the number and its follow-up day."""
    slack.coach.clock = lambda: PREPPED
    await run_to_the_brief(slack)
    prep = await slack.prep_of()
    await slack.turn(slack.command(f"debrief {prep.id}"))
    await slack.turn(slack.say("They want a shorter course, not none"))
    await slack.turn(slack.say("A 20-minute module in week 3"))
    asked = await slack.turn(slack.say("I draft it with enablement by 15 January"))
    assert "What number will show it worked?" in text_of(asked)
    follow_up = await slack.turn(slack.say(MEASURE))
    assert "goal 90% by Mon 15 Mar 2027" in text_of(follow_up)
    closing = await slack.turn(slack.click(choice_of(follow_up, "use_due_day")))
    assert "I'll ask you for the new number on Mon 15 Mar 2027" in text_of(closing)
    return prep.id


async def run_nudges(slack: SlackWorkspace, now: datetime) -> RunReport:
    runner = nudge_runner(services_of(slack), NudgeMetrics.create())
    return await runner.run_once(now, clock=lambda: now)


def outcome_nudges(slack: SlackWorkspace) -> list[dict[str, Any]]:
    posts = [call.body for call in slack.api.calls_to("chat.postMessage", only_ok=True)]
    return [post for post in posts if "Time to check the number" in text_of(post)]


async def test_the_follow_up_nudge_comes_on_its_day_and_its_button_records_the_number(
    slack: SlackWorkspace,
) -> None:
    prep_id = await debrief_with_a_number(slack)

    early = await run_nudges(slack, datetime.fromisoformat("2027-03-12T10:00:00+00:00"))
    assert early.by_kind.get("outcome") is None and outcome_nudges(slack) == []

    due = await run_nudges(slack, datetime.fromisoformat("2027-03-15T10:00:00+00:00"))
    assert due.by_kind == {"outcome": 1} and due.sent == 1
    [nudge] = outcome_nudges(slack)
    assert nudge["channel"] == USER_ID
    record = buttons(nudge)["Record the number"]
    assert json.loads(record)["c"] == f"cmd:outcome {prep_id}"

    slack.coach.clock = lambda: datetime.fromisoformat("2027-03-15T10:05:00+00:00")
    asked = await slack.turn(slack.click(record))
    assert "What is training completion in sales now?" in text_of(asked)
    recorded = await slack.turn(slack.say("91%"))
    assert "42% → 91%, goal 90% by Mon 15 Mar 2027" in text_of(recorded)
    assert "Goal reached" in text_of(recorded)

    [outcome] = await slack.coach.outcomes(ALICE)
    assert outcome.outcome.status is OutcomeStatus.REACHED
    assert (await slack.prep_of()).status == "closed"
    later = await run_nudges(slack, datetime.fromisoformat("2027-03-16T10:00:00+00:00"))
    assert later.planned == 0 and len(outcome_nudges(slack)) == 1, "the loop is closed"


async def test_app_home_lists_the_outcome_with_a_button_to_record_it(
    slack: SlackWorkspace,
) -> None:
    prep_id = await debrief_with_a_number(slack)

    view = (await open_home(slack)).body["view"]
    assert "*Measured outcomes*" in home_text(view)
    assert "42% now, goal 90% by Mon 15 Mar 2027" in home_text(view)
    button = home_buttons(view)["Record the number"]
    assert json.loads(button["value"])["c"] == f"cmd:outcome {prep_id}"

    recorded = await slack.turn(slack.command(f"outcome {prep_id} 71%"))
    assert "I'll ask you for the new number on Mon 15 Mar 2027" in text_of(recorded)
    view = (await open_home(slack)).body["view"]
    assert "42% → 71%, goal 90%" in home_text(view)


async def test_nobody_else_can_record_or_see_the_outcome(slack: SlackWorkspace) -> None:
    prep_id = await debrief_with_a_number(slack)

    refused = await private_reply(slack, f"outcome {prep_id} 95%", user=OTHER_USER)
    assert NO_SUCH_PREP in text_of(refused)
    listed = await private_reply(slack, "outcome", user=OTHER_USER)
    assert "No measured outcomes yet" in text_of(listed)
    [outcome] = await slack.coach.outcomes(ALICE)
    assert outcome.outcome.readings == []
    view = (await open_home(slack, user=OTHER_USER)).body["view"]
    assert "Measured outcomes" not in home_text(view)
