"""The number that shows a talk worked: read from many phrasings, asked again when it cannot
be read, followed up and closed. Pure engine, no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.engine import flow
from bot.engine.dates import DateOrder
from bot.engine.outcomes import OutcomeStatus, Unit, read_measure, read_value, record
from bot.engine.state import Stage, Status
from bot.engine.steps.measure import progress_line
from tests.conftest import ContextFactory
from tests.engine.dialog import Dialog
from tests.engine.test_prep_transcripts import briefed

TODAY = date(2026, 11, 27)  # the Friday the engine tests run on


@pytest.mark.parametrize(
    ("text", "metric", "now", "goal", "unit", "due"),
    [
        (
            "training completion in sales: 42% now, goal 90% by 15 March",
            "training completion in sales", 42, 90, Unit.PERCENT, date(2027, 3, 15),
        ),
        ("completion rate 42% -> 90% by end of March", "completion rate", 42, 90,
         Unit.PERCENT, date(2027, 3, 31)),
        ("phishing reports: from 3 to 20 a month by June", "phishing reports", 3, 20,
         Unit.COUNT, date(2027, 6, 30)),
        ("Sales training completion, currently 42%, target 90%, by 15/03",
         "Sales training completion", 42, 90, Unit.PERCENT, date(2027, 3, 15)),
        ("42% to 90% training completion by 15 March", "training completion", 42, 90,
         Unit.PERCENT, date(2027, 3, 15)),
        ("MFA enrolment 60 % now; aim for 95% by 2027-03-15", "MFA enrolment", 60, 95,
         Unit.PERCENT, date(2027, 3, 15)),
        ("goal 90% by March 15, now 42% training completion", "training completion", 42, 90,
         Unit.PERCENT, date(2027, 3, 15)),
        ("open findings 120 now, goal 20 by end of June", "open findings", 120, 20,
         Unit.COUNT, date(2027, 6, 30)),
        ("training completion 42 percent now, 90 percent in 3 months", "training completion",
         42, 90, Unit.PERCENT, date(2027, 2, 27)),
        ("reported phishing emails 1,200 -> 2,500 before 1 April 2027",
         "reported phishing emails", 1200, 2500, Unit.COUNT, date(2027, 4, 1)),
        ("training completion in sales: 90% goal, currently 42%",
         "training completion in sales", 42, 90, Unit.PERCENT, None),
        ("Patch time 30 days now, target 7 days by the end of next month", "Patch time",
         30, 7, Unit.COUNT, date(2026, 12, 31)),
    ],
)  # fmt: skip
def test_a_measured_outcome_is_read_from_many_phrasings(
    text: str, metric: str, now: float, goal: float, unit: Unit, due: date | None
) -> None:
    reading = read_measure(text, TODAY, DateOrder.DMY)
    assert reading.problem is None and reading.outcome is not None
    outcome = reading.outcome
    assert (outcome.metric, outcome.baseline, outcome.target) == (metric, now, goal)
    assert (outcome.unit, outcome.target_date) == (unit, due)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("it went well", "no numbers"),
        ("completion: 42%", "two numbers"),
        ("42% to 90%", "Name what you measure"),
        ("top 10 customers 3 now 8 goal", "more than two numbers"),
        ("incidents 5 now, target 5", "the same"),
        ("completion 42% now, goal 90% by 3/4", "reads two ways"),
        ("completion 42% now, goal 90% by 3 March 2025", "already past"),
    ],
)
def test_what_cannot_be_read_says_what_is_missing(text: str, problem: str) -> None:
    reading = read_measure(text, TODAY)
    assert reading.outcome is None and reading.problem is not None
    assert problem in reading.problem


def test_an_ambiguous_due_day_is_read_the_users_way() -> None:
    text = "completion 42% now, goal 90% by 3/4"
    day_first = read_measure(text, TODAY, DateOrder.DMY).outcome
    month_first = read_measure(text, TODAY, DateOrder.MDY).outcome
    assert day_first is not None and day_first.target_date == date(2027, 4, 3)
    assert month_first is not None and month_first.target_date == date(2027, 3, 4)


@pytest.mark.parametrize(
    ("due", "fiscal_start", "day"),
    [
        ("by end of Q2", 1, date(2027, 6, 30)),
        ("by Q2", 1, date(2027, 6, 30)),  # a quarter as a deadline is its last day
        ("by the end of the quarter", 1, date(2026, 12, 31)),
        ("by end of Q2", 2, date(2027, 7, 31)),  # the company's fiscal year, from February
    ],
)
def test_a_fiscal_period_is_a_due_day(due: str, fiscal_start: int, day: date) -> None:
    reading = read_measure(f"completion 42% now, goal 90% {due}", TODAY, None, fiscal_start)
    assert reading.outcome is not None and reading.outcome.target_date == day


def test_a_new_reading_closes_the_loop_when_the_goal_is_met_or_it_is_final() -> None:
    measured = read_measure("completion 42% now, goal 90% by 15 March", TODAY).outcome
    assert measured is not None
    halfway = record(measured, 71, TODAY + timedelta(days=30), final=False)
    assert (halfway.status, halfway.follow_up_on) == (OutcomeStatus.OPEN, date(2027, 3, 15))
    assert progress_line(halfway) == ("completion: 42% → 71%, goal 90% by Mon 15 Mar 2027")
    assert record(halfway, 92, date(2027, 3, 1), final=False).status is OutcomeStatus.REACHED
    assert record(halfway, 80, date(2027, 3, 1), final=True).status is OutcomeStatus.FINAL
    late = record(halfway, 80, date(2027, 3, 20), final=False)
    assert (late.status, late.follow_up_on) == (OutcomeStatus.FINAL, None)


def test_a_goal_below_the_start_is_met_by_going_down() -> None:
    measured = read_measure("open findings 120 now, goal 20", TODAY).outcome
    assert measured is not None
    assert record(measured, 60, TODAY, final=False).status is OutcomeStatus.OPEN
    assert record(measured, 15, TODAY, final=False).status is OutcomeStatus.REACHED


@pytest.mark.parametrize(
    ("text", "reading"),
    [("71%", (71, False)), ("now 71 percent", (71, False)), ("80% final", (80, True)),
     ("1,250", (1250, False)), ("we're at 71.5% — done", (71.5, True))],
)  # fmt: skip
def test_a_new_number_is_read_with_or_without_its_unit(
    text: str, reading: tuple[float, bool]
) -> None:
    assert read_value(text) == reading


@pytest.mark.parametrize("text", ["", "better", "71% to 80%"])
def test_a_new_number_must_be_one_number(text: str) -> None:
    assert read_value(text) is None


def debriefed(make_context: ContextFactory) -> Dialog:
    ctx = make_context()
    d = briefed(ctx)
    d._apply(flow.start_debrief(d.state, ctx))
    d.say("The training lands at quarter-end and feels generic.")
    d.say("A 20-minute sales-specific module in week 3 of Q1.")
    d.say("I draft it with sales enablement by 15 January.")
    return d


def test_the_debrief_asks_for_the_number_then_when_to_follow_up(
    make_context: ContextFactory,
) -> None:
    d = debriefed(make_context)
    assert "What number will show it worked?" in d.last.text
    assert d.state.status is Status.IN_PROGRESS
    d.say("the training")
    assert "I found no numbers there" in d.text and "For example:" in d.text
    assert d.state.stage is Stage.MEASURE and d.state.outcome is None
    d.say("training completion in sales: 42% now, goal 90% by 15 March")
    assert "Noted: training completion in sales: 42% now, goal 90% by Mon 15 Mar 2027" in d.text
    assert d.choices()[0] == "use_due_day" and d.last.choices[0].label == "On Mon 15 Mar 2027"
    d.say("yesterday")
    assert "already past" in d.text and d.state.stage is Stage.FOLLOW_UP
    d.say("in 6 weeks")
    outcome = d.state.outcome
    assert outcome is not None and outcome.follow_up_on == TODAY + timedelta(weeks=6)
    assert d.state.status is Status.CLOSED and not d.waiting()
    assert "I'll ask you for the new number on Fri 8 Jan 2027" in d.text
    assert "42% now, goal 90%" in d.notes["debrief"]


def test_the_follow_up_defaults_to_the_due_day(make_context: ContextFactory) -> None:
    d = debriefed(make_context)
    d.say("completion 42% now, 90% by 15 March")
    d.pick("use_due_day")
    assert d.state.outcome is not None and d.state.outcome.follow_up_on == date(2027, 3, 15)


def test_skip_closes_the_debrief_without_a_number(make_context: ContextFactory) -> None:
    d = debriefed(make_context)
    d.say("skip")
    assert d.state.status is Status.CLOSED and d.state.outcome is None
    assert "Measured outcome" not in d.notes["debrief"]


def test_the_follow_up_takes_the_new_number_and_closes_the_loop(
    make_context: ContextFactory,
) -> None:
    d = debriefed(make_context)
    d.say("training completion in sales: 42% now, goal 90% by 15 March")
    d.pick("use_due_day")
    later = make_context(now=d.ctx.now + timedelta(days=108))  # Mon 15 March 2027
    d.ctx = later
    d._apply(flow.ask_outcome(d.state, later))
    assert d.state.stage is Stage.NEW_VALUE and d.state.status is Status.IN_PROGRESS
    assert "What is training completion in sales now?" in d.last.text
    d.say("much better")
    assert "Give the new number only" in d.text and d.state.stage is Stage.NEW_VALUE
    d.say("91%")
    outcome = d.state.outcome
    assert outcome is not None and outcome.status is OutcomeStatus.REACHED
    assert "Recorded: training completion in sales: 42% → 91%, goal 90%" in d.text
    assert "Goal reached" in d.text and d.state.status is Status.CLOSED
    assert "42% → 91%" in d.notes["debrief"]
    again = flow.record_outcome(d.state, "95%", later)
    assert again.state == d.state and "loop is closed" in again.replies[0].text


def test_not_now_closes_the_prep_again_without_a_reading(make_context: ContextFactory) -> None:
    d = debriefed(make_context)
    d.say("training completion in sales: 42% now, goal 90% by 15 March")
    d.pick("use_due_day")
    d._apply(flow.ask_outcome(d.state, d.ctx))
    assert d.choices() == ["not_now"]
    d.pick("not_now")
    assert d.state.status is Status.CLOSED and not d.waiting()
    assert d.state.outcome is not None and d.state.outcome.readings == []
    assert "I'll ask you for the new number on Mon 15 Mar 2027" in d.text


def test_a_reading_given_in_one_go_keeps_the_prep_closed(make_context: ContextFactory) -> None:
    d = debriefed(make_context)
    d.say("training completion in sales: 42% now, goal 90% by 15 March")
    d.pick("use_due_day")
    turn = flow.record_outcome(d.state, "71%", d.ctx)
    assert turn.state.status is Status.CLOSED and turn.state.outcome is not None
    assert turn.state.outcome.readings[-1].value == 71
    assert "42% → 71%" in turn.notes["debrief"]
    bad = flow.record_outcome(d.state, "lots", d.ctx)
    assert bad.state == d.state and "Give the new number only" in bad.replies[0].text


def test_a_prep_without_an_outcome_has_nothing_to_record(make_context: ContextFactory) -> None:
    d = debriefed(make_context)
    d.say("skip")
    turn = flow.ask_outcome(d.state, d.ctx)
    assert turn.state == d.state and "no measured outcome" in turn.replies[0].text
