"""Teams messages are kept before they are processed: a real `prep-talk serve` killed with
SIGKILL mid-turn loses none of them; after a restart each is coached once and answered."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from bot.engine.messages import Command, Inbound
from bot.runtime import build_coach
from bot.settings import Settings
from tests.support.server_process import server_env, start_server
from tests.teams import cardreader
from tests.teams.support import DANA, BotConnector, activity

FIRST = "They see the course as generic IT content"
SECOND = "Their quarter-end leaves no room for training"


async def dana_starts_a_sales_prep(database_url: str) -> Settings:
    settings = Settings(database_url=database_url, teams_local=True, playground=False)
    coach, engine = build_coach(settings)
    try:
        await coach.handle(DANA, Inbound(command=Command.START, argument="sales"))
    finally:
        await engine.dispose()
    return settings


async def notes_of_dana(settings: Settings) -> str:
    coach, engine = build_coach(settings)
    try:
        [summary] = await coach.preps(DANA)
        detail = await coach.prep(DANA, summary.id)
        assert detail is not None
        return "\n".join(note.text for note in detail.notes)
    finally:
        await engine.dispose()


def noted(connector: BotConnector, text: str) -> int:
    """How many cards reaching the connector note `text` (a reply to that message)."""
    return sum(f"Noted: “{text}”" in cardreader.text(card) for card in connector.cards)


async def test_teams_messages_cut_off_by_a_kill_are_coached_once_and_answered_after_restart(
    database_url: str, connector: BotConnector, tmp_path: Path
) -> None:
    settings = await dana_starts_a_sales_prep(database_url)
    env = server_env(database_url, PREPTALK_TEAMS_LOCAL="1", PREPTALK_INBOX_LEASE="2")
    released = connector.hold_after(answered=0)  # Teams takes the replies, answers none
    first_server = await start_server(env, tmp_path / "first.log")
    try:
        async with aiohttp.ClientSession() as session:
            # Dana's first answer is coached, its card is on its way when the server dies ...
            said = activity("message_personal", connector.url, text=FIRST)
            in_flight = asyncio.ensure_future(
                session.post(f"{first_server.url}/api/messages", json=said)
            )
            await connector.wait_for_posts(1)
            # ... and her second one is stored and acknowledged, waiting behind the first.
            said = activity("message_personal", connector.url, text=SECOND)
            async with session.post(f"{first_server.url}/api/messages", json=said) as second:
                assert second.status == 201
            first_server.kill()
            await first_server.process.wait()
            in_flight.cancel()
            await asyncio.gather(in_flight, return_exceptions=True)
    finally:
        await first_server.stop()
    assert noted(connector, SECOND) == 0, "the second message was not answered before the kill"
    released.set()

    restarted = await start_server(env, tmp_path / "second.log")
    try:
        await connector.wait_for_posts(3)
    finally:
        await restarted.stop()

    notes = await notes_of_dana(settings)
    assert notes.count(FIRST) == 1 and notes.count(SECOND) == 1, "each message coached once"
    assert noted(connector, FIRST) == 2, "the card in flight at the kill is sent again"
    assert noted(connector, SECOND) == 1
    answered = [text for card in connector.cards for text in (FIRST, SECOND)
                if f"Noted: “{text}”" in cardreader.text(card)]  # fmt: skip
    assert answered == [FIRST, FIRST, SECOND], "in the order Dana wrote them"
