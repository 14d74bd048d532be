"""The one server: health check, and the playground only where it belongs."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from pytest_aiohttp import AiohttpClient

from bot.server import create_app
from bot.settings import Settings
from bot.storage.migrate import head_revision, upgrade


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


async def test_metrics_are_served_in_prometheus_text_format(
    aiohttp_client: AiohttpClient, migrated_settings: Settings
) -> None:
    client = await aiohttp_client(create_app(migrated_settings))
    response = await client.get("/metrics")
    assert response.status == 200 and response.content_type == "text/plain"
    body = await response.text()
    for name in ("planned", "sent", "skipped", "failed"):
        assert f"# TYPE preptalk_nudges_{name}_total counter" in body


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
    missing = f"sqlite+aiosqlite:///{tmp_path}/no-such-folder/prep-talk.db"
    client = await aiohttp_client(create_app(Settings(database_url=missing, playground=True)))
    response = await client.get("/readyz")
    assert response.status == 503 and (await response.json())["status"] == "database unavailable"
    assert (await client.get("/healthz")).status == 200, "liveness stays cheap and independent"
