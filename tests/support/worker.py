"""`prep-talk nudges run --once` as its own process, configured by environment only."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime


async def worker_process(env: dict[str, str], now: datetime) -> asyncio.subprocess.Process:
    """Start a worker as an operator would run it, its clock set to `now`."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli.main", "nudges", "run", "--once", "--now", now.isoformat(),
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
