"""The server and the CLI's workers run on uvloop (bot.event_loop)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import uvloop

from bot import event_loop
from tests.support.db_fixtures import migrated_sqlite_url
from tests.support.server_process import server_env, start_server


def test_a_cli_command_runs_its_work_on_uvloop_and_gets_its_result() -> None:
    async def work() -> tuple[type[asyncio.AbstractEventLoop], str]:
        await asyncio.sleep(0)
        return type(asyncio.get_running_loop()), "done"

    loop_type, result = event_loop.run(work())

    assert issubclass(loop_type, uvloop.Loop)
    assert result == "done"


async def test_prep_talk_serve_serves_on_uvloop(migrated_sqlite_file: Path, tmp_path: Path) -> None:
    url = migrated_sqlite_url(migrated_sqlite_file, tmp_path)
    server = await start_server(server_env(url), tmp_path / "serve.log")
    try:
        log = server.log.read_text()
    finally:
        await server.stop()

    assert "event loop: uvloop" in log
