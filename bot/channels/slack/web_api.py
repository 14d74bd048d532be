"""Calling Slack's Web API: the client, a workspace's bot token, shared connections, and the
installations (one per workspace with OAuth) kept in our database.

Apart from Bolt (`bolt_app`): the nudge worker calls the Web API without the coaching app.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import library_logger
from bot.runtime import Services
from bot.storage.channel_models import SLACK_BOTS, SLACK_INSTALLATIONS

RATE_LIMIT_RETRIES = 3


def web_client(services: Services) -> AsyncWebClient:
    """The Web API client: our base URL, and 429 + connection retries switched on."""
    settings = services.settings
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token,
        base_url=str(settings.slack_api_url),
        logger=library_logger("bot.channels.slack.web_api"),
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            AsyncConnectionErrorRetryHandler(),
        ],
    )


async def bot_token(
    configured: str | None, store: AsyncInstallationStore | None, team_id: str
) -> str | None:
    """A workspace's bot token: the configured one, or its installation's (None: gone)."""
    if store is None:
        return configured
    bot = await store.async_find_bot(enterprise_id=None, team_id=team_id)
    return bot.bot_token if bot and bot.bot_token else None


class WebApiConnections:
    """One HTTP session, so kept-alive connections, for every Web API call the listeners make.

    Without it slack_sdk opens a session and a new connection (a TLS handshake, against
    Slack) for each call. Bolt builds a client per request and deep-copies it for lazy
    listeners, which a live session cannot survive: so a listener rebinds its client here.
    """

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    def bind(self, client: AsyncWebClient) -> AsyncWebClient:
        """`client` (its token, workspace and retry handlers) over the shared connections."""
        if self._session is None or self._session.closed:
            timeout = aiohttp.ClientTimeout(total=client.timeout)
            self._session = aiohttp.ClientSession(timeout=timeout)
        return AsyncWebClient(
            token=client.token,
            base_url=client.base_url,
            timeout=client.timeout,
            session=self._session,
            headers=client.headers,
            team_id=client.default_params.get("team_id"),
            logger=client.logger,
            retry_handlers=client.retry_handlers,
        )

    async def open_while_serving(self, _app: object) -> AsyncIterator[None]:
        """An aiohttp cleanup context: the connections are closed when the server stops."""
        yield
        session, self._session = self._session, None
        if session is not None:
            await session.close()


def installation_store(services: Services) -> AsyncInstallationStore | None:
    """Installations in our database (the migrations create slack_sdk's tables)."""
    if not services.settings.slack_oauth:
        return None
    return AsyncSQLAlchemyInstallationStore(
        client_id=services.settings.slack_client_id or "",
        engine=services.engine,
        bots_table_name=SLACK_BOTS,
        installations_table_name=SLACK_INSTALLATIONS,
        logger=logging.getLogger("bot.channels.slack.installations"),
    )
