"""Translate a playground request body into the neutral `Inbound` the coach takes.

Exactly four shapes are accepted, so a typo in a client shows up as a clear 400 instead of
a turn the coach half-understands:

    {"text": "…"}   {"choice": "next"}   {"choices": ["q1", "q3"]}
    {"command": "start" | "resume" | "debrief" | …, "argument": "…"}

`choices` is a checklist submitted at once: the engine applies the picks in order, in one
turn (`Inbound.picks`). Every command the engine knows (`Command`) can be sent; its argument
is a stakeholder or a prep number.
"""

from __future__ import annotations

from bot.engine.messages import Command, Inbound

TEXT_LIMIT = 20_000
CHOICE_LIMIT = 100
PICKS_LIMIT = 20
ARGUMENT_LIMIT = 100

SHAPES = (
    'Send one of {"text": "..."}, {"choice": "..."}, {"choices": ["...", ...]} '
    'or {"command": "...", "argument": "..."}.'
)


class BadTurn(ValueError):
    """The body is JSON but not one of the accepted shapes; the message says why."""


def parse_turn(document: object) -> Inbound:
    """The `Inbound` a body asks for, or BadTurn naming what is wrong with it."""
    if not isinstance(document, dict):
        raise BadTurn(SHAPES)
    match sorted(document):
        case ["text"]:
            return Inbound(text=_string(document["text"], "text", TEXT_LIMIT))
        case ["choice"]:
            return Inbound(choice=_string(document["choice"], "choice", CHOICE_LIMIT))
        case ["choices"]:
            return Inbound(picks=_picks(document["choices"]))
        case ["argument", "command"]:
            return Inbound(
                command=_command(document["command"]),
                argument=_string(_id_as_text(document["argument"]), "argument", ARGUMENT_LIMIT),
            )
        case _:
            raise BadTurn(SHAPES)


def _string(value: object, field: str, limit: int) -> str:
    if not isinstance(value, str):
        raise BadTurn(f'"{field}" must be a string.')
    if not value.strip():
        raise BadTurn(f'"{field}" is empty.')
    if len(value) > limit:
        raise BadTurn(f'"{field}" is longer than {limit} characters.')
    return value


def _picks(value: object) -> tuple[str, ...]:
    """A checklist's picks: 1 to PICKS_LIMIT distinct choice values."""
    if not isinstance(value, list) or not value:
        raise BadTurn('"choices" must be a list with at least one choice.')
    if len(value) > PICKS_LIMIT:
        raise BadTurn(f'"choices" holds more than {PICKS_LIMIT} picks.')
    picks = tuple(_string(item, "choices", CHOICE_LIMIT) for item in value)
    if len(set(picks)) != len(picks):
        raise BadTurn('"choices" names the same choice twice.')
    return picks


def _command(value: object) -> Command:
    allowed = [command.value for command in Command]
    if value not in allowed:
        raise BadTurn(f'"command" must be one of: {", ".join(allowed)}.')
    return Command(value)


def _id_as_text(value: object) -> object:
    """Prep ids may arrive as JSON numbers; the coach takes them as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value
