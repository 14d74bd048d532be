"""The same inputs give the same coaching in every channel: a prep to its brief, a rehearsal and
a debrief with its measured outcome, typed and clicked in the terminal (`--json`), the web
playground, a Slack DM and a Teams chat, each against the coach's own answer to the same turn.

The coach's neutral replies are the reference. The terminal and the playground speak them as
JSON, so each turn's replies must match exactly; Slack and Teams render them, so every reply's
words must be in what the user sees, with the same choices offered.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.engine.messages import Inbound, Reply
from bot.routing import answer_inbound
from bot.runtime import open_coach
from bot.settings import Settings
from bot.users import UserRef
from tests.cli.support import run
from tests.slack.conftest import SlackWorkspace, buttons, checklist, slack, text_of
from tests.support.prep_script import DEBRIEF, PREP, REHEARSAL, Turn
from tests.support.slack_api import slack_api
from tests.teams import cardreader
from tests.teams.chat import personal_chat
from tests.web.conftest import real_app

__all__ = ["slack", "slack_api"]  # fixtures

SCRIPT = [*PREP, *REHEARSAL, *DEBRIEF]


def inbound(turn: Turn) -> Inbound:
    kind, value = turn
    if kind == "say":
        return Inbound(text=value)
    if kind == "pick":
        return Inbound(choice=value)
    return Inbound(picks=tuple(value))


def words(text: str) -> str:
    """What a reader sees, whatever the markup: lower-case words and numbers."""
    return " ".join(re.findall(r"[a-z0-9]+", html.unescape(text).lower()))


def offered(replies: list[Reply]) -> list[str]:
    return sorted(choice.value for reply in replies for choice in reply.choices)


@pytest.fixture
def reference(database_url: str) -> Callable[[list[Turn]], Awaitable[list[list[Reply]]]]:
    """The coach's own replies to each turn, on a database of its own."""

    async def replies(script: list[Turn]) -> list[list[Reply]]:
        async with open_coach(Settings(database_url=database_url)) as coach:
            user = UserRef("local", "parity", "reference")
            return [(await answer_inbound(coach, user, inbound(t), "")).replies for t in script]

    return replies


def test_the_terminal_gives_the_same_replies(
    reference: Callable[[list[Turn]], Awaitable[list[list[Reply]]]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    expected = asyncio.run(_all(reference(SCRIPT)))  # the terminal runs its own event loop
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PREPTALK_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")

    def said(turns: list[Turn]) -> str:
        lines = [{"text": v} if k == "say" else {"choice": v} if k == "pick" else {"choices": v}
                 for k, v in turns]  # fmt: skip
        return "".join(json.dumps(line) + "\n" for line in lines)

    sessions = [
        run("chat", "sales", "--json", stdin=said(PREP[1:])),
        run("rehearse", "1", "--json", stdin=said(REHEARSAL[1:])),
        run("debrief", "1", "--json", stdin=said(DEBRIEF[1:])),
    ]
    got = [json.loads(line) for done in sessions for line in done.stdout.splitlines()]
    assert [done.returncode for done in sessions] == [0, 0, 0]
    flat = [json.loads(reply.to_json_line()) for turn in expected for reply in turn]
    assert got == flat


async def test_the_playground_gives_the_same_replies(
    reference: Callable[[list[Turn]], Awaitable[list[list[Reply]]]],
    aiohttp_client: Any,
    request: pytest.FixtureRequest,
) -> None:
    expected = await reference(SCRIPT)
    client: TestClient[web.Request, web.Application] = await aiohttp_client(real_app(request))
    assert (await client.get("/")).status == 200
    for turn, replies in zip(SCRIPT, expected, strict=True):
        kind, value = turn
        body = {"say": "text", "pick": "choice", "tick": "choices"}[kind]
        response = await client.post("/playground/api/turn", json={body: value})
        assert response.status == 200, await response.text()
        got = (await response.json())["replies"]
        assert [(r["step"], r["text"], r["expects"]) for r in got] == [
            (r.step.value, r.text, r.expects.value) for r in replies
        ], turn
        assert sorted(c["value"] for r in got for c in r.get("choices", [])) == offered(replies)


async def test_slack_shows_the_same_replies(
    reference: Callable[[list[Turn]], Awaitable[list[list[Reply]]]], slack: SlackWorkspace
) -> None:
    expected = await reference(SCRIPT)
    message: dict[str, Any] = {}
    for turn, replies in zip(SCRIPT, expected, strict=True):
        kind, value = turn
        mark = slack.api.mark()
        if kind == "say":
            response = await slack.say(value)
        elif kind == "pick":
            response = await slack.click(_slack_button(message, value))
        else:
            response = await slack.tick(message, *value)
        assert response.status == 200
        # A turn may post several messages (the brief on its own): wait for its last words.
        last = words(replies[-1].text)
        await slack.api.wait_for_call(
            "chat.postMessage", lambda c, last=last: last in _seen(c.body), since=mark
        )
        posted = [c.body for c in slack.api.calls[mark:] if c.method == "chat.postMessage" and c.ok]
        seen = " ".join(_seen(body) for body in posted)
        for reply in replies:
            assert words(reply.text) in seen, turn
        message = posted[-1]
        # Slack's own extra: a finished brief or debrief offers its Markdown file.
        values = [
            c
            for v in buttons(message).values()
            if not (c := json.loads(v)["c"]).startswith("cmd:export")
        ]
        values += [option["value"] for option in _slack_checklist(message)]
        assert sorted(v for v in values if not v.startswith("@")) == offered(replies), turn


async def test_teams_shows_the_same_replies(
    reference: Callable[[list[Turn]], Awaitable[list[list[Reply]]]], database_url: str
) -> None:
    expected = await reference(SCRIPT)
    async with open_coach(Settings(database_url=database_url)) as coach:
        chat = personal_chat(coach)
        for turn, replies in zip(SCRIPT, expected, strict=True):
            kind, value = turn
            if kind == "say":
                card = await chat.says(value)
            elif kind == "pick":
                card = await chat.clicks(value)
            else:
                card = await chat.ticks(*value)
            seen = words(" ".join(_texts(card)))
            for reply in replies:
                assert words(reply.text) in seen, turn
            values = [data["choice"] for data in cardreader.buttons(card)]
            values += [c["value"] for e in cardreader.elements(card) for c in _choice_set(e)]
            assert sorted(v for v in values if not v.startswith("@")) == offered(replies), turn


async def _all(replies: Awaitable[list[list[Reply]]]) -> list[list[Reply]]:
    return await replies


def _slack_button(message: dict[str, Any], choice: str) -> str:
    for value in buttons(message).values():
        if json.loads(value)["c"] == choice:
            return value
    raise AssertionError(f"no {choice!r} button")


def _slack_checklist(message: dict[str, Any]) -> list[dict[str, Any]]:
    has_one = any(block.get("type") == "input" for block in message.get("blocks", []))
    return checklist(message) if has_one else []


def _seen(message: dict[str, Any]) -> str:
    """The words of a posted message: its text, sections, context and checklist options."""
    options = " ".join(option["text"]["text"] for option in _slack_checklist(message))
    return words(text_of(message) + " " + options)


def _texts(card: dict[str, Any]) -> list[str]:
    """Every text a person reads on a card: text blocks, text runs, facts and choice titles."""
    found = []
    for element in cardreader.elements(card):
        for key in ("text", "title", "value"):
            if isinstance(element.get(key), str) and element.get("type") != "Action.Submit":
                found.append(element[key])
    return found


def _choice_set(element: dict[str, Any]) -> list[dict[str, Any]]:
    return list(element["choices"]) if element.get("type") == "Input.ChoiceSet" else []
