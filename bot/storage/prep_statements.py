"""The statements `PrepStore` runs, built once: SQLAlchemy then reuses their compiled form
without building a cache key each time. The person comes as the `of_*` parameters, new
values as `new_*`; reads select plain columns (no ORM objects to load), in the order of the
rows they fill (`PERSON_COLUMNS`, `PREP_COLUMNS`, `DIALOG_COLUMNS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Executable,
    Select,
    Table,
    and_,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from bot.storage.db import inserts_by_dialect
from bot.storage.models import (
    Base,
    ConversationStatus,
    DialogState,
    Note,
    PrepConversation,
    Tenant,
    User,
)

OPEN_STATUSES = (ConversationStatus.IN_PROGRESS.value, ConversationStatus.PAUSED.value)


def table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


_TENANTS, _USERS = table(Tenant), table(User)
_PREPS, _DIALOGS, _NOTES = table(PrepConversation), table(DialogState), table(Note)

PERSON_COLUMNS = (
    _TENANTS.c.fiscal_year_start_month, _TENANTS.c.mission, _TENANTS.c.mission_encrypted,
    _TENANTS.c.model_voice, _USERS.c.time_zone, _USERS.c.nudges_opt_in, _USERS.c.date_order,
)  # fmt: skip
PREP_COLUMNS = tuple(
    _PREPS.c[name]
    for name in ("id", "platform", "tenant_id", "user_id", "stakeholder", "status", "goal",
                 "goal_encrypted", "planned_date", "created_at", "updated_at")
)  # fmt: skip
DIALOG_COLUMNS = tuple(
    _DIALOGS.c[name] for name in ("conversation_id", "step", "document", "encrypted", "version")
)


def owned_by_parameters(columns: Table) -> ColumnElement[bool]:
    return and_(
        columns.c.platform == bindparam("of_platform"),
        columns.c.tenant_id == bindparam("of_tenant_id"),
        columns.c.user_id == bindparam("of_user_id"),
    )


def new(values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` as the parameters of a statement whose SET clause is `_set(values)`."""
    return {f"new_{column}": value for column, value in values.items()}


def _set(*columns: str) -> dict[str, BindParameter[Any]]:
    return {column: bindparam(f"new_{column}") for column in columns}


def latest_updated(query: Select[Any]) -> Select[Any]:
    return query.order_by(_PREPS.c.updated_at.desc(), _PREPS.c.id.desc()).limit(1)


_SAME_TENANT = and_(_USERS.c.platform == _TENANTS.c.platform,
                    _USERS.c.tenant_id == _TENANTS.c.tenant_id)  # fmt: skip
PERSON = (
    select(*PERSON_COLUMNS).select_from(_USERS).join(_TENANTS, _SAME_TENANT)
    .where(owned_by_parameters(_USERS))
)  # fmt: skip
# The person's settings and their prep in progress (the most recently updated) with its
# dialog state: no prep columns (all None) when none is in progress.
OPEN_TURN = latest_updated(
    select(*PERSON_COLUMNS, *PREP_COLUMNS, *DIALOG_COLUMNS)
    .select_from(_USERS)
    .join(_TENANTS, _SAME_TENANT)
    .outerjoin(
        _PREPS.join(
            _DIALOGS,
            and_(_DIALOGS.c.conversation_id == _PREPS.c.id, owned_by_parameters(_DIALOGS)),
        ),
        and_(
            owned_by_parameters(_PREPS),
            _PREPS.c.status == ConversationStatus.IN_PROGRESS.value,
        ),
    )
    .where(owned_by_parameters(_USERS))
)
ACTIVE = latest_updated(
    select(*PREP_COLUMNS, *DIALOG_COLUMNS)
    .join(_DIALOGS, _DIALOGS.c.conversation_id == _PREPS.c.id)
    .where(
        owned_by_parameters(_PREPS),
        owned_by_parameters(_DIALOGS),
        _PREPS.c.status == ConversationStatus.IN_PROGRESS.value,
    )
)
OPEN_WITH = latest_updated(
    select(*PREP_COLUMNS).where(
        owned_by_parameters(_PREPS),
        _PREPS.c.stakeholder == bindparam("stakeholder"),
        _PREPS.c.status.in_(OPEN_STATUSES),
    )
)
CONVERSATION = select(*PREP_COLUMNS).where(
    owned_by_parameters(_PREPS), _PREPS.c.id == bindparam("conversation")
)
CONVERSATIONS = (
    select(*PREP_COLUMNS)
    .where(owned_by_parameters(_PREPS))
    .order_by(_PREPS.c.created_at.desc(), _PREPS.c.id.desc())
    .limit(bindparam("limit"))
)
STATE = select(*DIALOG_COLUMNS).where(
    owned_by_parameters(_DIALOGS), _DIALOGS.c.conversation_id == bindparam("conversation")
)
NOTES = select(_NOTES.c.step, _NOTES.c.body, _NOTES.c.encrypted, _NOTES.c.updated_at).where(
    owned_by_parameters(_NOTES), _NOTES.c.conversation_id == bindparam("conversation")
)
# A person's tenant and user rows, unless another turn inserted them first.
NEW_TENANT = inserts_by_dialect(_TENANTS, lambda insert: insert.on_conflict_do_nothing())
NEW_USER = inserts_by_dialect(_USERS, lambda insert: insert.on_conflict_do_nothing())
NEW_CONVERSATION = insert(_PREPS).returning(_PREPS.c.id)
NEW_STATE = insert(_DIALOGS)
PAUSE_OTHERS = (
    update(_PREPS)
    .where(
        owned_by_parameters(_PREPS),
        _PREPS.c.status == ConversationStatus.IN_PROGRESS.value,
        _PREPS.c.id != bindparam("keep"),
    )
    .values(status=ConversationStatus.PAUSED.value)
)
SAVE_STATE = (
    update(_DIALOGS)
    .where(
        _DIALOGS.c.conversation_id == bindparam("conversation"),
        _DIALOGS.c.version == bindparam("seen_version"),
        owned_by_parameters(_DIALOGS),
    )
    .values(_set("step", "document", "encrypted", "updated_at", "version"))
)
SAVE_CONVERSATION = (
    update(_PREPS)
    .where(_PREPS.c.id == bindparam("conversation"), owned_by_parameters(_PREPS))
    .values(_set("status", "goal", "goal_encrypted", "planned_date", "updated_at"))
)


@cache
def user_update(columns: tuple[str, ...]) -> Executable:
    """The UPDATE of these columns of a person's user row, built once per set of columns."""
    return update(_USERS).where(owned_by_parameters(_USERS)).values(_set(*columns))


def _rewriting_note(statement: postgresql.Insert | sqlite.Insert) -> Executable:
    """The INSERT of a note that, on its (conversation, step), rewrites that note's text."""
    rewrite = {column: statement.excluded[column] for column in ("body", "encrypted", "updated_at")}
    return statement.on_conflict_do_update(
        index_elements=[_NOTES.c.conversation_id, _NOTES.c.step], set_=rewrite
    )


PUT_NOTE = inserts_by_dialect(_NOTES, _rewriting_note)
