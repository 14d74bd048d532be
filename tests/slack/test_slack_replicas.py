"""Two `prep-talk serve` replicas and a nudge worker share one PostgreSQL, as in
deploy/compose.yaml and deploy/kubernetes/: Slack turns alternate between the replicas and
each is answered once, in order; the worker then nudges each person once about their prep."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.slack.conftest import BOT_TOKEN, SECRET
from tests.slack.test_slack_crash import (
    PEOPLE,
    Burst,
    all_acked_answered,
    assert_each_acked_turn_answered_once_in_order,
    postgres_url,
    serve,
    servers,
    until_settled,
)
from tests.support.server_process import server_env
from tests.support.slack_api import SlackApiStandIn
from tests.support.slack_requests import TEAM_ID
from tests.support.worker import worker_process

__all__ = ["postgres_url", "servers"]  # fixtures shared with the crash tests

# Tuesday 10 November 2026, 11:00 in Paris (the stand-in's users): sales' year-end push
# starts on 20 November, so every open sales prep is due a "quiet window closing" nudge.
NUDGE_TIME = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
NUDGE_EVENT = "prep_talk_nudge"


@pytest.mark.postgres
async def test_two_replicas_and_a_worker_share_one_postgresql(
    postgres_url: str, slack_api: SlackApiStandIn, servers: AsyncExitStack, tmp_path: Path
) -> None:
    env = server_env(postgres_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET,
                     SLACK_API_URL=slack_api.url, PREPTALK_LOG_FORMAT="json")  # fmt: skip
    first = await serve(servers, env, tmp_path / "first.log")
    second = await serve(servers, env, tmp_path / "second.log")
    burst = Burst([first.url, second.url], on_ack=0)
    await burst.run(slack_api)
    await slack_api.wait_for(all_acked_answered(burst), timeout=120)
    await until_settled(postgres_url)
    assert_each_acked_turn_answered_once_in_order(burst, slack_api.calls)
    turns = [entry for entry in _log_entries(tmp_path) if entry["message"].endswith(" turn done")]
    assert len(turns) == sum(map(len, burst.acked.values())), "one line per turn answered"
    assert all({"time", "level", "logger", "turn", "delivery", "user"} <= set(e) for e in turns)
    assert {entry["user"] for entry in turns} == {
        f"slack:{TEAM_ID}:U{p:02d}" for p in range(PEOPLE)
    }

    worker = await worker_process(env, NUDGE_TIME)
    _out, err = await asyncio.wait_for(worker.communicate(), timeout=120)
    assert worker.returncode == 0, err.decode()[-2000:]
    nudged = Counter(
        str(call.body["channel"])
        for call in slack_api.calls_to("chat.postMessage", only_ok=True)
        if (call.body.get("metadata") or {}).get("event_type") == NUDGE_EVENT
    )
    assert nudged == {f"U{person:02d}": 1 for person in range(PEOPLE)}


def _log_entries(folder: Path) -> list[dict[str, str]]:
    """The servers' JSON log lines (their stdout also says where they serve, in plain text)."""
    lines = [line for log in folder.glob("*.log") for line in log.read_text().splitlines()]
    return [json.loads(line) for line in lines if line.startswith("{")]
