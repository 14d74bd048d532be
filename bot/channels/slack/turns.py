"""Answering one Slack turn from the inbox: a DM, a `/prep-talk` command, a button click.

The same code answers a turn right after its ack and a turn a crashed process left behind:
all it needs is in the stored payload (the workspace's token is looked up again, the
response_url taken from the payload). A turn's answer is stored with it — in the coach
turn's own transaction for DMs and choices — and each DM reply carries the turn's id in
message metadata: a turn taken up again after a crash is not coached again, and its reply is
posted only if the DM's history does not show it already. Replies that cannot be looked up
(ephemeral ones through a response_url, files) may come twice in that crash window.
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
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.slack.blocks import escape, fallback_text, turn_blocks
from bot.channels.slack.bolt_app import WebApiConnections, bot_token, web_client
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
)
from bot.channels.slack.receipts import HISTORY_DEPTH, has_receipt, receipt
from bot.channels.slack.values import click_of
from bot.coach import Answer, RecordAnswer, recording
from bot.engine.messages import Reply
from bot.inbox import StoreAnswer
from bot.routing import answer_text
from bot.runtime import Services
from bot.storage.inbox import ClaimedTurn, Payload
from bot.users import UserRef

log = logging.getLogger(__name__)
TURN_EVENT = "prep_talk_turn"
TROUBLE = "Sorry — something went wrong on my side. Please try again in a moment."
NO_LONGER_VALID = "That button is no longer valid."


class TurnKind(StrEnum):
    MESSAGE = "message"  # a DM to the app (message.im)
    COMMAND = "command"  # /prep-talk …
    CLICK = "click"  # a button of ours


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
        else:
            await self._click(client, turn, record)

    async def _message(
        self, client: AsyncWebClient, turn: ClaimedTurn, record: StoreAnswer
    ) -> None:
        event, user = turn.payload["event"], turn.user
        channel = str(event["channel"])

        async def coach_it() -> tuple[Answer, Destination]:
            text, coached = str(event.get("text") or ""), list[Answer]()
            with recording(_in_turn(record, Destination.DM, coached)):
                answer = await answer_text(self._services.coach, user, text, PREFIX)
            if answer not in coached:  # a command answered it, outside any coach turn
                async with self._services.sessions.begin() as session:
                    await record(session, _stored(answer, Destination.DM))
            return answer, Destination.DM

        async with sorry_on_failure("message", user, client, None, channel):
            answer, _ = await self._answer(turn, record, coach_it, recorded_by_coach=True)
            if not await self._posted_before(client, turn, channel):
                await post_in_channel(client, channel, user, answer.replies, answer.prep_id,
                                      _receipt(turn))  # fmt: skip

    async def _command(
        self, client: AsyncWebClient, turn: ClaimedTurn, record: StoreAnswer
    ) -> None:
        user, respond = turn.user, _respond(turn.payload)

        async def run() -> tuple[Answer, Destination]:
            await remember_time_zone(self._services, client, user)
            return await command_answer(self._services, user, str(turn.payload.get("text", "")))

        async with sorry_on_failure("command", user, client, respond):
            answer, destination = await self._answer(turn, record, run)
            await self._deliver(client, respond, turn, answer, destination)

    async def _click(self, client: AsyncWebClient, turn: ClaimedTurn, record: StoreAnswer) -> None:
        body, user, respond = turn.payload, turn.user, _respond(turn.payload)
        click = click_of(body)
        if click is None:
            await respond(response_type="ephemeral", replace_original=False, text=NO_LONGER_VALID)
            return

        async def choose() -> tuple[Answer, Destination]:
            with recording(_in_turn(record, Destination.DM)):
                return await click_answer(self._services, user, click)

        async with sorry_on_failure("click", user, client, respond):
            answer, destination = await self._answer(
                turn, record, choose, recorded_by_coach=click.command_words is None
            )
            await self._deliver(client, respond, turn, answer, destination)
        # Marked after the reply, not before: chat.update is a Tier 3 method, and a throttled
        # one must not hold up the next step. (A second click meanwhile is a stale button.)
        await _mark_chosen(client, body)

    async def _answer(
        self,
        turn: ClaimedTurn,
        record: StoreAnswer,
        work: Callable[[], Awaitable[tuple[Answer, Destination]]],
        recorded_by_coach: bool = False,
    ) -> tuple[Answer, Destination]:
        """The turn's answer: the one an earlier attempt stored, or a fresh one, stored now
        (by the coach turn itself when `recorded_by_coach`)."""
        if turn.answer is not None:
            return _answer_from(turn.answer)
        answer, destination = await work()
        if not recorded_by_coach:
            async with self._services.sessions.begin() as session:
                await record(session, _stored(answer, destination))
        return answer, destination

    async def _deliver(
        self,
        client: AsyncWebClient,
        respond: AsyncRespond,
        turn: ClaimedTurn,
        answer: Answer,
        destination: Destination,
    ) -> None:
        user = turn.user
        # Clicks in App Home carry no response_url: there the DM is the private place to answer.
        can_respond = respond.response_url is not None
        if destination is Destination.DM or (
            destination is Destination.PRIVATE and not can_respond
        ):
            if not await self._posted_before(client, turn, None):
                await post_to_dm(client, user, answer, _receipt(turn))
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

    async def _posted_before(
        self, client: AsyncWebClient, turn: ClaimedTurn, channel: str | None
    ) -> bool:
        """Whether an earlier attempt at this turn already posted its reply (only a turn
        taken up again with a stored answer can have)."""
        if turn.attempts == 1 or turn.answer is None:
            return False
        if channel is None:
            opened = await client.conversations_open(users=turn.user.user)
            channel = str(opened["channel"]["id"])
        history = await client.conversations_history(
            channel=channel, limit=HISTORY_DEPTH, include_all_metadata=True
        )
        return has_receipt(history.get("messages") or [], TURN_EVENT, "turn", str(turn.id))

    async def _client(self, team_id: str) -> AsyncWebClient | None:
        token = await bot_token(self._template.token, self._store, team_id)
        if token is None:
            return None
        template = self._template
        return self._connections.bind(
            AsyncWebClient(token=token, base_url=template.base_url,
                           retry_handlers=template.retry_handlers)
        )  # fmt: skip


def _in_turn(
    record: StoreAnswer, destination: Destination, coached: list[Answer] | None = None
) -> RecordAnswer:
    """The coach's `record` hook: store the answer with the inbound turn, in the coach turn
    (and note it in `coached`)."""

    async def store(session: AsyncSession, answer: Answer) -> None:
        await record(session, _stored(answer, destination))
        if coached is not None:
            coached.append(answer)

    return store


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
