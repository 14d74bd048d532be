"""Bot Framework may deliver an activity again: it is acted on once, even on another replica."""

from __future__ import annotations

from pytest_aiohttp import AiohttpClient

from bot.settings import Settings
from tests.teams.conftest import Client, app_with_channel_keys
from tests.teams.support import BotConnector, KeyServer, SigningKey, activity
from tests.teams.test_authenticated import signed


async def test_the_same_activity_twice_is_answered_once(
    signed_client: Client,
    aiohttp_client: AiohttpClient,
    app_settings: Settings,
    keys: KeyServer,
    connector: BotConnector,
    channel_key: SigningKey,
) -> None:
    message = activity("message_personal", connector.url)
    first = await signed_client.post(
        "/api/messages", json=message, headers=signed(channel_key, connector.url)
    )
    assert first.status in (200, 201)
    answered = len(connector.calls)
    assert answered >= 1
    replica = await aiohttp_client(app_with_channel_keys(app_settings, keys))
    again = await replica.post(
        "/api/messages", json=message, headers=signed(channel_key, connector.url)
    )
    assert again.status == 200
    assert len(connector.calls) == answered, "no second reply"
    other = dict(message, id="another-activity-id", text="history")
    await signed_client.post(
        "/api/messages", json=other, headers=signed(channel_key, connector.url)
    )
    assert len(connector.calls) > answered, "a new activity is still answered"
