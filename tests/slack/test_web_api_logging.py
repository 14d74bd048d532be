"""slack_sdk formats every request and answer for a debug line when its logger's own level
allows it, and its INFO lines name response_url addresses: its loggers (and the one our Web
API client gives it) stay at WARNING, so no such line is built at INFO, and none is written
even at DEBUG — a user's words and a response_url never reach the log."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.channels.slack.web_api import web_client
from bot.logs import configure_logging
from bot.runtime import Services, build_coach
from bot.settings import Settings
from tests.slack.conftest import BOT_TOKEN, slack_settings
from tests.support.slack_api import SlackApiStandIn


@pytest.fixture
def root_level() -> Iterator[None]:
    root = logging.getLogger()
    level, handlers = root.level, root.handlers[:]
    yield
    root.setLevel(level)
    root.handlers[:] = handlers


async def services_at(settings: Settings, level: str) -> AsyncIterator[Services]:
    configure_logging(level)
    coach, engine = build_coach(settings)
    try:
        yield Services(settings, coach, engine)
    finally:
        await engine.dispose()


@pytest.mark.usefixtures("root_level")
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_at_info_a_web_api_call_builds_no_debug_line(
    database_url: str, slack_api: SlackApiStandIn
) -> None:
    async for services in services_at(slack_settings(database_url, slack_api), "INFO"):
        client = web_client(services)
        await client.chat_postMessage(channel="U1", text="hello")

        # slack_sdk tests `logger.level <= DEBUG`: an unset level (0) would pass that test.
        assert client.logger.level == logging.WARNING
    assert (await slack_api.wait_for_call("chat.postMessage")).body["text"] == "hello"


@pytest.mark.usefixtures("root_level")
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_at_debug_no_request_body_or_response_url_is_logged(
    database_url: str, slack_api: SlackApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    words = "They think the course is a zebra"
    response_url = f"{slack_api.url}/commands/T1/1234/Qx7vR2mKp9LsT4wY8nZ3bC1d"
    async for services in services_at(slack_settings(database_url, slack_api), "DEBUG"):
        client = web_client(services)
        with caplog.at_level(logging.DEBUG):
            await client.chat_postMessage(channel="U1", text=words)
            webhook = AsyncWebhookClient(response_url, retry_handlers=[])
            await webhook.send(text=words)
            logging.getLogger("bot.coach").debug("our own debug lines still show")

    assert (await slack_api.wait_for_call("chat.postMessage")).body["text"] == words
    assert "our own debug lines still show" in caplog.text
    assert words not in caplog.text and "Qx7vR2mKp9LsT4wY8nZ3bC1d" not in caplog.text
    assert BOT_TOKEN not in caplog.text
