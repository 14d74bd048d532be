"""What every step guide offers the flow."""

from __future__ import annotations

from typing import Protocol

from bot.engine.context import CoachContext
from bot.engine.messages import Reply, Step
from bot.engine.state import PrepState
from bot.engine.turn import Turn


class StepGuide(Protocol):
    step: Step
    title: str

    def intro(self, state: PrepState, ctx: CoachContext) -> list[Reply]:
        """Guidance on entering the step, ending with its question."""

    def ask(self, state: PrepState, ctx: CoachContext) -> Reply:
        """The current question of the step, with its choices."""

    def on_text(self, state: PrepState, text: str, ctx: CoachContext) -> Turn:
        """The user wrote an answer."""

    def on_choice(self, state: PrepState, value: str, ctx: CoachContext) -> Turn | None:
        """The user picked a step-specific choice; None when it is not offered now."""

    def on_next(self, state: PrepState, ctx: CoachContext) -> Turn | None:
        """The user wants to move on: a Turn to stay in the step, None when it is complete."""

    def note(self, state: PrepState, ctx: CoachContext) -> str:
        """The step's answers as a private note ('' when there is nothing yet)."""
