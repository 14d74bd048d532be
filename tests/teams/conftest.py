"""Fixtures for the Teams tests: the stand-in connector, local keys, apps in each mode."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pydantic import AnyHttpUrl, SecretStr
from pytest_aiohttp import AiohttpClient

from bot.channels.teams import add_teams
from bot.runtime import Services, build_coach
from bot.server import create_app
from bot.settings import Settings
from tests.teams.support import (
    APP_ID,
    PUBLIC_URL,
    BotConnector,
    KeyServer,
    SigningKey,
    bot_connector,
    channel_authentication,
    key_server,
)

Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def connector() -> AsyncIterator[BotConnector]:
    async with bot_connector() as running:
        yield running


@pytest.fixture(scope="session")
def channel_key() -> SigningKey:
    return SigningKey("bf-channel-key")


@pytest.fixture(scope="session")
def entra_key() -> SigningKey:
    return SigningKey("entra-key")


@pytest.fixture(scope="session")
def keys(channel_key: SigningKey, entra_key: SigningKey) -> Iterator[KeyServer]:
    """Published keys: the Bot Framework channel's and Entra ID's (never a forger's)."""
    with key_server(channel_key, entra_key) as server:
        yield server


@pytest.fixture
def local_settings(migrated_settings: Settings) -> Settings:
    """Emulator-style local mode: no app id, unauthenticated, loopback only."""
    return migrated_settings.model_copy(update={"teams_local": True, "playground": False})


@pytest.fixture
def app_settings(migrated_settings: Settings, keys: KeyServer) -> Settings:
    """A registered bot: app id and password, a public URL, and tab keys served locally."""
    return migrated_settings.model_copy(
        update={
            "microsoft_app_id": APP_ID,
            "microsoft_app_password": SecretStr("test-password"),
            "public_url": AnyHttpUrl(PUBLIC_URL),
            "tab_jwks_url": AnyHttpUrl(keys.jwks_url),
            "playground": False,
        }
    )


def app_with_channel_keys(settings: Settings, keys: KeyServer) -> web.Application:
    """The Teams channel as create_app mounts it, with the SDK's JWT validation pointed at
    locally served channel keys (so signed activities can be minted here)."""
    app = web.Application()
    coach, engine = build_coach(settings)

    async def dispose(_app: web.Application) -> None:
        await engine.dispose()

    app.on_cleanup.append(dispose)
    add_teams(app, Services(settings, coach, engine), authentication=channel_authentication(keys))
    return app


@pytest.fixture
async def local_client(aiohttp_client: AiohttpClient, local_settings: Settings) -> Client:
    return await aiohttp_client(create_app(local_settings))


@pytest.fixture
async def signed_client(
    aiohttp_client: AiohttpClient, app_settings: Settings, keys: KeyServer
) -> Client:
    return await aiohttp_client(app_with_channel_keys(app_settings, keys))
