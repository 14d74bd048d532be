"""The result of one engine turn, and the small vocabulary every step shares."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.engine.findings import Finding
from bot.engine.messages import Choice, Expects, Reply, Step
from bot.engine.state import PrepState

NEXT = "next"
BACK = "back"
PAUSE = "pause"
RESTART = "restart"
HELP = "help"
NAVIGATION = (NEXT, BACK, PAUSE, RESTART, HELP)


@dataclass(frozen=True, slots=True)
class Turn:
    """New state, what to say, and notes to save (step -> text; empty text deletes the note)."""

    state: PrepState
    replies: list[Reply]
    notes: dict[str, str] = field(default_factory=dict)


def choice(value: str, label: str) -> Choice:
    return Choice(value=value, label=label)


def next_choice(label: str) -> Choice:
    return choice(NEXT, label)


BACK_CHOICE = choice(BACK, "Back")
PAUSE_CHOICE = choice(PAUSE, "Pause")


def say(step: Step, text: str, *findings: Finding) -> Reply:
    """Guidance that needs no answer on its own (another reply follows with the question)."""
    return Reply(step=step, text=text, findings=findings)


def ask_text(step: Step, text: str, *choices: Choice, findings: tuple[Finding, ...] = ()) -> Reply:
    return Reply(step=step, text=text, expects=Expects.TEXT, choices=choices, findings=findings)


def ask_choice(
    step: Step, text: str, *choices: Choice, findings: tuple[Finding, ...] = ()
) -> Reply:
    return Reply(step=step, text=text, expects=Expects.CHOICE, choices=choices, findings=findings)


def bullets(items: list[str]) -> str:
    return "\n".join(f"• {item}" for item in items)


def quoted(text: str, limit: int = 160) -> str:
    short = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return f"“{short}”"


def stay(state: PrepState, *replies: Reply) -> Turn:
    return Turn(state, list(replies))
