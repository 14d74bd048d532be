"""The coach's judgement in the dialog: plainer versions, goals, questions, whys, dates."""

from __future__ import annotations

from datetime import date

import pytest

from bot.engine.dates import DateOrder, order_of_locale
from tests.conftest import ContextFactory
from tests.engine.dialog import Dialog
from tests.engine.test_prep_transcripts import through_focus, through_simplify, through_timing


def test_simplify_offers_a_plainer_version_and_uses_it(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_timing(d)
    d.say("Sellers should use SSO. It keeps deals moving.")
    assert "A plainer version:\n“Sellers should use one login for all your work apps." in d.text
    assert "use_rewrite" in d.choices()
    d.pick("use_rewrite")
    assert (
        d.state.opening
        == "Sellers should use one login for all your work apps. It keeps deals moving."
    )
    assert not d.findings("acronym")
    assert "use_rewrite" not in d.choices()


def in_feel_questions(d: Dialog) -> None:
    d.say("The course lands in the last weeks of the quarter")
    d.pick("next")


def test_an_invitation_to_talk_is_an_open_question(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    in_feel_questions(d)
    d.say("Can you walk me through how a deal gets its security review?")
    d.say("Would you tell me about the last time a sign-in step slowed a seller down?")
    assert not [r.findings for r in d.replies if r.findings]
    assert len(d.state.questions) == 2


def test_a_leading_question_gets_a_tip_with_an_open_rewording(
    make_context: ContextFactory,
) -> None:
    d = Dialog.start(make_context())
    in_feel_questions(d)
    d.say("Surely your sellers can spare ten minutes for the course?")
    [tip] = d.findings("leading_question")
    assert "What would help your sellers spare ten minutes for the course?" in str(
        tip["suggestion"]
    )


def test_an_accusing_question_gets_a_tip_with_an_open_rewording(
    make_context: ContextFactory,
) -> None:
    d = Dialog.start(make_context())
    in_feel_questions(d)
    d.say("Why won't your people just finish the course?")
    [tip] = d.findings("accusing_question")
    assert "What makes it hard for your people to finish the course?" in str(tip["suggestion"])
    d.say("How come your team keeps clicking on links in fake emails?")
    assert d.findings("accusing_question")


def test_a_blaming_hypothesis_gets_a_reframe(make_context: ContextFactory) -> None:
    ctx = make_context()
    d = Dialog.start(ctx)
    d.say("They just don't care about security.")
    [reframe] = d.findings("blaming_hypothesis")
    assert ctx.playbook.likely_concerns[0] in str(reframe["suggestion"])
    d.say("Sellers have no time for the course in the last weeks of the quarter.")
    assert not d.findings("blaming_hypothesis")


def test_goals_listed_in_any_form_are_all_counted(make_context: ContextFactory) -> None:
    for statement, count in [
        ("Get the team through the course, turn on the password manager and cut shared logins.", 3),
        ("1) finish the course 2) report fake emails", 2),
        ("Two things: a date for the course and a champion per region.", 2),
        ("Finish the course. On top of that, I need them to stop sharing logins.", 2),
        ("Finance and procurement sign off on one vendor list.", 1),
        ("Get HR and IT to share one joiner checklist.", 1),
        ("Agree a quiet week for the course, plus a reminder from each manager.", 2),
        ("Approve the phishing budget; a pilot in the second quarter.", 2),
        ("Get the sellers through the course as well as their managers.", 1),
    ]:
        d = Dialog.start(make_context())
        in_feel_questions(d)
        d.pick("q1")
        d.pick("next")
        d.say(statement)
        found = d.findings("multiple_goals")
        counted = len(found[0]["goals"]) if found else 1  # type: ignore[arg-type]
        assert counted == count, statement


def test_the_saved_goal_is_the_clean_text_of_the_one_picked(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    in_feel_questions(d)
    d.pick("q1")
    d.pick("next")
    d.say("1) finish the course before quarter-end 2) report fake emails")
    d.pick("goal2")
    assert d.state.goal == "Report fake emails"


def test_a_why_about_compliance_or_our_own_metrics_is_challenged(
    make_context: ContextFactory,
) -> None:
    d = Dialog.start(make_context())
    through_simplify(d)
    for why, message in [
        ("Because the audit requires it.", "Compliance is our reason"),
        ("Security is everyone's responsibility.", "Duty asks for effort"),
        ("To keep the company safe.", "“Safer” is abstract"),
        ("So our phishing click rate goes down.", "the security team's goal"),
        ("Because NIST says so.", "A framework name"),
        ("Because GDPR fines can reach 4% of global revenue.", "Fear is a push"),
        ("Or we lose 40% of our customers after a breach.", "Fear is a push"),
    ]:
        d.say(why)
        [missing] = d.findings("missing_why")
        assert message in str(missing["message"]), why
    d.say("Sellers keep deals moving when customer files open safely from any hotel.")
    assert not d.findings("missing_why")
    assert "That connects the ask to what matters." in d.text


def test_an_ambiguous_short_date_offers_both_and_remembers_the_order(
    make_context: ContextFactory,
) -> None:
    d = Dialog.start(make_context())
    through_focus(d)
    d.say("3/4")
    assert d.choices() == ["month_day", "day_month", "back"]
    assert [c.label for c in d.last.choices][:2] == [
        "Thu 4 Mar 2027 (month/day)",
        "Sat 3 Apr 2027 (day/month)",
    ]
    d.pick("day_month")
    assert date(2027, 4, 3) in (d.state.planned_date, d.state.proposed_date)
    d.say("5/2")
    assert date(2027, 2, 5) in (d.state.planned_date, d.state.proposed_date)


def test_a_month_alone_is_asked_with_a_day_in_its_quiet_middle(
    make_context: ContextFactory,
) -> None:
    d = Dialog.start(make_context())
    through_focus(d)
    d.say("February")
    assert "Which day in February? I suggest Wed 17 Feb 2027" in d.text
    d.pick("use_suggested")
    assert d.state.planned_date == date(2027, 2, 17)


def test_a_date_over_a_year_away_is_confirmed_not_taken(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    through_focus(d)
    d.say("2028-03-01")
    assert d.state.planned_date is None and "over a year away" in d.text
    d.pick("keep")
    assert d.state.planned_date == date(2028, 3, 1)


def test_suggested_dates_leave_the_playbooks_days_to_prepare(make_context: ContextFactory) -> None:
    for stakeholder in ("hr", "legal", "engineering"):
        ctx = make_context(stakeholder=stakeholder)
        d = Dialog.start(ctx)
        through_focus(d)
        d.pick("suggest")
        planned = d.state.planned_date
        assert planned is not None and (planned - ctx.today).days >= ctx.playbook.prep_days
        assert planned.weekday() in (1, 2, 3), stakeholder


def test_a_goals_own_deadline_in_their_busy_time_is_flagged(make_context: ContextFactory) -> None:
    d = Dialog.start(make_context())
    in_feel_questions(d)
    d.pick("q1")
    d.pick("next")
    d.say("Get 90% of sellers through the course by the end of Q1.")
    [crunch] = d.findings("crunch_period")
    assert "Wed 31 Mar 2027" in str(crunch["message"]) and crunch["term"] == "Quarter-end push"
    assert d.state.goal == "Get 90% of sellers through the course by the end of Q1"
    d.say("Get 90% of sellers through the course by mid-February.")
    assert not d.findings("crunch_period")


def test_the_brief_is_ready_for_the_meeting(make_context: ContextFactory) -> None:
    ctx = make_context()
    d = Dialog.start(ctx)
    d.say("They just don't care about the course.")
    d.pick("next")
    d.say("Surely your sellers can spare ten minutes for the course?")
    d.pick("next")
    d.say("Get the sales team through the short course in the quiet weeks")
    d.pick("next")
    d.say("2027-01-12")
    d.pick("next")
    d.say("We need MFA on every laptop.")
    d.pick("next")
    d.say("Because the audit requires it.")
    d.pick("next")
    brief = d.notes["brief"]
    agenda = brief.split("## Agenda\n")[1]
    assert agenda.startswith("1. Listen first — ask your questions")
    unresolved = brief.split("## Still unresolved\n")[1].split("##")[0]
    assert "blames people" in unresolved and "is leading" in unresolved
    assert "“MFA” — say “a second check when you sign in”" in unresolved
    assert "Compliance is our reason" in unresolved
    objection = ctx.playbook.objections[0]
    assert f"**“{objection.objection}”** — {objection.reply}" in brief
    assert f"**If that is a no, fall back to:** {ctx.playbook.fallback_ask}" in brief
    assert "Training completion for the sales team" in brief.split("support the goal:")[1]


def test_a_users_known_date_order_reads_a_short_date_without_asking(
    make_context: ContextFactory,
) -> None:
    """Their earlier answer (or their Slack locale) says how they write 3/4."""
    d = Dialog.start(make_context(date_order=DateOrder.MDY))
    through_focus(d)
    d.say("3/4")
    assert "month_day" not in d.choices()
    assert date(2027, 3, 4) in (d.state.planned_date, d.state.proposed_date)


@pytest.mark.parametrize(
    ("locale", "order"),
    [("en-US", DateOrder.MDY), ("en_US", DateOrder.MDY), ("en-GB", DateOrder.DMY),
     ("fr-FR", DateOrder.DMY), ("es-419", None), ("en", None), (None, None)],
)  # fmt: skip
def test_a_locale_says_how_its_people_write_numeric_dates(
    locale: str | None, order: DateOrder | None
) -> None:
    assert order_of_locale(locale) == order
