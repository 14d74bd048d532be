"""slack_sdk formats every request and answer for a debug line when its logger's own level
allows it: ours is set to the level in force, so at INFO no such line is built, and at
DEBUG an operator still sees the calls (with the token redacted)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest

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
        assert client.logger.level == logging.INFO
    assert (await slack_api.wait_for_call("chat.postMessage")).body["text"] == "hello"


@pytest.mark.usefixtures("root_level")
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_at_debug_an_operator_sees_each_web_api_call_without_the_token(
    database_url: str, slack_api: SlackApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    async for services in services_at(slack_settings(database_url, slack_api), "DEBUG"):
        client = web_client(services)
        with caplog.at_level(logging.DEBUG):
            await client.chat_postMessage(channel="U1", text="hello")

    sent = [r.getMessage() for r in caplog.records if "Sending a request" in r.getMessage()]
    assert len(sent) == 1 and "chat.postMessage" in sent[0]
    assert "(redacted)" in sent[0] and BOT_TOKEN not in caplog.text
