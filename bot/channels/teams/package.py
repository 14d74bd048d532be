"""`prep-talk teams package`: the Teams app package (manifest.json and two icons in a zip).

Everything deployment-specific comes from settings: the app id (bot id, app id and SSO
`webApplicationInfo.id` are one Entra app registration) and the public https address (tab
URLs, valid domain, SSO resource `api://<host>/<app id>`). The command list is the bot's own
command words, so the Teams compose box suggests exactly what the bot understands.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

from bot.channels.teams.icons import colour_icon, outline_icon
from bot.commands import Word
from bot.settings import Settings, SettingsError

MANIFEST_VERSION = "1.30"
SCHEMA = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
APP_VERSION = "1.0.0"
ACCENT_COLOR = "#5B5FC7"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")

# Teams shows at most 10 commands per scope: `export`, `outcome` and `forget` (rare, and
# `forget` asks first anyway) are left to `help`; typed, they work the same.
PERSONAL_COMMANDS = {
    Word.START: "prep STAKEHOLDER (e.g. prep sales): prepare a hard conversation in five steps",
    Word.LIST: "The stakeholders you can prepare for, and what they care about",
    Word.HISTORY: "Your recent preps, with buttons to resume or debrief",
    Word.RESUME: "resume [N]: pick a prep up where it stopped",
    Word.NOTES: "notes N: the private notes of prep N",
    Word.REHEARSE: "rehearse [N]: practise the talk; I play the stakeholder and push back",
    Word.DEBRIEF: "debrief N: after the talk, what you heard and agreed",
    Word.CHECK: "check TEXT: plain-language checks on any draft",
    Word.NUDGES: "nudges on|off: reminders before your stakeholders' busy seasons",
    Word.HELP: "What prep-talk can do",
}
CHANNEL_COMMANDS = (Word.LIST, Word.CHECK, Word.HELP)
DESCRIPTION = (
    "prep-talk coaches security leaders before a hard conversation with a business "
    "stakeholder: listen first, focus on one outcome, pick a quiet time in their calendar, "
    "say it in plain words, and explain why it matters to them. Each prep ends with a "
    "one-page brief kept as your private notes. Add the channel tab to show your team a "
    "stakeholder's playbook and the quarter timeline with their busy and quiet times."
)


def _required(settings: Settings) -> tuple[str, str, str]:
    """App id, public host and base URL, or SettingsError naming what is missing."""
    app_id = settings.microsoft_app_id
    if not app_id or not _GUID.match(app_id):
        raise SettingsError("MICROSOFT_APP_ID: the bot's app registration id (a GUID) is needed")
    url = settings.public_url
    if url is None or url.scheme != "https" or not url.host:
        raise SettingsError(
            "PREPTALK_PUBLIC_URL: the bot's public https address is needed, "
            "e.g. https://preptalk.example.com"
        )
    host = url.host if url.port in (None, 443) else f"{url.host}:{url.port}"
    return app_id, url.host, f"https://{host}{(url.path or '').rstrip('/')}"


def _commands(words: tuple[Word, ...] | list[Word]) -> list[dict[str, str]]:
    return [{"title": word.value, "description": PERSONAL_COMMANDS[word]} for word in words]


def build_manifest(settings: Settings) -> dict[str, Any]:
    """The app manifest (schema MANIFEST_VERSION) for this deployment."""
    app_id, host, base = _required(settings)
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": APP_VERSION,
        "id": app_id,
        "developer": {
            "name": "prep-talk",
            "websiteUrl": base,
            "privacyUrl": base,
            "termsOfUseUrl": base,
        },
        "name": {"short": "prep-talk", "full": "prep-talk: before the hard security conversation"},
        "description": {
            "short": "Prepare a hard conversation with a business stakeholder.",
            "full": DESCRIPTION,
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT_COLOR,
        "bots": [
            {
                "botId": app_id,
                "scopes": ["personal", "team"],
                "isNotificationOnly": False,
                "supportsFiles": False,
                "commandLists": [
                    {"scopes": ["personal"], "commands": _commands(list(PERSONAL_COMMANDS))},
                    {"scopes": ["team"], "commands": _commands(CHANNEL_COMMANDS)},
                ],
            }
        ],
        "configurableTabs": [
            {
                "configurationUrl": f"{base}/tab/config",
                "canUpdateConfiguration": True,
                "scopes": ["team"],
                "context": ["channelTab"],
            }
        ],
        "permissions": ["identity"],
        "validDomains": [base.removeprefix("https://").split("/")[0]],
        "webApplicationInfo": {"id": app_id, "resource": f"api://{host}/{app_id}"},
    }


def write_package(settings: Settings, out: Path) -> Path:
    """Write the zip Teams accepts for upload: manifest.json and the icons at its root."""
    manifest = build_manifest(settings)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2) + "\n")
        package.writestr("color.png", colour_icon(192))
        package.writestr("outline.png", outline_icon(32))
    return out
