"""Per-person storage for the coach: conversations, dialog state, notes and settings.

A `PrepStore` is built for one turn and one person, on a connection (SQLAlchemy Core: the
statements are in `bot.storage.prep_statements`; rows come back as plain frozen records,
`StoredPrep` and `StoredDialog`, not ORM objects). Every query it runs filters on that
person's platform, tenant and user, so another person's conversation id is simply not found.
The store never commits: the caller owns the transaction. Given a `TurnWrites`, the store
writes nothing itself: its writes are gathered there, to be written after the turn in a
transaction shared with other turns (`bot.storage.turn_writes`).
Everything the user wrote (dialog state, goal, notes) is sealed on the way in and opened on
the way out with the person's `NoteCipher` (the columns are listed in `bot.storage.sealed`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, CursorResult, Executable, Result, Row, and_, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage import prep_statements as sql
from bot.storage.channel_models import SlackAssistantThread, TeamsConversationReference
from bot.storage.crypto import UNREADABLE, NoteCipher
from bot.storage.db import dialect_of, insert_into
from bot.storage.models import (
    ConversationStatus,
    DialogState,
    Note,
    OwnedByPerson,
    PrepConversation,
    User,
    utcnow,
)
from bot.storage.nudge_models import Nudge
from bot.storage.outcome_models import TrackedOutcome
from bot.storage.turn_writes import OwnTransactionNeeded, TurnWrites
from bot.users import UserRef

NOTE_STEP_ORDER = ("feel", "focus", "timing", "simplify", "why", "brief", "debrief")
STEP_LENGTH = 16
STAKEHOLDER_LENGTH = 64
_PERSON_WIDTH, _PREP_WIDTH = len(sql.PERSON_COLUMNS), len(sql.PREP_COLUMNS)


class ConcurrentTurn(RuntimeError):
    """Another turn saved this conversation first. Roll back, reload and try again."""


class ConversationNotFound(LookupError):
    """No such conversation for this person (it may be someone else's)."""


@dataclass(frozen=True, slots=True)
class PersonSettings:
    fiscal_year_start_month: int
    mission: str | None
    time_zone: str
    nudges_opt_in: bool
    date_order: str | None = None  # how the user writes 3/4: "DMY", "MDY", or None (ask)
    model_voice: bool = True  # the workspace lets a configured model voice the stakeholder


@dataclass(frozen=True, slots=True)
class StoredPrep:
    """A prep conversation as stored: whose, with whom, how far along (its goal sealed)."""

    id: int
    platform: str
    tenant_id: str
    user_id: str
    stakeholder: str
    status: str
    goal: str | None
    goal_encrypted: bool
    planned_date: date | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StoredDialog:
    """Where the coach is in a prep: the engine's state (sealed), and its `version`, which a
    save must find unchanged."""

    conversation_id: int
    step: str
    document: str
    encrypted: bool
    version: int


@dataclass(frozen=True, slots=True)
class NoteView:
    step: str
    text: str
    updated_at: datetime


class PrepStore:
    """The queries one person's turn needs, all scoped to that person."""

    def __init__(
        self,
        connection: AsyncConnection,
        user: UserRef,
        cipher: NoteCipher,
        gather: TurnWrites | None = None,
    ) -> None:
        self._connection = connection
        self._user = user
        self._cipher = cipher
        self._gathered = gather  # where the writes go instead, when given
        self._owner = {"platform": user.platform, "tenant_id": user.tenant, "user_id": user.user}
        # The owner as the parameters of the statements built once (prep_statements).
        self._owner_params = {f"of_{column}": value for column, value in self._owner.items()}

    async def ensure_person(self) -> PersonSettings:
        """Get or create this person's tenant and user rows; safe when two turns race (an
        insert that finds the row there already does nothing).

        One query finds both when they exist (every turn but a person's first)."""
        settings = await self.known_settings()
        if settings is not None:
            return settings
        self._writing_now("a new person")
        dialect = dialect_of(self._connection)
        tenant = {"platform": self._user.platform, "tenant_id": self._user.tenant}
        await self._connection.execute(sql.NEW_TENANT[dialect], tenant)
        await self._connection.execute(sql.NEW_USER[dialect], self._owner)
        return self._settings((await self._run(sql.PERSON)).one())

    async def known_settings(self) -> PersonSettings | None:
        """This person's settings, or None for a person never seen (nothing is written)."""
        known = (await self._run(sql.PERSON)).first()
        return self._settings(known) if known is not None else None

    async def open_turn(self) -> tuple[PersonSettings, tuple[StoredPrep, StoredDialog] | None]:
        """What a turn needs, in one query: the person's settings and their conversation in
        progress (the most recently updated) with its dialog state. Creates the person on
        their first turn, as `ensure_person` does."""
        found = (await self._run(sql.OPEN_TURN)).first()
        if found is None:
            return await self.ensure_person(), None
        person, prep = self._settings(found), found[_PERSON_WIDTH:]
        return person, (_pair(prep) if prep[0] is not None else None)

    async def start_conversation(
        self, stakeholder: str, step: str, data: dict[str, Any]
    ) -> StoredPrep:
        """Begin preparing a talk with `stakeholder`, with the dialog at `step`: two INSERTs;
        the conversation comes back as written."""
        _check_length(stakeholder, STAKEHOLDER_LENGTH, "stakeholder")
        _check_length(step, STEP_LENGTH, "step")
        self._writing_now("a new prep")
        now = utcnow()
        written = {**self._owner, "stakeholder": stakeholder, "goal_encrypted": False,
                   "status": ConversationStatus.IN_PROGRESS.value,
                   "created_at": now, "updated_at": now}  # fmt: skip
        conversation_id = (
            await self._connection.execute(sql.NEW_CONVERSATION, written)
        ).scalar_one()
        document, encrypted = self._seal_document(data)
        state = {"conversation_id": conversation_id, **self._owner, "step": step,
                 "document": document, "encrypted": encrypted, "version": 1,
                 "updated_at": now}  # fmt: skip
        await self._connection.execute(sql.NEW_STATE, state)
        return StoredPrep(
            id=conversation_id,
            platform=self._user.platform,
            tenant_id=self._user.tenant,
            user_id=self._user.user,
            stakeholder=stakeholder,
            status=ConversationStatus.IN_PROGRESS.value,
            goal=None,
            goal_encrypted=False,
            planned_date=None,
            created_at=now,
            updated_at=now,
        )

    async def open_conversation_for(self, stakeholder: str) -> StoredPrep | None:
        """The most recently updated unfinished (in progress or paused) talk with `stakeholder`."""
        found = (await self._run(sql.OPEN_WITH, stakeholder=stakeholder)).first()
        return _prep(found) if found is not None else None

    async def active_conversation(self) -> tuple[StoredPrep, StoredDialog] | None:
        """The most recently updated conversation in progress, with its dialog state."""
        found = (await self._run(sql.ACTIVE)).first()
        return _pair(found) if found is not None else None

    async def pause_others(self, keep_id: int) -> None:
        """Pause this person's other conversations in progress (`updated_at` is kept)."""
        await self._write(sql.PAUSE_OTHERS, {**self._owner_params, "keep": keep_id})

    async def get_conversation(self, conversation_id: int) -> StoredPrep | None:
        found = (await self._run(sql.CONVERSATION, conversation=conversation_id)).first()
        return _prep(found) if found is not None else None

    async def list_conversations(self, limit: int = 50) -> list[StoredPrep]:
        """This person's conversations, newest first."""
        return [_prep(row) for row in await self._run(sql.CONVERSATIONS, limit=limit)]

    async def load_state(self, conversation: StoredPrep) -> StoredDialog:
        """The dialog state of `conversation`; raises `ConversationNotFound` if not ours."""
        found = (await self._run(sql.STATE, conversation=conversation.id)).first()
        if found is None:
            raise ConversationNotFound(f"no dialog state for conversation {conversation.id}")
        return _dialog(found)

    async def save_turn(
        self,
        conversation: StoredPrep,
        state_row: StoredDialog,
        *,
        step: str,
        data: dict[str, Any],
        status: str,
        goal: str | None,
        planned_date: date | None,
        notes: Mapping[str, str],
    ) -> None:
        """Store the outcome of a turn; raises `ConcurrentTurn` if another turn saved first.

        Two UPDATEs, the state's guarded by its version, and a note per step written."""
        self._check_turn(conversation, state_row, step, status, notes)
        conversation_id, now = conversation.id, utcnow()
        document, encrypted = self._seal_document(data)
        saved_state = {"step": step, "document": document, "encrypted": encrypted,
                       "version": state_row.version + 1, "updated_at": now}  # fmt: skip
        guarded = {**self._owner_params, **sql.new(saved_state),
                   "conversation": conversation_id, "seen_version": state_row.version}  # fmt: skip
        if self._gathered is not None:
            self._gathered.guard(sql.SAVE_STATE, guarded)
        else:
            saved = await self._connection.execute(sql.SAVE_STATE, guarded)
            if not cast(CursorResult[Any], saved).rowcount:
                raise ConcurrentTurn(f"conversation {conversation_id} changed meanwhile")
        sealed_goal, goal_encrypted = self._cipher.seal_optional(goal)
        saved_conversation = {
            "status": ConversationStatus(status).value, "goal": sealed_goal,
            "goal_encrypted": goal_encrypted, "planned_date": planned_date, "updated_at": now,
        }  # fmt: skip
        await self._write(
            sql.SAVE_CONVERSATION,
            {**self._owner_params, **sql.new(saved_conversation), "conversation": conversation_id},
        )
        for note_step, text in notes.items():
            await self._put_note(conversation_id, note_step, text, now)

    def state_data(self, state_row: StoredDialog) -> dict[str, Any]:
        """The dialog state, opened; raises `NoteKeyError` when its key is not configured."""
        document: dict[str, Any] = json.loads(
            self._cipher.open(state_row.document, state_row.encrypted)
        )
        return document

    def goal_of(self, conversation: StoredPrep) -> str | None:
        """The conversation's goal, opened (a placeholder when its key is not configured)."""
        return self._cipher.open_or(conversation.goal, conversation.goal_encrypted, UNREADABLE)

    async def notes_of(self, conversation: StoredPrep) -> list[NoteView]:
        """The notes of `conversation`, opened, in coaching-step order (a note whose key is
        not configured reads as a placeholder)."""
        rows = await self._run(sql.NOTES, conversation=conversation.id)
        views = [
            NoteView(
                row.step, self._cipher.open_or(row.body, row.encrypted, UNREADABLE), row.updated_at
            )
            for row in rows
        ]
        return sorted(views, key=_step_rank)

    async def forget_everything(self) -> int:
        """Delete this person's conversations, states, notes, nudges, tracked outcomes, Teams
        reference, Slack assistant threads and user row; count conversations."""
        models = (Note, DialogState, Nudge, TrackedOutcome, TeamsConversationReference,
                  SlackAssistantThread)  # fmt: skip
        for model in models:
            await self._connection.execute(delete(model).where(self._owned(model)))
        deleted = await self._connection.execute(
            delete(PrepConversation).where(self._owned(PrepConversation))
        )
        await self._connection.execute(delete(User).where(self._owned(User)))
        return cast(CursorResult[Any], deleted).rowcount

    async def track_outcome(
        self, conversation_id: int, status: str | None, follow_up_on: date | None
    ) -> None:
        """Record that the conversation has a measured outcome in `status`, next asked for on
        `follow_up_on`; a `status` of None: it has none (any earlier record goes)."""
        owned = and_(self._owned(TrackedOutcome), TrackedOutcome.conversation_id == conversation_id)
        if status is None:
            await self._write(delete(TrackedOutcome).where(owned), {})
            return
        _check_length(status, STEP_LENGTH, "outcome status")
        table, now = sql.table(TrackedOutcome), utcnow()
        values = {"status": status, "follow_up_on": follow_up_on, "updated_at": now}
        statement = insert_into(self._connection, table).values(
            conversation_id=conversation_id, **self._owner, **values
        )
        await self._write(
            statement.on_conflict_do_update(index_elements=[table.c.conversation_id], set_=values),
            {},
        )

    async def tracked_outcomes(self) -> list[tuple[StoredPrep, StoredDialog]]:
        """This person's conversations that have a measured outcome, with their dialog state
        (where the outcome is), most recently updated first."""
        query = (
            select(*sql.PREP_COLUMNS, *sql.DIALOG_COLUMNS)
            .join(DialogState, DialogState.conversation_id == PrepConversation.id)
            .join(TrackedOutcome, TrackedOutcome.conversation_id == PrepConversation.id)
            .where(
                self._owned(PrepConversation),
                self._owned(DialogState),
                self._owned(TrackedOutcome),
            )
            .order_by(PrepConversation.updated_at.desc(), PrepConversation.id.desc())
        )
        return [_pair(row) for row in await self._connection.execute(query)]

    async def set_nudges(self, opt_in: bool) -> None:
        """Opt in, or out: out also stops nudges about open preps, at once."""
        await self._update_user(nudges_opt_in=opt_in, nudges_opt_out=not opt_in)

    async def snooze_nudges(self, until: datetime) -> None:
        await self._update_user(nudges_snoozed_until=until)

    async def set_date_order(self, order: str) -> None:
        """Remember how this person writes numeric dates ("DMY" or "MDY")."""
        _check_length(order, 3, "date order")
        await self._update_user(date_order=order)

    async def set_time_zone(self, tz: str) -> None:
        """Set this person's IANA time zone; raises ValueError for an unknown zone."""
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {tz!r}; use a name like Europe/Paris") from None
        _check_length(tz, 64, "time zone")
        await self._update_user(time_zone=tz)

    async def _run(self, statement: Executable, **parameters: Any) -> Result[Any]:
        """Run one of the reads built once, for this person."""
        return await self._connection.execute(statement, {**self._owner_params, **parameters})

    async def _update_user(self, **values: object) -> None:
        """Set columns of the person's user row (callers have ensured the person first)."""
        await self._write(
            sql.user_update(tuple(sorted(values))), {**self._owner_params, **sql.new(values)}
        )

    async def _put_note(self, conversation_id: int, step: str, text: str, now: datetime) -> None:
        """Write the step's note, or rewrite it (one statement either way)."""
        body, encrypted = self._cipher.seal(text)
        note = {"conversation_id": conversation_id, **self._owner, "step": step, "body": body,
                "encrypted": encrypted, "created_at": now, "updated_at": now}  # fmt: skip
        await self._write(sql.PUT_NOTE[dialect_of(self._connection)], note)

    async def _write(self, statement: Executable, parameters: dict[str, Any]) -> None:
        """Run a write now, or gather it for after the turn."""
        if self._gathered is None:
            await self._connection.execute(statement, parameters)
        else:
            self._gathered.writes.append((statement, parameters))

    def _writing_now(self, what: str) -> None:
        """Refuse, when writes are gathered, a write the turn must read back at once."""
        if self._gathered is not None:
            raise OwnTransactionNeeded(what)

    def _check_turn(
        self,
        conversation: StoredPrep,
        state_row: StoredDialog,
        step: str,
        status: str,
        notes: Mapping[str, str],
    ) -> None:
        owner = (conversation.platform, conversation.tenant_id, conversation.user_id)
        if owner != tuple(self._owner.values()) or state_row.conversation_id != conversation.id:
            raise ConversationNotFound(f"conversation {conversation.id} is not this person's")
        ConversationStatus(status)  # ValueError for an unknown status
        for name in (step, *notes):
            _check_length(name, STEP_LENGTH, "step")

    def _seal_document(self, data: Mapping[str, Any]) -> tuple[str, bool]:
        return self._cipher.seal(json.dumps(data, ensure_ascii=False, separators=(",", ":")))

    def _settings(self, row: Row[Any]) -> PersonSettings:
        """The settings a turn needs (from `PERSON_COLUMNS`, first in `row`); a mission whose
        key is gone is left out (and logged)."""
        month, mission, mission_encrypted, model_voice, time_zone, opt_in, date_order = tuple(
            row[:_PERSON_WIDTH]
        )
        return PersonSettings(
            fiscal_year_start_month=month,
            mission=self._cipher.open_or(mission, mission_encrypted, None),
            time_zone=time_zone,
            nudges_opt_in=opt_in,
            date_order=date_order,
            model_voice=model_voice,
        )

    def _owned(self, model: type[OwnedByPerson]) -> ColumnElement[bool]:
        return and_(
            model.platform == self._user.platform,
            model.tenant_id == self._user.tenant,
            model.user_id == self._user.user,
        )


def _pair(row: Sequence[Any]) -> tuple[StoredPrep, StoredDialog]:
    """A conversation and its dialog state from a row of `PREP_COLUMNS, DIALOG_COLUMNS`."""
    return _prep(row[:_PREP_WIDTH]), _dialog(row[_PREP_WIDTH:])


def _prep(values: Sequence[Any]) -> StoredPrep:
    return StoredPrep(*values)


def _dialog(values: Sequence[Any]) -> StoredDialog:
    return StoredDialog(*values)


def _step_rank(note: NoteView) -> tuple[int, str]:
    known = note.step in NOTE_STEP_ORDER
    return (NOTE_STEP_ORDER.index(note.step) if known else len(NOTE_STEP_ORDER), note.step)


def _check_length(value: str, limit: int, what: str) -> None:
    if not value or len(value) > limit:
        raise ValueError(f"{what} must be 1 to {limit} characters")
