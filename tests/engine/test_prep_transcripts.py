"""Transcripts of the coaching dialog, step by step, on the pure engine (no DB, no HTTP)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.engine.context import CoachContext
from bot.engine.dates import read_date
from bot.engine.messages import Expects, Step
from bot.engine.state import Stage, Status
from bot.engine.steps.timing import day_label
from tests.conftest import ContextFactory
from tests.engine.dialog import Dialog


def through_feel(d: Dialog) -> None:
    d.say("They see the training as generic IT content")
    d.pick("next")
    d.pick("q1")
    d.pick("next")


def through_focus(d: Dialog) -> None:
    through_feel(d)
    d.say("Sales finish the training before the quiet weeks end, so customers keep trusting us")
    d.pick("next")


def through_timing(d: Dialog) -> None:
    through_focus(d)
    d.say("2027-01-12")
    d.pick("next")


def through_simplify(d: Dialog) -> None:
    through_timing(d)
    d.say("Your sellers work from hotels and airports. I want them to reach customer files safely.")
    d.pick("next")


def briefed(ctx: CoachContext) -> Dialog:
    """A prep through its five steps to the brief."""
    d = Dialog.start(ctx)
    through_simplify(d)
    d.say("It protects customer trust.")
    d.pick("next")
    return d


def test_a_sales_prep_runs_from_feel_to_the_brief(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    assert d.last.step is Step.FEEL and d.last.expects is Expects.TEXT
    assert "Reasons we often hear" in d.text
    through_simplify(d)
    assert d.state.step is Step.WHY
    d.say("Keeping customer data safe protects the trust that wins renewals.")
    replies = d.pick("next")
    brief = replies[0].text
    assert d.state.status is Status.BRIEFED
    assert not d.waiting()
    for part in (
        "Sales finish the training",
        "They see the training as generic IT content",
        "Tue 12 Jan 2027",
        "reach customer files safely",
        "trust that wins renewals",
    ):
        assert part in brief
    assert d.notes["brief"] == brief
    assert set(d.notes) >= {"feel", "focus", "timing", "simplify", "why", "brief"}


def test_feel_needs_a_hypothesis_before_moving_on(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    d.pick("next")
    assert "at least one hypothesis" in d.text
    assert d.state.stage is Stage.HYPOTHESES


def test_feel_offers_the_playbooks_questions_and_accepts_the_users_own(
    make_context: ContextFactory,
) -> None:
    ctx = make_context()
    d = Dialog.start(ctx)
    d.say("No manager asks about it")
    d.pick("next")
    offered = [c.label for c in d.last.choices if c.value.startswith("q")]
    assert offered == ctx.playbook.listening_questions
    d.pick("q2")
    assert "q2" not in d.choices()
    d.say("What would make the training worth an hour of your team's time")
    assert d.state.questions == [
        ctx.playbook.listening_questions[1],
        "What would make the training worth an hour of your team's time?",
    ]
    assert not d.findings("closed_question")
    d.say("What gets in the way.")
    d.say("How could we make it fit your week?!")
    assert d.state.questions[-2:] == [
        "What gets in the way?",
        "How could we make it fit your week?",
    ]


def test_a_yes_no_question_gets_a_tip(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    d.say("Too busy")
    d.pick("next")
    d.say("Do you think the training is useful?")
    [finding] = d.findings("closed_question")
    assert "What" in str(finding["suggestion"])


def test_several_goals_are_flagged_and_one_is_picked(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_feel(d)
    d.say("Get sales to finish the training by March and also turn on MFA on every laptop.")
    [finding] = d.findings("multiple_goals")
    assert finding["goals"] == [
        "Get sales to finish the training by March",
        "Turn on MFA on every laptop",
    ]
    assert d.last.expects is Expects.CHOICE
    d.pick("next")
    assert "Pick one outcome" in d.text
    d.pick("goal2")
    assert d.state.goal == "Turn on MFA on every laptop"
    assert d.findings("priorities"), "a goal about laptops says nothing of what sales needs"


def test_goals_split_at_a_dash_keep_no_dash(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_feel(d)
    d.say("Approve the €40k budget for laptops — and get sales through the course by March.")
    [finding] = d.findings("multiple_goals")
    assert [goal[-1] for goal in finding["goals"]] == ["s", "h"]  # "…laptops", "…March"


@pytest.mark.parametrize(
    "said",
    [
        "Nothing specific - I just want to introduce myself and listen.",
        "no agenda really, just getting to know her",
    ],
)
def test_a_talk_with_no_ask_is_asked_for_one_small_outcome(
    make_context: ContextFactory, said: str
) -> None:
    d = Dialog.start(make_context())
    through_feel(d)
    d.say(said)
    assert "Still name one small thing to leave with" in d.text
    d2 = Dialog.start(make_context())
    through_feel(d2)
    d2.say("Sales finish the training so deals keep moving")
    assert "Still name one small thing" not in d2.text


def test_a_list_of_goals_counts_as_several(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_feel(d)
    d.say("- finish the training\n- enable MFA on phones\n- stop sharing passwords")
    assert len(d.findings("multiple_goals")[0]["goals"]) == 3  # type: ignore[arg-type]


def test_a_date_in_the_quarter_end_crunch_gets_a_quiet_window(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_focus(d)
    d.say("2026-12-17")
    [crunch] = d.findings("crunch_period")
    assert (crunch["start"], crunch["end"]) == ("2026-11-20", "2026-12-31")
    [quiet] = d.findings("quiet_window")
    assert (quiet["start"], quiet["end"]) == ("2027-01-01", "2027-03-10")
    assert d.state.planned_date is None
    d.pick("use_suggested")
    # 1 Jan is a holiday, 2-3 Jan a weekend, and Mon 4 Jan the first day back after the break
    assert d.state.planned_date == date(2027, 1, 5)
    assert d.state.stage is Stage.GATHER
    assert "Before you talk, gather" in d.last.text


def test_keeping_a_crunch_date_is_allowed(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_focus(d)
    d.say("17 December")
    d.pick("keep")
    assert d.state.planned_date == date(2026, 12, 17)
    assert "not a quiet time" in d.text and "Good choice" not in d.text


def test_keeping_a_weekend_date_is_allowed_but_never_praised(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_focus(d)
    d.say("2027-02-06")  # a Saturday in the quiet window
    assert d.findings("weekend")
    d.pick("keep")
    assert d.state.planned_date == date(2027, 2, 6)
    assert "Good choice" not in d.text


def test_a_holiday_in_the_stakeholders_regions_is_flagged(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_focus(d)
    d.say("2027-05-31")  # Memorial Day in the US, a sales region
    [holiday] = d.findings("holiday")
    assert holiday["region"] == "US" and "Memorial" in str(holiday["term"])
    assert d.state.suggested_date == date(2027, 6, 2)  # not Tue 1 Jun, the first day back


@pytest.mark.parametrize("said", ["Tuesday the 10th", "friday 13th"])
def test_a_weekday_and_a_day_that_disagree_are_asked_about(
    make_context: ContextFactory, said: str
) -> None:
    d = Dialog.start(make_context(stakeholder="engineering"))
    through_focus(d)
    said_back = " ".join(reply.text for reply in d.say(said))
    assert d.state.planned_date is None and d.state.proposed_date is None
    assert "Which day do you mean?" in said_back
    reading = read_date(said, date(2026, 11, 30))
    assert reading is not None and reading.clash and reading.options[0].day == int(said[-4:-2])


def test_a_weekday_that_is_not_the_days_is_settled_with_a_button(
    make_context: ContextFactory,
) -> None:
    d = Dialog.start(make_context(stakeholder="engineering"))  # Friday 27 November
    through_focus(d)
    d.say("Tuesday the 10th")  # the 10th is a Thursday
    labels = [choice.label for choice in d.last.choices]
    assert d.choices()[:2] == ["numbered_day", "named_day"]
    assert labels[:2] == ["Thu 10 Dec 2026", "Tue 8 Dec 2026"]
    d.pick("named_day")
    assert date(2026, 12, 8) in (d.state.planned_date, d.state.proposed_date)
    assert d.state.day_choices == []


@pytest.mark.parametrize(
    ("said", "first", "second"),
    [
        ("The 8th or the 9th, I'll confirm once her EA replies", date(2026, 12, 8),
         date(2026, 12, 9)),
        ("either Tuesday or Thursday, whichever suits her", date(2026, 12, 1),
         date(2026, 12, 3)),
    ],
)  # fmt: skip
def test_two_days_offered_are_asked_about_with_a_button_each(
    make_context: ContextFactory, said: str, first: date, second: date
) -> None:
    d = Dialog.start(make_context(stakeholder="engineering"))  # Friday 27 November
    through_focus(d)
    said_back = " ".join(reply.text for reply in d.say(said))
    assert d.state.planned_date is None and d.state.proposed_date is None
    assert "Which day do you mean?" in said_back
    assert [choice.label for choice in d.last.choices][:2] == [day_label(first), day_label(second)]
    d.pick(d.choices()[1])
    assert second in (d.state.planned_date, d.state.proposed_date)
    assert read_date("the 15th or so", date(2026, 11, 30)) == read_date(
        "the 15th", date(2026, 11, 30)
    )


def test_everyday_date_phrases_are_understood(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context(stakeholder="engineering"))
    through_focus(d)
    d.say("in two weeks")
    assert date(2026, 12, 11) in (d.state.planned_date, d.state.proposed_date)


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("Thursday the 7th", date(2027, 1, 7)),  # the next 7th that is a Thursday
        ("Wednesday the 16th", date(2026, 12, 16)),
        ("next Tuesday at 3pm", date(2026, 12, 8)),  # a time of day changes nothing
        ("next Tuesday", date(2026, 12, 8)),
        ("wednesday morning", date(2026, 12, 2)),
        ("Thursday next week", date(2026, 12, 10)),
        ("next week on Monday", date(2026, 12, 7)),
        ("the second Wednesday of January", date(2027, 1, 13)),
        ("last Thursday in March 2027", date(2027, 3, 25)),
    ],
)
def test_weekdays_with_a_day_or_a_time_are_read_as_meant(said: str, meant: date) -> None:
    reading = read_date(said, date(2026, 11, 30))
    assert reading is not None and reading.day == meant


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("Christmas Eve", date(2026, 12, 24)),
        ("new year's day", date(2027, 1, 1)),
        ("the last Friday before Christmas", date(2026, 12, 18)),  # Christmas is a Friday
        ("the first Monday after New Year", date(2027, 1, 4)),
        ("the Tuesday before the 10th", date(2026, 12, 8)),
        ("the Thursday before end of March", date(2027, 3, 25)),
        ("the week after next", date(2026, 12, 14)),  # its Monday, as "next week" is read
        ("the Friday after next", date(2026, 12, 18)),  # a week after "next Friday"
    ],
)
def test_holidays_and_days_around_them_are_read_as_meant(said: str, meant: date) -> None:
    reading = read_date(said, date(2026, 11, 30))
    assert reading is not None and reading.day == meant


@pytest.mark.parametrize(
    ("said", "regions", "meant"),
    [
        ("the Tuesday after Thanksgiving", ("US",), date(2026, 12, 1)),  # last week's
        ("the day after MLK Day", ("US", "GB"), date(2027, 1, 19)),
        ("Presidents' Day, if she's back", ("US",), date(2027, 2, 15)),
        ("the Friday before Good Friday", ("GB",), date(2027, 3, 19)),
        ("Easter Monday", ("GB", "AU"), date(2027, 3, 29)),
        ("Labour Day", ("US", "DE"), date(2027, 9, 6)),  # the first region's
        ("Labour Day", ("DE", "US"), date(2027, 5, 1)),
    ],
)
def test_public_holidays_of_the_talks_countries_are_read_by_name(
    said: str, regions: tuple[str, ...], meant: date
) -> None:
    reading = read_date(said, date(2026, 11, 30), regions=regions)
    assert reading is not None and reading.day == meant


def test_a_holiday_is_looked_up_in_the_users_country_first(make_context: ContextFactory) -> None:
    for zone, month in (("America/Chicago", 9), ("Europe/Berlin", 5)):  # Labor Day, Tag der Arbeit
        ctx = make_context(stakeholder="engineering", time_zone=zone)
        reading = read_date("Labor Day", ctx.today, regions=ctx.regions)
        assert reading is not None and reading.day is not None and reading.day.month == month
    assert read_date("Thanksgiving", date(2026, 11, 30)) is None  # no country: not guessed


def test_a_holiday_named_at_the_slow_down_step_is_its_day(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context(stakeholder="engineering", time_zone="America/New_York"))
    through_focus(d)
    d.say("the Tuesday after Presidents' Day")
    assert date(2027, 2, 16) in (d.state.planned_date, d.state.proposed_date)


def test_the_quarter_under_way_asks_about_its_days_to_come() -> None:
    reading = read_date("sometime this quarter", date(2026, 12, 1))
    assert reading is not None and reading.month == 12  # not October, gone


def test_a_day_around_something_that_is_no_date_is_not_read() -> None:
    assert read_date("the Friday before the launch", date(2026, 11, 30)) is None


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("end of Q1", date(2027, 3, 31)),
        ("after the close", date(2027, 1, 4)),  # the Monday after the quarter closes
        ("start of next quarter", date(2027, 1, 1)),
        ("quarter-end", date(2026, 12, 31)),
    ],
)
def test_fiscal_periods_are_read_by_the_fiscal_year(said: str, meant: date) -> None:
    reading = read_date(said, date(2026, 11, 30))
    assert reading is not None and reading.day == meant
    shifted = read_date(said, date(2026, 11, 30), fiscal_year_start_month=2)
    assert shifted is not None and shifted.day != meant  # a February fiscal year moves it


@pytest.mark.parametrize(("said", "month"), [("next month", 12), ("early next year", 1)])
def test_a_loosely_named_month_or_year_is_asked_not_guessed(said: str, month: int) -> None:
    reading = read_date(said, date(2026, 11, 30))
    assert reading is not None and reading.day is None and reading.month == month


def test_a_quarter_named_alone_asks_which_day(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_focus(d)
    d.say("sometime in Q1")
    assert d.state.planned_date is None and "January" in d.text


def test_past_and_unreadable_dates_are_asked_again(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_focus(d)
    before = d.state
    d.say("2026-11-01")
    assert "already passed" in d.text and d.state == before
    d.say("whenever suits")
    assert "couldn't read a date" in d.text and d.state == before
    assert d.last.expects is Expects.TEXT


def test_suggest_a_date_picks_a_quiet_working_day(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_focus(d)
    d.pick("suggest")
    # The middle of the quiet window 1 Jan – 10 Mar, on a Thursday
    assert d.state.planned_date == date(2027, 2, 4)


def test_simplify_flags_jargon_acronyms_fear_and_grade(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_timing(d)
    d.say(
        "Attackers breached 60% of companies last year through lateral movement. "
        "We need MFA and ZTNA for everyone immediately, notwithstanding the organisational "
        "inconvenience it unavoidably introduces across distributed commercial operations."
    )
    terms = {f["term"] for f in d.findings("jargon") + d.findings("acronym")}
    assert {"lateral movement", "MFA", "ZTNA"} <= terms
    mfa = next(f for f in d.findings("acronym") if f["term"] == "MFA")
    assert mfa["suggestion"]
    assert d.findings("fear")
    [grade] = d.findings("readability")
    assert float(grade["grade"]) > float(grade["target"])  # type: ignore[arg-type]
    d.say("Your sellers work from hotels and airports. I want them to reach customer files safely.")
    assert not d.findings("fear") and not d.findings("jargon")
    assert "nothing to fix" in d.text
    d.pick("next")
    assert d.state.step is Step.WHY
    assert "reach customer files safely" in str(d.state.opening)


def test_an_acronym_spelled_out_is_not_flagged(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_timing(d)
    d.say("We will add MFA (a second check when you sign in) so deals with customers stay safe.")
    assert not [f for f in d.findings("acronym") if f["term"] == "MFA"]


def test_a_why_without_business_words_gets_an_example(make_context: ContextFactory) -> None:
    ctx = make_context(mission="Make travel simple for every family")
    d = Dialog.start(ctx)
    through_simplify(d)
    assert "Make travel simple for every family" in d.text
    d.say("Because policy says so.")
    [missing] = d.findings("missing_why")
    suggestion = str(missing["suggestion"])
    assert suggestion.startswith(str(d.state.goal))
    assert any(p.lower() in suggestion.lower() for p in ctx.playbook.priorities)
    d.say("So every family can keep travelling simply, without worrying about their data.")
    assert not d.findings("missing_why")


def test_debrief_attaches_to_the_briefed_prep(make_context: ContextFactory) -> None:
    from bot.engine import flow

    ctx = make_context()
    d = briefed(ctx)
    d._apply(flow.start_debrief(d.state, ctx))
    assert d.state.step is Step.DEBRIEF
    d.say("The training lands at quarter-end and feels generic.")
    d.say("A 20-minute sales-specific module in week 3 of Q1.")
    d.say("I draft it with sales enablement by 15 January.")
    assert d.state.stage is Stage.MEASURE
    d.say("skip")
    assert d.state.status is Status.CLOSED and not d.waiting()
    for part in ("feels generic", "20-minute", "15 January"):
        assert part in d.notes["debrief"]


def test_a_debrief_left_half_way_is_picked_up_not_refused(make_context: ContextFactory) -> None:
    from bot.engine import flow

    ctx = make_context()
    d = briefed(ctx)
    refused = flow.start_debrief(flow.begin("sales", ctx).state, ctx)
    assert "Finish this prep's brief" in refused.replies[0].text  # still in its five steps
    d._apply(flow.start_debrief(d.state, ctx))
    d.say("The training lands at quarter-end and feels generic.")
    d.pick("pause")
    again = flow.start_debrief(d.state, ctx)
    assert "Finish this prep's brief" not in " ".join(r.text for r in again.replies)
    d._apply(again)
    assert d.state.step is Step.DEBRIEF and "feels generic" in str(d.state.model_dump())


def test_back_keeps_answers_and_returns_to_the_previous_step(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_focus(d)
    d.pick("back")
    assert d.state.step is Step.FOCUS and d.state.goal
    d.pick("back")
    assert d.state.step is Step.FEEL and d.state.hypotheses
    d.pick("back")
    assert "first step" in d.text


def test_pause_and_resume_where_it_stopped(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_focus(d)
    d.say("pause")
    assert d.state.status is Status.PAUSED and not d.waiting()
    d.resume()
    assert d.state.status is Status.IN_PROGRESS and d.state.step is Step.TIMING
    assert "Welcome back" in d.text and d.last.expects is Expects.TEXT


def test_restart_clears_answers_and_their_notes(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_focus(d)
    d.say("restart")
    assert d.state.step is Step.FEEL and not d.state.hypotheses and d.state.goal is None
    assert d.notes["feel"] == "" and d.notes["focus"] == ""


def test_help_explains_without_changing_anything(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_feel(d)
    before = d.state
    d.say("help")
    assert "next" in d.text and "pause" in d.text
    assert d.state == before and d.last.expects is Expects.TEXT
