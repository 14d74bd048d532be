"""The event loop every prep-talk process runs on: uvloop's.

Its transports, timers and thread hand-offs are written in C; under `benchmarks.slack_turns`
the server spends about a fifth less CPU per Slack turn on it than on asyncio's own loop,
and the nudge worker's HTTP client gains alike. aiohttp, SQLAlchemy's asyncio engine, our
SQLite driver's thread and Bolt all run on it unchanged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import uvloop

T = TypeVar("T")


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A fresh loop for a server to run forever on (`web.run_app(loop=…)`)."""
    return uvloop.new_event_loop()


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on a fresh uvloop loop: for the CLI's commands and workers."""
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(main)
