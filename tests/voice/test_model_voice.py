"""A model voices the stakeholder through the chat-completions wire format, bounded: what is
sent is the cue alone, and any failure gives None so the scripted line stands."""

from __future__ import annotations

import logging
import time

import pytest

from bot.engine.scene import StakeholderCue
from bot.settings import Settings
from bot.voice import build_voice
from bot.voice.model import MAX_LINE, REST_AFTER_FAILURE, ModelVoice
from tests.support.chat_api import (
    DEFAULT_LINE,
    Answer,
    ChatApiStandIn,
    filtered,
    hang,
    line,
    refused,
    status,
)
from tests.voice.conftest import API_KEY, CUE, MODEL, TIMEOUT, Clock

OTHER_CUE = StakeholderCue(
    role="the CFO",
    persona="Owns the budget and the audit committee's questions.",
    objection="What does this cost, and what do we stop doing?",
    scripted_line="Before anything else: what does it cost?",
    goal="Fund the phishing drills for next year",
    user_reply="It replaces two tools we pay for today.",
)


async def test_the_stakeholder_speaks_in_character_from_the_persona_and_this_prep(
    chat_api: ChatApiStandIn, voice: ModelVoice
) -> None:
    said = await voice.speak(CUE)

    assert said == DEFAULT_LINE
    call = await chat_api.wait_for_call()
    assert call.path == "/v1/chat/completions" and call.body["model"] == MODEL
    persona = call.message("system")
    assert CUE.role in persona and CUE.persona in persona
    assert "Stay in character" in persona and "Never give advice" in persona
    prep = call.message("user")
    for own_text in (CUE.objection, CUE.goal, CUE.user_reply, CUE.scripted_line):
        assert own_text is not None and own_text in prep
    assert call.authorization == f"Bearer {API_KEY}"


async def test_the_voice_built_from_the_settings_speaks_to_that_endpoint_with_its_key(
    chat_api: ChatApiStandIn,
) -> None:
    settings = Settings(llm_base_url=chat_api.url, llm_model=MODEL, llm_api_key=API_KEY)
    voice = build_voice(settings)
    assert voice is not None
    try:
        assert await voice.speak(CUE) == DEFAULT_LINE
    finally:
        await voice.close()

    call = await chat_api.wait_for_call()
    assert call.authorization == f"Bearer {API_KEY}" and call.body["model"] == MODEL


async def test_nothing_but_the_cue_is_sent(chat_api: ChatApiStandIn, voice: ModelVoice) -> None:
    """Two preps' cues give the same request once their own words are taken out: the prompt
    is a fixed frame around the cue, with no user id, metadata or anything else of theirs."""
    await voice.speak(CUE)
    await voice.speak(OTHER_CUE)

    first, second = chat_api.calls
    assert set(first.body) == {"model", "messages", "max_tokens", "temperature"}
    assert [m["role"] for m in first.body["messages"]] == ["system", "user"]
    assert not any(text in first.text for text in own_words(OTHER_CUE))
    assert without(first.text, CUE) == without(second.text, OTHER_CUE)
    assert first.body | {"messages": None} == second.body | {"messages": None}


@pytest.mark.parametrize(
    "answer",
    [hang, status(500), status(429), status(401), filtered, refused, line(""), line("  \n ")],
    ids=["timeout", "500", "429", "401", "content_filter", "refusal", "empty", "blank"],
)
async def test_any_failure_keeps_the_scripted_line_without_retrying(
    chat_api: ChatApiStandIn, voice: ModelVoice, answer: Answer
) -> None:
    chat_api.script(answer)
    started = time.monotonic()

    assert await voice.speak(CUE) is None

    assert len(chat_api.calls) == 1, "no retry spends the turn's time"
    assert time.monotonic() - started < TIMEOUT + 2  # bounded by the timeout, with slack


async def test_an_unreachable_endpoint_keeps_the_scripted_line() -> None:
    async with ChatApiStandIn() as gone:
        url = gone.url
    voice = ModelVoice(base_url=url, model=MODEL, api_key=API_KEY, timeout=TIMEOUT)
    try:
        assert await voice.speak(CUE) is None
    finally:
        await voice.close()


@pytest.mark.parametrize(
    ("content", "finish_reason", "expected"),
    [
        ('"Not now.\n\nMaybe after the close."', "stop", "Not now. Maybe after the close."),
        ("Not now. " + "Blah " * 100, "stop", "Not now."),
        ("blah " * 100, "stop", None),
        ("Fine, ten minutes. But I want to know what it", "length", "Fine, ten minutes."),
        ("Ten minutes is what I can give you", "length", None),
    ],
    ids=["quoted-lines", "overlong", "overlong-no-sentence", "cut-off", "cut-off-no-sentence"],
)
async def test_a_long_or_cut_off_answer_keeps_whole_sentences_or_none(
    chat_api: ChatApiStandIn,
    voice: ModelVoice,
    content: str,
    finish_reason: str,
    expected: str | None,
) -> None:
    chat_api.script(line(content, finish_reason=finish_reason))

    said = await voice.speak(CUE)

    assert said == expected
    assert said is None or len(said) <= MAX_LINE


async def test_neither_the_key_nor_any_text_is_logged(
    chat_api: ChatApiStandIn, voice: ModelVoice, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # as with PREPTALK_LOG_LEVEL=DEBUG: the transport's too
    chat_api.script(line(DEFAULT_LINE), status(500), hang, refused)
    for _ in range(4):
        await voice.speak(CUE)
        clock.advance(REST_AFTER_FAILURE)

    assert "HTTP 500" in caplog.text and "took over" in caplog.text  # the failures are logged
    assert not logging.getLogger("openai").isEnabledFor(logging.DEBUG)  # older clients log bodies
    assert API_KEY not in caplog.text
    for text in (*own_words(CUE), DEFAULT_LINE):
        assert text not in caplog.text


def own_words(cue: StakeholderCue) -> list[str]:
    fields = (cue.role, cue.persona, cue.objection, cue.scripted_line, cue.goal, cue.user_reply)
    return [text for text in fields if text]


def without(text: str, cue: StakeholderCue) -> str:
    for words in own_words(cue):
        text = text.replace(words, "…")
    return text
