"""A local stand-in for an OpenAI-compatible chat-completions endpoint (Azure OpenAI, vLLM,
Ollama), so tests can assert on exactly what a model voice sent, and script how it answers.

An aiohttp server on 127.0.0.1 and a free port, serving `POST /v1/chat/completions`. Every
request is recorded as a `Call` (decoded JSON body and Authorization header). Answers are taken
from a script, in order, then the default line:

    async with ChatApiStandIn() as api:
        api.script(line("Not now, we close in three weeks."), status(500), hang)
        voice = ModelVoice(base_url=api.url, model="m", api_key="k", timeout=0.5)
        assert await voice.speak(cue) == "Not now, we close in three weeks."
        assert (await api.wait_for_call()).authorization == "Bearer k"

`hang` answers only when the stand-in closes: longer than any client timeout, with no sleep.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.support.local_server import LocalServer

Body = dict[str, Any]
Answer = Callable[["ChatApiStandIn", Body], Awaitable[web.Response]]
DEFAULT_LINE = "Honestly, my team is three weeks from the quarter close. Why now?"


@dataclass(frozen=True)
class Call:
    """One request that reached the stand-in."""

    body: Body
    authorization: str | None
    path: str

    @property
    def text(self) -> str:
        """Everything the messages said, as one string (to search for what was sent)."""
        return "\n".join(str(message.get("content", "")) for message in self.body["messages"])

    def message(self, role: str) -> str:
        return next(str(m["content"]) for m in self.body["messages"] if m["role"] == role)


def completion(
    body: Body,
    content: str | None,
    *,
    finish_reason: str = "stop",
    refusal: str | None = None,
    number: int = 1,
) -> Body:
    """A chat completion as the API returns it."""
    return {
        "id": f"chatcmpl-{number}",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": body.get("model", ""),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 50, "completion_tokens": 20, "total_tokens": 70},
    }


def line(content: str | None, *, finish_reason: str = "stop", refusal: str | None = None) -> Answer:
    """Answer with `content` as the model's message."""

    async def answer(api: ChatApiStandIn, body: Body) -> web.Response:
        reply = completion(
            body, content, finish_reason=finish_reason, refusal=refusal, number=len(api.calls)
        )
        return web.json_response(reply)

    return answer


def status(code: int) -> Answer:
    """Answer with an HTTP error, shaped like the API's error body."""

    async def answer(api: ChatApiStandIn, body: Body) -> web.Response:
        error = {"error": {"message": "stand-in failure", "type": "server_error", "code": None}}
        return web.json_response(error, status=code)

    return answer


async def hang(api: ChatApiStandIn, body: Body) -> web.Response:
    """Answer only when the stand-in closes: a model slower than any timeout."""
    await api.closing.wait()
    return await line(DEFAULT_LINE)(api, body)


# A filtered answer may carry the words before the filter stopped it; a refusal may come with
# the same text as content (servers differ): neither is the stakeholder's line.
filtered = line("Look, the training is", finish_reason="content_filter")
refused = line("I can't help with that.", refusal="I can't help with that.")


class ChatApiStandIn(LocalServer):
    """Chat completions on a free local port; see the module docstring for an example."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.closing = asyncio.Event()
        self._script: deque[Answer] = deque()
        self._arrived = asyncio.Condition()

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/chat/completions", self._complete)

    async def close(self) -> None:
        self.closing.set()  # a hanging answer finishes, so shutdown need not wait for it
        await super().close()

    @property
    def url(self) -> str:
        """The base_url for an OpenAI-compatible client."""
        return f"http://127.0.0.1:{self.port}/v1"

    def script(self, *answers: Answer) -> None:
        """Answer the next requests with these, in order (then the default line)."""
        self._script.extend(answers)

    async def wait_for_call(self, count: int = 1, timeout: float = 5.0) -> Call:  # noqa: ASYNC109
        """The `count`-th request, once it has arrived."""
        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(lambda: len(self.calls) >= count)
        return self.calls[count - 1]

    async def _complete(self, request: web.Request) -> web.Response:
        body: Body = await request.json()
        call = Call(body, request.headers.get("Authorization"), request.path)
        async with self._arrived:
            self.calls.append(call)
            self._arrived.notify_all()
        answer = self._script.popleft() if self._script else line(DEFAULT_LINE)
        return await answer(self, body)
