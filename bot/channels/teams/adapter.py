"""Which Teams mode the settings ask for, and the Bot Framework adapter built from them.

- AUTHENTICATED (`MICROSOFT_APP_ID` set): every activity's JWT is checked by the SDK.
- LOCAL (`PREPTALK_TEAMS_LOCAL=1`, no app id): emulator-style, unauthenticated, loopback only.
- OFF (neither): `/api/messages` answers 503 and processes nothing. The SDK would accept
  anonymous activities with an empty app id, so "no app id" must never mean "open".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from botbuilder.core import TurnContext  # type: ignore[import-untyped]
from botbuilder.integration.aiohttp import (  # type: ignore[import-untyped]
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botframework.connector.auth import BotFrameworkAuthentication  # type: ignore[import-untyped]

from bot.channels.teams.delivery import ProactiveMessenger, card_activity
from bot.engine.messages import Step
from bot.engine.turn import say
from bot.runtime import Services
from bot.settings import Settings, SettingsError
from bot.storage.teams_references import TeamsReferences

log = logging.getLogger(__name__)
OUR_FAULT = "Something went wrong on our side. Please try again in a moment."


class TeamsMode(StrEnum):
    OFF = "off"
    LOCAL = "local"
    AUTHENTICATED = "authenticated"


def teams_mode(settings: Settings) -> TeamsMode:
    """The mode, or SettingsError naming the variable an incomplete set-up lacks."""
    if not settings.microsoft_app_id:
        return TeamsMode.LOCAL if settings.teams_local else TeamsMode.OFF
    app_type = settings.microsoft_app_type
    if app_type != "UserAssignedMSI" and settings.microsoft_app_password is None:
        raise SettingsError("MICROSOFT_APP_PASSWORD: required when MICROSOFT_APP_ID is set")
    if app_type != "MultiTenant" and not settings.microsoft_app_tenant_id:
        raise SettingsError(f"MICROSOFT_APP_TENANT_ID: required for a {app_type} app")
    return TeamsMode.AUTHENTICATED


@dataclass(frozen=True)
class SdkConfiguration:
    """The attribute names `ConfigurationBotFrameworkAuthentication` reads."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str | None


def bot_authentication(settings: Settings) -> BotFrameworkAuthentication:
    """The SDK's own authentication for Azure Bot Service (public cloud) from our settings."""
    password = settings.microsoft_app_password
    configuration = SdkConfiguration(
        APP_ID=settings.microsoft_app_id or "",
        APP_PASSWORD=password.get_secret_value() if password else "",
        APP_TYPE=settings.microsoft_app_type,
        APP_TENANTID=settings.microsoft_app_tenant_id,
    )
    return ConfigurationBotFrameworkAuthentication(configuration)


def build_adapter(authentication: BotFrameworkAuthentication) -> CloudAdapter:
    """A CloudAdapter whose turn errors are logged (never with message text) and apologised for."""
    adapter = CloudAdapter(authentication)

    async def on_turn_error(turn_context: TurnContext, error: Exception) -> None:
        activity = turn_context.activity
        log.error(
            "Teams turn failed on a %s activity: %s",
            activity.type,
            type(error).__name__,
            exc_info=error,
        )
        try:
            await turn_context.send_activity(card_activity([say(Step.INFO, OUR_FAULT)], None))
        except Exception:  # the connector itself may be what failed
            log.warning("could not apologise to the Teams user either")

    adapter.on_turn_error = on_turn_error
    return adapter


def build_messenger(
    services: Services, authentication: BotFrameworkAuthentication | None = None
) -> ProactiveMessenger | None:
    """Proactive sending for a process without the web server (a nudge worker); None when off."""
    if teams_mode(services.settings) is TeamsMode.OFF:
        return None
    adapter = build_adapter(authentication or bot_authentication(services.settings))
    references = TeamsReferences(services.sessions)
    return ProactiveMessenger(adapter, references, services.settings.microsoft_app_id or "")
