"""Slack turns end to end: simulated users run whole preps against a real `prep-talk serve`.

    python -m benchmarks.slack_turns [--users 50] [--postgres] [--rounds 1]

N users at once (default 50) each run a full sales prep — slash command, DM answers, button
clicks, 14 turns to the brief — as signed HTTP requests to a `prep-talk serve` subprocess
whose Web API calls go to a Slack stand-in in this process. Then the same load goes to a
bare Bolt app that only acks and echoes (benchmarks/bare_bolt_echo.py, a second subprocess).

Printed per app: ack latency (request sent -> HTTP response), turn latency (request sent ->
the bot's reply for that user reaching the stand-in, by the stand-in's arrival clock),
p50/p99, completed turns per second; then the ratio and the issue's goals (throughput at
least 50% of the echo, p99 ack under 100 ms, p99 turn under 500 ms). SQLite by default;
--postgres runs on a throwaway PostgreSQL (tests/support/postgres.py). The database is
migrated with `prep-talk db upgrade` first. Loopback only; every wait has a deadline. Run it
from the repository root (it uses the Slack stand-in and request builders under tests/).

With --rounds N both servers stay up and each is loaded N times in turn (new users each
time); every round is printed, then the median ratio, CPU per turn and turn p99.

Also printed: each server's CPU time per turn and share of one core during the load (from
/proc), and the Web API calls it made per turn — what explains a gap to the echo.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

import aiohttp

from tests.support.postgres import TempPostgres, free_port
from tests.support.slack_api import Call, SlackApiStandIn
from tests.support.slack_requests import (
    block_actions_body,
    checklist_submit_body,
    event_body,
    message_im_event,
    signed_headers,
    slash_command_body,
)

SECRET = "benchmark-signing-secret-0123456789"
BOT_TOKEN = "xoxb-benchmark"
ECHO_SCRIPT = Path(__file__).resolve().parent / "bare_bolt_echo.py"
START_SECONDS = 60.0
TURN_SECONDS = 30.0
STOP_SECONDS = 10.0
GOAL_THROUGHPUT_SHARE, GOAL_ACK_P99_MS, GOAL_TURN_P99_MS = 0.5, 100.0, 500.0


@dataclass(frozen=True)
class Step:
    """One thing a user does: `command` words, `say` text in the DM, `click` a choice, or
    `tick` one in a checklist and submit it."""

    kind: str
    text: str


SCRIPT = [
    Step("command", "sales"),
    Step("say", "They see the training as generic IT content"),
    Step("click", "next"),
    Step("tick", "q1"),
    Step("click", "next"),
    Step("say", "Sales finish the course so deals stay safe on the road"),
    Step("click", "next"),
    Step("click", "suggest"),
    Step("click", "next"),
    Step("say", "We need MFA on every laptop."),
    Step("say", "Your sellers work from hotels. I want customer files safe."),
    Step("click", "next"),
    Step("say", "Customer trust wins renewals."),
    Step("click", "next"),
]


class ReplyWatch(SlackApiStandIn):
    """The stand-in, plus a future per DM channel resolved by the next message posted there.

    The stand-in's `wait_for` rescans every call for every waiter on each arrival; with 50
    waiters that would slow the very server whose arrival times we measure.
    """

    def __init__(self) -> None:
        super().__init__()
        self._next_reply: dict[str, asyncio.Future[Call]] = {}

    def expect_reply(self, channel: str) -> asyncio.Future[Call]:
        future: asyncio.Future[Call] = asyncio.get_running_loop().create_future()
        self._next_reply[channel] = future
        return future

    async def _record(self, call: Call) -> None:
        self.calls.append(call)  # no Condition: nobody here uses wait_for
        if call.method == "chat.postMessage" and call.ok:
            channel = str(call.body.get("channel"))
            if channel[:1] in ("U", "W"):  # posted to a user id: Slack puts it in their DM
                channel = f"D{channel}"
            future = self._next_reply.pop(channel, None)
            if future is not None and not future.done():
                future.set_result(call)


@dataclass
class Load:
    """What one app did under the load."""

    name: str
    acks_ms: list[float] = field(default_factory=list)
    turns_ms: list[float] = field(default_factory=list)
    wall_s: float = 0.0  # from the first request to the last reply that arrived
    last_reply_at: float = 0.0
    cpu_s: float | None = None  # the server's CPU time during the measured load
    api_calls: Counter[str] = field(default_factory=Counter)  # Web API methods it called
    server_errors: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    finished_preps: int = 0

    @property
    def turns_per_s(self) -> float:
        return len(self.turns_ms) / self.wall_s if self.wall_s else 0.0

    def cpu_ms_per_turn(self) -> float:
        if self.cpu_s is None or not self.turns_ms:
            return float("nan")
        return self.cpu_s / len(self.turns_ms) * 1000

    def cpu_text(self) -> str:
        if self.cpu_s is None or not self.turns_ms:
            return "server CPU n/a"
        busy = self.cpu_s / self.wall_s if self.wall_s else 0.0
        return f"server CPU {self.cpu_ms_per_turn():.1f} ms per turn, {busy:.0%} of one core"


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


# ---- the servers -------------------------------------------------------------------------


def child_env(api: SlackApiStandIn, database_url: str) -> dict[str, str]:
    """Our settings only: nothing SLACK_/PREPTALK_/MICROSOFT_ leaks in from this shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PREPTALK_"))}
    env = {k: v for k, v in env.items() if not k.startswith("MICROSOFT_")}
    env.update(
        PREPTALK_DATABASE_URL=database_url,
        PREPTALK_PLAYGROUND="false",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api.url,
    )
    return env


def upgrade_database(env: dict[str, str], workdir: Path) -> None:
    """`prep-talk db upgrade`, as an operator would run it before starting the server."""
    subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "db", "upgrade"],
        env=env,
        cwd=workdir,
        check=True,
        capture_output=True,
        timeout=START_SECONDS,
    )


@dataclass(frozen=True)
class Server:
    """A server subprocess: where it listens, and its process id (for its CPU time)."""

    base: str
    pid: int
    log: Path

    def errors(self, limit: int = 12) -> list[str]:
        """The first error lines the server logged (to explain failed turns)."""
        lines = self.log.read_text(errors="replace").splitlines()
        return [line for line in lines if "ERROR" in line or "Error" in line][:limit]

    def cpu_seconds(self) -> float | None:
        """User + system CPU time the process has used so far (Linux /proc; else None)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@asynccontextmanager
async def running(
    name: str, command: list[str], env: dict[str, str], workdir: Path
) -> AsyncIterator[Server]:
    """A server subprocess on a free loopback port, yielded once /healthz answers."""
    port = free_port()
    log = workdir / f"{name}.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *command, "--port", str(port),
            env=env, cwd=workdir, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_healthy(base, process, log)
        yield Server(base, process.pid, log)
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                async with asyncio.timeout(STOP_SECONDS):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()


async def wait_healthy(base: str, process: asyncio.subprocess.Process, log: Path) -> None:
    async with aiohttp.ClientSession() as session, asyncio.timeout(START_SECONDS):
        while process.returncode is None:
            try:
                async with session.get(f"{base}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)  # polling a process we started, not synchronising a test
    raise RuntimeError(f"server exited ({process.returncode}):\n{tail(log)}")


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


# ---- the users ---------------------------------------------------------------------------


def button_value(message: dict[str, Any], choice: str) -> str:
    """The value of the button for `choice` in the bot's reply (what a click sends back)."""
    for block in message.get("blocks") or []:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if json.loads(element["value"]).get("c") == choice:
                return str(element["value"])
    raise LookupError(f"no {choice!r} button in the reply")


def request_body(step: Step, user: str, api: SlackApiStandIn, reply: dict[str, Any]) -> str:
    if step.kind == "command":
        return slash_command_body(
            step.text, user_id=user, response_url=api.response_url(f"cmd-{user}")
        )
    if step.kind == "say":
        return event_body(message_im_event(user, step.text))
    response_url = api.response_url(f"click-{user}")
    if step.kind == "tick" and reply.get("blocks"):  # the echo has no checklist to tick
        submit = button_value(reply, "@picked")
        return checklist_submit_body(
            reply, [step.text], submit, user_id=user, response_url=response_url
        )
    value = button_value(reply, step.text) if reply.get("blocks") else json.dumps({"c": step.text})
    return block_actions_body("choice-0", value, user_id=user, response_url=response_url)


async def one_user(
    user: str, base: str, api: ReplyWatch, session: aiohttp.ClientSession, load: Load
) -> None:
    """Run the script as one person: each step waits for the bot's reply to the last."""
    reply: dict[str, Any] = {}
    for number, step in enumerate(SCRIPT, 1):
        try:
            body = request_body(step, user, api, reply)
        except LookupError as error:  # the bot did not offer the expected button
            load.failures.append(f"{user} step {number}: {error}")
            return
        expected = api.expect_reply(f"D{user}")
        sent = time.monotonic()
        async with session.post(
            f"{base}/slack/events", data=body, headers=signed_headers(body, SECRET)
        ) as response:
            await response.read()
            acked = time.monotonic()
        if response.status != 200:
            load.failures.append(f"{user} step {number}: HTTP {response.status}")
            return
        try:
            async with asyncio.timeout(TURN_SECONDS):
                call = await expected
        except TimeoutError:
            load.failures.append(f"{user} step {number}: no reply in {TURN_SECONDS:.0f}s")
            return
        load.acks_ms.append((acked - sent) * 1000)
        load.turns_ms.append((call.at - sent) * 1000)
        load.last_reply_at = max(load.last_reply_at, call.at)
        reply = call.body
    if "Prep brief" in json.dumps(reply):
        load.finished_preps += 1


async def drive(name: str, server: Server, api: ReplyWatch, users: int, tag: str) -> Load:
    """One warm-up user, then `users` at once; wall time runs from first send to last reply."""
    connector = aiohttp.TCPConnector(limit=users + 10)
    async with aiohttp.ClientSession(connector=connector) as session:
        await one_user(f"U{tag}WARM", server.base, api, session, Load("warm-up"))
        load = Load(name)
        mark, cpu_before, started = api.mark(), server.cpu_seconds(), time.monotonic()
        await asyncio.gather(
            *(one_user(f"U{tag}{n:05d}", server.base, api, session, load) for n in range(users))
        )
        # A user who got no reply must not stretch the clock by the whole reply deadline.
        load.wall_s = max(load.last_reply_at, started) - started
        cpu_after = server.cpu_seconds()
        load.api_calls.update(c.method for c in api.calls[mark:] if c.method != "response_url")
    if cpu_before is not None and cpu_after is not None:
        load.cpu_s = cpu_after - cpu_before
    if load.failures:
        load.server_errors = server.errors()
    return load


# ---- the run -----------------------------------------------------------------------------


def report(backend: str, users: int, ours: Load, echo: Load) -> None:
    load_1m, cores = os.getloadavg()[0], os.cpu_count()
    print(f"\n{backend}: {users} users at once, {len(SCRIPT)} turns each (a full prep)")
    print(f"machine: {cores} CPUs, load average {load_1m:.1f} (this run included)")
    print(f"{'':<17}{'turns':>6}{'turns/s':>9}{'ack p50':>10}{'ack p99':>10}", end="")
    print(f"{'turn p50':>10}{'turn p99':>10}  Web API calls per turn")
    for load in (ours, echo):
        calls = sum(load.api_calls.values()) / max(1, len(load.turns_ms))
        latencies = [percentile(samples, share) for samples in (load.acks_ms, load.turns_ms)
                     for share in (0.5, 0.99)]  # fmt: skip
        print(
            f"{load.name:<17}{len(load.turns_ms):>6}{load.turns_per_s:>9.1f}"
            + "".join(f"{value:>7.1f} ms" for value in latencies)
            + f"  {calls:.1f}"
        )
    share = ours.turns_per_s / echo.turns_per_s if echo.turns_per_s else 0.0
    ack99, turn99 = percentile(ours.acks_ms, 0.99), percentile(ours.turns_ms, 0.99)
    print(f"prep-talk / echo: throughput {share:.2f}")
    goals = [
        (f"throughput ≥ {GOAL_THROUGHPUT_SHARE:.0%} of echo", share >= GOAL_THROUGHPUT_SHARE),
        (f"p99 ack < {GOAL_ACK_P99_MS:.0f} ms", ack99 < GOAL_ACK_P99_MS),
        (f"p99 turn < {GOAL_TURN_P99_MS:.0f} ms", turn99 < GOAL_TURN_P99_MS),
    ]
    print("goals: " + "; ".join(f"{text} {'met' if ok else 'MISSED'}" for text, ok in goals))
    for load in (ours, echo):
        print(f"{load.name}: {load.cpu_text()}; {dict(load.api_calls.most_common())}")
    print(f"preps finished to the brief: {ours.finished_preps}/{users}")
    for load in (ours, echo):
        for failure in load.failures[:5]:
            print(f"  {load.name} failure: {failure}")
        for line in load.server_errors:
            print(f"  {load.name} log: {line[:300]}")


async def measure(backend: str, database_url: str, users: int, rounds: int, workdir: Path) -> None:
    """Both servers run side by side; each round loads prep-talk, then the echo, with new
    users (prep-talk's database keeps the earlier rounds' preps)."""
    loads: list[tuple[Load, Load]] = []
    async with ReplyWatch() as api:
        env = child_env(api, database_url)
        upgrade_database(env, workdir)
        serve = [sys.executable, "-m", "bot.cli.main", "serve"]
        echo_app = [sys.executable, str(ECHO_SCRIPT)]
        async with (
            running("prep-talk", serve, env, workdir) as ours_server,
            running("echo", echo_app, env, workdir) as echo_server,
        ):
            for number in range(rounds):
                ours = await drive("prep-talk serve", ours_server, api, users, f"P{number}")
                echo = await drive("bare Bolt echo", echo_server, api, users, f"E{number}")
                loads.append((ours, echo))
    for number, (ours, echo) in enumerate(loads, 1):
        if rounds > 1:
            print(f"\n--- round {number} of {rounds}")
        report(backend, users, ours, echo)
    if rounds > 1:
        summarise(loads)


def summarise(loads: list[tuple[Load, Load]]) -> None:
    """The median round by round: the machine's noise moves both apps, so the ratios of a
    round are steadier than either app's own figures across rounds."""
    shares = [ours.turns_per_s / echo.turns_per_s for ours, echo in loads if echo.turns_per_s]
    cpu = [(ours.cpu_ms_per_turn(), echo.cpu_ms_per_turn()) for ours, echo in loads]
    p99 = [percentile(ours.turns_ms, 0.99) for ours, _echo in loads]
    print(f"\nmedian of {len(loads)} rounds: throughput / echo {median(shares):.2f} "
          f"(rounds {', '.join(f'{s:.2f}' for s in shares)}); "
          f"server CPU per turn {median(c[0] for c in cpu):.1f} ms, echo "
          f"{median(c[1] for c in cpu):.1f} ms; turn p99 {median(p99):.0f} ms")  # fmt: skip


@contextmanager
def database(postgres: bool, workdir: Path) -> Iterator[tuple[str, str]]:
    """(backend name, URL): a SQLite file here, or a throwaway PostgreSQL database."""
    if not postgres:
        yield "SQLite", f"sqlite:///{workdir / 'bench.db'}"
        return
    with TempPostgres() as server:
        yield "PostgreSQL", server.url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--rounds", type=int, default=1, help="loads of each app, interleaved")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="slack-turns-") as folder:
        workdir = Path(folder)
        with database(args.postgres, workdir) as (backend, url):
            asyncio.run(measure(backend, url, max(1, args.users), max(1, args.rounds), workdir))


if __name__ == "__main__":
    main()
