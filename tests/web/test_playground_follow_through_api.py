"""The playground's API after the first turn: picking several listening questions at once,
the open question after a reload, the brief to read and download, and the settings panel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.playbook.library import load_library
from tests.support.prep_script import DEBRIEF, PREP
from tests.web.conftest import fake_app, real_app

Client = TestClient[web.Request, web.Application]

API = "/playground/api"
SALES = load_library().find("sales")
assert SALES is not None
QUESTIONS = SALES.listening_questions


@pytest.fixture
async def real_visitor(aiohttp_client: Any, request: pytest.FixtureRequest) -> Client:
    """A browser that opened the page of the whole server, on a migrated database."""
    client: Client = await aiohttp_client(real_app(request))
    assert (await client.get("/")).status == 200
    return client


@pytest.fixture
async def fake_visitor(aiohttp_client: Any, tmp_path: Path) -> Client:
    """A browser that opened the page of the playground on the scripted coach."""
    client: Client = await aiohttp_client(fake_app(tmp_path))
    assert (await client.get("/")).status == 200
    return client


async def turn(client: Client, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    response = await client.post(f"{API}/turn", json=body)
    assert response.status == status, await response.text()
    answer: dict[str, Any] = await response.json()
    return answer


async def at_listening_questions(client: Client) -> int:
    """Start a Sales prep, write a hypothesis and go on to the listening questions."""
    started = await turn(client, {"command": "start", "argument": "sales"})
    await turn(client, {"text": "Their course lands at quarter-end."})
    asked = await turn(client, {"choice": "next"})
    assert asked["replies"][-1]["choices"][0]["value"] == "q1"
    prep_id: int = started["prep_id"]
    return prep_id


async def test_ticked_questions_are_all_added_in_order(real_visitor: Client) -> None:
    await at_listening_questions(real_visitor)

    answer = await turn(real_visitor, {"choices": ["q2", "q1"]})

    asked = answer["replies"][-1]
    picked = asked["text"].split("Pick open questions")[0]
    assert picked.index(QUESTIONS[1]) < picked.index(QUESTIONS[0])
    offered = {choice["value"] for choice in asked["choices"]}
    assert {"q1", "q2"}.isdisjoint(offered) and "q3" in offered


async def test_listening_questions_are_a_list_to_tick_beside_short_buttons(
    real_visitor: Client,
) -> None:
    await at_listening_questions(real_visitor)

    answer = await (await real_visitor.get(f"{API}/current")).json()

    asked = answer["replies"][-1]
    choices = {choice["value"]: choice for choice in asked["choices"]}
    assert asked["several"] is True
    assert choices["q1"]["listed"] is True and choices["q1"]["label"] == QUESTIONS[0]
    assert choices["back"]["listed"] is False and choices["pause"]["listed"] is False


@pytest.mark.parametrize(
    "body",
    [{"choices": []}, {"choices": "q1"}, {"choices": ["q1", "q1"]}, {"choices": [1]}],
)
async def test_a_malformed_checklist_is_refused_and_nothing_is_picked(
    real_visitor: Client, body: dict[str, Any]
) -> None:
    await at_listening_questions(real_visitor)

    refused = await turn(real_visitor, body, status=400)
    current = await (await real_visitor.get(f"{API}/current")).json()

    assert "choices" in refused["error"]
    assert "Picked so far" not in current["replies"][-1]["text"]


async def test_a_reloaded_page_gets_the_open_question_of_the_prep_in_progress(
    real_visitor: Client,
) -> None:
    nothing = await (await real_visitor.get(f"{API}/current")).json()
    prep_id = await at_listening_questions(real_visitor)
    answered = await turn(real_visitor, {"choice": "q1"})

    first = await (await real_visitor.get(f"{API}/current")).json()
    again = await (await real_visitor.get(f"{API}/current")).json()

    assert nothing == {"prep_id": None, "replies": []}
    assert first["prep_id"] == prep_id
    assert first["replies"][-1] == answered["replies"][-1]  # the same question, same choices
    assert again == first  # reading changed nothing


async def test_debrief_is_a_playground_command(real_visitor: Client) -> None:
    prep_id = await at_listening_questions(real_visitor)

    answer = await turn(real_visitor, {"command": "debrief", "argument": prep_id})

    assert answer["replies"][-1]["text"] == "Finish this prep's brief before its debrief."


async def finish_fake_prep(client: Client) -> int:
    """Walk the scripted coach to its brief; returns the prep's id."""
    started = await turn(client, {"command": "start", "argument": "sales"})
    for body in (
        {"text": "Busy."},
        {"text": "One goal."},
        {"choice": "next"},
        {"text": "Plain words."},
        {"choice": "next"},
    ):
        await turn(client, body)
    briefed = await turn(client, {"text": "It protects deals."})
    assert briefed["replies"][-1]["step"] == "brief"
    prep_id: int = started["prep_id"]
    return prep_id


async def test_the_brief_comes_rendered_and_can_be_read_again(fake_visitor: Client) -> None:
    prep_id = await finish_fake_prep(fake_visitor)

    detail = await (await fake_visitor.get(f"{API}/preps/{prep_id}")).json()

    assert detail["prep"]["status"] == "briefed"
    brief = detail["documents"][0]
    assert brief["step"] == "brief"
    assert brief["document"][0] == {"tag": "h1", "children": [{"text": "Prep brief: Sales"}]}
    tags = [node.get("tag") for node in brief["document"]]
    assert tags == ["h1", "p", "h2", "ul", "blockquote", "hr", "p"]
    assert brief["document"][3]["children"][0]["task"] == "todo"


async def test_a_prep_downloads_as_markdown_for_its_owner_only(
    real_visitor: Client, aiohttp_client: Any
) -> None:
    prep_id = await at_listening_questions(real_visitor)

    download = await real_visitor.get(f"{API}/preps/{prep_id}/export")
    text = await download.text()
    other = await aiohttp_client(real_visitor.app)
    await other.get("/")
    theirs = await other.get(f"{API}/preps/{prep_id}/export")
    made_up = await real_visitor.get(f"{API}/preps/abc/export")

    assert download.status == 200
    assert download.content_type == "text/markdown"
    disposition = download.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="prep-{prep_id}-sales.md"'
    assert text.startswith("# Prep notes: Sales") and "Their course lands" in text
    assert theirs.status == 404 and made_up.status == 404
    assert (await theirs.json())["error"] == "I found no such prep of yours."


SETTINGS = {
    "mission": "Keep customers' trust",
    "fiscal_year_start_month": 2,
    "time_zone": "Asia/Tokyo",
}


async def settings_of(client: Client) -> dict[str, Any]:
    response = await client.get(f"{API}/settings")
    assert response.status == 200
    shown: dict[str, Any] = await response.json()
    return shown


async def test_settings_are_saved_and_shown_again(visitor: Client) -> None:
    before = await settings_of(visitor)

    saved = await visitor.post(f"{API}/settings", json=SETTINGS)

    assert before["mission"] == "" and before["fiscal_year_start_month"] == 1
    assert saved.status == 200
    assert await settings_of(visitor) == SETTINGS


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "Unknown time zone 'Mars/Olympus_Mons'"),
        ({"fiscal_year_start_month": 13}, "month from 1 to 12"),
        ({"fiscal_year_start_month": "2"}, "a number from 1 to 12"),
        ({"mission": None}, "The mission must be text"),
        ({"time_zone": ""}, "Pick a time zone"),
    ],
)
async def test_a_bad_setting_is_refused_with_its_reason_and_nothing_changes(
    visitor: Client, change: dict[str, Any], message: str
) -> None:
    assert (await visitor.post(f"{API}/settings", json=SETTINGS)).status == 200

    refused = await visitor.post(
        f"{API}/settings", json={**SETTINGS, "mission": "A new mission", **change}
    )

    assert refused.status == 400
    assert message in (await refused.json())["error"]
    assert await settings_of(visitor) == SETTINGS


async def test_settings_refuse_other_sites_and_unknown_shapes(visitor: Client) -> None:
    cross_site = await visitor.post(
        f"{API}/settings", json=SETTINGS, headers={"Origin": "https://evil.example"}
    )
    extra = await visitor.post(f"{API}/settings", json={**SETTINGS, "admin": True})

    assert cross_site.status == 403
    assert extra.status == 400 and "Send {" in (await extra.json())["error"]
    assert (await settings_of(visitor))["mission"] == ""


async def test_words_typed_in_the_playground_follow_the_one_routing_rule(
    real_visitor: Client,
) -> None:
    started = await turn(real_visitor, {"text": "Prepare a talk with Sales"})
    assert started["prep_id"] is not None
    assert "Step 1 of 5" in " ".join(reply["text"] for reply in started["replies"])
    history = await turn(real_visitor, {"text": "history"})
    assert "Your recent preps" in history["replies"][0]["text"]
    answered = await turn(real_visitor, {"text": "history shows they never finish it"})
    assert "Noted" in " ".join(reply["text"] for reply in answered["replies"])


async def test_the_sidebar_lists_a_preps_measured_outcome(real_visitor: Client) -> None:
    body_of = {"say": "text", "pick": "choice", "tick": "choices"}
    for kind, value in PREP:
        await turn(real_visitor, {body_of[kind]: value})
    listed = (await (await real_visitor.get(f"{API}/preps")).json())["preps"]
    assert "outcome" not in listed[0]
    for kind, value in DEBRIEF:
        await turn(real_visitor, {body_of[kind]: value})

    [prep] = (await (await real_visitor.get(f"{API}/preps")).json())["preps"]
    assert prep["outcome"]["progress"].startswith("Training completion in sales: 42%")
    assert "90%" in prep["outcome"]["progress"] and "15 Mar 2027" in prep["outcome"]["progress"]
    assert prep["outcome"]["standing"]
