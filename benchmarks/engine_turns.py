"""Full preps through the coach service on SQLite and PostgreSQL, beside the pure engine.

    python -m benchmarks.engine_turns [--preps 60] [--postgres-url URL] [--skip-postgres]

Prints, per backend: turns per second, p50/p99 turn latency, and peak memory (RSS high-water
mark). Commits are durable: SQLite keeps its default synchronous=FULL
and PostgreSQL its default fsync/synchronous_commit. Without --postgres-url a throwaway local
PostgreSQL is started (tests/support/postgres.py).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

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


def report(name: str, latencies: list[float], wall: float) -> None:
    ms = [s * 1000 for s in latencies]
    print(
        f"{name:<22} turns={len(ms):>5}  turns/s={len(ms) / wall:>8.1f}  "
        f"p50={statistics.median(ms):6.2f} ms  p99={percentile(ms, 0.99):6.2f} ms"
    )


def engine_alone(coach: Coach, preps: int) -> tuple[list[float], float]:
    book = coach.playbooks.find("sales")
    assert book is not None
    latencies: list[float] = []
    started = time.perf_counter()
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
    return latencies, time.perf_counter() - started


async def through_coach(coach: Coach, preps: int, tag: str) -> tuple[list[float], float]:
    latencies: list[float] = []
    started = time.perf_counter()
    for number in range(preps):
        user = UserRef("local", "bench", f"{tag}{number}")
        for inbound in [Inbound(command=Command.START, argument="sales"), *SCRIPT]:
            tick = time.perf_counter()
            replies = await coach.handle(user, inbound)
            latencies.append(time.perf_counter() - tick)
        assert replies[-1].step.value == "brief", replies[-1]
    return latencies, time.perf_counter() - started


async def measure(url: str, preps: int, name: str, with_engine: bool) -> None:
    migrate.upgrade(url)
    settings = Settings(database_url=url)
    async with open_coach(settings) as coach:
        coach.clock = lambda: NOW
        await through_coach(coach, 2, "warm")  # first-use costs: connections, parsers
        if with_engine:
            report("engine alone", *engine_alone(coach, preps))
        report(f"coach on {name}", *await through_coach(coach, preps, "u"))


def run(preps: int, postgres_url: str | None, skip_postgres: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        sqlite_url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
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
