"""The server and the CLI's workers run on uvloop (bot.event_loop), with what start-up built
kept out of the garbage collector's way (bot.runtime.freeze_start_up); the server's access
log names paths, never query strings."""

from __future__ import annotations

import asyncio
import gc
import re
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import uvloop

from bot import event_loop
from bot.runtime import freeze_start_up
from tests.support.db_fixtures import migrated_sqlite_url
from tests.support.server_process import ServerProcess, server_env, start_server


@asynccontextmanager
async def serving(migrated_sqlite_file: Path, tmp_path: Path) -> AsyncIterator[ServerProcess]:
    """A real `prep-talk serve` on a migrated SQLite file, stopped on the way out."""
    url = migrated_sqlite_url(migrated_sqlite_file, tmp_path)
    server = await start_server(server_env(url), tmp_path / "serve.log")
    try:
        yield server
    finally:
        await server.stop()


def test_a_cli_command_runs_its_work_on_uvloop_and_gets_its_result() -> None:
    async def work() -> tuple[type[asyncio.AbstractEventLoop], str]:
        await asyncio.sleep(0)
        return type(asyncio.get_running_loop()), "done"

    loop_type, result = event_loop.run(work())

    assert issubclass(loop_type, uvloop.Loop)
    assert result == "done"


async def test_prep_talk_serve_serves_on_uvloop_with_its_start_up_frozen(
    migrated_sqlite_file: Path, tmp_path: Path
) -> None:
    async with serving(migrated_sqlite_file, tmp_path) as server:
        log = server.log.read_text()

    assert "event loop: uvloop" in log
    frozen = re.search(r"start-up: (\d+) objects kept out of the garbage collector", log)
    assert frozen is not None and int(frozen.group(1)) > 10_000


async def test_the_access_log_names_the_path_and_never_the_query_string(
    migrated_sqlite_file: Path, tmp_path: Path
) -> None:
    async with serving(migrated_sqlite_file, tmp_path) as server, aiohttp.ClientSession() as client:
        asked = await client.get(f"{server.url}/healthz?code=oauth-code-4f1c&state=s-77")
        assert asked.status == 200
    log = server.log.read_text()

    assert "GET /healthz 200" in log
    assert "oauth-code-4f1c" not in log and "s-77" not in log


def test_start_up_objects_are_set_aside_and_garbage_is_collected_first() -> None:
    class Cycle:
        def __init__(self) -> None:
            self.me = self

    garbage = Cycle()
    gone = weakref.ref(garbage)
    kept = [Cycle()]
    del garbage
    try:
        frozen = freeze_start_up()
        assert frozen > 0 and gc.get_freeze_count() > 0  # frozen objects may be freed since
        tracked = {id(thing) for thing in gc.get_objects()}
        assert id(kept[0]) not in tracked  # frozen objects are not looked at by collections
        assert gone() is None  # garbage is collected, not set aside for good
    finally:
        gc.unfreeze()
