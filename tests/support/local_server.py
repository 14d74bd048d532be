"""The lifecycle every local stand-in of an outside service shares: an aiohttp app on
127.0.0.1 and a port the OS picks (never a fixed one), started and stopped with `async with`.

A stand-in subclasses `LocalServer`, adds its routes in `routes`, and extends `close` when it
must end something first (open WebSockets, requests still waiting).
"""

from __future__ import annotations

from typing import Self

from aiohttp import web


class LocalServer:
    max_body = 1024 * 1024  # bytes a request may carry (aiohttp's own default)

    def __init__(self) -> None:
        self.port = 0
        self._runner: web.AppRunner | None = None

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> Self:
        """Listen on 127.0.0.1 and a free port (in `port`)."""
        app = web.Application(client_max_size=self.max_body)
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
