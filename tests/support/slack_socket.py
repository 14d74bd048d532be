"""A local stand-in for Slack's Socket Mode WebSocket, so Socket Mode runs for real in tests.

Slack hands a Socket Mode app a `wss://` URL from `apps.connections.open`; the app connects,
Slack says hello, then pushes envelopes and waits for an ack carrying the same
`envelope_id`. This server plays Slack's side on 127.0.0.1 and a free port: point the Web
API stand-in's `apps.connections.open` at `url`, then push envelopes and wait for the acks.

    async with SocketModeStandIn() as socket:
        api.answer("apps.connections.open", {"ok": True, "url": socket.url})
        ...start the app...
        await socket.wait_connected()
        envelope_id = await socket.push("slash_commands", slash_command_fields("sales"))
        ack = await socket.wait_for_ack(envelope_id)
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from tests.support.local_server import LocalServer

Envelope = dict[str, Any]
HELLO: Envelope = {
    "type": "hello",
    "num_connections": 1,
    "debug_info": {"host": "applink-stand-in", "approximate_connection_time": 18060},
    "connection_info": {"app_id": "A0PREP"},
}


class SocketModeStandIn(LocalServer):
    """Slack's end of Socket Mode: accepts the app's WebSocket, pushes envelopes, records acks."""

    def __init__(self) -> None:
        super().__init__()
        self.acks: list[Envelope] = []
        self.connections = 0
        self._sockets: list[web.WebSocketResponse] = []
        self._changed = asyncio.Condition()

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/link", self._handle)

    async def close(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        await super().close()

    @property
    def url(self) -> str:
        """What `apps.connections.open` should answer (Slack's is wss://, ours plain ws://)."""
        return f"ws://127.0.0.1:{self.port}/link"

    async def wait_connected(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Until an app holds a connection (Slack's hello has been sent on it)."""
        await self._wait(lambda: bool(self._sockets), timeout, "no Socket Mode connection")

    async def push(
        self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool = True
    ) -> str:
        """Send an envelope of `kind` (slash_commands, interactive, events_api) to the app."""
        if not self._sockets:
            raise AssertionError("no app is connected to push to")
        envelope_id = str(uuid.uuid4())
        envelope: Envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope.update(retry_attempt=0, retry_reason="")
        await self._sockets[-1].send_str(json.dumps(envelope))
        return envelope_id

    async def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> Envelope:  # noqa: ASYNC109
        """The app's acknowledgement of one envelope."""

        def found() -> Envelope | None:
            return next((a for a in self.acks if a.get("envelope_id") == envelope_id), None)

        await self._wait(lambda: found() is not None, timeout, f"no ack for {envelope_id}")
        ack = found()
        assert ack is not None
        return ack

    async def _wait(
        self,
        condition: Callable[[], bool],
        timeout: float,  # noqa: ASYNC109 - one deadline per wait reads best in tests
        failure: str,
    ) -> None:
        async with self._changed:
            try:
                async with asyncio.timeout(timeout):
                    await self._changed.wait_for(condition)
            except TimeoutError:
                raise AssertionError(f"{failure} within {timeout}s; acks: {self.acks}") from None

    async def _handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        await socket.send_str(json.dumps(HELLO))
        self.connections += 1
        self._sockets.append(socket)
        await self._notify()
        try:
            async for message in socket:
                if message.type is WSMsgType.TEXT:
                    self.acks.append(json.loads(message.data))
                    await self._notify()
        finally:
            self._sockets.remove(socket)
            await self._notify()
        return socket

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()
