"""Nudges reach Teams users as proactive cards from their stored reference, within limits."""

from __future__ import annotations

from datetime import datetime

from bot.channels.teams import TEAMS_MESSENGER
from bot.channels.teams.nudges import TeamsNudgeSender
from bot.nudges.metrics import NudgeMetrics
from bot.nudges.runner import NudgeRunner
from bot.playbook.library import load_library
from bot.settings import Settings
from bot.storage.db import create_database, session_factory
from tests.teams import cardreader
from tests.teams.conftest import Client
from tests.teams.support import OUTBOUND_TOKEN, TENANT, BotConnector, SigningKey, activity
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


async def test_a_teams_user_with_an_open_prep_gets_a_card_with_working_buttons(
    signed_client: Client, connector: BotConnector, channel_key: SigningKey, app_settings: Settings
) -> None:
    started = await signed_client.post(
        "/api/messages",
        json=activity("message_personal", connector.url),  # "sales": starts a prep
        headers=signed(channel_key, connector.url),
    )
    assert started.status in (200, 201)
    connector.calls.clear()
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
