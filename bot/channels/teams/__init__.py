"""Microsoft Teams: the coaching bot in personal chat, a channel tab with SSO, the app package.

`add_teams` mounts everything on the one aiohttp server from `Services`; nothing is built at
import. Every botbuilder import stays inside this package (an import-linter contract), so a
later move to Microsoft's Agents SDK touches one folder.
"""

from __future__ import annotations

import logging

from aiohttp import web
from botframework.connector.auth import BotFrameworkAuthentication  # type: ignore[import-untyped]

from bot.channels.teams.adapter import (
    TeamsMode,
    bot_authentication,
    build_adapter,
    teams_mode,
)
from bot.channels.teams.bot import CoachingBot
from bot.channels.teams.delivery import ProactiveMessenger
from bot.channels.teams.endpoint import MessagesEndpoint, teams_off
from bot.channels.teams.tab import add_tab
from bot.channels.teams.tenancy import home_tenant
from bot.runtime import Services
from bot.storage.teams_references import TeamsReferences

log = logging.getLogger(__name__)

MESSAGES_PATH = "/api/messages"
TEAMS_MESSENGER = web.AppKey("teams_messenger", ProactiveMessenger)
LOCAL_WARNING = (
    "PREPTALK_TEAMS_LOCAL=1: %s accepts UNAUTHENTICATED activities from this machine "
    "(loopback only). Never run it like this in production; set MICROSOFT_APP_ID instead."
)


def add_teams(
    app: web.Application,
    services: Services,
    *,
    authentication: BotFrameworkAuthentication | None = None,
) -> None:
    """Mount `/api/messages` and the tab; `authentication` replaces the SDK's public-cloud one.

    With Teams off the endpoint answers 503 and the tab is not served. The proactive
    messenger is left on the app under `TEAMS_MESSENGER` for the nudges.
    """
    settings = services.settings
    mode = teams_mode(settings)
    if mode is TeamsMode.OFF:
        app.router.add_post(MESSAGES_PATH, teams_off)
        return
    if mode is TeamsMode.LOCAL:
        log.warning(LOCAL_WARNING, MESSAGES_PATH)
    authentication = authentication or bot_authentication(settings)
    adapter = build_adapter(authentication)
    references = TeamsReferences(services.sessions)
    app_id = settings.microsoft_app_id or ""
    messenger = ProactiveMessenger(adapter, references, app_id)
    coaching_bot = CoachingBot(
        services.coach, references, messenger, app_id=app_id, local=mode is TeamsMode.LOCAL
    )
    endpoint = MessagesEndpoint(
        adapter, coaching_bot, authentication, mode, services.sessions, home_tenant(settings)
    )
    app.router.add_post(MESSAGES_PATH, endpoint.handle)
    app[TEAMS_MESSENGER] = messenger
    add_tab(app, services)
