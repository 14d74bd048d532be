"""Slack: /prep-talk, the coaching dialog in DM, App Home (being built)."""

from aiohttp import web

from bot.runtime import Services


def add_slack(app: web.Application, services: Services) -> None:
    """Mount the Slack routes (none until the Slack channel lands)."""
