"""POST /api/messages: authenticate the activity first, then run the turn on the CloudAdapter.

Authentication is done here, before anything else, rather than inside `CloudAdapter.process`:
the SDK raises assorted exceptions for bad tokens (a missing `kid`, an undecodable JWT) that
its aiohttp integration would turn into 500s. Every failure here is a 401 with nothing
processed, and the turn then runs on the already-authenticated result.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from botbuilder.core import Bot, serializer_helper  # type: ignore[import-untyped]
from botbuilder.integration.aiohttp import CloudAdapter  # type: ignore[import-untyped]
from botbuilder.schema import Activity  # type: ignore[import-untyped]
from botframework.connector.auth import BotFrameworkAuthentication  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.teams.adapter import TeamsMode
from bot.channels.teams.tenancy import OTHER_TENANT, from_other_tenant
from bot.storage.workspaces import first_delivery

log = logging.getLogger(__name__)

NOT_CONFIGURED = (
    "Teams is not configured: set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD "
    "(or PREPTALK_TEAMS_LOCAL=1 for local testing)."
)
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


class MessagesEndpoint:
    """The Bot Framework messaging endpoint for one adapter, bot and mode."""

    def __init__(
        self,
        adapter: CloudAdapter,
        bot: Bot,
        authentication: BotFrameworkAuthentication,
        mode: TeamsMode,
        sessions: async_sessionmaker[AsyncSession],
        home_tenant: str | None = None,
    ) -> None:
        self.adapter = adapter
        self.bot = bot
        self.authentication = authentication
        self.mode = mode
        self.sessions = sessions
        self.home_tenant = home_tenant  # a single-tenant app's tenant (see `tenancy`)

    async def handle(self, request: web.Request) -> web.Response:
        if self.mode is TeamsMode.LOCAL and not _from_this_machine(request):
            return _error(403, "Local Teams mode answers loopback clients only.")
        try:
            activity = await _read_activity(request)
        except web.HTTPException as refusal:
            return _error(refusal.status, refusal.text or refusal.reason)
        if self.mode is TeamsMode.LOCAL and not _loopback_url(activity.service_url):
            return _error(400, "Local Teams mode replies to a loopback serviceUrl only.")
        header = request.headers.get("Authorization", "")
        try:
            authenticated = await self.authentication.authenticate_request(activity, header)
        except Exception as error:  # every way a token can be bad ends here
            log.info("refused a Teams activity: %s", type(error).__name__)
            return _error(401, "Unauthorized.")
        if from_other_tenant(activity, self.home_tenant):
            return _error(403, OTHER_TENANT)
        if not await self._first_delivery(activity):
            log.info("a re-sent Teams activity was ignored")
            return web.Response(status=200)
        response = await self.adapter.process_activity(authenticated, activity, self.bot.on_turn)
        if response is not None:
            return web.json_response(serializer_helper(response.body), status=response.status)
        return web.Response(status=201)

    async def _first_delivery(self, activity: Activity) -> bool:
        """Bot Framework may re-send an activity: each one (by conversation and id) runs once,
        across replicas and restarts."""
        if not activity.id or activity.type != "message" or activity.conversation is None:
            return True
        key = hashlib.sha256(f"{activity.conversation.id}/{activity.id}".encode()).hexdigest()
        async with self.sessions.begin() as session:
            return await first_delivery(session, "teams", key)


async def teams_off(_request: web.Request) -> web.Response:
    """The endpoint when Teams is not configured: an error, and nothing processed."""
    return _error(503, NOT_CONFIGURED)


async def _read_activity(request: web.Request) -> Activity:
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="Send the activity as application/json.")
    try:
        body: Any = json.loads(await request.read())
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise web.HTTPBadRequest(text="The body is not valid JSON.") from None
    if not isinstance(body, dict) or not isinstance(body.get("type"), str):
        raise web.HTTPBadRequest(text="The body is not a Bot Framework activity.")
    try:
        return Activity().deserialize(body)
    except Exception:  # msrest raises its own DeserializationError family
        raise web.HTTPBadRequest(text="The body is not a Bot Framework activity.") from None


def _from_this_machine(request: web.Request) -> bool:
    """A loopback peer, and no proxy headers (a local reverse proxy would look loopback too)."""
    if any(name in request.headers for name in PROXY_HEADERS):
        return False
    return _is_loopback(request.remote or "")


def _loopback_url(url: str | None) -> bool:
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        return False
    return host == "localhost" or _is_loopback(host)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)
