"""Nudges reach Teams users as proactive cards from their stored reference, within limits."""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.channels.teams import TEAMS_MESSENGER
from bot.channels.teams.nudges import THROTTLE_RETRIES, TeamsNudgeSender
from bot.engine.messages import Command, Inbound
from bot.nudges.metrics import NudgeMetrics
from bot.nudges.runner import NudgeRunner
from bot.playbook.library import load_library
from bot.runtime import build_coach, open_coach
from bot.settings import Settings
from bot.storage import nudge_outbox
from bot.storage.db import create_database, session_factory
from bot.storage.nudge_models import Nudge
from bot.storage.teams_references import TeamsReferences
from bot.users import UserRef
from tests.support.outcomes import debriefed_with_outcome
from tests.support.worker import worker_process
from tests.teams import cardreader
from tests.teams.conftest import Client
from tests.teams.support import (
    DANA,
    OUTBOUND_TOKEN,
    TENANT,
    BotConnector,
    SigningKey,
    activity,
    reference_to,
)
from tests.teams.test_authenticated import signed

DUE = datetime.fromisoformat("2026-11-10T10:00:00+00:00")


async def run_nudges(settings: Settings, client: Client, sleeps: list[float]) -> tuple[int, int]:
    async def no_wait(seconds: float) -> None:
        sleeps.append(seconds)

    engine = create_database(settings.database_url)
    try:
        sender = TeamsNudgeSender(client.app[TEAMS_MESSENGER], per_tenant_rate=30, sleep=no_wait)
        runner = NudgeRunner(
            session_factory(engine), load_library(), {"teams": sender}, NudgeMetrics.create()
        )
        report = await runner.run_once(DUE, clock=lambda: DUE)
        return report.sent, report.retried
    finally:
        await engine.dispose()


async def start_sales_prep(client: Client, connector: BotConnector, key: SigningKey) -> None:
    """Dana says "sales" in her personal chat (signed, as Teams sends it): a prep starts."""
    started = await client.post(
        "/api/messages",
        json=activity("message_personal", connector.url),
        headers=signed(key, connector.url),
    )
    assert started.status in (200, 201)
    connector.calls.clear()


async def test_a_teams_user_with_an_open_prep_gets_a_card_with_working_buttons(
    signed_client: Client, connector: BotConnector, channel_key: SigningKey, app_settings: Settings
) -> None:
    await start_sales_prep(signed_client, connector, channel_key)
    connector.refuse_next(429, "2")
    sleeps: list[float] = []
    assert await run_nudges(app_settings, signed_client, sleeps) == (1, 0)
    assert sleeps == [2.0], "the 429's Retry-After was waited out once"
    card = connector.cards[-1]
    assert "busy season starts in 10 days" in cardreader.text(card)
    assert cardreader.button(card, "cmd:nudges snooze") and cardreader.button(
        card, "cmd:nudges off"
    )
    assert len(connector.cards) == 2, "one refused with 429, then delivered"
    assert await run_nudges(app_settings, signed_client, sleeps) == (0, 0)
    assert len(connector.cards) == 2, "never twice"


async def test_a_card_throttled_again_and_again_is_never_given_up(
    signed_client: Client, connector: BotConnector, channel_key: SigningKey, app_settings: Settings
) -> None:
    await start_sales_prep(signed_client, connector, channel_key)
    refusals = THROTTLE_RETRIES * nudge_outbox.MAX_ATTEMPTS  # would use up every attempt
    for _ in range(refusals):
        connector.refuse_next(429, "1")

    sent, retried = await run_nudges(app_settings, signed_client, sleeps=[])

    assert (sent, retried) == (1, nudge_outbox.MAX_ATTEMPTS)
    assert [call.status for call in connector.posts] == [429] * refusals + [200]


async def test_a_tenant_at_its_limit_gets_each_card_once_signed_with_the_app_token(
    signed_client: Client, connector: BotConnector, channel_key: SigningKey, app_settings: Settings
) -> None:
    people = range(4)
    for n in people:
        said = activity(
            "message_personal",
            connector.url,
            **{
                "from": {"id": f"29:user-{n}", "name": f"User {n}", "aadObjectId": f"aad-{n}"},
                "conversation": {"conversationType": "personal", "tenantId": TENANT,
                                 "id": f"a:chat-{n}"},
            },
        )  # fmt: skip
        started = await signed_client.post(
            "/api/messages", json=said, headers=signed(channel_key, connector.url)
        )
        assert started.status in (200, 201)
    connector.calls.clear()
    connector.limit_per_tenant(2, burst=2)  # Teams' limit, lowered: 4 cards take a while
    engine = create_database(app_settings.database_url)
    try:
        sender = TeamsNudgeSender(signed_client.app[TEAMS_MESSENGER], per_tenant_rate=2)
        runner = NudgeRunner(
            session_factory(engine), load_library(), {"teams": sender}, NudgeMetrics.create()
        )
        report = await runner.run_once(DUE, clock=lambda: DUE)
    finally:
        await engine.dispose()

    delivered = [call for call in connector.calls if call.status == 200]
    assert report.sent == 4
    assert sorted(call.path for call in delivered) == [
        f"/v3/conversations/a:chat-{n}/activities" for n in people
    ]
    assert {call.authorization for call in connector.calls} == {f"Bearer {OUTBOUND_TOKEN}"}
    assert {call.body["recipient"]["id"] for call in delivered} == {f"29:user-{n}" for n in people}
    assert delivered[-1].at - delivered[0].at >= 0.9, "paced at 2 a second after a burst of 2"


async def outbox_by_user(database_url: str) -> dict[str, str]:
    engine = create_database(database_url)
    try:
        async with session_factory(engine)() as session:
            rows = await session.execute(select(Nudge.user_id, Nudge.status))
            return {user: status for user, status in rows}
    finally:
        await engine.dispose()


async def until_sent(database_url: str, count: int, timeout: float = 60.0) -> None:  # noqa: ASYNC109
    """Wait until the worker has recorded `count` nudges as sent: another process's commits
    can only be polled for, so the outbox is read every 50 ms until then."""
    async with asyncio.timeout(timeout):
        while list((await outbox_by_user(database_url)).values()).count("sent") < count:  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def test_a_teams_worker_killed_mid_run_loses_nothing_and_resends_only_unrecorded_cards(
    database_url: str, connector: BotConnector
) -> None:
    """Teams has no idempotency key and no way to read a personal chat back, so a card Teams
    took just before the worker died, which the worker had not recorded yet, is sent again
    after the lease: at least once. Every card recorded as sent goes exactly once."""
    settings = Settings(database_url=database_url, teams_local=True, playground=False)
    users = [UserRef("teams", TENANT, f"aad-{n:02d}") for n in range(12)]
    coach, engine = build_coach(settings)
    references = TeamsReferences(session_factory(engine))
    for user in users:
        await coach.handle(user, Inbound(command=Command.START, argument="sales"))
        await references.save(user, reference_to(user, connector.url), "Europe/London")
    await engine.dispose()
    env = {**os.environ, "PREPTALK_DATABASE_URL": database_url, "PREPTALK_TEAMS_LOCAL": "1",
           "PREPTALK_PLAYGROUND": "false"}  # fmt: skip
    released = connector.hold_after(answered=4)
    worker = await worker_process(env, DUE)
    try:
        await until_sent(database_url, 4)
        await connector.wait_for_posts(6)
    finally:
        worker.send_signal(signal.SIGKILL)
        await worker.wait()
    at_kill = await outbox_by_user(database_url)
    taken_at_kill = {call.body["recipient"]["aadObjectId"] for call in connector.posts}
    released.set()
    restarted = await worker_process(env, DUE + timedelta(minutes=6))  # the lease has run out
    _, errors = await asyncio.wait_for(restarted.communicate(), timeout=120)

    assert restarted.returncode == 0, errors.decode()
    cards = Counter(call.body["recipient"]["aadObjectId"] for call in connector.posts)
    assert set(cards) == {user.user for user in users}, "every nudge delivered"
    recorded = {user for user, status in at_kill.items() if status == "sent"}
    assert len(recorded) >= 4 and all(cards[user] == 1 for user in recorded)
    sent_twice = {user for user, count in cards.items() if count > 1}
    assert sent_twice == taken_at_kill - recorded, "exactly the cards in flight at the kill"
    assert len(sent_twice) >= 2 and max(cards.values()) == 2
    assert set((await outbox_by_user(database_url)).values()) == {"sent"}


async def test_the_outcome_follow_up_card_records_the_new_number_in_the_chat(
    signed_client: Client, connector: BotConnector, channel_key: SigningKey, app_settings: Settings
) -> None:
    await start_sales_prep(signed_client, connector, channel_key)  # her reference is stored
    async with open_coach(app_settings) as coach:
        coach.clock = lambda: DUE
        prep_id = await debriefed_with_outcome(coach, DANA)
    follow_up = datetime.fromisoformat("2027-03-15T10:00:00+00:00")  # Monday, 11:00 in Paris
    engine = create_database(app_settings.database_url)
    try:
        sender = TeamsNudgeSender(signed_client.app[TEAMS_MESSENGER], per_tenant_rate=30)
        runner = NudgeRunner(
            session_factory(engine), load_library(), {"teams": sender}, NudgeMetrics.create()
        )
        report = await runner.run_once(follow_up, clock=lambda: follow_up)
    finally:
        await engine.dispose()
    assert report.by_kind == {"outcome": 1} and report.sent == 1
    card = connector.cards[-1]
    assert "Time to check the number from your talk with the VP of Sales" in cardreader.text(card)
    record = cardreader.button(card, f"cmd:outcome {prep_id}")

    async def send(**changes: object) -> str:
        said = activity("message_personal", connector.url, **changes)
        response = await signed_client.post(
            "/api/messages", json=said, headers=signed(channel_key, connector.url)
        )
        assert response.status in (200, 201)
        return cardreader.text(connector.cards[-1])

    assert "What is training completion in sales now?" in await send(text=None, value=record)
    recorded = await send(text="91%")
    assert "42% → 91%, goal 90%" in recorded and "Goal reached" in recorded
