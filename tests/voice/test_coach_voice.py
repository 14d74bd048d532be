"""A rehearsal through the coach with a model voicing the stakeholder (the local
chat-completions stand-in), on SQLite and PostgreSQL: the model hears this prep's own words
and nothing else of anyone's; a failing model falls back to scripted lines, told once; a
workspace that switched it off sends nothing; while the model thinks, the turn holds no
database connection, so other people's turns go on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiohttp import web

from bot.coach import Coach
from bot.engine.messages import Command, Expects, Inbound, Reply, Step
from bot.runtime import open_coach
from bot.settings import Settings
from bot.users import UserRef
from bot.voice.lines import FALLBACK_NOTICE
from tests.support.chat_api import DEFAULT_LINE, Body, ChatApiStandIn, line, status
from tests.test_coach import FULL, NOW, run, says
from tests.voice.conftest import API_KEY, MODEL, TIMEOUT

ALICE = UserRef("slack", "T1", "U1")
COLLEAGUE = UserRef("slack", "T1", "U2")
GOAL = "Sales finish the course so deals stay safe"
REPLY = "I hear you. What would make fifteen minutes easy for your sellers?"


def prep(goal: str, hypothesis: str) -> list[Inbound]:
    """A full prep to its brief, with its own goal and hypothesis."""
    inputs = list(FULL)
    inputs[1], inputs[5] = says(hypothesis), says(goal)
    return inputs


def rehearse(prep_id: int) -> Inbound:
    return Inbound(command=Command.REHEARSE, argument=str(prep_id))


@asynccontextmanager
async def voiced_coach(
    database_url: str, chat_api: ChatApiStandIn, llm_timeout: float
) -> AsyncIterator[Coach]:
    settings = Settings(
        database_url=database_url,
        llm_base_url=chat_api.url,
        llm_model=MODEL,
        llm_api_key=API_KEY,
        llm_timeout=llm_timeout,
    )
    async with open_coach(settings) as ready:
        ready.clock = lambda: NOW
        yield ready


@pytest.fixture
async def coach(database_url: str, chat_api: ChatApiStandIn) -> AsyncIterator[Coach]:
    async with voiced_coach(database_url, chat_api, TIMEOUT) as ready:
        yield ready


@pytest.fixture
async def patient_coach(database_url: str, chat_api: ChatApiStandIn) -> AsyncIterator[Coach]:
    """A coach that waits for the model far longer than any test turn takes."""
    async with voiced_coach(database_url, chat_api, 10) as ready:  # the most one may set
        yield ready


async def rehearse_to_the_end(coach: Coach, prep_id: int) -> list[Reply]:
    said = (await coach.answer(ALICE, rehearse(prep_id))).replies
    for _line in range(10):
        if said[-1].expects is Expects.NONE:
            return said
        said = [*said, *await coach.handle(ALICE, says(REPLY))]
    raise AssertionError("the rehearsal never ended")


async def test_the_stakeholder_speaks_through_the_model_hearing_only_this_prep(
    coach: Coach, chat_api: ChatApiStandIn
) -> None:
    await run(
        coach, COLLEAGUE, *prep("Colleague's goal: the budget for drills", "Colleague's hunch")
    )
    await run(coach, ALICE, *prep("Alice's other goal: legal signs the policy", "Other hunch"))
    await run(coach, ALICE, *prep(GOAL, "They think the course is a zebra"))
    this_prep = (await coach.preps(ALICE))[0].id

    opening = await coach.answer(ALICE, rehearse(this_prep))
    assert opening.replies[-1].text == DEFAULT_LINE and opening.replies[-1].cue is not None
    first = await chat_api.wait_for_call()
    assert "the VP of Sales" in first.message("system") and GOAL in first.message("user")
    await coach.handle(ALICE, says(REPLY))
    second = await chat_api.wait_for_call(2)
    assert REPLY in second.message("user")

    sent = "\n".join(call.text + str(call.body) for call in chat_api.calls)
    for never in ("Colleague", "Other hunch", "other goal", "zebra", "U1", "T1", "slack"):
        assert never not in sent


async def test_a_failing_model_gives_the_scripted_lines_and_says_so_once(
    coach: Coach, chat_api: ChatApiStandIn
) -> None:
    chat_api.script(status(500))
    await run(coach, ALICE, *prep(GOAL, "They think the course is a zebra"))
    [briefed] = await coach.preps(ALICE)

    said = await rehearse_to_the_end(coach, briefed.id)

    assert [reply.text for reply in said].count(FALLBACK_NOTICE) == 1
    lines = [reply for reply in said if reply.cue is not None]
    assert lines and all(reply.text == reply.cue.scripted_line for reply in lines if reply.cue)


async def test_a_workspace_that_switched_the_model_off_sends_nothing(
    coach: Coach, chat_api: ChatApiStandIn
) -> None:
    await coach.configure_tenant(
        "slack", "T1", fiscal_year_start_month=None, mission=None, model_voice=False
    )
    await run(coach, ALICE, *prep(GOAL, "They think the course is a zebra"))
    [briefed] = await coach.preps(ALICE)

    said = await rehearse_to_the_end(coach, briefed.id)

    lines = [reply for reply in said if reply.cue is not None]
    assert lines and all(reply.text == reply.cue.scripted_line for reply in lines if reply.cue)
    assert FALLBACK_NOTICE not in [reply.text for reply in said]
    assert chat_api.calls == []


async def test_while_the_model_thinks_the_turn_holds_no_connection_and_others_go_on(
    patient_coach: Coach, chat_api: ChatApiStandIn
) -> None:
    coach = patient_coach
    released = asyncio.Event()

    async def when_released(api: ChatApiStandIn, body: Body) -> web.Response:
        await released.wait()
        return await line("Fifteen minutes? Fine, but not in the last week of the quarter.")(
            api, body
        )

    await run(coach, ALICE, *prep(GOAL, "They think the course is a zebra"))
    [briefed] = await coach.preps(ALICE)
    chat_api.script(when_released)
    rehearsal = asyncio.create_task(coach.answer(ALICE, rehearse(briefed.id)))
    try:
        await chat_api.wait_for_call()
        pool = coach.engine.pool
        assert pool.checkedout() == 0  # on SQLite the process has one connection
        async with asyncio.timeout(10):
            colleague = await coach.handle(
                COLLEAGUE, Inbound(command=Command.START, argument="sales")
            )
        assert not rehearsal.done()
    finally:
        released.set()
    opening = await rehearsal

    assert any(reply.step is Step.FEEL for reply in colleague)
    assert [prep.stakeholder for prep in await coach.preps(COLLEAGUE)] == ["sales"]
    assert opening.replies[-1].text.endswith("but not in the last week of the quarter.")
    assert len(chat_api.calls) == 1  # asked once, outside the turn's transaction
    [reopened] = await coach.preps(ALICE)  # the turn was saved: the briefed prep is rehearsing
    assert (briefed.status, reopened.status) == ("briefed", "in_progress")
