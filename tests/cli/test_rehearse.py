"""`prep-talk rehearse ID`: practising a finished prep in the terminal, for people and programs."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from bot.playbook.library import BUILTIN_DIR
from tests.cli.support import PrepTalk, json_lines
from tests.cli.test_cli import FULL_PREP, chat

REPLIES = [
    {"text": "Thanks for the time. How does the yearly training look from your side?"},
    {"text": "I hear you. I'll cut it to fifteen minutes. What do your people find least useful?"},
    {"text": "No, it's mandatory. You have to do it."},
    {"text": "Fair. Let's pick a quiet week next quarter. Which week suits your team?"},
]


def rehearse(prep_talk: PrepTalk, lines: list[dict[str, str]]) -> list[dict[str, object]]:
    done = prep_talk("rehearse", "1", "--json", stdin=json_lines(lines))
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_a_briefed_prep_is_rehearsed_to_a_scorecard_saved_with_its_notes(
    prep_talk: PrepTalk,
) -> None:
    chat(prep_talk, FULL_PREP)
    replies = rehearse(prep_talk, [*REPLIES, {"choice": "next"}, {"choice": "next"}])
    assert replies[1]["step"] == "rehearse" and replies[1]["expects"] == "text"
    assert "cue" not in replies[1], "the cue for a model voice is not part of the transcript"
    feedback = [str(r["text"]) for r in replies if str(r["text"]).startswith("You said:")]
    assert len(feedback) == len(REPLIES)
    assert "“No, it's mandatory" in feedback[2] and "argues back" in feedback[2]
    card = next(str(r["text"]) for r in replies if str(r["text"]).startswith("Rehearsal scorecard"))
    for habit in ("Feel", "Focus", "Slow down", "Simplify", "Spark"):
        assert f"• {habit}:" in card
    assert replies[-1]["expects"] == "none"
    shown = json.loads(prep_talk("notes", "show", "1", "--json").stdout)
    assert shown["status"] == "briefed", "after the scorecard the prep is briefed again"
    notes = {note["step"]: note["text"] for note in shown["notes"]}
    assert notes["rehearse"] == card


def test_rehearsing_again_shows_the_change_since_last_time(prep_talk: PrepTalk) -> None:
    chat(prep_talk, FULL_PREP)
    rehearse(prep_talk, [{"text": "No, it's mandatory. You have to do it."}] * 7)
    again = rehearse(prep_talk, REPLIES + [{"choice": "next"}] * 3)
    card = next(str(r["text"]) for r in again if str(r["text"]).startswith("Rehearsal scorecard"))
    assert "since last time" in card and "first rehearsal" not in card


def test_a_prep_still_in_progress_is_told_to_finish_its_brief_first(
    prep_talk: PrepTalk,
) -> None:
    chat(prep_talk, FULL_PREP[:2])
    replies = rehearse(prep_talk, [])
    assert "brief first" in str(replies[-1]["text"]) and replies[-1]["expects"] == "none"


def test_rehearsing_a_prep_that_is_not_yours_fails_cleanly(prep_talk: PrepTalk) -> None:
    chat(prep_talk, FULL_PREP, "--user", "local:local:ana")
    done = prep_talk("rehearse", "1", "--user", "local:local:ben")
    assert done.returncode == 1 and "not found" in done.stderr


def sales_with(tmp_path: Path, **changes: object) -> Path:
    """A folder holding the sales playbook as `procurement`, with `changes` made to it."""
    document = yaml.safe_load((BUILTIN_DIR / "sales.yaml").read_text())
    document.update(id="procurement", **changes)
    books = tmp_path / "books"
    books.mkdir(exist_ok=True)
    (books / "procurement.yaml").write_text(yaml.safe_dump(document))
    return books


def test_playbooks_validate_wants_five_objections_each_with_what_a_good_reply_does(
    prep_talk: PrepTalk, tmp_path: Path
) -> None:
    objections = yaml.safe_load((BUILTIN_DIR / "sales.yaml").read_text())["objections"]
    four = prep_talk("playbooks", "validate", str(sales_with(tmp_path, objections=objections[:4])))
    assert four.returncode == 1
    assert "procurement.yaml" in four.stderr and "objections" in four.stderr
    assert "at least 5" in four.stderr
    no_moves = [{k: v for k, v in item.items() if k != "moves"} for item in objections]
    done = prep_talk("playbooks", "validate", str(sales_with(tmp_path, objections=no_moves)))
    assert done.returncode == 1 and "moves" in done.stderr
    odd = [{**item, "moves": ["acknowledge", "shout"]} for item in objections]
    done = prep_talk("playbooks", "validate", str(sales_with(tmp_path, objections=odd)))
    assert done.returncode == 1 and "moves" in done.stderr
    ok = prep_talk("playbooks", "validate", str(sales_with(tmp_path, objections=objections[:5])))
    assert ok.returncode == 0 and ok.stdout.startswith("ok: ")
