"""The Bolt AsyncApp: one workspace by bot token, or many by OAuth with stores in our DB
(the installations: `web_api.installation_store`)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore

from bot.channels.slack.web_api import web_client
from bot.logs import library_logger
from bot.runtime import Services
from bot.storage.channel_models import SLACK_OAUTH_STATES

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
        logger=library_logger("bot.channels.slack.bolt"),
    )
