"""Reading a Teams activity: who sent it, where, what they said or clicked, their time zone.

Pure functions over the Bot Framework `Activity`, so the rules (which words are commands,
what a card click carries, who the user is) are tested without HTTP or a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from botbuilder.schema import (  # type: ignore[import-untyped]
    Activity,
    AdaptiveCardInvokeResponse,
)

from bot.coach import Coach
from bot.commands import COMMAND_CHOICE, UserCommand, Word, parse_command
from bot.engine.messages import Step
from bot.engine.prep_numbers import prep_number
from bot.users import BadUserRef, UserRef

MAX_TEXT = 20_000
ADAPTIVE_CARD_ACTION = "adaptiveCard/action"
BAD_REQUEST = 400
MAX_CHOICE = 200
LOCAL_TENANT = "local"
PERSONAL = "personal"
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._@\-]")
_PREP_NUMBER_WORDS = {Word.RESUME, Word.DEBRIEF, Word.REHEARSE, Word.NOTES, Word.EXPORT}


@dataclass(frozen=True, slots=True)
class CardClick:
    """An Action.Submit from one of our cards: the choice and where its button was shown."""

    choice: str
    prep_id: int | None
    step: Step | None

    @property
    def command_words(self) -> str | None:
        """The words of a `cmd:` button (e.g. "resume 12"), None for a dialog choice."""
        if self.choice.startswith(COMMAND_CHOICE):
            return self.choice[len(COMMAND_CHOICE) :]
        return None


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


def card_click(value: Any) -> CardClick | None:
    """The data of one of our Action.Submit buttons; None when it is not shaped like ours."""
    if not isinstance(value, dict):
        return None
    choice, prep_id, step = value.get("choice"), value.get("prep_id"), value.get("step")
    if not isinstance(choice, str) or not choice or len(choice) > MAX_CHOICE:
        return None
    if prep_id is not None and (not isinstance(prep_id, int) or isinstance(prep_id, bool)):
        return None
    try:
        parsed_step = Step(step) if step is not None else None
    except ValueError:
        return None
    return CardClick(choice, prep_id, parsed_step)


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


def exact_command(text: str, coach: Coach) -> UserCommand | None:
    """A command only in its exact form, so a sentence answering the coach stays an answer.

    `history`, `sales`, `prep sales`, `resume 12`, `nudges off` or `check TEXT` are commands even
    mid-prep; "list the three risks" or "help them see it" are answers. `help` and the
    navigation words go to the prep in progress first (see `bot.CoachingBot`).
    """
    command = parse_command(text, coach)
    if command is None or command.word is Word.HELP:
        return None
    argument = command.argument.strip()
    if not argument or command.word is Word.CHECK:
        return command
    if command.word is Word.START:
        return command if coach.playbooks.find(argument) and " " not in argument else None
    if command.word in _PREP_NUMBER_WORDS:
        by_name = command.word is Word.RESUME and coach.playbooks.find(argument) is not None
        return command if prep_number(argument) is not None or by_name else None
    if command.word is Word.NUDGES:
        return command if argument.lower() in ("on", "off") else None
    if command.word is Word.FORGET:
        return command if argument.lower() == "confirmed" else None
    return None


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
