"""Slack and Teams as the nudge benchmark sees them: both stand-ins, in a process of their own.

    python -m benchmarks.nudge_stand_ins --workspaces 10 --tenants 10 --rate 83.4 --burst 84

The Slack Web API stand-in (tests/support/slack_api.py) limits chat.postMessage per workspace
and the Bot Connector stand-in (tests/teams/support.py) limits POSTs per tenant, both with a
token bucket of `--rate` messages a second holding at most `--burst`, answering 429 +
Retry-After beyond it. Once listening, one JSON line goes to stdout: the two base URLs. Then
each line read on stdin is a command: `counts` prints what was delivered so far (per Slack
channel posted to and per Teams conversation, refusals, first and last delivery on the
monotonic clock, this process's CPU seconds); `stop`, end of input or `--deadline` ends the
process.

Calls are tallied and dropped every quarter second, so a run of 100,000 nudges does not keep
200,000 recorded calls; the Slack stand-in keeps the messages (a re-claimed nudge looks for
itself in the DM history).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.support.slack_api import Call, SlackApiStandIn, Workspace
from tests.teams.support import BotConnector, ConnectorCall, bot_connector

DRAIN_SECONDS = 0.25


def slack_team(index: int) -> str:
    return f"T0BENCH{index:02d}"


def slack_token(team_id: str) -> str:
    return f"xoxb-bench-{team_id}"


def teams_tenant(index: int) -> str:
    return f"7e570000-0000-4000-8000-{index:012d}"


@dataclass
class Tally:
    """What reached the stand-ins, kept as counts (the calls themselves are dropped)."""

    slack_posts: Counter[str] = field(default_factory=Counter)  # channel posted to -> messages
    teams_posts: Counter[str] = field(default_factory=Counter)  # conversation id -> messages
    refusals: Counter[str] = field(default_factory=Counter)  # "slack 429", "teams 429", ...
    calls: Counter[str] = field(default_factory=Counter)  # Slack method or "teams POST"
    first: float | None = None
    last: float | None = None
    # per rate-limit bucket (a workspace's token, a tenant): [first, last] delivery
    buckets: dict[str, list[float]] = field(default_factory=dict)

    def delivered(self, at: float, bucket: str) -> None:
        self.first = at if self.first is None else min(self.first, at)
        self.last = at if self.last is None else max(self.last, at)
        span = self.buckets.setdefault(bucket, [at, at])
        span[0], span[1] = min(span[0], at), max(span[1], at)

    def slack(self, call: Call) -> None:
        self.calls[call.method] += 1
        if not call.ok:
            self.refusals[f"slack {call.method} {call.status} {call.error}"] += 1
        elif call.method == "chat.postMessage":
            self.slack_posts[str(call.body.get("channel"))] += 1
            self.delivered(call.at, f"slack {call.token}")

    def teams(self, call: ConnectorCall) -> None:
        self.calls[f"teams {call.method}"] += 1
        if call.status != 200:
            self.refusals[f"teams {call.method} {call.status}"] += 1
        elif call.method == "POST":
            conversation = call.path.removeprefix("/v3/conversations/").split("/")[0]
            self.teams_posts[conversation] += 1
            self.delivered(call.at, f"teams {call.tenant}")

    def report(self) -> dict[str, Any]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "slack_posts": dict(self.slack_posts),
            "teams_posts": dict(self.teams_posts),
            "refusals": dict(self.refusals),
            "calls": dict(self.calls),
            "first": self.first,
            "last": self.last,
            "buckets": self.buckets,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "max_rss_kib": usage.ru_maxrss,
        }


@asynccontextmanager
async def stand_ins(
    workspaces: int, tenants: int, rate: float, burst: int
) -> AsyncIterator[tuple[SlackApiStandIn, BotConnector]]:
    async with AsyncExitStack() as stack:
        slack = await stack.enter_async_context(SlackApiStandIn())
        slack.valid_tokens = set()
        for index in range(workspaces):
            team = slack_team(index)
            slack.bind_token(slack_token(team), Workspace(team_id=team, domain=team.lower()))
        slack.rate_limits_per_workspace(rate, burst)
        teams = await stack.enter_async_context(bot_connector())
        teams.limit_per_tenant(rate, burst)
        yield slack, teams


async def drain(slack: SlackApiStandIn, teams: BotConnector, tally: Tally) -> None:
    while True:
        await asyncio.sleep(DRAIN_SECONDS)
        slack_calls, slack.calls = slack.calls, []
        teams_calls, teams.calls = teams.calls, []
        for call in slack_calls:
            tally.slack(call)
        for teams_call in teams_calls:
            tally.teams(teams_call)


async def commands(tally: Tally) -> None:
    """Answer `counts` on stdin until `stop` or end of input."""
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        command = line.strip()
        if not line or command == "stop":
            return
        if command == "counts":
            await asyncio.sleep(2 * DRAIN_SECONDS)  # let the last calls be tallied
            print(json.dumps(tally.report()), flush=True)


async def serve(args: argparse.Namespace) -> None:
    tally = Tally()
    async with stand_ins(args.workspaces, args.tenants, args.rate, args.burst) as (slack, teams):
        print(json.dumps({"slack": slack.url, "teams": teams.url}), flush=True)
        drainer = asyncio.create_task(drain(slack, teams, tally))
        try:
            await asyncio.wait_for(commands(tally), timeout=args.deadline)
        except TimeoutError:
            print("stand-ins: deadline reached, stopping", file=sys.stderr)
        finally:
            drainer.cancel()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspaces", type=int, default=10)
    parser.add_argument("--tenants", type=int, default=10)
    parser.add_argument("--rate", type=float, required=True, help="messages/s per bucket")
    parser.add_argument("--burst", type=int, required=True, help="bucket size")
    parser.add_argument("--deadline", type=float, default=1800, help="seconds before giving up")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
