"""Answering one Teams activity from the inbox: live while Teams waits, or replayed after a
crash.

A personal or channel message is stored (sealed) before it is processed. The live request
registers its authenticated activity here and asks the inbox to answer the sender's
waiting turns: its own turn then runs on the CloudAdapter as any turn does. A turn without
a live request — one a crashed process left — is replayed proactively into its conversation
(`continue_conversation` with the reference the activity itself carries). The answer of
each coach turn is stored with the inbox turn in the coach's transaction, so a turn taken up
again after a crash is not coached twice: only its stored answer is sent again. Teams has
no idempotency key and a bot cannot read its chats back, so that card may come twice (at
least once, as for nudges); the turn itself runs once.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from botbuilder.core import Bot, TurnContext  # type: ignore[import-untyped]
from botbuilder.integration.aiohttp import CloudAdapter  # type: ignore[import-untyped]
from botbuilder.schema import Activity  # type: ignore[import-untyped]
from botframework.connector.auth import AuthenticateRequestResult  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.channels.teams.activities import teams_user
from bot.channels.teams.delivery import card_activity
from bot.coach import Answer, RecordAnswer, recording
from bot.engine.messages import Reply
from bot.inbox import StoreAnswer, TurnInbox
from bot.storage.inbox import ClaimedTurn
from bot.users import UserRef

log = logging.getLogger(__name__)
KIND = "activity"
Logic = Callable[[TurnContext], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class LiveRequest:
    authenticated: AuthenticateRequestResult
    activity: Activity


class TeamsTurns:
    """The Teams channel's `TurnProcessor`, and the endpoint's way into the inbox."""

    def __init__(
        self, adapter: CloudAdapter, bot: Bot, inbox: TurnInbox, app_id: str, *, local: bool
    ) -> None:
        self._adapter, self._bot, self._inbox = adapter, bot, inbox
        self._app_id, self._local = app_id, local
        self._live: dict[str, LiveRequest] = {}

    def sender(self, activity: Activity) -> UserRef | None:
        """Who a message is from, when it is one the inbox keeps (None: process it as is)."""
        if activity.type != "message" or not activity.id or activity.conversation is None:
            return None
        return teams_user(activity, local=self._local)

    async def receive_and_answer(
        self, user: UserRef, authenticated: AuthenticateRequestResult, activity: Activity
    ) -> bool:
        """Store the activity, then answer the sender's waiting turns, this one live among
        them; False when it is a redelivery (stored and answered once already)."""
        delivery_id = delivery_id_of(activity)
        if not await self._inbox.receive(user, delivery_id, KIND, activity.serialize()):
            return False
        self._live[delivery_id] = LiveRequest(authenticated, activity)
        try:
            await self._inbox.drain(user)
        finally:
            self._live.pop(delivery_id, None)
        return True

    async def process(self, turn: ClaimedTurn, record: StoreAnswer) -> None:
        with recording(_stored_by(record)):
            live = self._live.get(turn.delivery_id)
            if live is not None:
                await self._adapter.process_activity(
                    live.authenticated, live.activity, self._bot.on_turn
                )
                return
            activity = Activity().deserialize(turn.payload)
            if turn.answer is not None:
                replies = [Reply.model_validate(reply) for reply in turn.answer["replies"]]
                await self._replay(activity, _sender_of(replies, turn.answer.get("prep_id")))
            else:
                await self._replay(activity, self._bot.on_turn)

    async def _replay(self, activity: Activity, logic: Logic) -> None:
        """Run `logic` in the activity's conversation, on the activity itself, proactively."""
        reference = TurnContext.get_conversation_reference(activity)

        async def on_stored_activity(turn_context: TurnContext) -> None:
            turn_context.activity = activity
            await logic(turn_context)

        log.info("replaying a Teams activity left unanswered by a crash")
        await self._adapter.continue_conversation(reference, on_stored_activity, self._app_id)


def delivery_id_of(activity: Activity) -> str:
    """Bot Framework may re-send an activity: its conversation and id name it (hashed: ids
    are long and their length is not bounded)."""
    return hashlib.sha256(f"{activity.conversation.id}/{activity.id}".encode()).hexdigest()


def _stored_by(record: StoreAnswer) -> RecordAnswer:
    async def store(connection: AsyncConnection, answer: Answer) -> None:
        await record(connection, {
            "prep_id": answer.prep_id,
            "replies": [reply.model_dump(mode="json") for reply in answer.replies],
        })  # fmt: skip

    return store


def _sender_of(replies: list[Reply], prep_id: object) -> Logic:
    async def send(turn_context: TurnContext) -> None:
        await turn_context.send_activity(
            card_activity(replies, prep_id if isinstance(prep_id, int) else None)
        )

    return send
