"""The coach service: the one place that loads a prep, advances the engine and saves it.

Every channel (Slack, Teams, terminal, web) calls `Coach.handle`. A turn reads what it
needs, and what it changed is written in one transaction shared with the other turns that
end at the same moment (`bot.storage.turn_writes`: one commit for all of them); a turn that
creates a person or a prep runs in one transaction of its own. Either way a concurrent turn
on the same prep is detected by the dialog state's version, nothing of the turn is kept and
it is replayed on fresh state (the engine is pure, so replay is safe).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Protocol

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.engine import flow
from bot.engine.context import CoachContext
from bot.engine.dates import DateOrder, order_of_locale
from bot.engine.glossary import GlossaryIndex
from bot.engine.messages import Command, Inbound, Reply, Step
from bot.engine.prep_numbers import could_be_a_prep, prep_number
from bot.engine.state import PrepState
from bot.engine.turn import Turn, say
from bot.engine.warm import warm_up
from bot.outcome_views import OutcomeView, outcome_views
from bot.playbook.library import PlaybookLibrary
from bot.playbook.schema import Playbook
from bot.storage.batches import TransactionBatches
from bot.storage.crypto import KEYS_VARIABLE, NoteCipher, NoteKeyError
from bot.storage.db import session_factory
from bot.storage.prep_store import (
    ConcurrentTurn,
    PersonSettings,
    PrepStore,
    StoredDialog,
    StoredPrep,
)
from bot.storage.tenants import TenantSettings, configure_tenant
from bot.storage.transactions import reading, transaction
from bot.storage.turn_writes import OwnTransactionNeeded, TurnWrites
from bot.templates import BriefTemplates
from bot.users import UserRef
from bot.voice import StakeholderVoice
from bot.voice.lines import LinesAhead, LinesNeeded, voice_lines

log = logging.getLogger(__name__)
TURN_ATTEMPTS = 5


# Commands that reopen a prep named by number or stakeholder, and what the engine does then.
_REOPEN: dict[Command | None, Callable[[PrepState, CoachContext], Turn]] = {
    Command.RESUME: flow.resume,
    Command.DEBRIEF: flow.start_debrief,
    Command.REHEARSE: flow.start_rehearsal,
    Command.OUTCOME: flow.ask_outcome,
}

STALE_PREP = (
    "That button belongs to a prep that is finished or not the one in progress. "
    "Use history to pick a prep up again."
)
NO_SUCH_PREP = "I found no such prep of yours. Your preps are listed in history."
KEY_MISSING = (
    "This prep was encrypted with a key this server no longer has, so I cannot open it. "
    f"Ask your admin to add the old key to {KEYS_VARIABLE}. Your other preps are unaffected."
)


@dataclass(frozen=True, slots=True)
class Answer:
    """The replies of one turn and the prep they belong to (None when no prep is involved)."""

    prep_id: int | None
    replies: list[Reply]


class PrepSummary(BaseModel):
    id: int
    stakeholder: str
    status: str
    goal: str | None
    planned_date: date | None
    created_at: datetime
    updated_at: datetime


class NoteView(BaseModel):
    step: str
    text: str
    updated_at: datetime


class PrepDetail(PrepSummary):
    notes: list[NoteView]


RecordAnswer = Callable[[AsyncConnection, Answer], Awaitable[None]]
_TURN_RECORD: ContextVar[RecordAnswer | None] = ContextVar("turn_record", default=None)


@contextmanager
def recording(record: RecordAnswer) -> Iterator[None]:
    """Coach turns run inside store their answer with `record` (see `Coach.answer`): the
    inbound turn being answered is known to the channel, several calls deep."""
    token = _TURN_RECORD.set(record)
    try:
        yield
    finally:
        _TURN_RECORD.reset(token)


def utc_now() -> datetime:
    return datetime.now(UTC)


class TurnObserver(Protocol):
    """Told of every turn (for /metrics): the channel is the user's platform."""

    def turn_done(self, channel: str, step: str, seconds: float) -> None: ...

    def turn_failed(self, channel: str) -> None: ...


class Coach:
    def __init__(
        self,
        engine: AsyncEngine,
        playbooks: PlaybookLibrary,
        cipher: NoteCipher,
        templates: BriefTemplates,
        clock: Callable[[], datetime] = utc_now,
        observer: TurnObserver | None = None,
        voice: StakeholderVoice | None = None,
    ) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)  # for the services beside the coach
        self.playbooks = playbooks
        self.cipher = cipher
        self.templates = templates
        self.clock = clock
        self.observer = observer
        self.voice = voice  # a model saying the stakeholder's rehearsal lines, when configured
        self._writes = TransactionBatches(engine, _write_turn)

    @cached_property
    def glossary(self) -> GlossaryIndex:
        """The glossary's matcher, built on first use (a nudge worker never needs it)."""
        return GlossaryIndex(self.playbooks.glossary)

    def warm_up(self) -> None:
        """Build the engine's lazy tables now rather than in the first users' turns."""
        warm_up(self.playbooks.all(), self.glossary, self.clock().date())

    async def handle(self, user: UserRef, inbound: Inbound) -> list[Reply]:
        """Apply one inbound message for `user` and return the replies to show."""
        return (await self.answer(user, inbound)).replies

    async def answer(self, user: UserRef, inbound: Inbound) -> Answer:
        """Like `handle`, also naming the prep the replies belong to (for buttons).

        Inside `recording(record)`, `record` runs in the transaction that writes the turn,
        with its answer: a channel stores the answer with the inbound turn it answers, so
        that a turn taken up again after a crash is delivered, not coached a second time."""
        started = time.perf_counter()
        try:
            answer = await self._answer(user, inbound)
        except Exception:
            if self.observer is not None:
                self.observer.turn_failed(user.platform)
            raise
        if self.observer is not None:
            steps = (reply.step for reply in answer.replies if reply.step is not Step.INFO)
            step = next(steps, Step.INFO).value  # the coaching step that answered, if any
            self.observer.turn_done(user.platform, step, time.perf_counter() - started)
        return answer

    async def _answer(self, user: UserRef, inbound: Inbound) -> Answer:
        record = _TURN_RECORD.get()
        lines = LinesAhead(self.voice) if self.voice is not None else None
        shared = inbound.command is not Command.START  # a start writes a new prep at once
        for _attempt in range(TURN_ATTEMPTS):
            try:
                if shared:
                    try:
                        return await self._shared_turn(user, inbound, lines, record)
                    except OwnTransactionNeeded:
                        shared = False
                async with transaction(self.engine) as connection:
                    answer = await self._turn(self._store(connection, user), inbound, lines)
                    if record is not None:
                        await record(connection, answer)
                    return answer
            except ConcurrentTurn:
                log.info("concurrent turn for %s; replaying on fresh state", user)
            except LinesNeeded as needed:  # nothing was written: ask, then run the turn again
                assert lines is not None
                await lines.ask(needed.cues)
            except NoteKeyError as error:
                log.error("a prep of %s cannot be opened: %s", user, error)
                return Answer(None, [say(Step.INFO, KEY_MISSING)])
        return Answer(
            None,
            [say(Step.INFO, "This prep changed elsewhere at the same moment. Please try again.")],
        )

    async def preps(self, user: UserRef, limit: int = 50) -> list[PrepSummary]:
        """The user's own preps, newest first."""
        async with self.engine.connect() as connection:
            store = self._store(connection, user)
            return [_summary(store, row) for row in await store.list_conversations(limit)]

    async def prep(self, user: UserRef, conversation_id: int) -> PrepDetail | None:
        """One of the user's preps with its notes; None when it is not theirs or not there."""
        if not could_be_a_prep(conversation_id):
            return None
        async with self.engine.connect() as connection:
            store = self._store(connection, user)
            row = await store.get_conversation(conversation_id)
            if row is None:
                return None
            notes = [
                NoteView(step=n.step, text=n.text, updated_at=n.updated_at)
                for n in await store.notes_of(row)
            ]
            return PrepDetail(**_summary(store, row).model_dump(), notes=notes)

    async def outcomes(self, user: UserRef) -> list[OutcomeView]:
        """The measured outcomes of the user's own preps, most recently updated first (one
        sealed with a key this server no longer has is left out)."""
        async with self.engine.connect() as connection:
            return await outcome_views(self._store(connection, user))

    async def current(self, user: UserRef) -> Answer | None:
        """Where the user's prep in progress stands, asked again; None without one.

        Reads only: the engine's resume turn is shown, not saved, so a page reload can show
        the open question without changing the prep."""
        async with self.engine.connect() as connection:
            store = self._store(connection, user)
            active = await store.active_conversation()
            if active is None:
                return None
            conversation, row = active
            state = PrepState.model_validate(store.state_data(row))
            book = self.playbooks.find(state.stakeholder)
            if book is None:
                return Answer(None, [say(Step.INFO, self._uninstalled(state.stakeholder))])
            person = await store.ensure_person()
            return Answer(conversation.id, flow.resume(state, self._context(person, book)).replies)

    async def forget(self, user: UserRef) -> int:
        """Delete every prep, note and setting of this user; returns the preps deleted."""
        async with transaction(self.engine) as connection:
            return await self._store(connection, user).forget_everything()

    async def configure_tenant(
        self,
        platform: str,
        tenant: str,
        *,
        fiscal_year_start_month: int | None,
        mission: str | None,
        model_voice: bool | None = None,
    ) -> TenantSettings:
        """Set a workspace's fiscal-year start month and mission (shown in the Spark step), and
        whether a configured model may voice the stakeholder; None leaves a setting as it is."""
        async with transaction(self.engine) as connection:
            return await configure_tenant(
                connection,
                self.cipher,
                platform,
                tenant,
                fiscal_year_start_month=fiscal_year_start_month,
                mission=mission,
                model_voice=model_voice,
            )

    async def known_settings(self, user: UserRef) -> PersonSettings | None:
        """The user's settings if they were ever seen (None otherwise); a read, no write."""
        async with self.engine.connect() as connection:
            return await self._store(connection, user).known_settings()

    async def settings_of(self, user: UserRef) -> PersonSettings:
        """The user's own settings and their workspace's (fiscal year, mission)."""
        async with transaction(self.engine) as connection:
            return await self._store(connection, user).ensure_person()

    async def set_nudges(self, user: UserRef, opt_in: bool) -> None:
        """Opt in to (or out of) reminders before the stakeholders' busy seasons."""
        async with transaction(self.engine) as connection:
            store = self._store(connection, user)
            await store.ensure_person()
            await store.set_nudges(opt_in)

    async def snooze_nudges(self, user: UserRef, days: int) -> datetime:
        """No nudges for `days`; returns when they resume."""
        until = self.clock() + timedelta(days=days)
        async with transaction(self.engine) as connection:
            store = self._store(connection, user)
            await store.ensure_person()
            await store.snooze_nudges(until)
        return until

    async def learn_profile(self, user: UserRef, locale: str | None, time_zone: str | None) -> None:
        """What the platform knows of the user, in one transaction: how they write numeric
        dates, from their locale (en-US: month first) unless they have shown us their own
        way; and their IANA time zone (ValueError, and nothing saved, for one we cannot read)."""
        order = order_of_locale(locale) if locale else None
        async with transaction(self.engine) as connection:
            store = self._store(connection, user)
            person = await store.ensure_person()
            if order is not None and person.date_order is None:
                await store.set_date_order(order.value)
            if time_zone is not None:
                await store.set_time_zone(time_zone)

    async def set_time_zone(self, user: UserRef, time_zone: str) -> None:
        """The user's IANA time zone, so "today" and dates are theirs."""
        async with transaction(self.engine) as connection:
            store = self._store(connection, user)
            await store.ensure_person()
            await store.set_time_zone(time_zone)

    async def save_settings(
        self, user: UserRef, *, mission: str, fiscal_year_start_month: int, time_zone: str
    ) -> PersonSettings:
        """The user's time zone and their workspace's mission and fiscal year, all or none.

        One transaction: a ValueError naming the bad value leaves every setting as it was."""
        async with transaction(self.engine) as connection:
            store = self._store(connection, user)
            await store.ensure_person()
            await store.set_time_zone(time_zone)
            await configure_tenant(
                connection,
                self.cipher,
                user.platform,
                user.tenant,
                fiscal_year_start_month=fiscal_year_start_month,
                mission=mission,
            )
            return await store.ensure_person()

    def _store(self, connection: AsyncConnection, user: UserRef) -> PrepStore:
        return PrepStore(connection, user, self.cipher)

    async def _shared_turn(
        self, user: UserRef, inbound: Inbound, lines: LinesAhead | None, record: RecordAnswer | None
    ) -> Answer:
        """The turn on what it reads now, its writes in a transaction shared with others'."""
        writes = TurnWrites()
        async with reading(self.engine) as connection:
            store = PrepStore(connection, user, self.cipher, gather=writes)
            answer = await self._turn(store, inbound, lines)
        if record is not None:
            writes.after.append(lambda connection: record(connection, answer))
        if writes and not await self._writes.submit(writes):
            raise ConcurrentTurn(f"the prep of {user} changed meanwhile")
        return answer

    async def _turn(self, store: PrepStore, inbound: Inbound, lines: LinesAhead | None) -> Answer:
        person, active = await store.open_turn()
        if inbound.command is Command.START:
            return await self._start(store, person, inbound.argument or "", lines)
        if inbound.choice == flow.REHEARSE and inbound.command is None:
            inbound = _rehearse_command(inbound)  # the brief's "Rehearse": the prep it names
        if inbound.command in _REOPEN:
            return await self._reopen(store, person, inbound, lines)
        if inbound.prep_id is not None and (active is None or active[0].id != inbound.prep_id):
            return Answer(None, [say(Step.INFO, STALE_PREP)])
        if active is None:
            return Answer(None, [say(Step.INFO, self._nothing_active())])
        conversation, row = active
        state = PrepState.model_validate(store.state_data(row))
        book = self.playbooks.find(state.stakeholder)
        if book is None:
            return Answer(None, [say(Step.INFO, self._uninstalled(state.stakeholder))])
        turn = flow.advance(state, inbound, self._context(person, book))
        turn = await _voiced(turn, person, lines)
        await self._save(store, conversation, row, turn)
        learned = turn.state.date_order
        if learned is not None and learned.value != person.date_order:
            await store.set_date_order(learned.value)  # 3/4 is read their way in every prep
        return Answer(conversation.id, turn.replies)

    async def _start(
        self, store: PrepStore, person: PersonSettings, name: str, lines: LinesAhead | None
    ) -> Answer:
        book = self.playbooks.find(name)
        if book is None:
            return Answer(None, [say(Step.INFO, self.unknown_stakeholder(name))])
        ctx = self._context(person, book)
        existing = await store.open_conversation_for(book.id)
        if existing is not None:
            row = await store.load_state(existing)
            turn = flow.resume(PrepState.model_validate(store.state_data(row)), ctx)
            turn = await _voiced(turn, person, lines)
            await store.pause_others(existing.id)
            await self._save(store, existing, row, turn)
            return Answer(existing.id, turn.replies)
        turn = flow.begin(book.id, ctx)
        conversation = await store.start_conversation(
            book.id, turn.state.step.value, turn.state.model_dump(mode="json")
        )
        await store.pause_others(conversation.id)
        return Answer(conversation.id, turn.replies)

    async def _reopen(
        self, store: PrepStore, person: PersonSettings, inbound: Inbound, lines: LinesAhead | None
    ) -> Answer:
        argument, reading = _prep_and_reading(inbound)
        conversation = await self._pick(store, argument, inbound.command)
        if conversation is None:
            return Answer(None, [say(Step.INFO, NO_SUCH_PREP)])
        book = self.playbooks.find(conversation.stakeholder)
        if book is None:
            return Answer(None, [say(Step.INFO, self._uninstalled(conversation.stakeholder))])
        row = await store.load_state(conversation)
        state = PrepState.model_validate(store.state_data(row))
        ctx = self._context(person, book)
        if reading:  # recorded in one go: the prep in progress, if any, stays so
            turn = flow.record_outcome(state, reading, ctx)
        else:
            turn = await _voiced(_REOPEN[inbound.command](state, ctx), person, lines)
            await store.pause_others(conversation.id)
        await self._save(store, conversation, row, turn)
        return Answer(conversation.id, turn.replies)

    async def _pick(
        self, store: PrepStore, argument: str | None, command: Command | None
    ) -> StoredPrep | None:
        """The prep named by number or stakeholder; the latest when none is named. By
        stakeholder, resume takes the unfinished prep and rehearse the latest of any status."""
        if not argument or not argument.strip():
            preps = await store.list_conversations(limit=1)
            return preps[0] if preps else None
        number = prep_number(argument)
        if number is not None:
            return await store.get_conversation(number)
        book = self.playbooks.find(argument)
        if book is None:
            return None
        if command is Command.REHEARSE:
            preps = await store.list_conversations()
            return next((prep for prep in preps if prep.stakeholder == book.id), None)
        return await store.open_conversation_for(book.id)

    async def _save(
        self, store: PrepStore, conversation: StoredPrep, row: StoredDialog, turn: Turn
    ) -> None:
        state = turn.state
        await store.save_turn(
            conversation,
            row,
            step=state.step.value,
            data=state.model_dump(mode="json"),
            status=state.status.value,
            goal=state.goal,
            planned_date=state.planned_date,
            notes=turn.notes,
        )
        if state.step is Step.DEBRIEF:  # where an outcome is added, changed or dropped
            outcome = state.outcome
            await store.track_outcome(
                conversation.id,
                outcome.status.value if outcome else None,
                outcome.follow_up_on if outcome else None,
            )

    def _context(self, person: PersonSettings, book: Playbook) -> CoachContext:
        return CoachContext(
            now=self.clock(),
            playbook=book,
            glossary=self.glossary,
            brief_template=self.templates.brief,
            debrief_template=self.templates.debrief,
            fiscal_year_start_month=person.fiscal_year_start_month,
            mission=person.mission,
            time_zone=person.time_zone,
            date_order=DateOrder(person.date_order) if person.date_order else None,
        )

    def unknown_stakeholder(self, name: str) -> str:
        guess = self.playbooks.closest(name) if name.strip() else None
        hint = f"Did you mean {guess}? " if guess else ""
        listed = ", ".join(book.id for book in self.playbooks.all())
        return f"I have no playbook for “{name.strip()[:40]}”. {hint}Available: {listed}."

    def _uninstalled(self, stakeholder: str) -> str:
        return f"The {stakeholder} playbook is no longer installed. Ask your admin to restore it."

    def _nothing_active(self) -> str:
        listed = ", ".join(book.id for book in self.playbooks.all())
        return f"You have no prep in progress. Start one with a stakeholder: {listed}."


async def _write_turn(connection: AsyncConnection, writes: TurnWrites) -> bool:
    return await writes.apply(connection)


async def _voiced(turn: Turn, person: PersonSettings, lines: LinesAhead | None) -> Turn:
    """A rehearsal turn with the stakeholder's lines said by the model voice (`lines`, None
    when no model is configured) if the workspace allows it; the user is told once if it
    falls back. `LinesNeeded` when the model has not been asked for this turn's lines yet."""
    rehearsal = turn.state.rehearsal
    if rehearsal is None or lines is None:
        return turn
    if person.model_voice:
        lines.check(turn.replies)
    replies, told = await voice_lines(
        turn.replies, lines, workspace_allows=person.model_voice, told=rehearsal.voice_notice_given
    )
    kept = rehearsal.model_copy(update={"voice_notice_given": told})
    return Turn(turn.state.model_copy(update={"rehearsal": kept}), replies, turn.notes)


def _prep_and_reading(inbound: Inbound) -> tuple[str | None, str | None]:
    """The prep an inbound names and, for `outcome N VALUE`, the new reading given with it."""
    if inbound.command is not Command.OUTCOME or not inbound.argument:
        return inbound.argument, None
    prep, _, reading = inbound.argument.strip().partition(" ")
    return prep, reading.strip() or None


def _rehearse_command(choice: Inbound) -> Inbound:
    """A "Rehearse" button: rehearse the prep the button was shown in (the latest if unknown)."""
    named = str(choice.prep_id) if choice.prep_id is not None else None
    return Inbound(command=Command.REHEARSE, argument=named)


def _summary(store: PrepStore, row: StoredPrep) -> PrepSummary:
    return PrepSummary(
        id=row.id,
        stakeholder=row.stakeholder,
        status=row.status,
        goal=store.goal_of(row),
        planned_date=row.planned_date,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
