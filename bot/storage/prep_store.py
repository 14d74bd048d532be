"""Per-person storage for the coach: conversations, dialog state, notes and settings.

A `PrepStore` is built for one turn and one person. Every query it runs filters on that
person's platform, tenant and user, so another person's conversation id is simply not found.
The store flushes but never commits: the caller owns the transaction (one per turn).
Everything the user wrote (dialog state, goal, notes) is sealed on the way in and opened on
the way out with the person's `NoteCipher` (the columns are listed in `bot.storage.sealed`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CursorResult,
    Executable,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.storage.channel_models import SlackAssistantThread, TeamsConversationReference
from bot.storage.crypto import UNREADABLE, NoteCipher
from bot.storage.db import dialect_of, insert_into, inserts_by_dialect
from bot.storage.models import (
    Base,
    ConversationStatus,
    DialogState,
    Note,
    OwnedByPerson,
    PrepConversation,
    Tenant,
    User,
    utcnow,
)
from bot.storage.nudge_models import Nudge
from bot.storage.outcome_models import TrackedOutcome
from bot.users import UserRef

NOTE_STEP_ORDER = ("feel", "focus", "timing", "simplify", "why", "brief", "debrief")
OPEN_STATUSES = (ConversationStatus.IN_PROGRESS.value, ConversationStatus.PAUSED.value)
STEP_LENGTH = 16
STAKEHOLDER_LENGTH = 64

Latest = TypeVar(
    "Latest",
    Select[PrepConversation],
    Select[PrepConversation, DialogState],
    Select[Tenant, User, PrepConversation, DialogState],
)


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
class NoteView:
    step: str
    text: str
    updated_at: datetime


class PrepStore:
    """The queries one person's turn needs, all scoped to that person."""

    def __init__(self, session: AsyncSession, user: UserRef, cipher: NoteCipher) -> None:
        self._session = session
        self._user = user
        self._cipher = cipher
        self._owner = {"platform": user.platform, "tenant_id": user.tenant, "user_id": user.user}
        # The owner as the parameters of the statements built once (below).
        self._owner_params = {f"of_{column}": value for column, value in self._owner.items()}

    async def ensure_person(self) -> PersonSettings:
        """Get or create this person's tenant and user rows; safe when two turns race (an
        insert that finds the row there already does nothing).

        One query finds both when they exist (every turn but a person's first)."""
        settings = await self.known_settings()
        if settings is not None:
            return settings
        dialect = dialect_of(self._session)
        tenant = {"platform": self._user.platform, "tenant_id": self._user.tenant}
        await self._session.execute(_NEW_TENANT[dialect], tenant)
        await self._session.execute(_NEW_USER[dialect], self._owner)
        return self._settings(*(await self._session.execute(_PERSON, self._owner_params)).one())

    async def known_settings(self) -> PersonSettings | None:
        """This person's settings, or None for a person never seen (nothing is written)."""
        known = (await self._session.execute(_PERSON, self._owner_params)).first()
        return self._settings(*known) if known is not None else None

    async def open_turn(self) -> tuple[PersonSettings, tuple[PrepConversation, DialogState] | None]:
        """What a turn needs, in one query: the person's settings and their conversation in
        progress (the most recently updated) with its dialog state. Creates the person on
        their first turn, as `ensure_person` does."""
        found = (await self._session.execute(_OPEN_TURN, self._owner_params)).first()
        if found is None:
            return await self.ensure_person(), None
        tenant, user, conversation, state = found
        active = (conversation, state) if conversation is not None else None
        return self._settings(tenant, user), active

    async def start_conversation(
        self, stakeholder: str, step: str, data: dict[str, Any]
    ) -> PrepConversation:
        """Begin preparing a talk with `stakeholder`, with the dialog at `step`.

        Two INSERTs (SQLAlchemy Core, no unit-of-work flush); the conversation comes back as
        written, not attached to the session."""
        _check_length(stakeholder, STAKEHOLDER_LENGTH, "stakeholder")
        _check_length(step, STEP_LENGTH, "step")
        now = utcnow()
        written = {**self._owner, "stakeholder": stakeholder, "goal_encrypted": False,
                   "status": ConversationStatus.IN_PROGRESS.value,
                   "created_at": now, "updated_at": now}  # fmt: skip
        conversation_id = (await self._session.execute(_NEW_CONVERSATION, written)).scalar_one()
        document, encrypted = self._seal_document(data)
        state = {"conversation_id": conversation_id, **self._owner, "step": step,
                 "document": document, "encrypted": encrypted, "version": 1,
                 "updated_at": now}  # fmt: skip
        await self._session.execute(_NEW_STATE, state)
        return PrepConversation(id=conversation_id, **written)

    async def open_conversation_for(self, stakeholder: str) -> PrepConversation | None:
        """The most recently updated unfinished (in progress or paused) talk with `stakeholder`."""
        found = await self._session.execute(
            _OPEN_WITH, {**self._owner_params, "stakeholder": stakeholder}
        )
        return found.scalar()

    async def active_conversation(self) -> tuple[PrepConversation, DialogState] | None:
        """The most recently updated conversation in progress, with its dialog state."""
        query = (
            select(PrepConversation, DialogState)
            .join(DialogState, DialogState.conversation_id == PrepConversation.id)
            .where(
                self._owned(PrepConversation),
                self._owned(DialogState),
                PrepConversation.status == ConversationStatus.IN_PROGRESS.value,
            )
        )
        found = (await self._session.execute(_latest_updated(query))).first()
        return (found[0], found[1]) if found is not None else None

    async def pause_others(self, keep_id: int) -> None:
        """Pause this person's other conversations in progress (`updated_at` is kept)."""
        await self._session.execute(_PAUSE_OTHERS, {**self._owner_params, "keep": keep_id})

    async def get_conversation(self, conversation_id: int) -> PrepConversation | None:
        found = await self._session.execute(
            _CONVERSATION, {**self._owner_params, "conversation": conversation_id}
        )
        return found.scalar()

    async def list_conversations(self, limit: int = 50) -> list[PrepConversation]:
        """This person's conversations, newest first."""
        query = self._conversations().order_by(
            PrepConversation.created_at.desc(), PrepConversation.id.desc()
        )
        return list(await self._session.scalars(query.limit(limit)))

    async def load_state(self, conversation: PrepConversation) -> DialogState:
        """The dialog state of `conversation`; raises `ConversationNotFound` if not ours."""
        found = await self._session.execute(
            _STATE, {**self._owner_params, "conversation": conversation.id}
        )
        state = found.scalar()
        if state is None:
            raise ConversationNotFound(f"no dialog state for conversation {conversation.id}")
        return state

    async def save_turn(
        self,
        conversation: PrepConversation,
        state_row: DialogState,
        *,
        step: str,
        data: dict[str, Any],
        status: str,
        goal: str | None,
        planned_date: date | None,
        notes: Mapping[str, str],
    ) -> None:
        """Store the outcome of a turn; raises `ConcurrentTurn` if another turn saved first.

        Two UPDATEs (SQLAlchemy Core, no unit-of-work flush), the state's guarded by its
        version; the loaded rows are then set to what the database now holds."""
        self._check_turn(conversation, state_row, step, status, notes)
        conversation_id, now = conversation.id, utcnow()
        document, encrypted = self._seal_document(data)
        saved_state = {
            "step": step, "document": document, "encrypted": encrypted, "updated_at": now,
            "version": state_row.version + 1,
        }  # fmt: skip
        saved = await self._session.execute(
            _SAVE_STATE,
            {**self._owner_params, **_new(saved_state), "conversation": conversation_id,
             "seen_version": state_row.version},
        )  # fmt: skip
        if not cast(CursorResult[Any], saved).rowcount:
            raise ConcurrentTurn(f"conversation {conversation_id} changed meanwhile")
        sealed_goal, goal_encrypted = self._cipher.seal_optional(goal)
        saved_conversation = {
            "status": ConversationStatus(status).value, "goal": sealed_goal,
            "goal_encrypted": goal_encrypted, "planned_date": planned_date, "updated_at": now,
        }  # fmt: skip
        await self._session.execute(
            _SAVE_CONVERSATION,
            {**self._owner_params, **_new(saved_conversation), "conversation": conversation_id},
        )
        for note_step, text in notes.items():
            await self._put_note(conversation_id, note_step, text, now)
        _now_holds(state_row, saved_state)
        _now_holds(conversation, saved_conversation)

    def state_data(self, state_row: DialogState) -> dict[str, Any]:
        """The dialog state, opened; raises `NoteKeyError` when its key is not configured."""
        document: dict[str, Any] = json.loads(
            self._cipher.open(state_row.document, state_row.encrypted)
        )
        return document

    def goal_of(self, conversation: PrepConversation) -> str | None:
        """The conversation's goal, opened (a placeholder when its key is not configured)."""
        return self._cipher.open_or(conversation.goal, conversation.goal_encrypted, UNREADABLE)

    async def notes_of(self, conversation: PrepConversation) -> list[NoteView]:
        """The notes of `conversation`, opened, in coaching-step order (a note whose key is
        not configured reads as a placeholder)."""
        rows = await self._session.scalars(
            select(Note).where(self._owned(Note), Note.conversation_id == conversation.id)
        )
        views = [
            NoteView(
                note.step,
                self._cipher.open_or(note.body, note.encrypted, UNREADABLE),
                note.updated_at,
            )
            for note in rows
        ]
        return sorted(views, key=_step_rank)

    async def forget_everything(self) -> int:
        """Delete this person's conversations, states, notes, nudges, tracked outcomes, Teams
        reference, Slack assistant threads and user row; count conversations."""
        models = (Note, DialogState, Nudge, TrackedOutcome, TeamsConversationReference,
                  SlackAssistantThread)  # fmt: skip
        for model in models:
            await self._session.execute(delete(model).where(self._owned(model)))
        deleted = await self._session.execute(
            delete(PrepConversation).where(self._owned(PrepConversation))
        )
        await self._session.execute(delete(User).where(self._owned(User)))
        return cast(CursorResult[Any], deleted).rowcount

    async def track_outcome(
        self, conversation_id: int, status: str | None, follow_up_on: date | None
    ) -> None:
        """Record that the conversation has a measured outcome in `status`, next asked for on
        `follow_up_on`; a `status` of None: it has none (any earlier record goes)."""
        owned = and_(self._owned(TrackedOutcome), TrackedOutcome.conversation_id == conversation_id)
        if status is None:
            await self._session.execute(delete(TrackedOutcome).where(owned))
            return
        _check_length(status, STEP_LENGTH, "outcome status")
        table, now = cast(Table, TrackedOutcome.__table__), utcnow()
        values = {"status": status, "follow_up_on": follow_up_on, "updated_at": now}
        statement = insert_into(self._session, table).values(
            conversation_id=conversation_id, **self._owner, **values
        )
        await self._session.execute(
            statement.on_conflict_do_update(index_elements=[table.c.conversation_id], set_=values)
        )

    async def tracked_outcomes(self) -> list[tuple[PrepConversation, DialogState]]:
        """This person's conversations that have a measured outcome, with their dialog state
        (where the outcome is), most recently updated first."""
        query = (
            select(PrepConversation, DialogState)
            .join(DialogState, DialogState.conversation_id == PrepConversation.id)
            .join(TrackedOutcome, TrackedOutcome.conversation_id == PrepConversation.id)
            .where(
                self._owned(PrepConversation),
                self._owned(DialogState),
                self._owned(TrackedOutcome),
            )
            .order_by(PrepConversation.updated_at.desc(), PrepConversation.id.desc())
        )
        return [(row[0], row[1]) for row in (await self._session.execute(query)).all()]

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

    async def _update_user(self, **values: object) -> None:
        """Set columns of the person's user row (callers have ensured the person first)."""
        statement = _user_update(tuple(sorted(values)))
        await self._session.execute(statement, {**self._owner_params, **_new(values)})

    async def _put_note(self, conversation_id: int, step: str, text: str, now: datetime) -> None:
        """Write the step's note, or rewrite it (one statement either way)."""
        body, encrypted = self._cipher.seal(text)
        note = {"conversation_id": conversation_id, **self._owner, "step": step, "body": body,
                "encrypted": encrypted, "created_at": now, "updated_at": now}  # fmt: skip
        await self._session.execute(_PUT_NOTE[dialect_of(self._session)], note)

    def _check_turn(
        self,
        conversation: PrepConversation,
        state_row: DialogState,
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

    def _settings(self, tenant: Tenant, user: User) -> PersonSettings:
        """The settings a turn needs; a mission whose key is gone is left out (and logged)."""
        return PersonSettings(
            fiscal_year_start_month=tenant.fiscal_year_start_month,
            mission=self._cipher.open_or(tenant.mission, tenant.mission_encrypted, None),
            time_zone=user.time_zone,
            nudges_opt_in=user.nudges_opt_in,
            date_order=user.date_order,
            model_voice=tenant.model_voice,
        )

    def _owned(self, model: type[OwnedByPerson]) -> ColumnElement[bool]:
        return and_(
            model.platform == self._user.platform,
            model.tenant_id == self._user.tenant,
            model.user_id == self._user.user,
        )

    def _conversations(self) -> Select[PrepConversation]:
        return select(PrepConversation).where(self._owned(PrepConversation))


def _latest_updated(query: Latest) -> Latest:
    return query.order_by(PrepConversation.updated_at.desc(), PrepConversation.id.desc()).limit(1)


def _now_holds(row: DialogState | PrepConversation, values: Mapping[str, Any]) -> None:
    """Set a loaded row's attributes to values just written with Core (not to be flushed)."""
    for key, value in values.items():
        set_committed_value(row, key, value)


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def _step_rank(note: NoteView) -> tuple[int, str]:
    known = note.step in NOTE_STEP_ORDER
    return (NOTE_STEP_ORDER.index(note.step) if known else len(NOTE_STEP_ORDER), note.step)


def _check_length(value: str, limit: int, what: str) -> None:
    if not value or len(value) > limit:
        raise ValueError(f"{what} must be 1 to {limit} characters")


# The statements every turn runs, built once: SQLAlchemy then reuses their compiled form
# without building a cache key each time. The person comes as the `of_*` parameters.
def _owned_by_parameters(model: type[OwnedByPerson]) -> ColumnElement[bool]:
    return and_(
        model.platform == bindparam("of_platform"),
        model.tenant_id == bindparam("of_tenant_id"),
        model.user_id == bindparam("of_user_id"),
    )


def _new(values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` as the parameters of a statement whose SET clause is `_set(values)`."""
    return {f"new_{column}": value for column, value in values.items()}


def _set(*columns: str) -> dict[str, BindParameter[Any]]:
    return {column: bindparam(f"new_{column}") for column in columns}


_SAME_TENANT = and_(User.platform == Tenant.platform, User.tenant_id == Tenant.tenant_id)
# Read again after a Core UPDATE of the user row in the same session: the rows loaded then
# are refreshed, not taken as they were from the session's identity map.
_PERSON = (
    select(Tenant, User)
    .join(User, _SAME_TENANT)
    .where(_owned_by_parameters(User))
    .execution_options(populate_existing=True)
)
_OPEN_TURN = _latest_updated(
    select(Tenant, User, PrepConversation, DialogState)
    .select_from(User)
    .join(Tenant, _SAME_TENANT)
    .outerjoin(
        _table(PrepConversation).join(
            _table(DialogState),
            and_(
                DialogState.conversation_id == PrepConversation.id,
                _owned_by_parameters(DialogState),
            ),
        ),
        and_(
            _owned_by_parameters(PrepConversation),
            PrepConversation.status == ConversationStatus.IN_PROGRESS.value,
        ),
    )
    .where(_owned_by_parameters(User))
)
_OPEN_WITH = _latest_updated(
    select(PrepConversation).where(
        _owned_by_parameters(PrepConversation),
        PrepConversation.stakeholder == bindparam("stakeholder"),
        PrepConversation.status.in_(OPEN_STATUSES),
    )
)
_CONVERSATION = select(PrepConversation).where(
    _owned_by_parameters(PrepConversation), PrepConversation.id == bindparam("conversation")
)
_STATE = select(DialogState).where(
    _owned_by_parameters(DialogState), DialogState.conversation_id == bindparam("conversation")
)
# A person's tenant and user rows, unless another turn inserted them first.
_NEW_TENANT = inserts_by_dialect(_table(Tenant), lambda insert: insert.on_conflict_do_nothing())
_NEW_USER = inserts_by_dialect(_table(User), lambda insert: insert.on_conflict_do_nothing())
_NEW_CONVERSATION = insert(_table(PrepConversation)).returning(PrepConversation.id)
_NEW_STATE = insert(_table(DialogState))
_PAUSE_OTHERS = (
    update(_table(PrepConversation))
    .where(
        _owned_by_parameters(PrepConversation),
        PrepConversation.status == ConversationStatus.IN_PROGRESS.value,
        PrepConversation.id != bindparam("keep"),
    )
    .values(status=ConversationStatus.PAUSED.value)
)


@cache
def _user_update(columns: tuple[str, ...]) -> Executable:
    """The UPDATE of these columns of a person's user row, built once per set of columns."""
    return update(_table(User)).where(_owned_by_parameters(User)).values(_set(*columns))


_SAVE_STATE = (
    update(_table(DialogState))
    .where(
        DialogState.conversation_id == bindparam("conversation"),
        DialogState.version == bindparam("seen_version"),
        _owned_by_parameters(DialogState),
    )
    .values(_set("step", "document", "encrypted", "updated_at", "version"))
)


def _rewriting_note(statement: postgresql.Insert | sqlite.Insert) -> Executable:
    """The INSERT of a note that, on its (conversation, step), rewrites that note's text."""
    rewrite = {column: statement.excluded[column] for column in ("body", "encrypted", "updated_at")}
    return statement.on_conflict_do_update(
        index_elements=[Note.conversation_id, Note.step], set_=rewrite
    )


_PUT_NOTE = inserts_by_dialect(_table(Note), _rewriting_note)
_SAVE_CONVERSATION = (
    update(_table(PrepConversation))
    .where(PrepConversation.id == bindparam("conversation"), _owned_by_parameters(PrepConversation))
    .values(_set("status", "goal", "goal_encrypted", "planned_date", "updated_at"))
)
