"""Bolt listeners: each acks at once; the coach turn and Web API calls run lazily after."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack.blocks import CHOICE_ACTION, escape, fallback_text, turn_blocks
from bot.channels.slack.bolt_app import WebApiConnections
from bot.channels.slack.conversation import (
    Click,
    Destination,
    chosen_label,
    click_answer,
    command_answer,
    person,
    post_in_channel,
    post_to_dm,
    remember_time_zone,
    upload_to_dm,
)
from bot.channels.slack.home import home_view
from bot.coach import Answer
from bot.commands import Word, parse_command
from bot.engine.messages import Inbound
from bot.runtime import Services
from bot.storage.workspaces import first_delivery, forget_workspace
from bot.users import UserRef

log = logging.getLogger(__name__)
DIALOG_WORDS = (Word.START, Word.RESUME, Word.DEBRIEF)
TROUBLE = "Sorry — something went wrong on my side. Please try again in a moment."


def register(
    app: AsyncApp,
    services: Services,
    store: AsyncInstallationStore | None,
    connections: WebApiConnections,
) -> None:
    app.command("/prep-talk")(
        ack=_ack_command(services), lazy=[_run_command(services, connections)]
    )
    app.action({"type": "block_actions", "action_id": re.compile(rf"^{CHOICE_ACTION}-\d+$")})(
        ack=_ack, lazy=[_run_click(services, connections)]
    )
    app.event({"type": "message", "channel_type": "im"})(_on_dm(services, connections))
    app.event("message")(_ignore)
    app.event("app_home_opened")(_on_home(services, connections))
    app.event("app_uninstalled")(_on_uninstalled(services, store))
    app.event("tokens_revoked")(_on_tokens_revoked(store))


async def _first_delivery(services: Services, body: dict[str, Any]) -> bool:
    """Slack retries an event it thinks we missed: act on each event id once, across
    replicas and restarts. Checked after the ack, so the ack never waits for the database."""
    event_id = body.get("event_id")
    if not event_id:
        return True
    async with services.sessions.begin() as session:
        first = await first_delivery(session, "slack", str(event_id))
    if not first:
        log.info("duplicate Slack event %s ignored", event_id)
    return first


async def _ack(ack: AsyncAck) -> None:
    await ack()


def _ack_command(services: Services) -> Callable[..., Awaitable[None]]:
    async def ack_command(ack: AsyncAck, command: dict[str, Any]) -> None:
        parsed = parse_command(command.get("text", ""), services.coach)
        if parsed is not None and parsed.word in DIALOG_WORDS:
            await ack(text="On it — I've sent you a direct message to prepare.")
        else:
            await ack()

    return ack_command


def _run_command(
    services: Services, connections: WebApiConnections
) -> Callable[..., Awaitable[None]]:
    async def run(command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        client = connections.bind(client)
        user = person(command.get("team_id"), command["user_id"])
        async with _sorry_on_failure("command", user, client, respond):
            await remember_time_zone(services, client, user)
            answer, destination = await command_answer(services, user, command.get("text", ""))
            await deliver(client, respond, user, answer, destination)

    return run


def _run_click(
    services: Services, connections: WebApiConnections
) -> Callable[..., Awaitable[None]]:
    async def run(body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        client = connections.bind(client)
        user = person(body.get("team", {}).get("id"), body["user"]["id"])
        click = Click.from_value(str((body.get("actions") or [{}])[0].get("value", "")))
        if click is None:
            await respond(
                response_type="ephemeral",
                replace_original=False,
                text="That button is no longer valid.",
            )
            return
        async with _sorry_on_failure("click", user, client, respond):
            answer, destination = await click_answer(services, user, click)
            await deliver(client, respond, user, answer, destination)
        # Marked after the reply, not before: chat.update is a Tier 3 method, and a throttled
        # one must not hold up the next step. (A second click meanwhile is a stale button.)
        await _mark_chosen(client, body)

    return run


async def deliver(
    client: AsyncWebClient,
    respond: AsyncRespond,
    user: UserRef,
    answer: Answer,
    destination: Destination,
) -> None:
    # Clicks in App Home carry no response_url: there the DM is the private place to answer.
    can_respond = respond.response_url is not None
    if destination is Destination.DM or (destination is Destination.PRIVATE and not can_respond):
        await post_to_dm(client, user, answer)
    elif destination is Destination.FILE:
        await upload_to_dm(client, user, answer.replies[-1].text)
        if can_respond:
            await respond(
                response_type="ephemeral",
                replace_original=False,
                text="I've put the brief in our DM as a Markdown file.",
            )
    else:
        await respond(
            response_type="ephemeral",
            replace_original=False,
            text=fallback_text(answer.replies),
            blocks=turn_blocks(answer.replies, answer.prep_id),
        )


@asynccontextmanager
async def _sorry_on_failure(
    what: str,
    user: UserRef,
    client: AsyncWebClient,
    respond: AsyncRespond | None,
    channel: str | None = None,
) -> AsyncIterator[None]:
    """An error of ours in a turn (say the database is locked) is logged with context but
    never the user's words (driver messages carry SQL parameters), and the user is told."""
    try:
        yield
    except Exception as error:
        statement = " ".join(str(getattr(error, "statement", "") or "").split()[:4])
        log.error("Slack %s for %s failed: %s %s", what, user, type(error).__name__, statement)
        try:
            if respond is not None and respond.response_url is not None:
                await respond(response_type="ephemeral", replace_original=False, text=TROUBLE)
            else:
                await client.chat_postMessage(channel=channel or user.user, text=TROUBLE)
        except Exception as failure:  # the apology is best effort
            log.warning("could not tell %s: %s", user, type(failure).__name__)


async def _mark_chosen(client: AsyncWebClient, body: dict[str, Any]) -> None:
    """Replace the clicked message's buttons with what was chosen, so it cannot be re-clicked."""
    message, channel = body.get("message"), (body.get("channel") or {}).get("id")
    if not message or not channel or (body.get("container") or {}).get("is_ephemeral"):
        return
    kept = [block for block in message.get("blocks", []) if block.get("type") != "actions"]
    chosen = {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": f"✓ {escape(chosen_label(body))}"}],
    }
    try:
        await client.chat_update(
            channel=channel,
            ts=message["ts"],
            blocks=[*kept, chosen],
            text=message.get("text", "prep-talk"),
        )
    except SlackApiError as error:
        log.info("could not mark the clicked message: %s", error.response.get("error"))
    except (aiohttp.ClientError, TimeoutError) as error:  # best effort: the turn goes on
        log.info("could not mark the clicked message: %s", type(error).__name__)


def _on_dm(services: Services, connections: WebApiConnections) -> Callable[..., Awaitable[None]]:
    async def on_dm(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("subtype") or event.get("bot_id") or "user" not in event:
            return  # edits, deletions, bot posts and joins are not answers
        if not await _first_delivery(services, body):
            return
        client = connections.bind(client)
        user = person(body.get("team_id") or event.get("team"), event["user"])
        async with _sorry_on_failure("message", user, client, None, event["channel"]):
            answer = await services.coach.answer(user, Inbound(text=event.get("text") or ""))
            await post_in_channel(client, event["channel"], user, answer.replies, answer.prep_id)

    return on_dm


async def _ignore() -> None:
    """Messages outside the DM (and their edits or deletions) are not for us."""


def _on_home(services: Services, connections: WebApiConnections) -> Callable[..., Awaitable[None]]:
    async def on_home(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        client = connections.bind(client)
        user = person(body.get("team_id"), event["user"])
        view = await home_view(services, user)
        try:
            await client.views_publish(user_id=event["user"], view=view)
        except SlackApiError as error:
            log.warning("Slack views.publish failed for %s: %s", user, error.response.get("error"))

    return on_home


def _on_uninstalled(
    services: Services, store: AsyncInstallationStore | None
) -> Callable[..., Awaitable[None]]:
    async def on_uninstalled(body: dict[str, Any]) -> None:
        team_id = body.get("team_id")
        if store is not None:
            await store.async_delete_all(enterprise_id=body.get("enterprise_id"), team_id=team_id)
        if team_id:
            async with services.sessions.begin() as session:
                deleted = await forget_workspace(session, "slack", team_id)
            log.info("Slack workspace %s uninstalled: %d preps deleted", team_id, deleted)

    return on_uninstalled


def _on_tokens_revoked(store: AsyncInstallationStore | None) -> Callable[..., Awaitable[None]]:
    async def on_revoked(event: dict[str, Any], body: dict[str, Any]) -> None:
        if store is None:
            log.warning("Slack tokens revoked; remove SLACK_BOT_TOKEN from the settings")
            return
        tokens = event.get("tokens") or {}
        enterprise, team = body.get("enterprise_id"), body.get("team_id")
        for user_id in tokens.get("oauth") or []:
            await store.async_delete_installation(
                enterprise_id=enterprise, team_id=team, user_id=user_id
            )
        if tokens.get("bot"):
            # The installation rows keep a copy of the bot token (and authorize reads them
            # first), so deleting the bot row alone would keep using the revoked token.
            await store.async_delete_all(enterprise_id=enterprise, team_id=team)
        log.info("Slack tokens revoked in %s (bot: %s)", team, bool(tokens.get("bot")))

    return on_revoked
