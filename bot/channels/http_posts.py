"""Many small POSTs of bodies encoded once to a platform's API, over kept-alive connections.

The nudge senders post hundreds of messages a second (Slack's chat.postMessage, the Bot
Connector's activities), each body encoded by the caller (most of it once per wording, not
once per user). `HttpPosts` sends them through one aiohttp session per sender, with at most
`connections` connections per host kept open for the next POST, no cookie jar (an API sets
none worth keeping) and answers handed back as status, headers and bytes.

A POST whose connection breaks is not sent again: the caller decides (for a nudge, the
outbox retries it, and the Slack sender looks in the DM's history first).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp

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

    def url(self, path: str) -> str:
        """The URL of `path` under this origin's base path."""
        scheme = "https" if self.secure else "http"
        return f"{scheme}://{self.host_header}{self.base_path}{path}"

    @property
    def host_header(self) -> str:
        default = 443 if self.secure else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


class HttpPosts:
    """POSTs to any number of origins, each over at most `connections` kept-alive
    connections; `close` ends them all."""

    def __init__(self, timeout: float, connections: int = 100) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    async def post(
        self,
        origin: Origin,
        path: str,
        body: bytes,
        headers: Mapping[str, str],
        content_type: str = JSON,
    ) -> Answer:
        """POST `body` to `origin`'s base path + `path`; PostFailed or TimeoutError when
        no complete answer came back, ValueError before sending a header with a line break."""
        sent = {**headers, "Content-Type": content_type}
        if any("\n" in text or "\r" in text for item in sent.items() for text in item):
            raise ValueError("a header holds a line break")
        try:
            async with self._open().post(origin.url(path), data=body, headers=sent) as answer:
                read = await answer.read()
                named = {name.lower(): value for name, value in answer.headers.items()}
                return Answer(answer.status, named, read)
        except aiohttp.ClientError as error:  # a broken connection, or no HTTP answer
            raise PostFailed(f"no complete answer: {type(error).__name__}") from error

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout,
                connector=aiohttp.TCPConnector(limit_per_host=self._connections),
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session
