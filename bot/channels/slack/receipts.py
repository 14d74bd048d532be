"""Message metadata that names what a message answers (a nudge, an inbound turn), so that
after a crash the DM's history shows whether it went out before, and it is not sent twice.

Slack keeps a message's metadata and returns it from conversations.history with
`include_all_metadata`; a bot cannot otherwise tell its own messages apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

HISTORY_DEPTH = 50  # the sought message is among the DM's latest: it was posted moments ago


def receipt(event_type: str, key: str, value: str) -> dict[str, Any]:
    """The `metadata` argument of chat.postMessage naming `key=value`."""
    return {"event_type": event_type, "event_payload": {key: value}}


def has_receipt(messages: Iterable[dict[str, Any]], event_type: str, key: str, value: str) -> bool:
    """Whether one of `messages` (a conversations.history page) carries that receipt."""
    for message in messages:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == event_type and payload.get(key) == value:
            return True
    return False
