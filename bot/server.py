"""The one aiohttp server: health check, web playground (and, later, Slack and Teams)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.inbox import TurnInbox, inbox_of
from bot.nudges.metrics import NudgeMetrics
from bot.runtime import Services, build_coach, prepare_database
from bot.senders import nudge_runner
from bot.settings import Settings

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 256 * 1024
SERVICES_KEY = web.AppKey("services", Services)


def create_app(settings: Settings, slack_socket_mode: bool = False) -> web.Application:
    """Everything the server needs, built from one Settings; the DB pool closes on cleanup."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    coach, engine = build_coach(settings)
    services = Services(settings, coach, engine)
    app[SERVICES_KEY] = services

    async def dispose(_app: web.Application) -> None:
        await engine.dispose()

    app.on_cleanup.append(dispose)
    inbox = inbox_of(app, services)
    app.router.add_get("/healthz", _healthz)
    metrics = NudgeMetrics.create()
    app.router.add_get("/metrics", _metrics_page(metrics))
    if settings.nudge_interval and (settings.slack_enabled or settings.teams_enabled):
        app.cleanup_ctx.append(_nudging(services, metrics))
    if settings.slack_enabled or settings.teams_enabled:
        app.cleanup_ctx.append(_answering_left_turns(services, inbox))
    # Each channel mounts its own routes and decides what it does when not configured.
    if settings.slack_enabled:
        from bot.channels.slack import add_slack

        add_slack(app, services, socket_mode=slack_socket_mode)
    from bot.channels.teams import add_teams

    add_teams(app, services)
    if settings.playground_enabled:
        from bot.web.playground import add_playground

        add_playground(app, coach, settings)
    return app


async def _healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def _metrics_page(metrics: NudgeMetrics) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def page(_request: web.Request) -> web.Response:
        body = generate_latest(metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return page


def _nudging(
    services: Services, metrics: NudgeMetrics
) -> Callable[[web.Application], AsyncIterator[None]]:
    """Run the nudges every PREPTALK_NUDGE_INTERVAL seconds while the server is up."""

    async def background(_app: web.Application) -> AsyncIterator[None]:
        runner = nudge_runner(services, metrics)

        async def loop() -> None:
            while True:
                await asyncio.sleep(services.settings.nudge_interval)
                try:
                    await runner.run_once(services.coach.clock())
                except Exception:
                    log.exception("nudge run failed; trying again next interval")

        task = asyncio.create_task(loop())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return background


def _answering_left_turns(
    services: Services, inbox: TurnInbox
) -> Callable[[web.Application], AsyncIterator[None]]:
    """Answer the turns a crashed process left in the inbox: once at start-up, then every
    half lease (a dead worker's claims are free again when their lease runs out); and drop
    settled turns too old for any platform to redeliver."""

    async def background(_app: web.Application) -> AsyncIterator[None]:
        async def loop() -> None:
            while True:
                try:
                    await inbox.recover()
                    await inbox.forget_settled()
                except Exception:
                    log.exception("inbox pass failed; trying again next interval")
                await asyncio.sleep(services.settings.inbox_lease / 2)

        task = asyncio.create_task(loop())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return background


def serve(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    slack_socket_mode: bool = False,
) -> int:
    """Run until interrupted. The playground stays on loopback unless a host is given."""
    bind_host = host or settings.host
    bind_port = settings.port if port is None else port
    logging.getLogger().setLevel(logging.INFO)
    prepare_database(settings)
    if (
        settings.playground_enabled
        and not settings.model_copy(update={"host": bind_host}).host_is_loopback
    ):
        log.warning("the playground is reachable beyond this machine on %s", bind_host)
    app = create_app(settings, slack_socket_mode=slack_socket_mode)
    web.run_app(app, host=bind_host, port=bind_port, print=None)
    return 0
