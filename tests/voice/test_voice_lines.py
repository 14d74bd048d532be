"""A rehearsal turn's stakeholder lines come from the model when it answers; otherwise the
scripted lines stand and the user is told once, and a workspace can switch the model off."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.coach import Coach
from bot.engine.messages import Reply, Step
from bot.runtime import open_coach
from bot.settings import Settings, SettingsError
from bot.users import UserRef
from bot.voice import build_voice
from bot.voice.lines import FALLBACK_NOTICE, LinesAhead, LinesNeeded, voice_lines
from bot.voice.model import REST_AFTER_FAILURE, ModelVoice
from tests.support.chat_api import DEFAULT_LINE, ChatApiStandIn, hang, line, refused, status
from tests.voice.conftest import CUE, Clock, stakeholder_says

FEEDBACK = Reply(step=Step.INFO, text="You acknowledged the concern first: good.")
ALICE = UserRef("slack", "T1", "U1")
BOB_ELSEWHERE = UserRef("slack", "T2", "U7")


async def test_the_stakeholder_says_the_models_line_and_feedback_stays_the_engines(
    voice: ModelVoice,
) -> None:
    replies, told = await voice_lines(
        [FEEDBACK, stakeholder_says()], voice, workspace_allows=True, told=False
    )

    assert replies == [FEEDBACK, stakeholder_says().model_copy(update={"text": voiced()})]
    assert not told


async def test_when_the_model_fails_the_scripted_lines_stand_and_the_user_is_told_once(
    chat_api: ChatApiStandIn, voice: ModelVoice, clock: Clock
) -> None:
    chat_api.script(status(500), hang, status(503))
    turn = [FEEDBACK, stakeholder_says(), stakeholder_says()]

    first, told = await voice_lines(turn, voice, workspace_allows=True, told=False)
    assert [reply.text for reply in first] == [
        FEEDBACK.text,
        FALLBACK_NOTICE,
        stakeholder_says().text,
        stakeholder_says().text,
    ]
    assert told

    clock.advance(REST_AFTER_FAILURE)  # the endpoint is asked again, and fails again
    later, still_told = await voice_lines(
        [stakeholder_says()], voice, workspace_allows=True, told=told
    )
    assert later == [stakeholder_says()] and still_told, "told once per rehearsal"
    assert len(chat_api.calls) == 3


async def test_a_failed_endpoint_rests_then_the_model_comes_back(
    chat_api: ChatApiStandIn, voice: ModelVoice, clock: Clock
) -> None:
    chat_api.script(hang, line("Fine. Ten minutes, after the close."))
    _, told = await voice_lines([stakeholder_says()], voice, workspace_allows=True, told=False)

    clock.advance(REST_AFTER_FAILURE - 1)
    resting, _ = await voice_lines([stakeholder_says()], voice, workspace_allows=True, told=told)
    assert resting == [stakeholder_says()] and len(chat_api.calls) == 1, "no wait, no request"

    clock.advance(1)
    back, _ = await voice_lines([stakeholder_says()], voice, workspace_allows=True, told=told)
    assert [reply.text for reply in back] == [voiced("Fine. Ten minutes, after the close.")]


async def test_a_refused_line_is_no_reason_to_rest(
    chat_api: ChatApiStandIn, voice: ModelVoice
) -> None:
    chat_api.script(refused)
    first, told = await voice_lines([stakeholder_says()], voice, workspace_allows=True, told=False)
    second, _ = await voice_lines([stakeholder_says()], voice, workspace_allows=True, told=told)

    assert first[0].text == FALLBACK_NOTICE and second[0].text == voiced()


async def test_the_models_line_reaches_the_user_as_text_to_escape_not_markup(
    chat_api: ChatApiStandIn, voice: ModelVoice
) -> None:
    """The line is untrusted like the user's own: it arrives as plain text in the reply, which
    every channel escapes (Slack mrkdwn, Adaptive Cards, the web page's textContent)."""
    chat_api.script(line("<!channel> *Not now.*\n> see <https://evil.example|this>"))

    replies, _ = await voice_lines([stakeholder_says()], voice, workspace_allows=True, told=False)

    assert replies[0].text == voiced("<!channel> *Not now.* > see <https://evil.example|this>")
    assert "\n" not in replies[0].text, "one line: no quote or heading markup of its own"


@pytest.fixture
async def coach(database_url: str) -> AsyncIterator[Coach]:
    async with open_coach(Settings(database_url=database_url)) as ready:
        yield ready


async def test_a_workspace_switched_off_sends_nothing_and_keeps_the_scripted_lines(
    coach: Coach, chat_api: ChatApiStandIn, voice: ModelVoice
) -> None:
    await coach.configure_tenant("slack", "T1", fiscal_year_start_month=None, mission=None)
    assert (await coach.settings_of(ALICE)).model_voice, "on by default"

    await coach.configure_tenant(
        "slack", "T1", fiscal_year_start_month=None, mission=None, model_voice=False
    )
    alice = await coach.settings_of(ALICE)
    replies, told = await voice_lines(
        [stakeholder_says()], voice, workspace_allows=alice.model_voice, told=False
    )

    assert replies == [stakeholder_says()] and not told, "no notice: nothing failed"
    assert chat_api.calls == []
    assert (await coach.settings_of(BOB_ELSEWHERE)).model_voice, "other workspaces keep it"
    await coach.configure_tenant(
        "slack", "T1", fiscal_year_start_month=None, mission=None, model_voice=True
    )
    assert (await coach.settings_of(ALICE)).model_voice


def test_with_no_model_configured_there_is_no_voice_and_openai_is_never_loaded(
    tmp_path: Path,
) -> None:
    """In a fresh interpreter, as a server starts: the coach, the channels and the voice
    wiring load, and no voice is built, so nothing can be sent anywhere."""
    script = (
        "import sys\n"
        "import bot.server, bot.runtime, bot.voice.lines\n"
        "from bot.settings import load_settings\n"
        "from bot.voice import build_voice\n"
        "assert build_voice(load_settings()) is None\n"
        "assert 'openai' not in sys.modules, 'openai was imported'\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREPTALK_LLM_")}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,  # no stray .env
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_a_model_configured_without_the_llm_extra_stops_start_up_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "openai", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "bot.voice.model", raising=False)
    settings = Settings(llm_base_url="http://127.0.0.1:9/v1", llm_model="m", llm_api_key="k")

    with pytest.raises(SettingsError, match=r"^PREPTALK_LLM_BASE_URL: .*prep-talk\[llm\]"):
        build_voice(settings)


def voiced(said: str = DEFAULT_LINE) -> str:
    return stakeholder_says().text.replace(CUE.scripted_line, said)


async def test_lines_ahead_name_the_cues_not_asked_yet_then_answer_from_one_ask(
    voice: ModelVoice, chat_api: ChatApiStandIn
) -> None:
    chat_api.script(line(DEFAULT_LINE), status(500))
    other = CUE.model_copy(update={"user_reply": "Could we start after the close?"})
    lines = LinesAhead(voice)

    with pytest.raises(LinesNeeded) as needed:
        lines.check([FEEDBACK, stakeholder_says(), stakeholder_says(other)])
    assert needed.value.cues == [CUE, other]
    await lines.ask(needed.value.cues)
    lines.check([stakeholder_says(), stakeholder_says(other)])  # both asked: nothing raised
    replies, told = await voice_lines(
        [stakeholder_says(), stakeholder_says(other)], lines, workspace_allows=True, told=False
    )

    assert len(chat_api.calls) == 2  # once per cue, however often the turn runs
    spoken = [reply.text == voiced() for reply in replies if reply.cue is not None]
    assert sorted(spoken) == [False, True]  # one said by the model, one scripted (its 500)
    assert told and FALLBACK_NOTICE in [reply.text for reply in replies]
