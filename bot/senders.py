"""Where nudges go: one sender per configured platform (the composition root for delivery)."""

from __future__ import annotations

from bot.nudges.metrics import NudgeMetrics
from bot.nudges.runner import NudgeRunner, NudgeSender
from bot.runtime import Services


def nudge_senders(services: Services) -> dict[str, NudgeSender]:
    senders: dict[str, NudgeSender] = {}
    settings = services.settings
    if settings.slack_enabled:
        from bot.channels.slack.nudges import SlackNudgeSender
        from bot.channels.slack.web_api import installation_store

        senders["slack"] = SlackNudgeSender(services, installation_store(services))
    if settings.teams_enabled:
        from bot.channels.teams.adapter import build_messenger
        from bot.channels.teams.nudges import TeamsNudgeSender

        messenger = build_messenger(services)
        if messenger is not None:
            senders["teams"] = TeamsNudgeSender(messenger, settings.teams_rate)
    return senders


def nudge_runner(services: Services, metrics: NudgeMetrics) -> NudgeRunner:
    return NudgeRunner(
        services.sessions, services.coach.playbooks, nudge_senders(services), metrics
    )
