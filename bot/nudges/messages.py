"""What a nudge says, as neutral replies with a first button (resume, debrief, record the
number…) and Snooze / Stop."""

from __future__ import annotations

from datetime import date

from bot.commands import command_choice
from bot.engine.messages import Choice, Expects, Reply, Step
from bot.engine.steps.timing import day_label
from bot.nudges.planner import NudgeKind
from bot.playbook.library import PlaybookLibrary
from bot.storage.nudge_outbox import ClaimedNudge

SNOOZE = command_choice("nudges snooze")
STOP = command_choice("nudges off")


def nudge_reply(nudge: ClaimedNudge, library: PlaybookLibrary, today: date) -> Reply:
    """The DM text for a claimed nudge; its buttons run ordinary commands."""
    book = library.find(nudge.stakeholder)
    role = book.role if book else nudge.stakeholder
    team = book.team if book else nudge.stakeholder
    payload = nudge.payload
    starts = date.fromisoformat(payload["starts"]) if payload.get("starts") else None
    ends = date.fromisoformat(payload["ends"]) if payload.get("ends") else None
    prep_id = payload.get("prep_id")
    resume = command_choice(f"resume {prep_id}" if prep_id else f"prep {nudge.stakeholder}")
    if nudge.kind == NudgeKind.OUTCOME.value:
        text = (
            f"Time to check the number from your talk with {role}: where is it now? "
            "Record it and see the progress against your goal."
        )
        first = Choice(value=command_choice(f"outcome {prep_id}"), label="Record the number")
    elif nudge.kind == NudgeKind.DEBRIEF.value:
        talked = f" on {day_label(starts)}" if starts else ""
        text = (
            f"How did your talk with {role}{talked} go? "
            "Record a debrief while it is fresh: what you heard, what you agreed, the next step."
        )
        first = Choice(value=command_choice(f"debrief {prep_id}"), label="Debrief now")
    elif nudge.kind == NudgeKind.AFTER_CLOSE.value:
        text = (
            f"{team.capitalize()}'s busy season ended"
            f"{f' on {day_label(ends)}' if ends else ''}. Now is a good time to talk with {role}."
        )
        first = Choice(value=resume, label="Prepare the talk")
    else:
        days = (starts - today).days if starts else None
        closes = f" in {days} day{'s' if days != 1 else ''}" if days is not None else " soon"
        span = f" ({day_label(starts)} – {day_label(ends)})" if starts and ends else ""
        text = (
            f"Heads-up: {team}'s busy season starts{closes}{span}. "
            f"Your quiet window to talk with {role} is closing."
        )
        first = Choice(value=resume, label="Resume my prep" if prep_id else "Prepare now")
    return Reply(
        step=Step.INFO,
        text=text,
        expects=Expects.CHOICE,
        choices=(
            first,
            Choice(value=SNOOZE, label="Snooze a week"),
            Choice(value=STOP, label="Stop nudges"),
        ),
    )
