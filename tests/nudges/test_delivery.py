"""Nudges from the outbox to Slack DMs: once, with working buttons, honouring settings,
errors and crashes. Real database (SQLite and PostgreSQL), real slack_sdk client."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.channels.slack.web_api import RATE_LIMIT_RETRIES
from bot.engine.messages import Command, Inbound
from bot.nudges.messages import nudge_message
from bot.nudges.metrics import NudgeMetrics
from bot.nudges.runner import NudgeRunner, RunReport
from bot.runtime import Services, build_coach
from bot.senders import nudge_runner
from bot.settings import Settings
from bot.storage import nudge_outbox
from bot.storage.db import session_factory
from bot.storage.nudge_models import Nudge
from bot.storage.teams_references import TeamsReferences
from bot.users import UserRef
from tests.slack.conftest import BOT_TOKEN, SECRET
from tests.support.slack_api import Call, SlackApiStandIn, slack_api
from tests.support.worker import worker_process
from tests.teams.support import TENANT, bot_connector, reference_to

__all__ = ["slack_api"]
DUE = datetime.fromisoformat("2026-11-10T10:00:00+00:00")  # sales' year-end push starts 20 Nov
ALICE = UserRef("slack", "T0ACME", "U123")
BOB = UserRef("slack", "T0ACME", "U456")


def settings_for(database_url: str, api: SlackApiStandIn) -> Settings:
    return Settings(
        database_url=database_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=api.url,
        nudge_interval=0,
    )


@pytest.fixture
async def services(database_url: str, slack_api: SlackApiStandIn) -> AsyncIterator[Services]:
    coach, engine = build_coach(settings_for(database_url, slack_api))
    try:
        yield Services(settings_for(database_url, slack_api), coach, engine)
    finally:
        await engine.dispose()


def runner_for(services: Services) -> NudgeRunner:
    return nudge_runner(services, NudgeMetrics.create())


async def start_sales_prep(services: Services, user: UserRef) -> None:
    await services.coach.handle(user, Inbound(command=Command.START, argument="sales"))


async def statuses(services: Services) -> list[str]:
    async with services.sessions() as session:
        return list((await session.execute(select(Nudge.status).order_by(Nudge.id))).scalars())


def nudge_posts(api: SlackApiStandIn) -> list[dict[str, object]]:
    return [c.body for c in api.calls_to("chat.postMessage", only_ok=True)]


async def test_an_open_prep_gets_one_well_timed_nudge_with_working_buttons(
    services: Services, slack_api: SlackApiStandIn
) -> None:
    await start_sales_prep(services, ALICE)
    runner = runner_for(services)
    report = await runner.run_once(DUE, clock=lambda: DUE)
    assert (report.planned, report.sent) == (1, 1)
    [post] = nudge_posts(slack_api)
    assert post["channel"] == "U123", "to the user's id: the app's DM with them"
    assert slack_api.calls_to("conversations.open") == [], "no Tier 3 call per nudge"
    text = json.dumps(post["blocks"])
    assert "busy season starts in 10 days" in text and "20 Nov 2026" in text
    values = {
        json.loads(b["value"])["c"]
        for blk in post["blocks"]
        if blk["type"] == "actions"  # type: ignore[index,union-attr]
        for b in blk["elements"]
    }  # type: ignore[index]
    [prep] = await services.coach.preps(ALICE)
    assert values == {f"cmd:resume {prep.id}", "cmd:nudges snooze", "cmd:nudges off"}

    again = await runner.run_once(DUE + timedelta(hours=2), clock=lambda: DUE)
    assert (again.queued, again.sent) == (0, 0)
    assert len(nudge_posts(slack_api)) == 1, "the same nudge is never sent twice"
    metrics = runner.metrics
    assert metrics.sent._value.get() == 1


async def test_outside_working_hours_or_the_season_nothing_is_sent(
    services: Services, slack_api: SlackApiStandIn
) -> None:
    await start_sales_prep(services, ALICE)
    runner = runner_for(services)
    for moment in (
        "2026-11-10T06:00:00+00:00",
        "2026-11-14T10:00:00+00:00",
        "2026-12-01T10:00:00+00:00",
    ):
        when = datetime.fromisoformat(moment)
        assert (await runner.run_once(when, clock=lambda w=when: w)).sent == 0  # type: ignore[misc]
    assert nudge_posts(slack_api) == []


async def test_opt_out_snooze_and_forget_take_effect_at_once(
    services: Services, slack_api: SlackApiStandIn
) -> None:
    carol = UserRef("slack", "T0ACME", "U789")
    for user in (ALICE, BOB, carol):
        await start_sales_prep(services, user)
    runner = runner_for(services)
    report = RunReport()
    await runner.queue_due(DUE, report)
    assert report.queued == 3
    await services.coach.set_nudges(ALICE, False)
    await services.coach.forget(BOB)
    await runner.deliver(lambda: DUE, report)
    assert [c.body["channel"] for c in slack_api.calls_to("chat.postMessage")] == ["U789"]
    assert report.skipped == 1 and report.sent == 1  # Bob's row went with his data
    services.coach.clock = lambda: DUE
    await services.coach.snooze_nudges(carol, days=7)
    later = DUE + timedelta(days=1)
    follow_up = await runner.run_once(later, clock=lambda: later)
    assert follow_up.sent == 0


async def test_a_user_who_is_gone_is_marked_failed_and_not_retried(
    services: Services, slack_api: SlackApiStandIn
) -> None:
    await start_sales_prep(services, ALICE)
    slack_api.fail("chat.postMessage", error="user_not_found", times=None)
    runner = runner_for(services)
    report = await runner.run_once(DUE, clock=lambda: DUE)
    assert report.failed == 1 and await statuses(services) == ["failed"]
    await runner.run_once(DUE + timedelta(hours=1), clock=lambda: DUE + timedelta(hours=1))
    assert len(slack_api.calls_to("chat.postMessage")) == 1


async def test_rate_limits_are_waited_out_and_the_nudge_still_goes(
    services: Services, slack_api: SlackApiStandIn
) -> None:
    await start_sales_prep(services, ALICE)
    slack_api.rate_limit("chat.postMessage", retry_after=1)
    report = await runner_for(services).run_once(DUE, clock=lambda: DUE)
    assert report.sent == 1
    assert [c.status for c in slack_api.calls_to("chat.postMessage")] == [429, 200]


async def test_a_workspace_at_its_limit_waits_out_the_retry_after_and_each_nudge_goes_once(
    services: Services, slack_api: SlackApiStandIn
) -> None:
    users = [UserRef("slack", "T0ACME", f"U{n:03d}") for n in range(12)]
    for user in users:
        await start_sales_prep(services, user)
    slack_api.rate_limits_per_workspace(messages_per_second=5, burst=5)

    report = await runner_for(services).run_once(DUE, clock=lambda: DUE)

    assert report.sent == len(users)
    posts = slack_api.calls_to("chat.postMessage")
    assert sorted(str(c.body["channel"]) for c in posts if c.ok) == [u.user for u in users]
    refused = [c for c in posts if c.status == 429]
    assert 0 < len(refused) < len(users), "refusals cost a few calls, not one per nudge"
    pause = refused[0].at
    assert not [c for c in posts if pause + 0.3 < c.at < pause + 0.9], (
        "nothing is posted to the workspace before the 429's Retry-After (1 s) has passed"
    )


async def test_a_nudge_that_keeps_failing_is_tried_max_attempts_times_then_failed(
    services: Services, slack_api: SlackApiStandIn
) -> None:
    await start_sales_prep(services, ALICE)
    slack_api.fail("chat.postMessage", error="internal_error", times=None)

    report = await runner_for(services).run_once(DUE, clock=lambda: DUE)

    assert report.retried == nudge_outbox.MAX_ATTEMPTS and report.sent == 0
    assert await statuses(services) == ["failed"]
    assert len(slack_api.calls_to("chat.postMessage")) == nudge_outbox.MAX_ATTEMPTS


async def test_a_nudge_throttled_again_and_again_is_never_given_up(
    services: Services, slack_api: SlackApiStandIn
) -> None:
    await start_sales_prep(services, ALICE)
    # Enough 429s to use up every attempt, were throttling counted as a failure.
    refusals = (RATE_LIMIT_RETRIES + 1) * nudge_outbox.MAX_ATTEMPTS
    slack_api.rate_limit("chat.postMessage", retry_after=0, times=refusals)

    report = await runner_for(services).run_once(DUE, clock=lambda: DUE)

    assert report.sent == 1 and await statuses(services) == ["sent"]
    assert [c.status for c in slack_api.calls_to("chat.postMessage")] == [429] * refusals + [200]


async def test_a_nudge_whose_sender_died_after_posting_is_not_sent_twice(
    services: Services, slack_api: SlackApiStandIn
) -> None:
    await start_sales_prep(services, ALICE)
    runner = runner_for(services)
    await runner.queue_due(DUE, RunReport())
    async with services.sessions.begin() as session:
        [claimed] = await nudge_outbox.claim(session, DUE, runner.lease, 10)
    # The worker posts, then dies before recording it: the row stays leased.

    await runner.senders["slack"].send(
        claimed, nudge_message(claimed, services.coach.playbooks, DUE.date())
    )
    assert await statuses(services) == ["sending"]
    early = DUE + timedelta(minutes=1)
    assert (await runner.run_once(early, clock=lambda: early)).sent == 0  # still leased
    later = DUE + runner.lease + timedelta(minutes=1)
    report = await runner.run_once(later, clock=lambda: later)
    assert report.sent == 1 and await statuses(services) == ["sent"]
    assert len(nudge_posts(slack_api)) == 1, "found in the DM history, not posted again"


def posts_so_far(calls: list[Call]) -> int:
    return sum(call.method == "chat.postMessage" for call in calls)


def worker_env(database_url: str, api: SlackApiStandIn) -> dict[str, str]:
    """What an operator's worker process gets: the database and Slack, from the environment."""
    return {
        **os.environ,
        "PREPTALK_DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api.url,
    }


async def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(
    database_url: str, slack_api: SlackApiStandIn
) -> None:
    coach, engine = build_coach(settings_for(database_url, slack_api))
    users = [UserRef("slack", "T0ACME", f"U{n:03d}") for n in range(12)]
    for user in users:
        await coach.handle(user, Inbound(command=Command.START, argument="sales"))
    await engine.dispose()
    env = worker_env(database_url, slack_api)
    held = slack_api.hold("chat.postMessage")
    worker = await worker_process(env, DUE)
    try:
        await slack_api.wait_for(lambda calls: posts_so_far(calls) >= 5, timeout=60)
    finally:
        worker.send_signal(signal.SIGKILL)
        await worker.wait()
    held.set()
    restarted = await worker_process(env, DUE + timedelta(minutes=6))
    _, errors = await asyncio.wait_for(restarted.communicate(), timeout=120)
    assert restarted.returncode == 0, errors.decode()
    per_channel: dict[str, int] = {}
    for call in slack_api.calls_to("chat.postMessage"):
        per_channel[str(call.body["channel"])] = per_channel.get(str(call.body["channel"]), 0) + 1
    assert set(per_channel) == {u.user for u in users}, "every nudge delivered"
    assert set(per_channel.values()) == {1}, "none twice"


@pytest.mark.postgres
async def test_three_workers_on_postgresql_never_send_the_same_nudge_twice(
    postgres_server: object, migrated_postgres_template: str, slack_api: SlackApiStandIn
) -> None:
    from tests.support.postgres import TempPostgres

    assert isinstance(postgres_server, TempPostgres)
    url = postgres_server.create_database(template=migrated_postgres_template)
    coach, engine = build_coach(settings_for(url, slack_api))
    # More nudges than one claim takes (500), so no worker can lease them all at once.
    slack_users = [UserRef("slack", "T0ACME", f"W{n:03d}") for n in range(900)]
    teams_users = [UserRef("teams", TENANT, f"aad-{n:03d}") for n in range(300)]
    async with bot_connector() as connector:
        references = TeamsReferences(session_factory(engine))
        for user in [*slack_users, *teams_users]:
            await coach.handle(user, Inbound(command=Command.START, argument="sales"))
        for user in teams_users:
            await references.save(user, reference_to(user, connector.url), "Europe/London")
        await engine.dispose()
        # Teams cards paced at 40 a second per worker: the first worker is still busy with
        # its claims when the others have started, so they share the queue.
        teams = {"PREPTALK_TEAMS_LOCAL": "1", "PREPTALK_TEAMS_RATE": "40",
                 "PREPTALK_PLAYGROUND": "false"}  # fmt: skip
        env = worker_env(url, slack_api) | teams
        workers = [await worker_process(env, DUE) for _ in range(3)]
        results = await asyncio.wait_for(asyncio.gather(*(w.communicate() for w in workers)), 120)

        assert all(w.returncode == 0 for w in workers), [e.decode() for _, e in results]
        said = [out.decode() for out, _ in results]
        channels = [str(c.body["channel"]) for c in slack_api.calls_to("chat.postMessage")]
        assert sorted(channels) == sorted(u.user for u in slack_users), said
        recipients = [call.body["recipient"]["aadObjectId"] for call in connector.posts]
        assert {call.status for call in connector.posts} == {200}
        assert sorted(recipients) == sorted(u.user for u in teams_users), said


async def test_settled_nudges_are_forgotten_once_their_period_cannot_come_due_again(
    services: Services, slack_api: SlackApiStandIn
) -> None:
    await start_sales_prep(services, ALICE)
    runner = runner_for(services)
    assert (await runner.run_once(DUE, clock=lambda: DUE)).sent == 1
    await start_sales_prep(services, BOB)
    await runner.queue_due(DUE, RunReport())  # queued, not delivered yet
    async with services.sessions() as session:
        rows = (await session.execute(select(Nudge).order_by(Nudge.id))).scalars().all()
    [(alice, created), (bob, _)] = [(row.status, row.created_at) for row in rows]
    assert (alice, bob) == ("sent", "pending")
    bob_id = rows[1].id
    memory = nudge_outbox.SETTLED_MEMORY

    async with services.sessions.begin() as session:
        assert await nudge_outbox.forget_settled(session, created + memory - timedelta(days=1)) == 0
        assert await nudge_outbox.forget_settled(session, created + memory + timedelta(days=1)) == 1
    async with services.sessions() as session:
        assert list((await session.execute(select(Nudge.id))).scalars()) == [bob_id], (
            "the sent one is gone; the one still queued is kept"
        )
    assert len(nudge_posts(slack_api)) == 1
