"""Who gets which nudge when: time zones, DST, weekends, holidays, fiscal years, settings."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.nudges.hours import is_working_moment
from bot.nudges.planner import (
    Audience,
    FollowUp,
    NudgeKind,
    PassMemory,
    Talk,
    due_nudges,
)
from bot.playbook.library import PlaybookLibrary
from bot.users import UserRef

ALICE = UserRef("slack", "T1", "U1")


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def kinds(audience: Audience, library: PlaybookLibrary, when: str) -> list[str]:
    return [n.key for n in due_nudges(audience, library.playbooks, at(when))]


def sales_prep(zone: str = "UTC", **extra: object) -> Audience:
    return Audience(ALICE, zone, open_stakeholders=frozenset({"sales"}), **extra)  # type: ignore[arg-type]


CLOSING = "quiet_window_closing:sales:2026-11-20"


@pytest.mark.parametrize(
    ("zone", "moment", "due"),
    [
        # Tonga, UTC+13: 09:00 local is too early, 10:00 local on Tuesday 10 Nov is fine.
        ("Pacific/Tongatapu", "2026-11-09T20:00:00+00:00", False),
        ("Pacific/Tongatapu", "2026-11-09T21:00:00+00:00", True),
        # Honolulu, UTC-10: 09:00 local too early, 10:00 fine, 17:30 too late.
        ("Pacific/Honolulu", "2026-11-10T19:00:00+00:00", False),
        ("Pacific/Honolulu", "2026-11-10T20:00:00+00:00", True),
        ("Pacific/Honolulu", "2026-11-11T03:30:00+00:00", False),
        # Saturday 14 Nov in Paris: no nudges at weekends.
        ("Europe/Paris", "2026-11-14T10:00:00+00:00", False),
        # 11 Nov is a public holiday in France, not in the UK.
        ("Europe/Paris", "2026-11-11T10:00:00+00:00", False),
        ("Europe/London", "2026-11-11T10:00:00+00:00", True),
        # Israel's weekend is Friday and Saturday: Friday 13 Nov is off, Sunday 15 Nov is work.
        ("Asia/Jerusalem", "2026-11-13T08:00:00+00:00", False),
        ("Asia/Jerusalem", "2026-11-15T08:00:00+00:00", True),
    ],
)
def test_due_only_in_the_users_own_working_hours(
    library: PlaybookLibrary, zone: str, moment: str, due: bool
) -> None:
    assert (kinds(sales_prep(zone), library, moment) == [CLOSING]) is due


def test_daylight_saving_moves_the_working_day_in_utc() -> None:
    # 08:45 UTC is 08:45 GMT on Friday 26 March 2027 (too early), 09:45 BST on Monday 29 March.
    assert not is_working_moment(at("2027-03-26T08:45:00+00:00"), "Europe/London")
    assert is_working_moment(at("2027-03-29T08:45:00+00:00"), "Europe/London")
    # And back: 16:30 UTC is 17:30 BST on Friday 23 October (too late), 16:30 GMT on the 26th.
    assert not is_working_moment(at("2026-10-23T16:30:00+00:00"), "Europe/London")
    assert is_working_moment(at("2026-10-26T16:30:00+00:00"), "Europe/London")


def test_the_quiet_window_nudge_runs_from_the_lead_time_until_the_season(
    library: PlaybookLibrary,
) -> None:
    audience = sales_prep()
    assert kinds(audience, library, "2026-11-05T10:00:00+00:00") == []  # 15 days before
    assert kinds(audience, library, "2026-11-06T10:00:00+00:00") == [CLOSING]  # 14 days before
    assert kinds(audience, library, "2026-11-19T16:59:00+00:00") == [CLOSING]
    assert kinds(audience, library, "2026-11-20T10:00:00+00:00") == []  # the season started


def test_after_the_close_and_the_debrief(library: PlaybookLibrary) -> None:
    audience = sales_prep(talks=(Talk(7, "sales", date(2027, 1, 5)),))
    due = kinds(audience, library, "2027-01-06T10:00:00+00:00")
    assert "after_close:sales:2026-12-31" in due and "debrief:prep7" in due
    assert "debrief:prep7" not in kinds(audience, library, "2027-01-05T10:00:00+00:00")
    assert "debrief:prep7" not in kinds(audience, library, "2027-01-13T10:00:00+00:00")
    assert "after_close:sales:2026-12-31" not in kinds(
        audience, library, "2027-01-08T10:00:00+00:00"
    )


def test_the_outcome_follow_up_is_due_from_its_day_for_a_week(library: PlaybookLibrary) -> None:
    audience = Audience(ALICE, follow_ups=(FollowUp(9, "sales", date(2027, 3, 13)),))
    key = "outcome:prep9:2027-03-13"
    assert kinds(audience, library, "2027-03-12T10:00:00+00:00") == []  # the day before
    assert kinds(audience, library, "2027-03-13T10:00:00+00:00") == []  # a Saturday
    assert kinds(audience, library, "2027-03-15T10:00:00+00:00") == [key]  # Monday after
    assert kinds(audience, library, "2027-03-19T10:00:00+00:00") == [key]
    assert kinds(audience, library, "2027-03-22T10:00:00+00:00") == []  # a week is over
    [nudge] = due_nudges(audience, library.playbooks, at("2027-03-15T10:00:00+00:00"))
    assert (nudge.kind, nudge.prep_id, nudge.starts) == (NudgeKind.OUTCOME, 9, date(2027, 3, 13))
    later = Audience(ALICE, follow_ups=(FollowUp(9, "sales", date(2027, 4, 12)),))
    assert kinds(later, library, "2027-04-12T10:00:00+00:00") == ["outcome:prep9:2027-04-12"]
    opted_out = Audience(ALICE, opted_out=True, follow_ups=audience.follow_ups)
    assert kinds(opted_out, library, "2027-03-15T10:00:00+00:00") == []


def test_the_fiscal_year_start_moves_the_seasons(library: PlaybookLibrary) -> None:
    february = sales_prep(fiscal_year_start_month=2)
    # With a February fiscal year the year-end push starts on 21 December, not 20 November.
    assert kinds(february, library, "2026-11-10T10:00:00+00:00") == []
    assert kinds(february, library, "2026-12-08T10:00:00+00:00") == [
        "quiet_window_closing:sales:2026-12-21"
    ]


def test_opting_out_and_snoozing_stop_nudges_and_opting_in_adds_them(
    library: PlaybookLibrary,
) -> None:
    when = "2026-11-10T10:00:00+00:00"
    assert kinds(sales_prep(opted_out=True), library, when) == []
    assert kinds(sales_prep(snoozed_until=at("2026-11-12T00:00:00+00:00")), library, when) == []
    assert kinds(sales_prep(snoozed_until=at("2026-11-09T00:00:00+00:00")), library, when) == [
        CLOSING
    ]
    nobody = Audience(ALICE, "UTC")
    assert kinds(nobody, library, when) == []
    assert kinds(Audience(ALICE, "UTC", opted_in=True), library, when) == [CLOSING]
    finance_fan = Audience(ALICE, "UTC", opted_in=True, known_stakeholders=frozenset({"finance"}))
    assert all(
        ":finance:" in key for key in kinds(finance_fan, library, "2026-12-10T10:00:00+00:00")
    )
    assert NudgeKind.QUIET_WINDOW_CLOSING.value == "quiet_window_closing"


def test_a_planning_pass_that_remembers_spans_and_days_plans_the_same_nudges(
    library: PlaybookLibrary,
) -> None:
    memory = PassMemory()
    moments = [
        "2026-11-10T10:00:00+00:00",
        "2026-12-03T10:00:00+00:00",
        "2027-01-05T10:00:00+00:00",
    ]
    planned = []
    for when in moments:
        for month in (1, 2, 7):  # fiscal years starting in January, February, July
            for zone in ("Europe/Paris", "Asia/Tokyo", "America/New_York"):
                audience = sales_prep(zone, fiscal_year_start_month=month, opted_in=True)
                remembered = due_nudges(audience, library.playbooks, at(when), memory)
                assert remembered == due_nudges(audience, library.playbooks, at(when))
                planned += remembered
    assert {n.kind for n in planned} == {NudgeKind.QUIET_WINDOW_CLOSING, NudgeKind.AFTER_CLOSE}
