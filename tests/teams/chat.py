"""A Teams user's personal chat with the bot, through Bot Framework's TestAdapter (no HTTP)."""

from __future__ import annotations

from typing import Any

from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount

from bot.channels.teams.bot import CoachingBot
from bot.channels.teams.delivery import ProactiveMessenger
from bot.coach import Coach
from bot.storage.teams_references import TeamsReferences
from tests.teams import cardreader
from tests.teams.support import BOT_ID, DANA, TENANT


class TeamsChat:
    """Dana's personal chat with the bot: she types, or clicks a button on the last card."""

    def __init__(self, adapter: TestAdapter) -> None:
        self.adapter = adapter
        self.card: dict[str, Any] = {}

    async def _send(self, activity: Activity) -> dict[str, Any]:
        await self.adapter.receive_activity(activity)
        replies = []
        while (reply := self.adapter.get_next_activity()) is not None:
            replies.append(reply)
        assert len(replies) == 1, "one card per turn"
        [attachment] = replies[0].attachments
        self.card = attachment.content
        return self.card

    async def says(self, text: str) -> dict[str, Any]:
        return await self._send(Activity(type="message", text=text))

    async def clicks(self, choice: str, card: dict[str, Any] | None = None) -> dict[str, Any]:
        data = cardreader.button(card or self.card, choice)
        return await self._send(Activity(type="message", value=data))

    async def ticks(self, *choices: str) -> dict[str, Any]:
        """Tick `choices` in the card's expanded ChoiceSet and press its one submit: Teams
        sends the submit's data with the ticked values joined by commas under the input id."""
        [choice_set] = [
            e for e in cardreader.elements(self.card) if e.get("type") == "Input.ChoiceSet"
        ]
        assert {c["value"] for c in choice_set["choices"]} >= set(choices)
        data = cardreader.button(self.card, "@picked") | {choice_set["id"]: ",".join(choices)}
        return await self._send(Activity(type="message", value=data))

    @property
    def text(self) -> str:
        return cardreader.text(self.card)


def personal_chat(coach: Coach) -> TeamsChat:
    """Dana's personal chat with the real bot in front of `coach`."""
    template = Activity(
        channel_id="msteams",
        service_url="https://smba.trafficmanager.net/emea/",
        from_property=ChannelAccount(id="29:dana", name="Dana", aad_object_id=DANA.user),
        recipient=ChannelAccount(id=BOT_ID, name="prep-talk"),
        conversation=ConversationAccount(id="a:dana-personal", conversation_type="personal"),
        channel_data={"tenant": {"id": TENANT}},
    )
    adapter = TestAdapter(template_or_conversation=template)
    references = TeamsReferences(coach.sessions)
    bot = CoachingBot(
        coach, references, ProactiveMessenger(adapter, references, ""), app_id="", local=False
    )
    adapter.logic = bot.on_turn
    return TeamsChat(adapter)
