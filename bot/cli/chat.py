"""`prep-talk chat`: the coach in a terminal, for people or (with --json) for programs."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TextIO

from pydantic import ValidationError

from bot.cli.render import reply_text
from bot.coach import Answer, Coach
from bot.engine.messages import Expects, Inbound, Reply, Step
from bot.routing import answer_choice, answer_text
from bot.users import UserRef

ReadLine = Callable[[], str | None]
INBOUND_KEYS = {"text", "choice", "choices"}
COMMAND_PREFIX = ""  # commands are typed as words in the chat: "history", "check …"


def _still_talking(replies: list[Reply]) -> bool:
    return bool(replies) and replies[-1].expects is not Expects.NONE


async def run_chat(
    coach: Coach, user: UserRef, first: Inbound, as_json: bool, stdin: TextIO, stdout: TextIO
) -> int:
    """Talk until the prep is finished or paused, or input ends. Returns the exit code."""
    replies = await coach.handle(user, first)
    show = _print_json if as_json else _print_human
    show(replies, stdout)
    talking = _still_talking(replies)
    while talking:
        line = stdin.readline() if as_json else _prompt(stdin, stdout)
        if not line:
            return 0
        inbound = _read_json(line) if as_json else _read_human(line, replies[-1])
        if isinstance(inbound, str):
            retry = replies[-1].model_copy(update={"step": Step.INFO, "text": inbound})
            show([retry], stdout)
            continue
        answer = await _answer(coach, user, inbound)
        replies = answer.replies
        show(replies, stdout)
        # A command typed mid-prep ("history") answers without ending the prep's chat.
        talking = _still_talking(replies) or (answer.prep_id is None and talking)
    return 0


async def _answer(coach: Coach, user: UserRef, inbound: Inbound) -> Answer:
    """Typed words and picked choices go the way they go in every channel (`bot.routing`)."""
    if inbound.text is not None:
        return await answer_text(coach, user, inbound.text, COMMAND_PREFIX)
    return await answer_choice(coach, user, inbound, COMMAND_PREFIX)


def _prompt(stdin: TextIO, stdout: TextIO) -> str:
    stdout.write("> ")
    stdout.flush()
    return stdin.readline()


def _read_json(line: str) -> Inbound | str:
    try:
        document = json.loads(line)
        if not isinstance(document, dict) or not (INBOUND_KEYS & document.keys()):
            return 'Send one JSON object per line: {"text": "…"} or {"choice": "next"}.'
        picks = document.get("choices") or ()  # several ticked: {"choices": ["q1", "q3"]}
        return Inbound(text=document.get("text"), choice=document.get("choice"), picks=picks)
    except (json.JSONDecodeError, ValidationError):
        return 'That line is not valid JSON. Send {"text": "…"} or {"choice": "next"}.'


def _read_human(line: str, last: Reply) -> Inbound:
    """A number picks the numbered choice; anything else is the user's text."""
    answer = line.rstrip("\n")
    typed = answer.strip()  # ASCII digits only: "²".isdigit() is true, but int("²") fails
    if typed.isascii() and typed.isdigit() and 1 <= int(typed) <= len(last.choices):
        return Inbound(choice=last.choices[int(typed) - 1].value)
    return Inbound(text=answer)


def _print_json(replies: list[Reply], stdout: TextIO) -> None:
    for reply in replies:
        stdout.write(reply.to_json_line() + "\n")
    stdout.flush()


def _print_human(replies: list[Reply], stdout: TextIO) -> None:
    for reply in replies:
        stdout.write(reply_text(reply) + "\n\n")
    stdout.flush()
