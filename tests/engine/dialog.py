"""A transcript driver for the pure engine: say things, pick choices, read replies."""

from __future__ import annotations

from datetime import datetime

from bot.engine import flow
from bot.engine.context import CoachContext
from bot.engine.messages import Expects, Inbound, Reply
from bot.engine.state import PrepState
from bot.engine.turn import Turn


class Dialog:
    def __init__(self, ctx: CoachContext, turn: Turn) -> None:
        self.ctx = ctx
        self.state: PrepState = turn.state
        self.replies: list[Reply] = turn.replies
        self.notes: dict[str, str] = dict(turn.notes)

    @classmethod
    def start(cls, ctx: CoachContext) -> Dialog:
        return cls(ctx, flow.begin(ctx.playbook.id, ctx))

    def _apply(self, turn: Turn) -> list[Reply]:
        self.state, self.replies = turn.state, turn.replies
        self.notes.update(turn.notes)
        return self.replies

    def say(self, text: str) -> list[Reply]:
        return self._apply(flow.advance(self.state, Inbound(text=text), self.ctx))

    def pick(self, value: str) -> list[Reply]:
        return self._apply(flow.advance(self.state, Inbound(choice=value), self.ctx))

    def resume(self) -> list[Reply]:
        return self._apply(flow.resume(self.state, self.ctx))

    @property
    def last(self) -> Reply:
        return self.replies[-1]

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.replies)

    def choices(self) -> list[str]:
        return [choice.value for choice in self.last.choices]

    def findings(self, kind: str) -> list[dict[str, object]]:
        return [
            finding.model_dump(mode="json")
            for reply in self.replies
            for finding in reply.findings
            if finding.kind == kind
        ]

    def waiting(self) -> bool:
        return self.last.expects is not Expects.NONE


FRIDAY_MORNING = datetime.fromisoformat("2026-11-27T10:00:00+00:00")
