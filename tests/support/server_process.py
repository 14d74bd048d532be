"""`prep-talk serve` as its own process, configured by environment only, for crash tests."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from tests.support.postgres import free_port

START_SECONDS = 60.0  # a fresh interpreter importing the app, on a busy machine


@dataclass
class ServerProcess:
    process: asyncio.subprocess.Process
    url: str
    log: Path

    def kill(self) -> None:
        """kill -9: no clean-up, no last commit, as when the machine loses power."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        self.kill()
        await self.process.wait()


def server_env(database_url: str, **settings: str) -> dict[str, str]:
    """This test's settings only: nothing SLACK_/PREPTALK_/MICROSOFT_ leaks in from the shell."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PREPTALK_", "MICRO"))
    }
    env.update(PREPTALK_DATABASE_URL=database_url, PREPTALK_PLAYGROUND="false",
               PREPTALK_NUDGE_INTERVAL="0", **settings)  # fmt: skip
    return env


async def start_server(env: dict[str, str], log: Path) -> ServerProcess:
    """Start `prep-talk serve` on a free port and wait until it answers /healthz."""
    port = free_port()
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli.main", "serve", "--port", str(port),
            env=env, stdout=output, stderr=subprocess.STDOUT, cwd=log.parent,
        )  # fmt: skip
    server = ServerProcess(process, f"http://127.0.0.1:{port}", log)
    try:
        await _until_healthy(server)
    except BaseException:
        await server.stop()
        raise
    return server


async def _until_healthy(server: ServerProcess) -> None:
    """Poll /healthz every 50 ms: another process's start can only be polled for."""
    async with asyncio.timeout(START_SECONDS), aiohttp.ClientSession() as session:
        while True:
            if server.process.returncode is not None:
                raise AssertionError(f"server exited: {server.log.read_text()[-2000:]}")
            try:
                async with session.get(f"{server.url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
