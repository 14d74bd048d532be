"""The one server: health check, and the playground only where it belongs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from pytest_aiohttp import AiohttpClient
from sqlalchemy.exc import SQLAlchemyError

from bot.engine.messages import Command, Inbound
from bot.server import SERVICES_KEY, create_app
from bot.settings import Settings
from bot.storage.db import create_database, session_factory
from bot.storage.migrate import head_revision, upgrade
from bot.storage.nudge_models import Nudge
from bot.users import UserRef


async def test_health_check(aiohttp_client: AiohttpClient, migrated_settings: Settings) -> None:
    client = await aiohttp_client(create_app(migrated_settings))
    response = await client.get("/healthz")
    assert response.status == 200 and (await response.json()) == {"status": "ok"}


async def test_the_playground_is_off_when_platform_credentials_are_configured(
    aiohttp_client: AiohttpClient, migrated_settings: Settings
) -> None:
    slack_only = migrated_settings.model_copy(
        update={
            "playground": None,
            "microsoft_app_id": "00000000-0000-0000-0000-000000000001",
            "microsoft_app_password": SecretStr("test-password"),
        }
    )
    client = await aiohttp_client(create_app(slack_only))
    assert (await client.get("/")).status == 404
    assert (await client.post("/playground/api/turn", json={"text": "hi"})).status == 404
    assert (await client.get("/healthz")).status == 200


async def test_the_playground_can_be_turned_on_beside_a_platform(
    aiohttp_client: AiohttpClient, migrated_settings: Settings
) -> None:
    both = migrated_settings.model_copy(
        update={
            "playground": True,
            "microsoft_app_id": "00000000-0000-0000-0000-000000000001",
            "microsoft_app_password": SecretStr("test-password"),
        }
    )
    client = await aiohttp_client(create_app(both))
    assert (await client.get("/")).status == 200


async def test_metrics_show_turns_errors_backlog_nudges_and_the_process(
    aiohttp_client: AiohttpClient, migrated_settings: Settings
) -> None:
    app = create_app(migrated_settings)
    client = await aiohttp_client(app)
    coach = app[SERVICES_KEY].coach
    await coach.answer(
        UserRef("slack", "T1", "U1"), Inbound(command=Command.START, argument="sales")
    )
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    await _queue_a_nudge(migrated_settings.database_url, queued_at=two_hours_ago)

    response = await client.get("/metrics")
    assert response.status == 200 and response.content_type == "text/plain"
    metrics = {
        (sample.name, *sorted(sample.labels.values())): sample.value
        for family in text_string_to_metric_families(await response.text())
        for sample in family.samples
        if not sample.name.endswith("_created")
    }
    assert metrics[("preptalk_turns_total", "slack")] == 1
    assert metrics[("preptalk_turn_seconds_bucket", "+Inf", "feel", "slack")] == 1
    assert metrics[("preptalk_backlog", "nudges")] == 1
    assert metrics[("preptalk_backlog", "inbox")] == 0
    assert 7000 < metrics[("preptalk_backlog_oldest_seconds", "nudges")] < 7400
    assert metrics[("preptalk_nudges_total", "sent")] == 0
    assert metrics[("process_resident_memory_bytes",)] > 0


async def test_a_failed_turn_is_counted_as_an_error_of_its_channel(
    aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    unreachable = f"sqlite+preptalk:///{tmp_path}/no-such-folder/prep-talk.db"
    app = create_app(Settings(database_url=unreachable, playground=True))
    client = await aiohttp_client(app)
    with pytest.raises(SQLAlchemyError):
        await app[SERVICES_KEY].coach.answer(UserRef("teams", "t", "u"), Inbound(text="hello"))
    body = await (await client.get("/metrics")).text()
    assert 'preptalk_turn_errors_total{channel="teams"} 1.0' in body


async def _queue_a_nudge(url: str, queued_at: datetime) -> None:
    owner = {"platform": "slack", "tenant_id": "T1", "user_id": "U1"}
    nudge = Nudge(**owner, kind="quiet_window", period="2026-Q4", stakeholder="sales",
                  payload={}, created_at=queued_at)  # fmt: skip
    engine = create_database(url)
    try:
        async with session_factory(engine).begin() as session:
            session.add(nudge)
    finally:
        await engine.dispose()


async def test_ready_only_when_the_schema_is_at_head(
    aiohttp_client: AiohttpClient, empty_database_url: str
) -> None:
    """A replica whose database is behind the code (or unreachable) takes no traffic."""
    settings = Settings(database_url=empty_database_url, playground=True)
    client = await aiohttp_client(create_app(settings))
    upgrade(empty_database_url, "0001")
    behind = await client.get("/readyz")
    assert behind.status == 503 and (await behind.json())["database"] == "0001"
    upgrade(empty_database_url)
    ready = await client.get("/readyz")
    assert ready.status == 200 and (await ready.json())["schema"] == head_revision()


async def test_not_ready_while_the_database_does_not_answer(
    aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    missing = f"sqlite+preptalk:///{tmp_path}/no-such-folder/prep-talk.db"
    client = await aiohttp_client(create_app(Settings(database_url=missing, playground=True)))
    response = await client.get("/readyz")
    assert response.status == 503 and (await response.json())["status"] == "database unavailable"
    assert (await client.get("/healthz")).status == 200, "liveness stays cheap and independent"
