"""A whole prep and its debrief with a measured outcome, through the coach service."""

from __future__ import annotations

from bot.coach import Coach
from bot.engine.messages import Command, Inbound
from bot.users import UserRef

MEASURE = "training completion in sales: 42% now, goal 90% by 15 March"
PREP = [
    Inbound(text="They think the course is generic"),
    Inbound(choice="next"),
    Inbound(choice="q1"),
    Inbound(choice="next"),
    Inbound(text="Sales finish the course so deals stay safe"),
    Inbound(choice="next"),
    Inbound(choice="suggest"),
    Inbound(choice="next"),
    Inbound(text="Your sellers work from hotels. I want customer files safe anywhere."),
    Inbound(choice="next"),
    Inbound(text="Customer trust wins renewals."),
    Inbound(choice="next"),
]
DEBRIEF = [
    Inbound(text="They want shorter modules"),
    Inbound(text="A 20-minute module in week 3"),
    Inbound(text="I draft it with enablement by 15 January"),
]


async def debriefed_with_outcome(coach: Coach, user: UserRef, measure: str = MEASURE) -> int:
    """Run a sales prep to its brief, then its debrief ending with `measure`, followed up on
    its due day; returns the prep's id."""
    answer = await coach.answer(user, Inbound(command=Command.START, argument="sales"))
    for inbound in PREP:
        answer = await coach.answer(user, inbound)
    assert answer.prep_id is not None
    await coach.handle(user, Inbound(command=Command.DEBRIEF, argument=str(answer.prep_id)))
    for inbound in DEBRIEF:
        await coach.handle(user, inbound)
    await coach.handle(user, Inbound(text=measure))
    closing = await coach.handle(user, Inbound(choice="use_due_day"))
    assert "I'll ask you for the new number" in closing[-1].text
    return answer.prep_id
