"""Full preps through the coach service on SQLite and PostgreSQL, beside the pure engine.

    python -m benchmarks.engine_turns [--preps 60] [--postgres-url URL] [--skip-postgres]

Prints, per backend: turns per second, p50/p99 turn latency, CPU time per turn (all of this
process's threads: the SQLite driver runs in one of its own), SQL statements and commits per
turn, and peak memory (RSS high-water mark). Commits are durable: SQLite keeps its default
synchronous=FULL and PostgreSQL its default fsync/synchronous_commit. Without --postgres-url
a throwaway local PostgreSQL is started (tests/support/postgres.py).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.coach import Coach
from bot.engine import flow
from bot.engine.context import CoachContext
from bot.engine.messages import Command, Inbound
from bot.runtime import open_coach
from bot.settings import Settings
from bot.storage import migrate
from bot.users import UserRef

NOW = datetime(2026, 11, 27, 10, tzinfo=UTC)
SCRIPT = [
    Inbound(text="They see the training as generic IT content."),
    Inbound(text="No manager follows up on it."),
    Inbound(choice="next"),
    Inbound(choice="q1"),
    Inbound(text="What would make the course worth your team's time?"),
    Inbound(choice="next"),
    Inbound(text="Sales complete a short course before the quarter push, so deals stay safe."),
    Inbound(choice="next"),
    Inbound(text="2027-01-12"),
    Inbound(choice="next"),
    Inbound(text="Your sellers work from hotels and airports. We need MFA for customer files."),
    Inbound(text="Your sellers work from hotels and airports. I want customer files safe."),
    Inbound(choice="next"),
    Inbound(text="Customers trust us with their data; that trust wins renewals."),
    Inbound(choice="next"),
]


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Run:
    """What a series of turns took: each turn's latency, the wall and CPU time in all, and
    the SQL statements and commits the database saw."""

    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    cpu: float = 0.0
    statements: int = 0
    commits: int = 0


def report(name: str, run: Run) -> None:
    ms, turns = [s * 1000 for s in run.latencies], len(run.latencies)
    line = (
        f"{name:<22} turns={turns:>5}  turns/s={turns / run.wall:>8.1f}  "
        f"p50={statistics.median(ms):6.2f} ms  p99={percentile(ms, 0.99):6.2f} ms  "
        f"CPU={run.cpu / turns * 1000:5.2f} ms/turn"
    )
    if run.statements:
        per_turn = run.statements / turns, run.commits / turns
        line += f"  statements={per_turn[0]:.1f}/turn  commits={per_turn[1]:.1f}/turn"
    print(line)


@contextmanager
def measured(engine: AsyncEngine | None = None) -> Iterator[Run]:
    """Times what runs inside, and counts the statements and commits `engine` sees."""
    run = Run()

    def statement(*_args: Any) -> None:
        run.statements += 1

    def commit(*_args: Any) -> None:
        run.commits += 1

    hooks = [("before_cursor_execute", statement), ("commit", commit)] if engine else []
    for name, hook in hooks:
        event.listen(engine.sync_engine, name, hook)  # type: ignore[union-attr]
    started, cpu = time.perf_counter(), time.process_time()
    try:
        yield run
    finally:
        run.wall, run.cpu = time.perf_counter() - started, time.process_time() - cpu
        for name, hook in hooks:
            event.remove(engine.sync_engine, name, hook)  # type: ignore[union-attr]


def engine_alone(coach: Coach, preps: int, latencies: list[float]) -> None:
    book = coach.playbooks.find("sales")
    assert book is not None
    for _ in range(preps):
        ctx = CoachContext(
            NOW, book, coach.glossary, coach.templates.brief, coach.templates.debrief
        )
        tick = time.perf_counter()
        turn = flow.begin("sales", ctx)
        latencies.append(time.perf_counter() - tick)
        state = turn.state
        for inbound in SCRIPT:
            tick = time.perf_counter()
            state = flow.advance(state, inbound, ctx).state
            latencies.append(time.perf_counter() - tick)
        assert state.status.value == "briefed"


async def through_coach(coach: Coach, preps: int, tag: str, latencies: list[float]) -> None:
    for number in range(preps):
        user = UserRef("local", "bench", f"{tag}{number}")
        for inbound in [Inbound(command=Command.START, argument="sales"), *SCRIPT]:
            tick = time.perf_counter()
            replies = await coach.handle(user, inbound)
            latencies.append(time.perf_counter() - tick)
        assert replies[-1].step.value == "brief", replies[-1]


async def measure(url: str, preps: int, name: str, with_engine: bool) -> None:
    migrate.upgrade(url)
    settings = Settings(database_url=url)
    async with open_coach(settings) as coach:
        coach.clock = lambda: NOW
        coach.warm_up()  # as a server does before it listens
        await through_coach(coach, 2, "warm", [])  # first-use costs: connections, parsers
        if with_engine:
            with measured() as run:
                engine_alone(coach, preps, run.latencies)
            report("engine alone", run)
        with measured(coach.engine) as run:
            await through_coach(coach, preps, "u", run.latencies)
        report(f"coach on {name}", run)


def run(preps: int, postgres_url: str | None, skip_postgres: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        sqlite_url = f"sqlite+preptalk:///{Path(folder) / 'bench.db'}"
        asyncio.run(measure(sqlite_url, preps, "SQLite", with_engine=True))
    if not skip_postgres:
        with_postgres(postgres_url, lambda url: measure(url, preps, "PostgreSQL", False))
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS high-water mark of this process): {rss_mib:.0f} MiB")


def with_postgres(url: str | None, work: Callable[[str], Awaitable[None]]) -> None:
    if url:
        asyncio.run(work(url))
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.support.postgres import TempPostgres

    with TempPostgres() as server:
        asyncio.run(work(server.url))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preps", type=int, default=60)
    parser.add_argument("--postgres-url")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    run(args.preps, args.postgres_url, args.skip_postgres)


if __name__ == "__main__":
    main()
