"""The Slack app manifest: create the app from it at api.slack.com ("From an app manifest")."""

from __future__ import annotations

from typing import Any

from bot.channels.slack.assistant import ASSISTANT_DESCRIPTION, prompts
from bot.channels.slack.bolt_app import BOT_SCOPES
from bot.settings import SettingsError

EVENTS = [
    "app_home_opened",
    "message.im",
    "app_uninstalled",
    "tokens_revoked",
    "assistant_thread_started",
    "assistant_thread_context_changed",
]
USAGE = (
    "sales | list | history | resume | notes N | rehearse [N] | debrief N | check TEXT | "
    "nudges on|off | forget"
)


def slack_manifest(public_url: str | None, socket_mode: bool = False) -> dict[str, Any]:
    """Everything the app needs: slash command, DM events, App Home, the assistant panel
    (Agents & AI Apps), interactivity, scopes.

    Every request URL points at `<public url>/slack/events`, so without Socket Mode the
    public https address is required (SettingsError naming PREPTALK_PUBLIC_URL); with it the
    address only serves the OAuth redirect, left out when there is none.
    """
    if not socket_mode and not (public_url or "").startswith("https://"):
        raise SettingsError(
            "PREPTALK_PUBLIC_URL: the bot's public https address is needed for Slack's "
            "request URLs, e.g. https://preptalk.example.com (or use --socket-mode)"
        )
    base = (public_url or "").rstrip("/")
    events_url = f"{base}/slack/events"
    command: dict[str, Any] = {
        "command": "/prep-talk",
        "description": "Prepare a hard conversation with a business stakeholder",
        "usage_hint": USAGE,
        "should_escape": False,
    }
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": EVENTS},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": socket_mode,
        "token_rotation_enabled": False,
    }
    if not socket_mode:
        command["url"] = events_url
        settings["event_subscriptions"]["request_url"] = events_url
        settings["interactivity"]["request_url"] = events_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": "prep-talk",
            "description": "Coaching before hard security conversations with the business",
            "long_description": _long_description(),
            "background_color": "#2c3e91",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "assistant_view": {
                "assistant_description": ASSISTANT_DESCRIPTION,
                "suggested_prompts": prompts(),
            },
            "bot_user": {"display_name": "prep-talk", "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": {
            **({"redirect_urls": [f"{base}/slack/oauth_redirect"]} if public_url else {}),
            "scopes": {"bot": BOT_SCOPES},
        },
        "settings": settings,
    }


def _long_description() -> str:
    return (
        "prep-talk coaches security leaders before a hard conversation with a business "
        "stakeholder — the VP of Sales, the CFO, the board. It walks you through five habits "
        "(Feel, Focus, Slow down, Simplify, Spark), checks your draft for jargon and fear, "
        "proposes a quiet time outside their busy season, and keeps a private one-page brief. "
        "Everything you write stays private to you."
    )
