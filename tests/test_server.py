"""The one server: health check, and the playground only where it belongs."""

from __future__ import annotations

from pydantic import SecretStr
from pytest_aiohttp import AiohttpClient

from bot.server import create_app
from bot.settings import Settings


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
