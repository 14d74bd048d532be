"""Slack in the server: `/slack/events` (or Socket Mode) and the OAuth install routes.

Every request's signature is checked on its raw bytes, and its shape, at the gate
(`gate.SlackGate`). A turn (a DM, a command, a click, a panel event) is then taken straight
into the inbox (`listeners.take_turn`); anything else goes to Bolt's AsyncApp, mounted in the
one aiohttp server, which checks the signature again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.channels.slack.bolt_app import build_bolt_app
from bot.channels.slack.gate import Refused, SlackGate
from bot.channels.slack.listeners import inbound_turn, register, take_turn
from bot.channels.slack.turns import SlackTurns
from bot.channels.slack.web_api import WebApiConnections, bot_token, installation_store
from bot.inbox import inbox_of
from bot.runtime import Services
from bot.settings import SettingsError

SLACK_APP_KEY = web.AppKey("slack_app", AsyncApp)


def add_slack(app: web.Application, services: Services, socket_mode: bool = False) -> None:
    """Mount /slack/events (and the OAuth install routes when a client id is set), or with
    `socket_mode` connect out to Slack over a WebSocket instead."""
    store = installation_store(services)
    bolt = build_bolt_app(services, store)
    connections = WebApiConnections()
    inbox = inbox_of(app, services)
    inbox.serve("slack", SlackTurns(services, store, connections))
    register(bolt, services, store, connections, inbox)
    app.cleanup_ctx.append(connections.open_while_serving)
    app[SLACK_APP_KEY] = bolt
    if socket_mode:
        _connect_socket_mode(app, bolt, services)
        return

    gate = SlackGate(_signing_secret(services))

    async def installed(team_id: str) -> bool:
        """Whether the app is installed in the workspace (always, with one configured token);
        where it is not, Bolt answers the turn (it asks for a reinstall)."""
        return store is None or await bot_token(None, store, team_id) is not None

    async def dispatch(request: web.Request) -> web.Response:
        try:
            admitted = await gate.admit(request)
            turn = inbound_turn(admitted.payload)
            if turn is None or not await installed(turn[1].tenant):
                return await to_aiohttp_response(await bolt.async_dispatch(admitted.for_bolt()))
        except Refused as refusal:
            return refusal.response()
        ack = await take_turn(services, inbox, turn, admitted.payload)
        return web.Response(text=ack) if ack else web.Response()

    app.router.add_post("/slack/events", dispatch)
    flow = bolt.oauth_flow
    if flow is None:
        return

    async def install(request: web.Request) -> web.Response:
        return await to_aiohttp_response(
            await flow.handle_installation(await to_bolt_request(request))
        )

    async def oauth_redirect(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

    app.router.add_get(flow.install_path, install)
    app.router.add_get(flow.redirect_uri_path, oauth_redirect)


def _signing_secret(services: Services) -> str:
    secret = services.settings.slack_signing_secret
    if secret is None:
        raise SettingsError("SLACK_SIGNING_SECRET: required for Slack over HTTP")
    return secret.get_secret_value()


def _connect_socket_mode(app: web.Application, bolt: AsyncApp, services: Services) -> None:
    token = services.settings.slack_app_token
    if token is None:
        raise SettingsError("SLACK_APP_TOKEN: required for --socket-mode (an xapp- token)")

    async def socket_mode(_app: web.Application) -> AsyncIterator[None]:
        # slack_sdk's Socket Mode client needs the running event loop when it is built, and
        # `serve` builds the app before web.run_app starts its loop: so build it here.
        handler = AsyncSocketModeHandler(bolt, token.get_secret_value())
        await handler.connect_async()  # type: ignore[no-untyped-call]
        yield
        await handler.close_async()  # type: ignore[no-untyped-call]

    app.cleanup_ctx.append(socket_mode)
