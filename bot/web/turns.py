"""Translate a playground request body into the neutral `Inbound` the coach takes.

Exactly three shapes are accepted, so a typo in a client shows up as a clear 400 instead of
a turn the coach half-understands:

    {"text": "…"}   {"choice": "next"}   {"command": "start" | "resume", "argument": "…"}
"""

from __future__ import annotations

from bot.engine.messages import Command, Inbound

TEXT_LIMIT = 20_000
CHOICE_LIMIT = 100
ARGUMENT_LIMIT = 100
PLAYGROUND_COMMANDS = (Command.START, Command.RESUME)

SHAPES = (
    'Send one of {"text": "..."}, {"choice": "..."} '
    'or {"command": "start" | "resume", "argument": "..."}.'
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


def _command(value: object) -> Command:
    allowed = [command.value for command in PLAYGROUND_COMMANDS]
    if value not in allowed:
        raise BadTurn(f'"command" must be one of: {", ".join(allowed)}.')
    return Command(value)


def _id_as_text(value: object) -> object:
    """Prep ids may arrive as JSON numbers; the coach takes them as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value
