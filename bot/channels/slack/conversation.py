"""Turning Slack payloads into coach calls, and coach answers into DM messages."""

from __future__ import annotations

import logging
from enum import Enum
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.choices import Picked
from bot.channels.slack.blocks import fallback_text, turn_blocks
from bot.coach import Answer
from bot.commands import (
    Word,
    did_you_mean,
    parse_command,
    prep_number,
    run_command,
)
from bot.engine.messages import Reply
from bot.runtime import Services
from bot.users import UserRef

log = logging.getLogger(__name__)
PREFIX = "/prep-talk "
DEFAULT_TIME_ZONE = "UTC"
APOLOGY = "Sorry — Slack didn't accept my last message. Please try again in a moment."


def person(team_id: str | None, user_id: str) -> UserRef:
    return UserRef("slack", team_id or "none", user_id)


class Destination(Enum):
    """Where an answer goes: the DM dialog, a private reply where the user asked, or a file."""

    DM = "dm"
    PRIVATE = "private"
    FILE = "file"


async def command_answer(
    services: Services, user: UserRef, words: str
) -> tuple[Answer, Destination]:
    """The answer to `/prep-talk words`, and where it belongs."""
    coach = services.coach
    command = parse_command(words, coach)
    if command is None:
        return Answer(None, did_you_mean(words, coach, PREFIX)), Destination.PRIVATE
    answer = await run_command(coach, user, command, PREFIX)
    if command.word is Word.EXPORT and prep_number(command.argument) is not None:
        found = await coach.prep(user, prep_number(command.argument) or 0)
        return answer, Destination.FILE if found else Destination.PRIVATE
    return answer, where_answered(answer)


def where_answered(answer: Answer) -> Destination:
    """A command's answer goes to the DM when it is about a prep, otherwise only to the user."""
    return Destination.DM if answer.prep_id is not None else Destination.PRIVATE


async def click_answer(
    services: Services, user: UserRef, click: Picked
) -> tuple[Answer, Destination]:
    """The answer to a button press: a choice is a coach turn, a command button the command."""
    words = click.command_words
    if words is not None:
        return await command_answer(services, user, words)
    return await services.coach.answer(user, click.inbound()), Destination.DM


async def remember_time_zone(services: Services, client: AsyncWebClient, user: UserRef) -> None:
    """Learn the user's Slack time zone once, so their "today" and nudge hours are theirs,
    and from their locale how they write numeric dates (3/4: March 4 in en-US).

    Only while we still have the default (UTC): one users.info per user, not per command.
    A person seen for the first time is created with what Slack says, in one transaction.
    """
    try:
        known = await services.coach.known_settings(user)
        if known is not None and known.time_zone != DEFAULT_TIME_ZONE:
            return
        info = await client.users_info(user=user.user, include_locale=True)
        profile = info.get("user") or {}
        locale, zone = profile.get("locale"), profile.get("tz")
        zone = str(zone) if zone and zone != DEFAULT_TIME_ZONE else None
        if locale or zone:
            await services.coach.learn_profile(user, str(locale) if locale else None, zone)
    except (SlackApiError, ValueError) as error:
        log.info("no time zone for %s: %s", user, type(error).__name__)


async def upload_to_dm(client: AsyncWebClient, user: UserRef, markdown: str) -> None:
    """The prep as a Markdown file in the user's DM."""
    try:
        opened = await client.conversations_open(users=user.user)
        await client.files_upload_v2(
            channel=opened["channel"]["id"],
            content=markdown,
            filename="prep-talk-brief.md",
            title="prep-talk brief",
        )
    except SlackApiError as error:
        log.warning("Slack file upload failed for %s: %s", user, error.response.get("error"))


async def post_to_dm(
    client: AsyncWebClient, user: UserRef, answer: Answer, metadata: dict[str, Any] | None = None
) -> bool:
    """Send a turn's replies to the user's DM with the app; whether Slack took them (a
    failure is logged, not raised).

    A user id as the channel posts to the app's DM with them, without a conversations.open.
    """
    try:
        await client.chat_postMessage(
            channel=user.user,
            text=fallback_text(answer.replies),
            blocks=turn_blocks(answer.replies, answer.prep_id),
            metadata=metadata,
        )
    except SlackApiError as error:
        log.warning(
            "Slack %s failed for %s: %s",
            error.response.api_url.rsplit("/", 1)[-1],
            user,
            error.response.get("error"),
        )
        return False
    return True


async def post_in_channel(
    client: AsyncWebClient,
    channel: str,
    user: UserRef,
    replies: list[Reply],
    prep_id: int | None,
    metadata: dict[str, Any] | None = None,
    thread_ts: str | None = None,
) -> None:
    """Send a turn's replies to `channel` (in the thread `thread_ts` when given); on failure
    log it and apologise there."""
    try:
        await client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text=fallback_text(replies),
            blocks=turn_blocks(replies, prep_id),
            metadata=metadata,
        )
    except SlackApiError as error:
        log.warning("Slack chat.postMessage failed for %s: %s", user, error.response.get("error"))
        await _apologise(client, channel, user, thread_ts)


async def _apologise(
    client: AsyncWebClient, channel: str, user: UserRef, thread_ts: str | None
) -> None:
    try:
        await client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=APOLOGY)
    except SlackApiError:
        log.warning("Slack apology to %s failed too", user)


def chosen_label(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    text = actions[0].get("text") or {}
    return str(text.get("text", ""))
