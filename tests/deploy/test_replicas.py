"""Replicas sharing one PostgreSQL start together: each runs `prep-talk db upgrade` (the
image's command does), and the migrations run once, under an advisory lock, without a race."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator

import pytest

from bot.storage.migrate import current_revision, head_revision
from tests.support.postgres import TempPostgres

REPLICAS = 4


@pytest.fixture
def shared_database(postgres_server: TempPostgres) -> Iterator[str]:
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.mark.postgres
async def test_replicas_that_start_together_migrate_once(shared_database: str) -> None:
    env = {**os.environ, "PREPTALK_DATABASE_URL": shared_database}
    replicas = [await _db_upgrade(env) for _ in range(REPLICAS)]
    outcomes = [await replica.communicate() for replica in replicas]
    pairs = zip(replicas, outcomes, strict=True)
    failed = [err.decode()[-600:] for replica, (_, err) in pairs if replica.returncode]
    assert not failed, failed
    assert current_revision(shared_database) == head_revision()


async def _db_upgrade(env: dict[str, str]) -> asyncio.subprocess.Process:
    """`prep-talk db upgrade` in its own process, as each replica's start command runs it."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli.main", "db", "upgrade", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
