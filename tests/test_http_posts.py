"""The nudge senders' HTTP client: answers read whole (sized, chunked, or up to the close),
connections kept for the next post, and a broken or silent connection failing the post."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from aiohttp import web

from bot.channels.http_posts import FORM, HttpPosts, Origin, PostFailed
from tests.support.local_server import LocalServer


class EchoApi(LocalServer):
    """Answers each POST with what it got, and remembers which client port it came from."""

    def __init__(self) -> None:
        super().__init__()
        self.client_ports: list[int] = []

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/api/echo", self.echo)
        app.router.add_post("/api/chunked", self.chunked)

    def _seen(self, request: web.Request) -> None:
        assert request.transport is not None
        self.client_ports.append(request.transport.get_extra_info("peername")[1])

    async def echo(self, request: web.Request) -> web.Response:
        self._seen(request)
        return web.json_response(
            {
                "body": (await request.read()).decode(),
                "type": request.headers["Content-Type"],
                "auth": request.headers.get("Authorization"),
            }
        )

    async def chunked(self, request: web.Request) -> web.StreamResponse:
        self._seen(request)
        response = web.StreamResponse(status=429, headers={"Retry-After": "3"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for part in (b'{"ok": ', b"false, ", b'"error": "ratelimited"}'):
            await response.write(part)
        await response.write_eof()
        return response


@pytest.fixture
async def api() -> AsyncIterator[EchoApi]:
    async with EchoApi() as server:
        yield server


@pytest.fixture
async def posts() -> AsyncIterator[HttpPosts]:
    client = HttpPosts(timeout=5.0)
    yield client
    await client.close()


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def raw_server(handle: Handler) -> AsyncIterator[Origin]:
    """A server that answers at the socket level, as no well-behaved framework would."""
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield Origin.of(f"http://127.0.0.1:{port}/")
    finally:
        server.close()
        await server.wait_closed()


async def read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    return await reader.readexactly(length)


async def test_posts_get_their_answers_over_one_kept_alive_connection(
    api: EchoApi, posts: HttpPosts
) -> None:
    origin = Origin.of(f"http://127.0.0.1:{api.port}/api/")
    for n in range(3):
        answer = await posts.post(
            origin, "/echo", json.dumps({"n": n}).encode(), {"Authorization": "Bearer xoxb-1"}
        )
        assert answer.status == 200
        assert json.loads(answer.body) == {
            "body": json.dumps({"n": n}),
            "type": "application/json; charset=utf-8",
            "auth": "Bearer xoxb-1",
        }
    form = await posts.post(origin, "/echo", b"users=U1", {}, FORM)
    assert json.loads(form.body)["type"] == FORM
    assert len(api.client_ports) == 4 and len(set(api.client_ports)) == 1, "one connection"


async def test_a_chunked_answer_is_read_whole_with_its_status_and_headers(
    api: EchoApi, posts: HttpPosts
) -> None:
    origin = Origin.of(f"http://127.0.0.1:{api.port}/api")
    answer = await posts.post(origin, "/chunked", b"{}", {})
    assert answer.status == 429 and answer.headers["retry-after"] == "3"
    assert json.loads(answer.body) == {"ok": False, "error": "ratelimited"}
    await posts.post(origin, "/echo", b"{}", {})
    assert len(set(api.client_ports)) == 1, "the connection served the next post too"


async def test_an_answer_that_runs_until_the_server_closes_is_read_whole(
    posts: HttpPosts,
) -> None:
    connections = 0

    async def answer_then_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await read_request(reader)
        writer.write(b'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{"ok": true}')
        await writer.drain()
        writer.close()

    async with raw_server(answer_then_close) as origin:
        first = await posts.post(origin, "/x", b"{}", {})
        second = await posts.post(origin, "/x", b"{}", {})
    assert first.body == second.body == b'{"ok": true}'
    assert connections == 2, "a connection the server closes is not used again"


async def test_a_connection_that_breaks_before_the_answer_fails_the_post_and_is_not_reused(
    posts: HttpPosts,
) -> None:
    requests: list[bytes] = []

    async def break_the_first(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            body = await read_request(reader)
            requests.append(body)
            if len(requests) == 1:
                writer.write(b'HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{"ok"')
                await writer.drain()
                writer.close()
                return
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
            await writer.drain()

    async with raw_server(break_the_first) as origin:
        with pytest.raises(PostFailed):
            await posts.post(origin, "/x", b"first", {})
        answer = await posts.post(origin, "/x", b"second", {})
    assert answer.body == b"{}"
    assert requests == [b"first", b"second"], "the broken post was not sent again"


async def test_a_server_that_never_answers_times_the_post_out() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await reader.read()  # until the client gives up and closes

    posts = HttpPosts(timeout=0.2)
    try:
        async with raw_server(silent) as origin:
            with pytest.raises(TimeoutError):
                await posts.post(origin, "/x", b"{}", {})
    finally:
        await posts.close()


async def test_a_line_break_in_a_header_is_refused_before_anything_is_sent(
    api: EchoApi, posts: HttpPosts
) -> None:
    origin = Origin.of(f"http://127.0.0.1:{api.port}/api")
    with pytest.raises(ValueError, match="line break"):
        await posts.post(origin, "/echo", b"{}", {"Authorization": "Bearer x\r\nX-Evil: 1"})
    assert api.client_ports == []


def test_an_origin_is_read_from_the_api_base_url() -> None:
    slack = Origin.of("https://slack.com/api/")
    assert (slack.secure, slack.host, slack.port, slack.base_path) == (
        True,
        "slack.com",
        443,
        "/api",
    )
    assert slack.host_header == "slack.com"
    assert Origin.of("http://127.0.0.1:8080").host_header == "127.0.0.1:8080"
    with pytest.raises(ValueError, match="not an http"):
        Origin.of("ftp://example.com/")
