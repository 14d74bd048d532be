"""Microsoft Teams: the coaching bot in personal chat and a channel tab (being built)."""

from aiohttp import web

from bot.runtime import Services


def add_teams(app: web.Application, services: Services) -> None:
    """Mount the Teams routes (none until the Teams channel lands)."""
