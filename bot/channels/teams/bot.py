"""The Teams bot: the coaching dialog in personal chat; public commands in channels.

In personal chat what the user writes is a command or an answer by the one rule of
`bot.routing`, as in every channel. In a channel
the bot answers only when @-mentioned, and only `list`, `check` and `help` are answered there:
preps are private, so everything else is carried out in the user's personal chat.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from botbuilder.core import (  # type: ignore[import-untyped]
    ActivityHandler,
    BotAdapter,
    InvokeResponse,
    TurnContext,
)
from botbuilder.schema import Activity, ChannelAccount  # type: ignore[import-untyped]
from botframework.connector.auth import AuthenticationConstants  # type: ignore[import-untyped]

from bot.channels.choices import Picked
from bot.channels.teams.activities import (
    invoke_refusal,
    is_personal,
    mentions_bot,
    message_text,
    teams_user,
    time_zone_of,
)
from bot.channels.teams.cards import personal_chat_link
from bot.channels.teams.delivery import DeliveryStatus, ProactiveMessenger, Sleep, send_card
from bot.channels.teams.submits import card_click
from bot.coach import Answer, Coach
from bot.commands import UserCommand, Word, help_text, parse_command, run_command
from bot.engine.messages import Step
from bot.engine.turn import say
from bot.routing import answer_choice, answer_text
from bot.storage.teams_references import TeamsReferences
from bot.users import UserRef

log = logging.getLogger(__name__)

PERSONAL_PREFIX = ""
CHANNEL_PREFIX = "@prep-talk "
CHANNEL_WORDS = (Word.LIST, Word.CHECK, Word.HELP)
WHO_ARE_YOU = (
    "I can't tell who you are in this chat, so I can't keep your preps. Try our personal chat."
)
HANDED_OFF = "Preps are private: I answered you in our personal chat."
PRIVATE = "Preps are private, so they live in our personal chat. Open it and write to me there."


class CoachingBot(ActivityHandler):  # type: ignore[misc]
    """Turns Teams activities into coach turns and the coach's replies into cards."""

    def __init__(
        self,
        coach: Coach,
        references: TeamsReferences,
        messenger: ProactiveMessenger,
        *,
        app_id: str,
        local: bool,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        super().__init__()
        self.coach = coach
        self.references = references
        self.messenger = messenger
        self.app_id = app_id
        self.local = local
        self.sleep = sleep

    # ---- activities ------------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        user = teams_user(activity, local=self.local)
        if not is_personal(activity):
            if user is not None:
                await self._in_channel(turn_context, user)
            return
        if user is None:
            await send_card(turn_context, [say(Step.INFO, WHO_ARE_YOU)], None, self.sleep)
            return
        await self._remember(turn_context, user)
        click = card_click(activity.value)
        if click is not None:
            answer = await self._clicked(user, click)
        else:
            answer = await self._wrote(user, message_text(activity))
        await send_card(turn_context, answer.replies, answer.prep_id, self.sleep)
        if _forgotten(answer):
            await self.references.delete(user)  # forget means all of it, this too

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        user = teams_user(turn_context.activity, local=self.local)
        if user is not None and is_personal(turn_context.activity):
            await self._remember(turn_context, user)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        user = teams_user(turn_context.activity, local=self.local)
        if user is not None and is_personal(turn_context.activity) and self._verified(turn_context):
            await self.references.delete(user)

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if not any(member.id == bot_id for member in members_added):
            return
        user = teams_user(activity, local=self.local)
        if is_personal(activity) and user is not None:
            await self._remember(turn_context, user)
        prefix = PERSONAL_PREFIX if is_personal(activity) else CHANNEL_PREFIX
        welcome = (
            "Hi, I'm prep-talk. I help you prepare a hard conversation with a business "
            "stakeholder in five steps, and keep your notes private.\n"
            + help_text(prefix, self.coach)
        )
        await send_card(turn_context, [say(Step.INFO, welcome)], None, self.sleep)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """Every invoke is refused with a clear 400 (see `invoke_refusal`), where the SDK's
        own handling answers 500 to a malformed card action and 501 to the rest."""
        activity = turn_context.activity
        refusal = invoke_refusal(activity.name, activity.value)
        return InvokeResponse(status=refusal.status_code, body=refusal)

    # ---- personal chat -----------------------------------------------------------------

    async def _wrote(self, user: UserRef, text: str) -> Answer:
        return await answer_text(self.coach, user, text, PERSONAL_PREFIX)

    async def _clicked(self, user: UserRef, click: Picked) -> Answer:
        return await answer_choice(self.coach, user, click.inbound(), PERSONAL_PREFIX)

    # ---- channels ----------------------------------------------------------------------

    async def _in_channel(self, turn_context: TurnContext, user: UserRef) -> None:
        activity = turn_context.activity
        click = card_click(activity.value)
        if click is None and not mentions_bot(activity):
            return  # not for us: in a channel the bot speaks only when @-mentioned
        words = click.command_words if click is not None else message_text(activity)
        command = parse_command(words, self.coach) if words is not None else None
        if command is not None and command.word in CHANNEL_WORDS:
            answer = await run_command(self.coach, user, command, CHANNEL_PREFIX)
            await send_card(turn_context, answer.replies, None, self.sleep)
            return
        if command is not None and await self._hand_off(user, command):
            await send_card(turn_context, [say(Step.INFO, HANDED_OFF)], None, self.sleep)
            return
        card = [say(Step.INFO, PRIVATE)]
        link = personal_chat_link(activity.recipient.id if activity.recipient else "")
        await send_card(turn_context, card, None, self.sleep, link=link)

    async def _hand_off(self, user: UserRef, command: UserCommand) -> bool:
        """Carry out a private command in the user's personal chat, if we can reach it."""
        if await self.references.load(user) is None:
            return False
        answer = await run_command(self.coach, user, command, PERSONAL_PREFIX)
        delivery = await self.messenger.send(user, answer.replies, answer.prep_id)
        return delivery.status is DeliveryStatus.SENT

    # ---- references ----------------------------------------------------------------------

    def _verified(self, turn_context: TurnContext) -> bool:
        """The activity came with a Bot Framework token for this very app (not local mode)."""
        identity: Any = turn_context.turn_state.get(BotAdapter.BOT_IDENTITY_KEY)
        if identity is None or not identity.is_authenticated or not self.app_id:
            return False
        if identity.authentication_type == AuthenticationConstants.ANONYMOUS_AUTH_TYPE:
            return False
        return bool(identity.claims.get(AuthenticationConstants.AUDIENCE_CLAIM) == self.app_id)

    async def _remember(self, turn_context: TurnContext, user: UserRef) -> None:
        """Save where to reach the user later, from authenticated personal activities only."""
        activity: Activity = turn_context.activity
        if not self._verified(turn_context):
            return
        reference = TurnContext.get_conversation_reference(activity).serialize()
        time_zone = time_zone_of(activity)
        before = await self.references.save(user, reference, time_zone)
        if time_zone is not None and time_zone != before:
            await self.coach.set_time_zone(user, time_zone)


def _forgotten(answer: Answer) -> bool:
    """The turn deleted everything about the user (`forget`, confirmed)."""
    return any(
        finding.kind == "forgotten" for reply in answer.replies for finding in reply.findings
    )
