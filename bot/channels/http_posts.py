"""Many small POSTs to a platform's API over kept-alive HTTP/1.1 connections, cheaply.

The nudge senders post hundreds of messages a second (Slack's chat.postMessage, the Bot
Connector's activities). aiohttp's ClientSession spent about 150 µs of CPU on each such
POST on our machine (request and response objects, header multidicts, payload and timer
machinery, cookie and redirect handling), more than everything else a nudge costs; this
client spends about 50 µs. It writes the request in one piece, parses the answer with
httptools (llhttp, which also handles chunked and close-delimited bodies) and keeps up to
`connections` connections per origin open for the next POST. TLS is asyncio's.

A POST whose connection breaks is not sent again: the caller decides (for a nudge, the
outbox retries it, and the Slack sender looks in the DM's history first).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httptools

JSON = "application/json; charset=utf-8"
FORM = "application/x-www-form-urlencoded"


class PostFailed(ConnectionError):
    """The connection broke, or the answer was not HTTP, before the answer was complete."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: Mapping[str, str]  # names in lower case
    body: bytes


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an API lives: scheme, host and port, and the path its URLs start with."""

    secure: bool
    host: str
    port: int
    base_path: str

    @classmethod
    def of(cls, url: str) -> Origin:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        secure = parts.scheme == "https"
        port = parts.port or (443 if secure else 80)
        return cls(secure, parts.hostname, port, parts.path.rstrip("/"))

    @property
    def host_header(self) -> str:
        default = 443 if self.secure else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


class _Connection(asyncio.Protocol):
    """One kept-alive connection: one request at a time, its answer parsed as it arrives."""

    def __init__(self) -> None:
        self._parser = httptools.HttpResponseParser(self)
        self._transport: asyncio.Transport | None = None
        self._answer: asyncio.Future[Answer] | None = None
        self._headers: dict[str, str] = {}
        self._body: list[bytes] = []
        self._headers_done = False
        self.reusable = True

    def request(self, data: bytes) -> asyncio.Future[Answer]:
        assert self._transport is not None and self.reusable
        self._answer = asyncio.get_running_loop().create_future()
        self._headers, self._body, self._headers_done = {}, [], False
        self._transport.write(data)
        return self._answer

    def close(self) -> None:
        self.reusable = False
        if self._transport is not None:
            self._transport.close()

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as error:
            self._fail(PostFailed(f"not an HTTP answer: {error}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.reusable = False
        if self._headers_done and not self._length_known():
            self._complete()  # the body ran until the server closed the connection
        self._fail(PostFailed("the connection closed before the answer was complete"))

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        self._headers_done = True
        self.reusable = self.reusable and bool(self._parser.should_keep_alive())

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        self._complete()

    def _length_known(self) -> bool:
        return "content-length" in self._headers or "transfer-encoding" in self._headers

    def _complete(self) -> None:
        answer, self._answer = self._answer, None
        if answer is not None and not answer.done():
            status = int(self._parser.get_status_code())
            answer.set_result(Answer(status, self._headers, b"".join(self._body)))

    def _fail(self, error: Exception) -> None:
        answer, self._answer = self._answer, None
        if answer is not None and not answer.done():
            answer.set_exception(error)
        self.close()


class HttpPosts:
    """POSTs to any number of origins, each over at most `connections` kept-alive
    connections; `close` ends them all."""

    def __init__(self, timeout: float, connections: int = 100) -> None:
        self._timeout, self._connections = timeout, connections
        self._idle: dict[Origin, list[_Connection]] = {}
        self._slots: dict[Origin, asyncio.Semaphore] = {}
        self._tls: ssl.SSLContext | None = None

    async def post(
        self,
        origin: Origin,
        path: str,
        body: bytes,
        headers: Mapping[str, str],
        content_type: str = JSON,
    ) -> Answer:
        """POST `body` to `origin`'s base path + `path`; PostFailed or TimeoutError when
        no complete answer came back."""
        request = self._request(origin, path, body, headers, content_type)
        slots = self._slots.get(origin) or self._slots.setdefault(
            origin, asyncio.Semaphore(self._connections)
        )
        async with slots:
            connection = await self._connection(origin)
            try:
                async with asyncio.timeout(self._timeout):
                    answer = await connection.request(request)
            except BaseException:
                connection.close()
                raise
            if connection.reusable:
                self._idle.setdefault(origin, []).append(connection)
            else:
                connection.close()
            return answer

    async def close(self) -> None:
        idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()

    async def _connection(self, origin: Origin) -> _Connection:
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()
            if connection.reusable:
                return connection
        loop = asyncio.get_running_loop()
        tls = self._tls_context() if origin.secure else None
        async with asyncio.timeout(self._timeout):
            _transport, connection = await loop.create_connection(
                _Connection, origin.host, origin.port, ssl=tls
            )
        return connection

    def _tls_context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = ssl.create_default_context()
        return self._tls

    @staticmethod
    def _request(
        origin: Origin, path: str, body: bytes, headers: Mapping[str, str], content_type: str
    ) -> bytes:
        lines = [
            f"POST {origin.base_path}{path} HTTP/1.1",
            f"Host: {origin.host_header}",
            f"Content-Type: {content_type}",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        if any("\n" in line or "\r" in line for line in lines):
            raise ValueError("a header or the path holds a line break")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
