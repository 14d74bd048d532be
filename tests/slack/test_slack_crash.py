"""Acknowledged means durable: a real `prep-talk serve` killed with SIGKILL in the middle of a
burst of slash commands and DMs from many people loses none that Slack got its 200 for,
answers each exactly once, in the order each person sent them."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.storage.db import create_database, session_factory
from bot.storage.inbox_models import InboxTurn
from tests.slack.conftest import BOT_TOKEN, SECRET, text_of
from tests.support.postgres import TempPostgres
from tests.support.server_process import ServerProcess, server_env, start_server
from tests.support.slack_api import Call, SlackApiStandIn
from tests.support.slack_requests import (
    TEAM_ID,
    event_body,
    message_im_event,
    signed_headers,
    slash_command_body,
)

PEOPLE = 16
DMS_EACH = 5
ACKED_BEFORE_TROUBLE = 30
LEASE_SECONDS = "2"
ANSWER_SECONDS = 120.0
STARTED = "Step 1 of 5"
NOTED = re.compile(r"Noted: “They skip it because of reason (u\d+n\d+)”")


def said(person: int, n: int) -> str:
    return f"u{person:02d}n{n:02d}"


class Burst:
    """People starting a prep and writing DMs, one after another (each waits for Slack's
    200), all at once."""

    def __init__(self, targets: list[str], on_ack: int) -> None:
        self.targets = targets
        self.acked: dict[int, list[str]] = {person: [] for person in range(PEOPLE)}
        self.trouble_started = asyncio.Event()
        self._on_ack = on_ack
        self._count = 0

    async def run(self, api: SlackApiStandIn) -> None:
        async with aiohttp.ClientSession() as session:
            await asyncio.gather(*(self._person(session, api, p) for p in range(PEOPLE)))

    async def _person(
        self, session: aiohttp.ClientSession, api: SlackApiStandIn, person: int
    ) -> None:
        """`/prep-talk sales`, then DMs: each acknowledged one is noted in `acked`."""
        user = f"U{person:02d}"
        for n in range(DMS_EACH + 1):
            if n == 0:
                body = slash_command_body("sales", user_id=user, team_id=TEAM_ID,
                                          response_url=api.response_url(user))  # fmt: skip
            else:
                text = f"They skip it because of reason {said(person, n)}"
                body = event_body(message_im_event(user, text))
            target = self.targets[(person + n) % len(self.targets)]
            try:
                async with session.post(
                    f"{target}/slack/events", data=body, headers=signed_headers(body, SECRET)
                ) as response:
                    if response.status != 200:
                        return
            except aiohttp.ClientError:
                return  # the server died: this one was never acknowledged
            self.acked[person].append(said(person, n))
            self._count += 1
            if self._count == self._on_ack:
                self.trouble_started.set()


def answers_by_person(calls: list[Call]) -> dict[int, list[str]]:
    """What each person was answered, in the order the answers reached Slack."""
    found: dict[int, list[str]] = {person: [] for person in range(PEOPLE)}
    for call in calls:
        if call.method == "chat.postMessage" and call.ok:
            text = text_of(call.body)
            if STARTED in text:  # the command's answer, posted to the user's id
                person = int(str(call.body["channel"])[1:])
                found[person].append(said(person, 0))
            for marker in NOTED.findall(text):
                found[int(marker[1:3])].append(marker)
    return found


def all_acked_answered(burst: Burst) -> Callable[[list[Call]], bool]:
    def check(calls: list[Call]) -> bool:
        answered = answers_by_person(calls)
        return all(set(burst.acked[p]) <= set(answered[p]) for p in range(PEOPLE))

    return check


async def unsettled_turns(database_url: str) -> int:
    engine = create_database(database_url)
    try:
        async with session_factory(engine)() as session:
            rows = await session.scalars(select(InboxTurn.status))
            return sum(status not in ("done", "failed") for status in rows)
    finally:
        await engine.dispose()


async def until_settled(database_url: str) -> None:
    """Wait until the inbox is empty of unsettled turns: another process's commits can only
    be polled for, so the inbox is read every 50 ms until then."""
    async with asyncio.timeout(ANSWER_SECONDS):
        while await unsettled_turns(database_url):  # noqa: ASYNC110
            await asyncio.sleep(0.05)


def assert_each_acked_turn_answered_once_in_order(burst: Burst, calls: list[Call]) -> None:
    answered = answers_by_person(calls)
    for person in range(PEOPLE):
        mine = answered[person]
        assert set(burst.acked[person]) <= set(mine), (
            f"lost: {set(burst.acked[person]) - set(mine)}"
        )
        twice = [marker for marker, count in Counter(mine).items() if count > 1]
        assert not twice, f"answered twice: {twice}"
        assert mine == sorted(mine), f"out of order for person {person}: {mine}"
    assert sum(map(len, burst.acked.values())) >= ACKED_BEFORE_TROUBLE


@pytest.fixture
async def servers(tmp_path: Path) -> AsyncIterator[AsyncExitStack]:
    async with AsyncExitStack() as stack:
        yield stack


async def serve(stack: AsyncExitStack, env: dict[str, str], log: Path) -> ServerProcess:
    server = await start_server(env, log)
    stack.push_async_callback(server.stop)
    return server


async def test_a_server_killed_mid_burst_answers_every_acknowledged_dm_once_in_order_after_restart(
    database_url: str, slack_api: SlackApiStandIn, servers: AsyncExitStack, tmp_path: Path
) -> None:
    env = server_env(database_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET,
                     SLACK_API_URL=slack_api.url, PREPTALK_INBOX_LEASE=LEASE_SECONDS)  # fmt: skip
    first = await serve(servers, env, tmp_path / "first.log")
    burst = Burst([first.url], on_ack=ACKED_BEFORE_TROUBLE)
    sending = asyncio.create_task(burst.run(slack_api))

    await burst.trouble_started.wait()
    # Slack takes the next posts but answers none: the server dies with replies in flight.
    held_from = slack_api.mark()
    released = slack_api.hold("chat.postMessage")
    await slack_api.wait_for_call("chat.postMessage", since=held_from, timeout=30)
    first.kill()
    await sending
    assert await unsettled_turns(database_url) > 0, "the kill left turns to answer"
    released.set()

    await serve(servers, env, tmp_path / "second.log")
    await slack_api.wait_for(all_acked_answered(burst), timeout=ANSWER_SECONDS)
    await until_settled(database_url)

    assert_each_acked_turn_answered_once_in_order(burst, slack_api.calls)


@pytest.fixture
def postgres_url(postgres_server: TempPostgres, migrated_postgres_template: str) -> Iterator[str]:
    url = postgres_server.create_database(template=migrated_postgres_template)
    yield url
    postgres_server.drop_database(url)


@pytest.mark.postgres
async def test_two_servers_on_postgresql_one_killed_mid_burst_the_other_answers_its_turns(
    postgres_url: str, slack_api: SlackApiStandIn, servers: AsyncExitStack, tmp_path: Path
) -> None:
    """Each person's DMs alternate between the two replicas; one dies; the survivor takes
    over what it left once the lease runs out, without a restart."""
    env = server_env(postgres_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET,
                     SLACK_API_URL=slack_api.url, PREPTALK_INBOX_LEASE=LEASE_SECONDS)  # fmt: skip
    doomed = await serve(servers, env, tmp_path / "doomed.log")
    survivor = await serve(servers, env, tmp_path / "survivor.log")
    burst = Burst([doomed.url, survivor.url], on_ack=ACKED_BEFORE_TROUBLE)
    sending = asyncio.create_task(burst.run(slack_api))

    await burst.trouble_started.wait()
    held_from = slack_api.mark()
    released = slack_api.hold("chat.postMessage")
    await slack_api.wait_for_call("chat.postMessage", since=held_from, timeout=30)
    doomed.kill()
    await sending
    assert await unsettled_turns(postgres_url) > 0, "the kill left turns to answer"
    released.set()

    await slack_api.wait_for(all_acked_answered(burst), timeout=ANSWER_SECONDS)
    await until_settled(postgres_url)

    assert_each_acked_turn_answered_once_in_order(burst, slack_api.calls)
