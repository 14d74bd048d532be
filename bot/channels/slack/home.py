"""The App Home tab: recent preps to resume, busy windows ahead, the nudge setting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.channels.slack.blocks import Block, escape
from bot.channels.slack.values import button_value
from bot.commands import command_choice
from bot.engine import calendar
from bot.engine.messages import Step
from bot.engine.steps.timing import span_label
from bot.runtime import Services
from bot.users import UserRef

RECENT = 8
LOOKAHEAD_DAYS = 90
OPEN = ("in_progress", "paused")


def _button(label: str, words: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": f"choice-{abs(hash(words)) % 10_000}",
        "text": {"type": "plain_text", "text": label},
        "value": button_value(command_choice(words), None, Step.INFO),
    }
    if style:
        button["style"] = style
    return button


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


async def home_view(services: Services, user: UserRef) -> dict[str, Any]:
    coach = services.coach
    preps = await coach.preps(user, limit=RECENT)
    person = await coach.settings_of(user)
    blocks: list[Block] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": "Prepare your next hard conversation"},
        },
        _section("Type `/prep-talk sales` (or cfo, board, engineering…) to start a prep."),
        {"type": "divider"},
        _section("*Your recent preps*" if preps else "*Your recent preps*\nNone yet."),
    ]
    for prep in preps:
        when = f" · talk on {prep.planned_date.isoformat()}" if prep.planned_date else ""
        line = _section(
            f"*#{prep.id} {escape(prep.stakeholder)}* — {prep.status.replace('_', ' ')}{when}"
        )
        if prep.status in OPEN:
            line["accessory"] = _button("Resume", f"resume {prep.id}")
        elif prep.status == "briefed":
            line["accessory"] = _button("Debrief", f"debrief {prep.id}")
        blocks.append(line)
    blocks += [
        {"type": "divider"},
        _section(
            _busy_text(services, {p.stakeholder for p in preps}, person.fiscal_year_start_month)
        ),
    ]
    nudge = "on" if person.nudges_opt_in else "off"
    toggle = "off" if person.nudges_opt_in else "on"
    blocks += [
        {"type": "divider"},
        _section(f"*Nudges before busy seasons:* {nudge}"),
        {"type": "actions", "elements": [_button(f"Turn nudges {toggle}", f"nudges {toggle}")]},
    ]
    return {"type": "home", "blocks": blocks}


def _busy_text(services: Services, stakeholders: set[str], start_month: int) -> str:
    today = services.coach.clock().date()
    books = [services.coach.playbooks.find(s) for s in sorted(stakeholders or {"sales"})]
    lines = ["*Busy windows ahead*"]
    for book in books:
        if book is None:
            continue
        ahead = today + timedelta(days=LOOKAHEAD_DAYS)
        for period in calendar.busy_periods(book, start_month, today, ahead)[:2]:
            when = span_label(period.start, period.end)
            lines.append(f"• {escape(book.name)}: {escape(period.name)}, {when}")
    none = "*Busy windows ahead*\nNone in the next 90 days."
    return "\n".join(lines) if len(lines) > 1 else none
