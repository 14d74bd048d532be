"""Reading a Teams activity: who sent it, where, what they said or clicked, their time zone.

Pure functions over the Bot Framework `Activity`, so the rules (who the user is,
where they wrote) are tested without HTTP or a database.
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from botbuilder.schema import (  # type: ignore[import-untyped]
    Activity,
    AdaptiveCardInvokeResponse,
)

from bot.users import BadUserRef, UserRef

MAX_TEXT = 20_000
ADAPTIVE_CARD_ACTION = "adaptiveCard/action"
BAD_REQUEST = 400
LOCAL_TENANT = "local"
PERSONAL = "personal"
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._@\-]")


def teams_user(activity: Activity, *, local: bool) -> UserRef | None:
    """`teams:<tenant id>:<aadObjectId>`, the same person the tab's SSO token names.

    Local (emulator) activities carry neither; there the sender's channel id stands in under
    the tenant "local", so a developer can still run a prep.
    """
    sender = activity.from_property
    tenant = _tenant_id(activity)
    oid = getattr(sender, "aad_object_id", None) if sender else None
    try:
        if tenant and oid:
            return UserRef.parse(f"teams:{tenant}:{oid}")
        if local and sender is not None and sender.id:
            return UserRef.parse(f"teams:{LOCAL_TENANT}:{_UNSAFE_ID.sub('-', sender.id)[:128]}")
    except BadUserRef:
        return None
    return None


def _tenant_id(activity: Activity) -> str | None:
    """Teams names the tenant in `channelData.tenant.id` (and `conversation.tenantId`)."""
    in_channel_data, in_conversation = tenants_named(activity)
    return in_channel_data or in_conversation


def tenants_named(activity: Activity) -> tuple[str | None, str | None]:
    """The tenant ids in `channelData.tenant.id` and in `conversation.tenantId`, if any."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant")
    in_channel_data = tenant.get("id") if isinstance(tenant, dict) else None
    conversation = activity.conversation
    extra = getattr(conversation, "additional_properties", None) or {}
    in_conversation = getattr(conversation, "tenant_id", None) or extra.get("tenantId")
    return (
        in_channel_data if isinstance(in_channel_data, str) and in_channel_data else None,
        in_conversation if isinstance(in_conversation, str) and in_conversation else None,
    )


def is_personal(activity: Activity) -> bool:
    """A one-to-one chat with the bot (preps live only here)."""
    conversation = activity.conversation
    kind = getattr(conversation, "conversation_type", None) if conversation else None
    return kind in (None, PERSONAL)


def _bot_mentions(activity: Activity) -> list[str]:
    """The `<at>…</at>` texts of the mentions of this bot in the message."""
    recipient = activity.recipient.id if activity.recipient else None
    texts = []
    for entity in activity.entities or []:
        extra = getattr(entity, "additional_properties", None) or {}
        mentioned = extra.get("mentioned")
        if getattr(entity, "type", "") != "mention" or not isinstance(mentioned, dict):
            continue
        if recipient and mentioned.get("id") == recipient:
            texts.append(str(extra.get("text") or ""))
    return texts


def mentions_bot(activity: Activity) -> bool:
    return bool(_bot_mentions(activity))


def message_text(activity: Activity) -> str:
    """What the user wrote, without the @mention of the bot, trimmed and capped."""
    text = activity.text or ""
    for mention in _bot_mentions(activity):
        if mention:
            text = text.replace(mention, " ")
    return text.replace("\xa0", " ").strip()[:MAX_TEXT]


def invoke_refusal(name: Any, value: Any) -> AdaptiveCardInvokeResponse:
    """The error an invoke gets: our cards use Action.Submit (it arrives as a message), so
    the bot handles no invoke. A malformed `adaptiveCard/action` says what is wrong with it.

    Answered as an Adaptive Card invoke error response (status 400, code and message).
    """
    code, message = "NotSupported", "prep-talk handles no invoke; its cards use Action.Submit."
    if name == ADAPTIVE_CARD_ACTION:
        action = value.get("action") if isinstance(value, dict) else None
        data = action.get("data", {}) if isinstance(action, dict) else None
        code = "BadRequest"
        if not isinstance(value, dict):
            message = "The invoke's value must be an object."
        elif not isinstance(action, dict):
            message = "The invoke's value.action must be an object."
        elif not isinstance(data, dict):
            message = "The invoke's value.action.data must be an object."
        else:
            code = "NotSupported"
    return AdaptiveCardInvokeResponse(
        status_code=BAD_REQUEST,
        type="application/vnd.microsoft.error",
        value={"code": code, "message": message},
    )


def time_zone_of(activity: Activity) -> str | None:
    """The user's IANA time zone, from the clientInfo entity or `localTimezone`."""
    candidates = [
        entity.additional_properties.get("timezone")
        for entity in activity.entities or []
        if getattr(entity, "type", None) == "clientInfo" and entity.additional_properties
    ]
    candidates.append(getattr(activity, "local_timezone", None))
    for name in candidates:
        if isinstance(name, str) and 0 < len(name) <= 64 and _known_zone(name):
            return name
    return None


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
