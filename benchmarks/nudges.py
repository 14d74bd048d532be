"""Quarter-end nudges at scale: the real worker against rate-limited Slack and Teams stand-ins.

    python -m benchmarks.nudges [--users 100000] [--floor 60] [--postgres-url URL]

Half the users are on 10 Slack workspaces, half on 10 Teams tenants, every one with an open
sales prep, so each is due one "quiet window closing" nudge on 2026-11-10 10:00 UTC (their
time zones put that inside working hours). Three processes besides this one:

- PostgreSQL: a throwaway local server (tests/support/postgres.py) unless --postgres-url;
- the stand-ins (benchmarks/nudge_stand_ins.py): the Slack Web API limiting chat.postMessage
  per workspace and the Bot Connector limiting POSTs per tenant, each with a token bucket of
  `rate` messages/s holding `burst` = one second's worth, answering 429 + Retry-After beyond;
- the worker, `python -m bot.cli.main nudges run --once --now 2026-11-10T10:00:00+00:00`,
  configured by environment only, as an operator runs it. Slack is an OAuth app with one
  stored installation (and token) per workspace. Teams runs in local mode
  (PREPTALK_TEAMS_LOCAL=1, no app id): the Bot Framework credentials are then anonymous and
  no token is fetched, so nothing goes to login.microsoftonline.com. PREPTALK_TEAMS_RATE is
  the tenants' limit; Slack has no client-side limit: it honours 429 + Retry-After.

The rate is chosen so the floor is about --floor seconds. The floor is what the busiest bucket
needs at best, (its messages - burst) / rate: buckets refill in parallel. Users, tenants,
preps and Teams references are bulk-inserted with SQLAlchemy Core.

Printed: the floor, the worker's wall time (spawn to exit: imports, planning and delivery)
and their ratio, the span from first to last delivery, the worker's start-up (spawn to
first delivery) and wind-down (last delivery to exit), when each platform's rate-limit
buckets began and how long each took (beside the floor: what pacing lost), duplicates and
losses (messages per user counted at the stand-ins: exactly one each), 429s, the worker's
peak RSS (ru_maxrss from wait4), and CPU seconds of the worker, the stand-ins and the whole
machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from benchmarks.nudge_stand_ins import slack_team, slack_token, teams_tenant
from bot.storage import migrate
from bot.storage.channel_models import SLACK_BOTS, SLACK_INSTALLATIONS, TeamsConversationReference
from bot.storage.models import PrepConversation, Tenant, User
from bot.storage.nudge_models import Nudge

NOW = datetime(2026, 11, 10, 10, tzinfo=UTC)
GOAL_FLOOR_RATIO, GOAL_CPU_MS_PER_NUDGE = 1.05, 0.25
WORKSPACES = 10
TENANTS = 10
# All inside 09:30-17:00 on a working Tuesday at 10:00 UTC.
TIME_ZONES = ("UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Helsinki",
              "Africa/Lagos", "Asia/Dubai")  # fmt: skip
INSERT_BATCH = 5000
CLIENT_ID = "bench.client"
BOT_ID = "28:5a1d0c3e-7b2f-4e8a-9c61-0d4f2b7e8a90"


@dataclass(frozen=True)
class Person:
    index: int

    @property
    def platform(self) -> str:
        return "slack" if self.index % 2 == 0 else "teams"

    @property
    def bucket(self) -> int:
        """Round robin over the workspaces (even indexes) and the tenants (odd ones)."""
        return (self.index // 2) % (WORKSPACES if self.platform == "slack" else TENANTS)

    @property
    def tenant_id(self) -> str:
        return slack_team(self.bucket) if self.platform == "slack" else teams_tenant(self.bucket)

    @property
    def user_id(self) -> str:
        if self.platform == "slack":
            return f"U{self.index:09d}"
        return f"{self.index:08x}-5eed-4000-8000-{self.index:012x}"

    @property
    def delivered_to(self) -> str:
        """Where the stand-ins count the nudge: the Slack user id posted to (the app's DM with
        them) or the Teams conversation."""
        return self.user_id if self.platform == "slack" else f"a:bench-{self.index}"


def people(count: int) -> Iterator[Person]:
    return (Person(index) for index in range(count))


# ---- the database -------------------------------------------------------------------------


async def seed(url: str, count: int, connector_url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(insert(Tenant), _tenant_rows())
            for rows in _batches(_user_rows(count)):
                await connection.execute(insert(User), rows)
            for rows in _batches(_prep_rows(count)):
                await connection.execute(insert(PrepConversation), rows)
            for rows in _batches(_reference_rows(count, connector_url)):
                await connection.execute(insert(TeamsConversationReference), rows)
        await _install_slack(engine)
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text("VACUUM ANALYZE"))
    finally:
        await engine.dispose()


def _tenant_rows() -> list[dict[str, Any]]:
    return [{"platform": "slack", "tenant_id": slack_team(i)} for i in range(WORKSPACES)] + [
        {"platform": "teams", "tenant_id": teams_tenant(i)} for i in range(TENANTS)
    ]


def _user_rows(count: int) -> Iterator[dict[str, Any]]:
    for person in people(count):
        yield {
            "platform": person.platform, "tenant_id": person.tenant_id,
            "user_id": person.user_id, "time_zone": TIME_ZONES[person.index % len(TIME_ZONES)],
        }  # fmt: skip


def _prep_rows(count: int) -> Iterator[dict[str, Any]]:
    started = NOW - timedelta(days=3)
    for person in people(count):
        yield {
            "platform": person.platform, "tenant_id": person.tenant_id,
            "user_id": person.user_id, "stakeholder": "sales", "status": "in_progress",
            "created_at": started, "updated_at": started,
        }  # fmt: skip


def _reference_rows(count: int, connector_url: str) -> Iterator[dict[str, Any]]:
    """What the Teams channel stores from a user's first message, pointing at the stand-in."""
    for person in people(count):
        if person.platform != "teams":
            continue
        reference = {
            "activityId": f"1764{person.index:09d}",
            "user": {"id": f"29:bench-{person.index}", "aadObjectId": person.user_id},
            "bot": {"id": BOT_ID, "name": "prep-talk"},
            "conversation": {
                "conversationType": "personal",
                "tenantId": person.tenant_id,
                "id": person.delivered_to,
            },
            "channelId": "msteams",
            "locale": "en-US",
            "serviceUrl": connector_url,
        }
        yield {
            "platform": "teams", "tenant_id": person.tenant_id, "user_id": person.user_id,
            "reference": reference, "time_zone": TIME_ZONES[person.index % len(TIME_ZONES)],
        }  # fmt: skip


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == INSERT_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def _install_slack(engine: AsyncEngine) -> None:
    """One installation per workspace, as the OAuth flow stores it."""
    store = AsyncSQLAlchemyInstallationStore(
        client_id=CLIENT_ID,
        engine=engine,
        bots_table_name=SLACK_BOTS,
        installations_table_name=SLACK_INSTALLATIONS,
    )
    for index in range(WORKSPACES):
        team = slack_team(index)
        await store.async_save(
            Installation(
                app_id="A0PREP",
                team_id=team,
                bot_token=slack_token(team),
                bot_id="BBOT",
                bot_user_id="UBOT",
                bot_scopes="chat:write,im:write",
                user_id="U0ADMIN",
            )
        )


async def postmaster_pid(url: str) -> int:
    """The PostgreSQL server's process: the parent of our connection's backend."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            backend = int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())
            return _stat(backend)[1]  # while the backend lives
    finally:
        await engine.dispose()


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process, its reaped children and its live children (PostgreSQL's
    server forks a backend per connection)."""
    ticks = os.sysconf("SC_CLK_TCK")
    _ppid, own, reaped = _stat(pid)[1:]
    live = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                _, ppid, child, _ = _stat(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                continue
            live += child if ppid == pid else 0
    return (own + reaped + live) / ticks


def _stat(pid: int) -> tuple[int, int, int, int]:
    """(pid, parent pid, own CPU ticks, reaped children's CPU ticks) from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return pid, int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


async def outbox_statuses(url: str) -> dict[str, int]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            query = select(Nudge.status, func.count()).group_by(Nudge.status)
            return {status: int(n) for status, n in (await connection.execute(query)).all()}
    finally:
        await engine.dispose()


# ---- processes ----------------------------------------------------------------------------


class StandIns:
    """The stand-in process: started, asked for counts, stopped."""

    def __init__(self, rate: float, burst: int, deadline: float) -> None:
        command = [
            sys.executable, "-m", "benchmarks.nudge_stand_ins", "--workspaces", str(WORKSPACES),
            "--tenants", str(TENANTS), "--rate", str(rate), "--burst", str(burst),
            "--deadline", str(deadline),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        urls = json.loads(self._read_line())
        self.slack_url, self.teams_url = urls["slack"], urls["teams"]

    def counts(self) -> dict[str, Any]:
        self._stdin().write("counts\n")
        self._stdin().flush()
        counts: dict[str, Any] = json.loads(self._read_line())
        return counts

    def stop(self) -> None:
        if self.process.poll() is None:
            self._stdin().close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _stdin(self) -> IO[str]:
        assert self.process.stdin is not None
        return self.process.stdin

    def _read_line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the stand-in process ended early")
        return line


@dataclass(frozen=True)
class WorkerRun:
    spawned_at: float  # time.monotonic(), the clock the stand-ins stamp deliveries with
    exited_at: float
    wall: float
    exit_code: int
    max_rss_kib: int
    cpu_seconds: float
    machine_busy_seconds: float
    output: str
    errors: str


def run_worker(
    env: dict[str, str], workdir: Path, timeout: float, profile: str | None = None
) -> WorkerRun:
    """Spawn the worker, wait for it (killing it after `timeout`), and measure it."""
    command = [sys.executable, "-m", "bot.cli.main", "nudges", "run", "--once",
               "--now", NOW.isoformat()]  # fmt: skip
    if profile:
        py_spy = Path(sys.executable).with_name("py-spy")
        command = [str(py_spy), "record", "--format", "raw", "--rate", "200",
                   "--output", profile, "--", *command]  # fmt: skip
    out_path, err_path = workdir / "worker.out", workdir / "worker.err"
    with out_path.open("w") as out, err_path.open("w") as err:
        busy_before = machine_busy_seconds()
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=out, stderr=err)
        watchdog = threading.Timer(timeout, process.kill)
        watchdog.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            watchdog.cancel()
        exited = time.monotonic()
        busy = machine_busy_seconds() - busy_before
    process.returncode = os.waitstatus_to_exitcode(status)
    return WorkerRun(
        spawned_at=started,
        exited_at=exited,
        wall=exited - started,
        exit_code=process.returncode,
        max_rss_kib=usage.ru_maxrss,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        machine_busy_seconds=busy,
        output=out_path.read_text(),
        errors=err_path.read_text(),
    )


def machine_busy_seconds() -> float:
    """CPU seconds spent by every process on the machine since boot (from /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def worker_env(url: str, stand_ins: StandIns, rate: float) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "VIRTUAL_ENV", "PYTHONPATH")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    return env | {
        "PREPTALK_DATABASE_URL": url,
        "PREPTALK_PLAYGROUND": "false",
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": "bench-client-secret",
        "SLACK_SIGNING_SECRET": "bench-signing-secret",
        "SLACK_API_URL": stand_ins.slack_url,
        "PREPTALK_TEAMS_LOCAL": "1",
        "PREPTALK_HOST": "127.0.0.1",
        "PREPTALK_TEAMS_RATE": f"{rate:.6f}",
    }


# ---- the run ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    rate: float
    burst: int
    floor: float

    @classmethod
    def for_floor(cls, count: int, floor: float) -> Limits:
        """A rate per bucket that makes the busiest bucket need about `floor` seconds."""
        busiest = math.ceil(count / (WORKSPACES + TENANTS))
        rate = busiest / floor
        burst = max(1, math.ceil(rate))
        return cls(rate, burst, max(0.0, (busiest - burst) / rate))


def check_deliveries(count: int, counts: dict[str, Any]) -> tuple[int, int, int]:
    """(duplicates, losses, strays): messages beyond one per user, users with none, and
    messages to nobody we seeded."""
    delivered: dict[str, int] = {**counts["slack_posts"], **counts["teams_posts"]}
    expected = {person.delivered_to for person in people(count)}
    duplicates = sum(n - 1 for n in delivered.values() if n > 1)
    losses = sum(1 for where in expected if delivered.get(where, 0) == 0)
    strays = sum(n for where, n in delivered.items() if where not in expected)
    return duplicates, losses, strays


def bucket_spans(buckets: dict[str, list[float]], first: float) -> str:
    """When each platform's rate-limit buckets (workspaces, tenants) began and ended, after
    the first delivery: the latest to begin and to end say what stretched the run."""
    lines = []
    for platform in ("slack", "teams"):
        mine = [span for key, span in buckets.items() if key.startswith(platform)]
        if not mine:
            continue
        began = sorted(start - first for start, _end in mine)
        spans = sorted(end - start for start, end in mine)
        lines.append(
            f"{platform} buckets: began {began[0]:.2f}-{began[-1]:.2f} s after the "
            f"first delivery, each took {spans[0]:.1f}-{spans[-1]:.1f} s"
        )
    return " | ".join(lines) or "no deliveries"


def report(count: int, limits: Limits, run: WorkerRun, counts: dict[str, Any],
           statuses: dict[str, int], postgres_cpu: float) -> bool:  # fmt: skip
    duplicates, losses, strays = check_deliveries(count, counts)
    refusals = counts["refusals"]
    slack_429 = sum(n for key, n in refusals.items() if key.startswith("slack") and " 429 " in key)
    teams_429 = sum(n for key, n in refusals.items() if key.startswith("teams") and "429" in key)
    others = {k: n for k, n in refusals.items() if "429" not in k}
    span = (counts["last"] or 0) - (counts["first"] or 0)
    ratio = run.wall / limits.floor if limits.floor else float("inf")
    cores = os.cpu_count() or 1
    summary = run.output.strip().splitlines()[-1] if run.output.strip() else "(no output)"
    print(f"users {count:,}: {count - count // 2:,} Slack on {WORKSPACES} workspaces, "
          f"{count // 2:,} Teams on {TENANTS} tenants; limit {limits.rate:.1f} messages/s "
          f"per workspace and per tenant, burst {limits.burst}")  # fmt: skip
    print(f"floor {limits.floor:.1f} s | worker wall {run.wall:.1f} s = {ratio:.3f} x floor "
          f"| first to last delivery {span:.1f} s")  # fmt: skip
    if counts["first"] is not None and counts["last"] is not None:
        print(
            f"worker start-up (spawn to first delivery) {counts['first'] - run.spawned_at:.2f} s"
            f", wind-down (last delivery to exit) {run.exited_at - counts['last']:.2f} s"
        )
        print(bucket_spans(counts["buckets"], counts["first"]))
    print(f"duplicates {duplicates}, losses {losses}, strays {strays} | 429s: Slack "
          f"{slack_429}, Teams {teams_429} | other refusals {others or 'none'}")  # fmt: skip
    print(f"outbox {statuses} | worker says: {summary}")
    ours = run.cpu_seconds + counts["cpu_seconds"] + postgres_cpu
    print(f"peak RSS of the worker {run.max_rss_kib / 1024:.0f} MiB | CPU seconds: worker "
          f"{run.cpu_seconds:.1f}, stand-ins {counts['cpu_seconds']:.1f}, PostgreSQL "
          f"{postgres_cpu:.1f}; whole machine {run.machine_busy_seconds:.1f} of "
          f"{run.wall * cores:.1f} ({cores} cores), of which other processes "
          f"{max(0.0, run.machine_busy_seconds - ours):.1f}")  # fmt: skip
    if run.exit_code != 0:
        print(f"worker exit code {run.exit_code}; stderr tail:\n{run.errors[-3000:]}")
    per_nudge_ms = run.cpu_seconds / count * 1000 if count else float("inf")
    met = (
        ratio <= GOAL_FLOOR_RATIO
        and per_nudge_ms <= GOAL_CPU_MS_PER_NUDGE
        and duplicates == losses == strays == 0
    )
    print(f"worker CPU {per_nudge_ms:.3f} ms per nudge | goal (<= {GOAL_FLOOR_RATIO} x floor, "
          f"<= {GOAL_CPU_MS_PER_NUDGE} ms of worker CPU per nudge, no duplicates, no losses): "
          f"{'met' if met else 'NOT met'}")  # fmt: skip
    return met


def run(args: argparse.Namespace) -> bool:
    from tests.support.postgres import TempPostgres

    limits = Limits.for_floor(args.users, args.floor)
    server = None if args.postgres_url else TempPostgres().start()
    stand_ins = None
    try:
        url = server.url if server else args.postgres_url
        migrate.upgrade(url)
        stand_ins = StandIns(limits.rate, limits.burst, deadline=args.timeout + 600)
        began = time.perf_counter()
        asyncio.run(seed(url, args.users, stand_ins.teams_url))
        print(f"seeded {args.users:,} users in {time.perf_counter() - began:.1f} s", flush=True)
        postgres = asyncio.run(postmaster_pid(url))
        postgres_before = tree_cpu_seconds(postgres)
        with tempfile.TemporaryDirectory(prefix="nudge-bench-") as workdir:
            env = worker_env(url, stand_ins, limits.rate)
            worker = run_worker(env, Path(workdir), args.timeout, args.profile)
        postgres_cpu = tree_cpu_seconds(postgres) - postgres_before
        counts = stand_ins.counts()
        statuses = asyncio.run(outbox_statuses(url))
        return report(args.users, limits, worker, counts, statuses, postgres_cpu)
    finally:
        if stand_ins is not None:
            stand_ins.stop()
        if server is not None:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--floor", type=float, default=60.0, help="seconds the limits impose")
    parser.add_argument("--timeout", type=float, default=900.0, help="kill the worker after")
    parser.add_argument("--postgres-url", help="an empty database to use (and leave behind)")
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="run the worker under py-spy (installed separately), writing raw stacks to FILE; "
        "its RSS and CPU figures are then py-spy's",
    )
    args = parser.parse_args()
    sys.exit(0 if run(args) else 1)


if __name__ == "__main__":
    main()
