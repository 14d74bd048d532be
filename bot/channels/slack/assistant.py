"""Slack's assistant panel (Agents & AI Apps): the same coach as the DM, beside what the user
is reading.

A panel thread lives in the app's DM with the person, so its messages are DM messages with a
`thread_ts`: they go through the same inbox and the same coach turn as any DM (`turns`), and
only the delivery differs — replies in the thread, a "thinking" status meanwhile, the title
naming the stakeholder. Both places reach the same prep, since a prep belongs to the person.

Bolt's `AsyncAssistant` routes the panel's events; each is a turn of the person's, kept in the
inbox before the ack and answered in order. The thread context (the channel the user is
viewing) is kept in our database (`PersonThreadContexts`), not in Bolt's default place, the
metadata of the thread's first bot message. In a workspace without the feature (it needs a
paid plan) none of this is called, and the `assistant.threads.*` calls are best effort: an
error there never stops a turn.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_bolt.context.assistant.thread_context import AssistantThreadContext
from slack_bolt.context.assistant.thread_context_store.async_store import (
    AsyncAssistantThreadContextStore,
)
from slack_bolt.middleware.assistant.async_assistant import AsyncAssistant
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack.blocks import escape
from bot.channels.slack.conversation import person
from bot.runtime import Services
from bot.storage.assistant_threads import AssistantThread, AssistantThreads
from bot.users import UserRef

log = logging.getLogger(__name__)

ASSISTANT_DESCRIPTION = (
    "Your coach before a hard security conversation with the business: pick a stakeholder, "
    "and I walk you through listening first, one clear goal, good timing, plain words and why."
)
GREETING = (
    "Hi — I'm prep-talk. Tell me who you are about to talk to, or pick a prompt below. "
    "A prep started here carries on in our DM, and the other way round."
)
PROMPTS_TITLE = "What shall we prepare?"
SUGGESTED_PROMPTS = ("Prepare a talk with Sales", "Check my draft", "Rehearse my last prep",
                     "Debrief")  # fmt: skip
THINKING = "is thinking…"
THREAD_STARTED = "assistant_thread_started"
CONTEXT_CHANGED = "assistant_thread_context_changed"


def prompts() -> list[dict[str, str]]:
    """The suggested prompts as Slack takes them: a clicked one is sent as the user's message."""
    return [{"title": prompt, "message": prompt} for prompt in SUGGESTED_PROMPTS]


class PersonThreadContexts(AsyncAssistantThreadContextStore):
    """Bolt's thread context store for one person's threads, on our SQL tables.

    Bolt's interface names a thread by channel and ts only; every row of ours also names its
    owner, so the store is bound to the person whose event is being handled."""

    def __init__(self, threads: AssistantThreads, user: UserRef) -> None:
        self._threads, self._user = threads, user

    async def save(self, *, channel_id: str, thread_ts: str, context: dict[str, str]) -> None:
        await self._threads.save_context(self._user, AssistantThread(channel_id, thread_ts),
                                         dict(context))  # fmt: skip

    async def find(self, *, channel_id: str, thread_ts: str) -> AssistantThreadContext | None:
        stored = await self._threads.find(self._user, AssistantThread(channel_id, thread_ts))
        if stored is None or not stored.context.get("channel_id"):
            return None
        return AssistantThreadContext(stored.context)


def assistant_events(answer_waiting: Callable[..., Awaitable[None]]) -> AsyncAssistant:
    """Bolt's router for the panel. A new thread, a context change and a message in a thread
    are all turns of the person's, stored before the ack like any DM (and in place of Bolt's
    own context saving, which writes message metadata): `answer_waiting` answers them."""
    assistant = AsyncAssistant(logger=logging.getLogger("bot.channels.slack.bolt"))
    assistant.thread_started(answer_waiting)
    assistant.thread_context_changed(answer_waiting)
    assistant.user_message(answer_waiting)
    return assistant


def panel_event(body: dict[str, Any]) -> tuple[str, UserRef] | None:
    """Which panel event (THREAD_STARTED or CONTEXT_CHANGED) a payload is, and whose; None
    for anything else."""
    event = body.get("event")
    if not isinstance(event, dict) or event.get("type") not in (THREAD_STARTED, CONTEXT_CHANGED):
        return None
    opened = _opened(body, event)
    return (str(event["type"]), opened[0]) if opened else None


def thread_of_message(event: dict[str, Any]) -> AssistantThread | None:
    """The thread a DM message was written in (None: the DM itself)."""
    channel, thread_ts = event.get("channel"), event.get("thread_ts")
    if isinstance(channel, str) and isinstance(thread_ts, str) and thread_ts:
        return AssistantThread(channel, thread_ts)
    return None


def thread_of_click(body: dict[str, Any]) -> AssistantThread | None:
    """The thread holding the clicked message (None: a top-level message, or App Home)."""
    container, message = body.get("container") or {}, body.get("message") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    thread_ts = container.get("thread_ts") or message.get("thread_ts")
    if isinstance(channel, str) and isinstance(thread_ts, str) and thread_ts:
        return AssistantThread(channel, thread_ts)
    return None


class AssistantPanel:
    """What only the panel does around a coach turn: greet, show status, title the thread."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self.threads = AssistantThreads(services.sessions)

    async def keep_context(self, body: dict[str, Any]) -> AssistantThread | None:
        """Save the thread's context (which channel the user views); returns the thread."""
        opened = _opened(body, body["event"])
        if opened is None:
            return None
        user, thread, context = opened
        await PersonThreadContexts(self.threads, user).save(
            channel_id=thread.channel_id, thread_ts=thread.thread_ts, context=context
        )
        return thread

    async def greet(self, client: AsyncWebClient, body: dict[str, Any]) -> None:
        """A new panel thread: keep its context, say hello, offer the suggested prompts."""
        thread = await self.keep_context(body)
        if thread is None:
            return
        await client.chat_postMessage(
            channel=thread.channel_id, thread_ts=thread.thread_ts, text=escape(GREETING)
        )
        await _best_effort(
            "setSuggestedPrompts",
            client.assistant_threads_setSuggestedPrompts(
                channel_id=thread.channel_id,
                thread_ts=thread.thread_ts,
                title=PROMPTS_TITLE,
                prompts=prompts(),
            ),
        )

    async def thinking(self, client: AsyncWebClient, thread: AssistantThread) -> None:
        """Show "is thinking…" in the thread until our reply lands (Slack clears it then)."""
        await _best_effort(
            "setStatus",
            client.assistant_threads_setStatus(
                channel_id=thread.channel_id, thread_ts=thread.thread_ts, status=THINKING
            ),
        )

    async def title(
        self, client: AsyncWebClient, user: UserRef, thread: AssistantThread, prep_id: int
    ) -> None:
        """Name the thread after the prep's stakeholder, once per prep (a prep started or
        resumed in it)."""
        if not await self.threads.name_prep(user, thread, prep_id):
            return
        prep = await self._services.coach.prep(user, prep_id)
        book = self._services.coach.playbooks.find(prep.stakeholder) if prep else None
        if book is None:
            return
        await _best_effort(
            "setTitle",
            client.assistant_threads_setTitle(
                channel_id=thread.channel_id, thread_ts=thread.thread_ts, title=book.name
            ),
        )


def _opened(
    body: dict[str, Any], event: dict[str, Any]
) -> tuple[UserRef, AssistantThread, dict[str, Any]] | None:
    """Who, where and the context, from an assistant_thread_* event (None: malformed)."""
    opened = event.get("assistant_thread")
    if not isinstance(opened, dict):
        return None
    user_id, channel, thread_ts = (_text(opened.get(key)) for key in
                                   ("user_id", "channel_id", "thread_ts"))  # fmt: skip
    if user_id is None or channel is None or thread_ts is None:
        return None
    context = opened.get("context")
    team = body.get("team_id")
    user = person(team if isinstance(team, str) else None, user_id)
    return user, AssistantThread(channel, thread_ts), context if isinstance(context, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


async def _best_effort(method: str, call: Awaitable[Any]) -> None:
    """An assistant.threads.* call: a workspace without the panel answers an error, and the
    turn goes on without the status, prompts or title."""
    try:
        await call
    except SlackApiError as error:
        log.info("assistant.threads.%s: %s", method, error.response.get("error"))
    except (aiohttp.ClientError, TimeoutError) as error:
        log.info("assistant.threads.%s: %s", method, type(error).__name__)
