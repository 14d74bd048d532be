"""`prep-talk nudges plan|run`: what is due and to whom, or a worker that sends it."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import TextIO

from bot.nudges.metrics import NudgeMetrics
from bot.nudges.runner import NudgeRunner
from bot.runtime import Services, freeze_start_up
from bot.senders import nudge_runner


def parse_now(text: str | None) -> datetime | None:
    """An ISO date-time; naive ones are taken as UTC."""
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def plan(services: Services, now: datetime, as_json: bool, out: TextIO) -> int:
    """List what would be sent at `now`, to whom and why; sends nothing."""
    runner = NudgeRunner(services.sessions, services.coach.playbooks, {}, NudgeMetrics.create())
    count = 0
    async for nudge in runner.due(now):
        count += 1
        why = _why(nudge.kind.value, nudge.starts, nudge.ends)
        if as_json:
            out.write(json.dumps({
                "user": str(nudge.user), "kind": nudge.kind.value, "stakeholder": nudge.stakeholder,
                "period": nudge.period, "prep_id": nudge.prep_id, "why": why,
            }) + "\n")  # fmt: skip
        else:
            out.write(f"{nudge.user}  {nudge.kind.value:<21} {nudge.stakeholder:<12} {why}\n")
    if not as_json:
        out.write(f"{count} nudge{'s' if count != 1 else ''} due at {now.isoformat()}\n")
    return 0


def _why(kind: str, starts: object, ends: object) -> str:
    if kind == "debrief":
        return f"talk planned on {starts}"
    if kind == "after_close":
        return f"busy season ended {ends}"
    return f"busy season {starts} – {ends} is about to start"


async def run(services: Services, now: datetime | None, once: bool, out: TextIO) -> int:
    """Send what is due: once, or every PREPTALK_NUDGE_INTERVAL seconds until stopped."""
    runner = nudge_runner(services, NudgeMetrics.create())
    freeze_start_up()
    if not runner.senders:
        out.write("no platform is configured (Slack or Teams): nothing to send\n")
        return 2
    fixed_clock = (lambda: now) if now else None
    while True:
        report = await runner.run_once(now or services.coach.clock(), clock=fixed_clock)
        out.write(
            f"planned {report.planned}, queued {report.queued}, sent {report.sent}, "
            f"skipped {report.skipped}, failed {report.failed}, to retry {report.retried}\n"
        )
        out.flush()
        if once:
            return 0
        await asyncio.sleep(max(services.settings.nudge_interval, 1))
