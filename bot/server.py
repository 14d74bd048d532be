"""The one aiohttp server: health check, web playground (and, later, Slack and Teams)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import event_loop
from bot.coach import Answer
from bot.engine.messages import Inbound
from bot.inbox import TurnInbox, inbox_of
from bot.logs import configure_logging
from bot.metrics import ServerMetrics
from bot.nudges.metrics import NudgeMetrics
from bot.routing import answer_inbound
from bot.runtime import Services, build_coach, freeze_start_up, prepare_database
from bot.senders import nudge_runner
from bot.settings import Settings
from bot.storage import migrate
from bot.users import UserRef

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 256 * 1024
LISTEN_BACKLOG = 128
READY_TIMEOUT = 2.0
SERVICES_KEY = web.AppKey("services", Services)


def create_app(settings: Settings, slack_socket_mode: bool = False) -> web.Application:
    """Everything the server needs, built from one Settings; the DB pool closes on cleanup."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    metrics = ServerMetrics.create()
    coach, engine = build_coach(settings, metrics.turns)
    services = Services(settings, coach, engine)
    app[SERVICES_KEY] = services

    inbox = inbox_of(app, services)

    async def stop_and_dispose(_app: web.Application) -> None:
        await inbox.stop()  # no turn's transaction is left open when the pool closes
        await engine.dispose()

    app.on_cleanup.append(stop_and_dispose)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readiness(engine, migrate.head_revision()))
    app.router.add_get("/metrics", _metrics_page(services, metrics))
    if settings.nudge_interval and (settings.slack_enabled or settings.teams_enabled):
        app.cleanup_ctx.append(_nudging(services, metrics.nudges))
    if settings.slack_enabled or settings.teams_enabled:
        app.cleanup_ctx.append(_answering_left_turns(services, inbox))
    # Each channel mounts its own routes and decides what it does when not configured.
    if settings.slack_enabled:
        from bot.channels.slack.mount import add_slack

        add_slack(app, services, socket_mode=slack_socket_mode)
    from bot.channels.teams import add_teams

    add_teams(app, services)
    if settings.playground_enabled:
        from bot.web.playground import add_playground

        async def respond(user: UserRef, inbound: Inbound) -> Answer:
            return await answer_inbound(coach, user, inbound, prefix="")

        add_playground(app, coach, settings, respond)
    return app


async def _healthz(_request: web.Request) -> web.Response:
    """Liveness: the process answers. Cheap on purpose: it never touches the database."""
    return web.json_response({"status": "ok"})


def _readiness(
    engine: AsyncEngine, head: str | None
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Readiness: 200 only when the database answers and its schema is the code's (head), so
    a load balancer sends no traffic to a replica that would fail every turn."""

    async def readyz(_request: web.Request) -> web.Response:
        try:
            current = await asyncio.wait_for(migrate.schema_revision(engine), READY_TIMEOUT)
        except Exception as error:  # every way the database can fail to answer
            log.warning("not ready: the database did not answer (%s)", type(error).__name__)
            return web.json_response({"status": "database unavailable"}, status=503)
        if current != head:
            body = {"status": "schema not at head", "database": current, "code": head}
            return web.json_response(body, status=503)
        return web.json_response({"status": "ready", "schema": head})

    return readyz


def _metrics_page(
    services: Services, metrics: ServerMetrics
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def page(_request: web.Request) -> web.Response:
        try:
            await metrics.refresh(services.sessions, services.coach.clock())
        except Exception as error:  # the other metrics still matter when the database is down
            log.warning("backlog metrics unavailable: %s", type(error).__name__)
        body = generate_latest(metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return page


def _nudging(
    services: Services, metrics: NudgeMetrics
) -> Callable[[web.Application], AsyncIterator[None]]:
    """Run the nudges every PREPTALK_NUDGE_INTERVAL seconds while the server is up."""

    def start() -> Callable[[], Awaitable[object]]:  # senders open their sessions in the loop
        runner = nudge_runner(services, metrics)
        return lambda: runner.run_once(services.coach.clock())

    interval = services.settings.nudge_interval
    return _every(interval, start, "nudge run", first_after=interval)


def _answering_left_turns(
    services: Services, inbox: TurnInbox
) -> Callable[[web.Application], AsyncIterator[None]]:
    """Answer the turns a crashed process left in the inbox: once at start-up, then every
    half lease (a dead worker's claims are free again when their lease runs out); and drop
    settled turns too old for any platform to redeliver."""

    async def inbox_pass() -> None:
        await inbox.recover()
        await inbox.forget_settled()

    lease = services.settings.inbox_lease
    return _every(lease / 2, lambda: inbox_pass, "inbox pass", first_after=0)


def _every(
    seconds: float,
    start: Callable[[], Callable[[], Awaitable[object]]],
    what: str,
    *,
    first_after: float,
) -> Callable[[web.Application], AsyncIterator[None]]:
    """An aiohttp cleanup context: once the server runs, `start()` gives the work, done every
    `seconds`; a failed round is logged and the next one comes as planned."""

    async def background(_app: web.Application) -> AsyncIterator[None]:
        work = start()

        async def loop() -> None:
            await asyncio.sleep(first_after)
            while True:
                try:
                    await work()
                except Exception:
                    log.exception("%s failed; trying again next interval", what)
                await asyncio.sleep(seconds)

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
    # --host/--port mean exactly what PREPTALK_HOST/PORT mean, Host-header guards included.
    settings = settings.model_copy(
        update={"host": host or settings.host, "port": settings.port if port is None else port}
    )
    configure_logging(settings.log_level, settings.log_format)
    prepare_database(settings)
    if settings.playground_enabled and not settings.host_is_loopback:
        log.warning("the playground is reachable beyond this machine on %s", settings.host)
    app = create_app(settings, slack_socket_mode=slack_socket_mode)
    app[SERVICES_KEY].coach.warm_up()  # before the port is announced: no user waits for it
    log.info("start-up: %d objects kept out of the garbage collector", freeze_start_up())
    listening = _listening_socket(settings.host, settings.port)
    app.on_startup.append(_announce(listening))
    web.run_app(
        app,
        sock=listening,
        print=None,
        access_log_class=AccessLines,
        loop=event_loop.new_event_loop(),
    )
    return 0


class AccessLines(AbstractAccessLogger):
    """aiohttp's access log without query strings: an OAuth redirect's `code` and `state`,
    or anything else a client put in a URL, never reach the log. One line per request:
    client, method, path, status, bytes sent, milliseconds."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %d %d %.1fms", request.remote, request.method, request.path,
            response.status, response.body_length, time * 1000,
        )  # fmt: skip


def _listening_socket(host: str, port: int) -> socket.socket:
    """Bind and listen before the app starts, so port 0 (any free port) can be announced and
    a client that connects right after the announcement waits in the backlog."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind((host, port))
    listening.listen(LISTEN_BACKLOG)
    listening.setblocking(False)
    return listening


def _announce(listening: socket.socket) -> Callable[[web.Application], Awaitable[None]]:
    async def announce(_app: web.Application) -> None:
        host, port = listening.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        print(f"prep-talk serving on http://{shown}:{port}", flush=True)
        log.info("event loop: %s", type(asyncio.get_running_loop()).__module__)

    return announce
