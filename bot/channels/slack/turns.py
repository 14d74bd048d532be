"""Answering one Slack turn from the inbox: a DM (in the DM itself or in an assistant panel
thread), a `/prep-talk` command, a button click, a panel thread opened or its context changed.

The same code answers a turn right after its ack and a turn a crashed process left behind:
all it needs is in the stored payload (the workspace's token is looked up again, the
response_url taken from the payload). A turn's answer is stored with it — in the coach
turn's own transaction for DMs and choices — and each DM reply carries the turn's id in
message metadata: a turn taken up again after a crash is not coached again, and its reply is
posted only if the DM's history (or the thread's replies) does not show it already. Replies
that cannot be looked up (ephemeral ones through a response_url, files) may come twice in
that crash window.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from enum import StrEnum
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.channels.slack.assistant import AssistantPanel, thread_of_click, thread_of_message
from bot.channels.slack.blocks import escape, fallback_text, turn_blocks
from bot.channels.slack.conversation import (
    PREFIX,
    Destination,
    chosen_label,
    click_answer,
    command_answer,
    post_in_channel,
    post_to_dm,
    remember_time_zone,
    upload_to_dm,
    where_answered,
)
from bot.channels.slack.receipts import HISTORY_DEPTH, has_receipt, receipt
from bot.channels.slack.values import click_of
from bot.channels.slack.web_api import WebApiConnections, bot_token, web_client
from bot.coach import Answer, recording
from bot.engine.messages import Reply
from bot.exports import as_file
from bot.inbox import StoreAnswer
from bot.routing import answer_text
from bot.runtime import Services
from bot.storage.assistant_threads import AssistantThread
from bot.storage.inbox import ClaimedTurn, Payload
from bot.storage.transactions import transaction
from bot.users import UserRef

log = logging.getLogger(__name__)
TURN_EVENT = "prep_talk_turn"
TROUBLE = "Sorry — something went wrong on my side. Please try again in a moment."
NO_LONGER_VALID = "That button is no longer valid."
NOT_POSTED = (
    "Slack did not take my answer just now, so I could not show the next question. "
    "Type resume to pick up where you are."
)


class TurnKind(StrEnum):
    MESSAGE = "message"  # a DM to the app (message.im), in a panel thread or not
    COMMAND = "command"  # /prep-talk …
    CLICK = "click"  # a button of ours
    THREAD_STARTED = "thread_started"  # a new thread in the assistant panel
    CONTEXT_CHANGED = "thread_context"  # the user, panel open, moved to another channel


class SlackTurns:
    """The Slack channel's `TurnProcessor`."""

    def __init__(
        self,
        services: Services,
        store: AsyncInstallationStore | None,
        connections: WebApiConnections,
    ) -> None:
        self._services, self._store, self._connections = services, store, connections
        self._template = web_client(services)
        self._panel = AssistantPanel(services)

    async def process(self, turn: ClaimedTurn, record: StoreAnswer) -> None:
        client = await self._client(turn.user.tenant)
        if client is None:
            log.warning("no Slack token for %s: the app is gone from that workspace", turn.user)
            return
        kind = TurnKind(turn.kind)
        if kind is TurnKind.MESSAGE:
            await self._message(client, turn, record)
        elif kind is TurnKind.COMMAND:
            await self._command(client, turn, record)
        elif kind is TurnKind.THREAD_STARTED:
            await self._panel.greet(client, turn.payload)
        elif kind is TurnKind.CONTEXT_CHANGED:
            await self._panel.keep_context(turn.payload)
        else:
            await self._click(client, turn, record)

    async def _message(
        self, client: AsyncWebClient, turn: ClaimedTurn, record: StoreAnswer
    ) -> None:
        event, user = turn.payload["event"], turn.user
        channel, thread = str(event["channel"]), thread_of_message(event)

        async def coach_it() -> tuple[Answer, Destination]:
            text = str(event.get("text") or "")
            return await _to_dm(answer_text(self._services.coach, user, text, PREFIX))

        async with sorry_on_failure("message", user, client, None, channel, thread):
            await self._thinking(client, turn, thread)
            answer, _ = await self._answer(turn, record, Destination.DM, coach_it)
            if not await self._posted_before(client, turn, channel, thread, event.get("ts")):
                await post_in_channel(client, channel, user, answer.replies, answer.prep_id,
                                      _receipt(turn), _ts_of(thread))  # fmt: skip
            await self._title(client, user, thread, answer)

    async def _command(
        self, client: AsyncWebClient, turn: ClaimedTurn, record: StoreAnswer
    ) -> None:
        user, respond = turn.user, _respond(turn.payload)

        async def run() -> tuple[Answer, Destination]:
            await remember_time_zone(self._services, client, user)
            return await command_answer(self._services, user, str(turn.payload.get("text", "")))

        async with sorry_on_failure("command", user, client, respond):
            answer, destination = await self._answer(turn, record, None, run)
            await self._deliver(client, respond, turn, answer, destination)

    async def _click(self, client: AsyncWebClient, turn: ClaimedTurn, record: StoreAnswer) -> None:
        body, user, respond = turn.payload, turn.user, _respond(turn.payload)
        click = click_of(body)
        thread = thread_of_click(body)
        if click is None:
            await respond(response_type="ephemeral", replace_original=False, text=NO_LONGER_VALID)
            return

        async def choose() -> tuple[Answer, Destination]:
            return await click_answer(self._services, user, click)

        # A choice is answered in the DM; a command button's answer goes where its command's does.
        where = Destination.DM if click.command_words is None else None
        delivered = False
        async with sorry_on_failure("click", user, client, respond):
            await self._thinking(client, turn, thread)
            answer, destination = await self._answer(turn, record, where, choose)
            if thread is not None and destination is not Destination.FILE:
                await self._deliver_in_thread(client, turn, answer, thread)
                delivered = True
            else:
                delivered = await self._deliver(client, respond, turn, answer, destination)
            await self._title(client, user, thread, answer)
        if not delivered:
            return  # its buttons stay as they were; the user was told (or Slack is down)
        # Marked after the reply, not before: chat.update is a Tier 3 method, and a throttled
        # one must not hold up the next step. (A second click meanwhile is a stale button.)
        await _mark_chosen(client, body)

    async def _answer(
        self,
        turn: ClaimedTurn,
        record: StoreAnswer,
        destination: Destination | None,
        work: Callable[[], Awaitable[tuple[Answer, Destination]]],
    ) -> tuple[Answer, Destination]:
        """The turn's answer: the one an earlier attempt stored, or a fresh one, stored with
        the turn (see `_recorded_in_turn`)."""
        if turn.answer is not None:
            return _answer_from(turn.answer)
        return await _recorded_in_turn(self._services, record, destination, work)

    async def _deliver(
        self,
        client: AsyncWebClient,
        respond: AsyncRespond,
        turn: ClaimedTurn,
        answer: Answer,
        destination: Destination,
    ) -> bool:
        """Send the answer where it belongs; whether Slack took it."""
        user = turn.user
        # Clicks in App Home carry no response_url: there the DM is the private place to answer.
        can_respond = respond.response_url is not None
        if destination is Destination.DM or (
            destination is Destination.PRIVATE and not can_respond
        ):
            if await self._posted_before(client, turn, None):
                return True
            if await post_to_dm(client, user, answer, _receipt(turn)):
                return True
            if can_respond:  # the DM would not take it: say so where the user clicked
                await respond(response_type="ephemeral", replace_original=False, text=NOT_POSTED)
            return False
        elif destination is Destination.FILE:
            await upload_to_dm(client, user, as_file(answer.replies[-1].text))
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
        return True

    async def _deliver_in_thread(
        self, client: AsyncWebClient, turn: ClaimedTurn, answer: Answer, thread: AssistantThread
    ) -> None:
        """A click in a panel thread is answered in that thread: it is private already."""
        clicked = (turn.payload.get("message") or {}).get("ts")
        if not await self._posted_before(client, turn, thread.channel_id, thread, clicked):
            await post_in_channel(client, thread.channel_id, turn.user, answer.replies,
                                  answer.prep_id, _receipt(turn), thread.thread_ts)  # fmt: skip

    async def _thinking(
        self, client: AsyncWebClient, turn: ClaimedTurn, thread: AssistantThread | None
    ) -> None:
        """In a panel thread, show a status while a fresh answer is worked out."""
        if thread is not None and turn.answer is None:
            await self._panel.thinking(client, thread)

    async def _title(
        self,
        client: AsyncWebClient,
        user: UserRef,
        thread: AssistantThread | None,
        answer: Answer,
    ) -> None:
        if thread is not None and answer.prep_id is not None:
            await self._panel.title(client, user, thread, answer.prep_id)

    async def _posted_before(
        self,
        client: AsyncWebClient,
        turn: ClaimedTurn,
        channel: str | None,
        thread: AssistantThread | None = None,
        after: str | None = None,
    ) -> bool:
        """Whether an earlier attempt at this turn already posted its reply (only a turn
        taken up again with a stored answer can have); in a thread, among its replies since
        the message `after` (what the user wrote or clicked)."""
        if turn.attempts == 1 or turn.answer is None:
            return False
        if channel is None:
            opened = await client.conversations_open(users=turn.user.user)
            channel = str(opened["channel"]["id"])
        if thread is not None:
            page = await client.conversations_replies(
                channel=channel,
                ts=thread.thread_ts,
                oldest=after or thread.thread_ts,
                limit=HISTORY_DEPTH,
                include_all_metadata=True,
            )
        else:
            page = await client.conversations_history(
                channel=channel, limit=HISTORY_DEPTH, include_all_metadata=True
            )
        return has_receipt(page.get("messages") or [], TURN_EVENT, "turn", str(turn.id))

    async def _client(self, team_id: str) -> AsyncWebClient | None:
        token = await bot_token(self._template.token, self._store, team_id)
        if token is None:
            return None
        template = self._template
        return self._connections.bind(
            AsyncWebClient(token=token, base_url=template.base_url, logger=template.logger,
                           retry_handlers=template.retry_handlers)
        )  # fmt: skip


async def _recorded_in_turn(
    services: Services,
    record: StoreAnswer,
    destination: Destination | None,
    work: Callable[[], Awaitable[tuple[Answer, Destination]]],
) -> tuple[Answer, Destination]:
    """Run `work` so that a coach turn inside it stores its answer with the inbound turn in
    the coach's own transaction (a crash then never coaches the turn twice); an answer no coach
    turn gave (a command outside any prep) is stored just after. `destination` is where a
    coached answer goes; None: where a command's answer goes (`where_answered`)."""
    coached: list[Answer] = []

    async def store(connection: AsyncConnection, answer: Answer) -> None:
        await record(connection, _stored(answer, destination or where_answered(answer)))
        coached.append(answer)

    with recording(store):
        answer, where = await work()
    if not any(answer is given for given in coached):
        async with transaction(services.engine) as connection:
            await record(connection, _stored(answer, where))
    return answer, where


async def _to_dm(answering: Awaitable[Answer]) -> tuple[Answer, Destination]:
    return await answering, Destination.DM


def _stored(answer: Answer, destination: Destination) -> Payload:
    return {
        "prep_id": answer.prep_id,
        "destination": destination.value,
        "replies": [reply.model_dump(mode="json") for reply in answer.replies],
    }


def _answer_from(stored: Payload) -> tuple[Answer, Destination]:
    replies = [Reply.model_validate(reply) for reply in stored["replies"]]
    return Answer(stored.get("prep_id"), replies), Destination(stored["destination"])


def _receipt(turn: ClaimedTurn) -> dict[str, Any]:
    return receipt(TURN_EVENT, "turn", str(turn.id))


def _ts_of(thread: AssistantThread | None) -> str | None:
    return thread.thread_ts if thread is not None else None


def _respond(payload: Payload) -> AsyncRespond:
    url = payload.get("response_url")
    return AsyncRespond(response_url=url if isinstance(url, str) and url else None)


@asynccontextmanager
async def sorry_on_failure(
    what: str,
    user: UserRef,
    client: AsyncWebClient,
    respond: AsyncRespond | None,
    channel: str | None = None,
    thread: AssistantThread | None = None,
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
                await client.chat_postMessage(
                    channel=channel or user.user, thread_ts=_ts_of(thread), text=TROUBLE
                )
        except Exception as failure:  # the apology is best effort
            log.warning("could not tell %s: %s", user, type(failure).__name__)


async def _mark_chosen(client: AsyncWebClient, body: dict[str, Any]) -> None:
    """Replace the clicked message's buttons with what was chosen, so it cannot be re-clicked."""
    message, channel = body.get("message"), (body.get("channel") or {}).get("id")
    if not message or not channel or (body.get("container") or {}).get("is_ephemeral"):
        return
    kept = [b for b in message.get("blocks", []) if b.get("type") not in ("actions", "input")]
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
