"""Turns in, and Bolt listeners. A DM (also in an assistant panel thread), command, click or
panel event is stored in the inbox and then acknowledged; it is answered after the ack
(`turns.SlackTurns`, through the inbox, in order per person). Over HTTP a turn is taken
straight from the gate (`take_turn`); in Socket Mode through Bolt's middleware and listeners.
App Home and workspace events are handled by Bolt listeners directly."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack.assistant import CONTEXT_CHANGED, assistant_events, panel_event
from bot.channels.slack.blocks import CHOICE_ACTION
from bot.channels.slack.conversation import person
from bot.channels.slack.home import home_view
from bot.channels.slack.turns import TurnKind
from bot.channels.slack.web_api import WebApiConnections
from bot.commands import Word, parse_command
from bot.inbox import TurnInbox
from bot.runtime import Services
from bot.storage.models import ID_LENGTH
from bot.storage.workspaces import forget_workspace
from bot.users import UserRef

log = logging.getLogger(__name__)
DIALOG_WORDS = (Word.START, Word.RESUME, Word.DEBRIEF)
ON_IT = "On it — I've sent you a direct message to prepare."
InboundTurn = tuple[TurnKind, UserRef, str]  # what kind of turn, whose, its delivery id
CHOICE_BUTTON = re.compile(rf"^{CHOICE_ACTION}-\d+$")


def register(
    app: AsyncApp,
    services: Services,
    store: AsyncInstallationStore | None,
    connections: WebApiConnections,
    inbox: TurnInbox,
) -> None:
    answer_waiting = _answer_waiting(inbox)
    app.middleware(_keeping_turns(inbox))
    app.assistant(assistant_events(answer_waiting))  # after it: its turns are kept first
    app.command("/prep-talk")(_ack_command(services, inbox))
    app.action({"type": "block_actions", "action_id": CHOICE_BUTTON})(_ack_click(inbox))
    # Events are acknowledged by Bolt itself before any listener runs; this one runs after.
    app.event({"type": "message", "channel_type": "im"})(answer_waiting)
    app.event("message")(_ignore)
    app.event("app_home_opened")(_on_home(services, connections))
    app.event("app_uninstalled")(_on_uninstalled(services, store))
    app.event("tokens_revoked")(_on_tokens_revoked(store))


def inbound_turn(body: dict[str, Any]) -> InboundTurn | None:
    """What kind of turn a payload is, whose, and its delivery id (unique per request, the
    same on a redelivery); None for what is no turn (edits, deletions, bot posts, joins,
    App Home, workspace events, other apps' buttons, payloads missing who sent them or, for
    a DM, where)."""
    if body.get("type") == "block_actions":
        action = _first(body.get("actions"))
        if not CHOICE_BUTTON.match(_text(action.get("action_id")) or ""):
            return None
        user_id, team = _text(_field(body, "user", "id")), _text(_field(body, "team", "id"))
        stamp = _text(body.get("trigger_id")) or f"{user_id}/{action.get('action_ts')}"
        return (TurnKind.CLICK, person(team, user_id), f"click:{stamp}") if user_id else None
    if body.get("command"):
        user_id = _text(body.get("user_id"))
        stamp = _text(body.get("trigger_id")) or str(uuid.uuid4())
        turn = (
            TurnKind.COMMAND,
            person(_text(body.get("team_id")), user_id or ""),
            f"command:{stamp}",
        )
        return turn if user_id else None
    event = body.get("event")
    if (panel := panel_event(body)) is not None:
        kind = TurnKind.CONTEXT_CHANGED if panel[0] == CONTEXT_CHANGED else TurnKind.THREAD_STARTED
        stamp = _text(body.get("event_id")) or str(uuid.uuid4())
        return kind, panel[1], f"event:{stamp}"
    if not isinstance(event, dict) or event.get("type") != "message":
        return None
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return None  # outside the DM, or not a person writing a new message
    user_id, channel = _text(event.get("user")), _text(event.get("channel"))
    team = _text(body.get("team_id")) or _text(event.get("team"))
    stamp = _text(body.get("event_id")) or f"{channel}/{event.get('ts')}"
    return (
        (TurnKind.MESSAGE, person(team, user_id), f"event:{stamp}") if user_id and channel else None
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _field(body: dict[str, Any], name: str, key: str) -> object:
    inner = body.get(name)
    return inner.get(key) if isinstance(inner, dict) else None


def _first(items: object) -> dict[str, Any]:
    first = items[0] if isinstance(items, list) and items else None
    return first if isinstance(first, dict) else {}


async def take_turn(
    services: Services, inbox: TurnInbox, turn: InboundTurn, body: dict[str, Any]
) -> str | None:
    """A turn that came over HTTP, past the gate: stored, then answered after the ack (in a
    task of the inbox's); returns what the ack says (None: nothing).

    What Bolt's middleware and listeners below do for a turn, without Bolt: its request
    building, middleware chain and listener matching were a tenth of a turn's CPU, profiled.
    Socket Mode, and whatever is no turn, still go through Bolt."""
    await _keep(inbox, turn, body)
    inbox.drain_soon(turn[1])
    return _command_ack(services, body) if turn[0] is TurnKind.COMMAND else None


async def _keep(inbox: TurnInbox, turn: InboundTurn, body: dict[str, Any]) -> None:
    """Store a turn before its ack: acknowledged means durable. A redelivery (Slack retries
    events it thinks we missed) is recognised here and stored once."""
    kind, user, delivery_id = turn
    if not await inbox.receive(user, delivery_id[:ID_LENGTH], kind.value, body):
        log.info("a redelivered Slack %s was ignored", kind.value)


def _command_ack(services: Services, body: dict[str, Any]) -> str | None:
    """A command that opens a dialog is acked with where to look; any other, silently."""
    parsed = parse_command(body.get("text", ""), services.coach)
    return ON_IT if parsed is not None and parsed.word in DIALOG_WORDS else None


def _keeping_turns(inbox: TurnInbox) -> Callable[..., Awaitable[None]]:
    """Middleware: store a turn before any listener runs, so before its ack (Bolt acks
    events before their listeners, commands and clicks when their ack listener calls
    `ack`)."""

    async def keep_turn(body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> None:
        turn = inbound_turn(body)
        if turn is not None:
            await _keep(inbox, turn, body)
        await next()

    return keep_turn


def _ack_click(inbox: TurnInbox) -> Callable[..., Awaitable[None]]:
    async def ack_click(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        _answer_after_ack(inbox, body)

    return ack_click


def _ack_command(services: Services, inbox: TurnInbox) -> Callable[..., Awaitable[None]]:
    async def ack_command(ack: AsyncAck, body: dict[str, Any]) -> None:
        text = _command_ack(services, body)
        await (ack(text=text) if text else ack())
        _answer_after_ack(inbox, body)

    return ack_command


def _answer_after_ack(inbox: TurnInbox, body: dict[str, Any]) -> None:
    """Answer the person's waiting turns once the ack is on its way: the listener returns
    at once, so Bolt sends the 200 while the inbox works. (Bolt's lazy listeners would do the
    same, but deep-copy the whole request first: a tenth of a turn's CPU, profiled.)"""
    turn = inbound_turn(body)
    if turn is not None:
        inbox.drain_soon(turn[1])


def _answer_waiting(inbox: TurnInbox) -> Callable[..., Awaitable[None]]:
    """After the ack: answer the person's waiting turns, this one among them, in order."""

    async def answer_waiting(body: dict[str, Any]) -> None:
        turn = inbound_turn(body)
        if turn is not None:
            await inbox.drain(turn[1])

    return answer_waiting


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
