"""The `prep-talk` command as operators and programs use it: JSON chat, notes, check, playbooks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.engine.calendar import fiscal_quarter
from bot.settings import Settings
from bot.storage import migrate
from tests.cli.support import PrepTalk, json_lines

FULL_PREP = [
    {"text": "They think the training is generic"},
    {"choice": "next"},
    {"choice": "q1"},
    {"choice": "next"},
    {"text": "Sales finish the course so deals stay safe"},
    {"choice": "next"},
    {"choice": "suggest"},
    {"choice": "next"},
    {"text": "Your sellers work from hotels. I want customer files safe anywhere."},
    {"choice": "next"},
    {"text": "Customer trust wins renewals."},
    {"choice": "next"},
]


def chat(prep_talk: PrepTalk, lines: list[dict[str, str]], *extra: str) -> list[dict[str, object]]:
    done = prep_talk("chat", "sales", "--json", *extra, stdin=json_lines(lines))
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_json_chat_runs_a_full_prep_and_exits_when_finished(prep_talk: PrepTalk) -> None:
    replies = chat(prep_talk, [*FULL_PREP, {"text": "ignored after the end"}])
    assert replies[-1]["expects"] == "none" and replies[-1]["step"] == "brief"
    brief = replies[-2]["text"]
    assert isinstance(brief, str) and "Sales finish the course" in brief
    turn_ends = [r for r in replies if r["expects"] != "none"]
    assert len(turn_ends) == len(FULL_PREP), "every turn but the last ends with a question"


def test_an_exported_file_never_carries_the_users_html(prep_talk: PrepTalk) -> None:
    markup = "They paste <img src=x onerror=alert(1)> into every tool"
    chat(prep_talk, [FULL_PREP[0], {"text": markup}, *FULL_PREP[2:]], "--user", "slack:T1:U1")
    [item] = json.loads(prep_talk("notes", "list", "--json", "--user", "slack:T1:U1").stdout)[
        "items"
    ]
    exported = prep_talk(
        "notes", "export", str(item["id"]), "--format", "md", "--user", "slack:T1:U1"
    ).stdout
    assert "<img" not in exported and "&lt;img src=x onerror=alert(1)>" in exported
    shown = prep_talk("notes", "show", str(item["id"]), "--json", "--user", "slack:T1:U1")
    assert "<img" in shown.stdout  # the note itself keeps the words as written


def test_notes_list_show_and_export_are_private_to_their_author(prep_talk: PrepTalk) -> None:
    chat(prep_talk, FULL_PREP, "--user", "slack:T1:U1")
    listed = json.loads(prep_talk("notes", "list", "--json", "--user", "slack:T1:U1").stdout)
    [item] = listed["items"]
    assert item["stakeholder"] == "sales" and item["status"] == "briefed"
    assert {"id", "created_at"} <= item.keys()
    shown = prep_talk("notes", "show", str(item["id"]), "--json", "--user", "slack:T1:U1")
    notes = {note["step"]: note["text"] for note in json.loads(shown.stdout)["notes"]}
    assert "generic" in notes["feel"] and "Sales finish the course" in notes["brief"]
    exported = prep_talk(
        "notes", "export", str(item["id"]), "--format", "md", "--user", "slack:T1:U1"
    )
    assert exported.stdout.startswith("# Prep notes: Sales") and "## Brief" in exported.stdout
    for stranger in ("slack:T1:U2", "slack:T2:U1", "teams:T1:U1"):
        other = prep_talk("notes", "show", str(item["id"]), "--user", stranger)
        assert other.returncode == 1 and "not found" in other.stderr
        assert "generic" not in other.stdout
        listed = prep_talk("notes", "list", "--json", "--user", stranger)
        assert json.loads(listed.stdout)["items"] == []


def test_a_paused_prep_resumes_where_it_stopped(prep_talk: PrepTalk) -> None:
    first = chat(prep_talk, [FULL_PREP[0], {"text": "pause"}])
    assert first[-1]["expects"] == "none" and "Paused" in str(first[-1]["text"])
    again = chat(prep_talk, [])
    assert "Welcome back" in str(again[0]["text"])
    assert "They think the training is generic" in str(again[-1]["text"])


def test_debrief_after_the_brief(prep_talk: PrepTalk) -> None:
    chat(prep_talk, FULL_PREP)
    lines = [
        {"text": "They want shorter modules"},
        {"text": "A 20-minute module"},
        {"text": "Me, by Friday"},
        {"text": "training completion in sales: 42% now, goal 90% in 12 weeks"},
        {"choice": "use_due_day"},
    ]
    done = prep_talk("debrief", "1", "--json", stdin=json_lines(lines))
    assert done.returncode == 0, done.stderr
    shown = json.loads(prep_talk("notes", "show", "1", "--json").stdout)
    assert shown["status"] == "closed"
    debrief = next(n["text"] for n in shown["notes"] if n["step"] == "debrief")
    assert "shorter modules" in debrief and "Me, by Friday" in debrief
    assert "training completion in sales: 42% now, goal 90%" in debrief
    assert shown["outcome"]["outcome"]["follow_up_on"] == shown["outcome"]["outcome"]["target_date"]


def test_the_new_number_is_recorded_and_listed_per_stakeholder(prep_talk: PrepTalk) -> None:
    chat(prep_talk, FULL_PREP)
    debrief = [{"text": "They want shorter modules"}, {"text": "A 20-minute module"},
               {"text": "Me, by Friday"}, {"text": "completion 42% now, goal 90% in 12 weeks"},
               {"choice": "use_due_day"}]  # fmt: skip
    assert prep_talk("debrief", "1", "--json", stdin=json_lines(debrief)).returncode == 0

    recorded = prep_talk("outcome", "1", "71%")
    assert recorded.returncode == 0, recorded.stderr
    assert "Recorded: completion: 42% → 71%, goal 90%" in recorded.stdout
    listed = prep_talk("notes", "list").stdout
    assert "Measured outcomes:" in listed and "sales" in listed and "42% → 71%" in listed
    shown = prep_talk("notes", "show", "1").stdout
    assert "Measured outcome: completion: 42% → 71%, goal 90%" in shown

    asked = prep_talk("outcome", "1", "--json", stdin=json_lines([{"text": "95% final"}]))
    replies = [json.loads(line) for line in asked.stdout.splitlines()]
    assert "What is completion now?" in replies[0]["text"]
    assert "Goal reached" in replies[-1]["text"] and replies[-1]["expects"] == "none"
    items = json.loads(prep_talk("notes", "list", "--json").stdout)["outcomes"]
    assert [item["outcome"]["status"] for item in items] == ["reached"]

    stranger = prep_talk("outcome", "1", "10%", "--user", "slack:T1:U2")
    assert stranger.returncode == 1 and "not found" in stranger.stderr
    assert "42%" not in stranger.stdout


def test_a_bad_json_line_is_answered_and_the_chat_goes_on(prep_talk: PrepTalk) -> None:
    stdin = 'not json\n{"nothing": 1}\n' + json_lines(FULL_PREP[:1])
    done = prep_talk("chat", "sales", "--json", stdin=stdin)
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    errors = [r for r in replies if r["step"] == "info" and "JSON" in str(r["text"])]
    assert len(errors) == 2 and all(r["expects"] == "text" for r in errors)
    assert "They think the training is generic" in replies[-1]["text"]


def test_unknown_stakeholder_exits_2_with_the_list(prep_talk: PrepTalk) -> None:
    done = prep_talk("chat", "marketingg")
    assert done.returncode == 2
    assert "sales" in done.stderr and "finance" in done.stderr


def test_check_gives_findings_and_grade_as_json(prep_talk: PrepTalk) -> None:
    done = prep_talk("check", "--json", "--stakeholder", "sales", stdin="We must enforce MFA now.")
    document = json.loads(done.stdout)
    assert isinstance(document["grade"], float) and document["trimmed"] is False
    assert any(f["kind"] == "acronym" and f["term"] == "MFA" for f in document["findings"])


def test_playbooks_list_and_a_broken_playbook_named_by_file_field_reason(
    prep_talk: PrepTalk, tmp_path: Path
) -> None:
    listed = prep_talk("playbooks", "list")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) >= 8
    broken = tmp_path / "books"
    broken.mkdir()
    (broken / "procurement.yaml").write_text("id: procurement\nname: Procurement\n")
    done = prep_talk("playbooks", "validate", str(broken))
    assert done.returncode == 1
    assert (
        "procurement.yaml" in done.stderr
        and "role" in done.stderr
        and "required" in done.stderr.lower()
    )


def test_the_first_command_on_a_new_sqlite_file_migrates_it(
    prep_talk: PrepTalk, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/new.db"
    monkeypatch.setenv("PREPTALK_DATABASE_URL", url)
    assert prep_talk("chat", "sales", stdin="pause\n").returncode == 0
    assert migrate.is_up_to_date(Settings(database_url=url).database_url)
    assert "paused" in prep_talk("notes", "list").stdout


def test_a_bad_setting_fails_with_one_line_naming_it(
    prep_talk: PrepTalk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREPTALK_DATABASE_URL", "mysql://x")
    done = prep_talk("notes", "list")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "PREPTALK_DATABASE_URL" in done.stderr


def test_a_tenants_mission_and_fiscal_year_reach_the_coach(prep_talk: PrepTalk) -> None:
    done = prep_talk(
        "tenant",
        "set",
        "slack:T9",
        "--fiscal-year-start",
        "2",
        "--mission",
        "Keep families travelling",
    )
    assert done.returncode == 0, done.stderr
    lines = [*FULL_PREP[:9], {"choice": "next"}]
    replies = chat(prep_talk, lines, "--user", "slack:T9:U1")
    timing = next(r for r in replies if str(r["text"]).startswith("Step 3 of 5"))
    expected = fiscal_quarter(datetime.now(UTC).date(), 2).label
    assert f"Today is in {expected}" in str(timing["text"])
    why_intro = [r for r in replies if "Keep families travelling" in str(r["text"])]
    assert why_intro, "the mission is shown in the Spark step"
    bad = prep_talk("tenant", "set", "slack:T9", "--fiscal-year-start", "13")
    assert bad.returncode == 2 and "month" in bad.stderr


def test_an_admin_switches_the_model_voice_off_and_on_for_a_workspace(
    prep_talk: PrepTalk,
) -> None:
    off = prep_talk("tenant", "set", "slack:T9", "--model", "off")
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip().endswith("model voice off")
    untouched = prep_talk("tenant", "set", "slack:T9", "--fiscal-year-start", "4")
    assert untouched.stdout.strip().endswith("model voice off"), "kept when not named"
    on = prep_talk("tenant", "set", "slack:T9", "--model", "on")
    assert "model voice on (where PREPTALK_LLM_* is configured)" in on.stdout
    bad = prep_talk("tenant", "set", "slack:T9", "--model", "maybe")
    assert bad.returncode == 2 and "--model" in bad.stderr


def test_a_user_time_zone_is_validated(prep_talk: PrepTalk) -> None:
    assert prep_talk("user", "set", "--time-zone", "Pacific/Kiritimati").returncode == 0
    bad = prep_talk("user", "set", "--time-zone", "Mars/Olympus")
    assert bad.returncode == 2 and "time zone" in bad.stderr
