"""A model voice pointed at the local chat-completions stand-in, and a stakeholder cue."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.engine.messages import Expects, Reply, Step
from bot.engine.scene import StakeholderCue
from bot.voice.model import ModelVoice
from tests.support.chat_api import ChatApiStandIn

API_KEY = "sk-test-5f1c9a7e"
MODEL = "acme-approved-model"
TIMEOUT = 0.5  # seconds; the stand-in's `hang` never answers inside it

CUE = StakeholderCue(
    role="the VP of Sales",
    persona="Runs a worldwide sales team paid on quarterly bookings; guards selling time.",
    objection="We're three weeks from close — not now.",
    scripted_line="We're three weeks from the quarter close. Can this wait?",
    goal="Sales finishes the ten-minute travel module by 15 March",
    user_reply="I hear you. What would make ten minutes easier for your reps?",
)


def stakeholder_says(cue: StakeholderCue = CUE) -> Reply:
    """A rehearsal line as the engine scripts it: the stakeholder's words, framed."""
    return Reply(
        step=Step.INFO, text=f"{cue.role}: “{cue.scripted_line}”", expects=Expects.TEXT, cue=cue
    )


@pytest.fixture
async def chat_api() -> AsyncIterator[ChatApiStandIn]:
    async with ChatApiStandIn() as api:
        yield api


class Clock:
    """The voice's monotonic clock, moved on by the test (for the rest after a failure)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def voice(chat_api: ChatApiStandIn, clock: Clock) -> AsyncIterator[ModelVoice]:
    model_voice = ModelVoice(
        base_url=chat_api.url, model=MODEL, api_key=API_KEY, timeout=TIMEOUT, clock=clock
    )
    yield model_voice
    await model_voice.close()
