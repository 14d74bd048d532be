"""The Bolt AsyncApp: one workspace by bot token, or many by OAuth with stores in our DB."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import level_in_force
from bot.runtime import Services
from bot.storage.channel_models import SLACK_BOTS, SLACK_INSTALLATIONS, SLACK_OAUTH_STATES

BOT_SCOPES = [
    "commands",
    "chat:write",
    "im:history",
    "im:write",
    "users:read",
    "files:write",
    "assistant:write",  # the assistant panel: status, suggested prompts, thread titles
]
OAUTH_STATE_SECONDS = 600
RATE_LIMIT_RETRIES = 3


def web_client(services: Services) -> AsyncWebClient:
    """The Web API client: our base URL, and 429 + connection retries switched on."""
    settings = services.settings
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token,
        base_url=str(settings.slack_api_url),
        logger=level_in_force("bot.channels.slack.web_api"),
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


def build_bolt_app(services: Services, store: AsyncInstallationStore | None) -> AsyncApp:
    settings = services.settings
    secret = settings.slack_signing_secret
    client = web_client(services)
    oauth = None
    if store is not None and settings.slack_client_secret is not None:
        oauth = AsyncOAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            scopes=BOT_SCOPES,
            installation_store=store,
            state_store=AsyncSQLAlchemyOAuthStateStore(
                expiration_seconds=OAUTH_STATE_SECONDS,
                engine=services.engine,
                table_name=SLACK_OAUTH_STATES,
            ),
            install_path="/slack/install",
            redirect_uri_path="/slack/oauth_redirect",
        )
    return AsyncApp(
        name="prep-talk",
        signing_secret=secret.get_secret_value() if secret else None,
        client=client,
        oauth_settings=oauth,
        # Every HTTP request is verified; only Socket Mode (no HTTP endpoint) runs without.
        request_verification_enabled=secret is not None,
        logger=level_in_force("bot.channels.slack.bolt"),
    )
