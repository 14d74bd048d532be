"""The SQL schema, as typed SQLAlchemy ORM classes: one schema for SQLite and PostgreSQL.

Every row that belongs to a person carries `platform`, `tenant_id` and `user_id`, so each
query can filter on all three (see `PrepStore`). Times are timezone-aware UTC everywhere.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PLATFORM_LENGTH = 16
ID_LENGTH = 128


def utcnow() -> datetime:
    """The current time as an aware UTC datetime (the only kind the schema stores)."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """`DateTime(timezone=True)` that only accepts aware values and always returns aware UTC.

    PostgreSQL keeps the zone itself; SQLite stores naive text, so values are converted to
    UTC on the way in and marked UTC on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware UTC datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JsonDocument = JSON().with_variant(JSONB(), "postgresql")


class ConversationStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    BRIEFED = "briefed"
    CLOSED = "closed"


_STATUS_SQL = ", ".join(f"'{status.value}'" for status in ConversationStatus)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class OwnedByPerson:
    """Columns naming the person a row belongs to: `platform:tenant:user`."""

    platform: Mapped[str] = mapped_column(String(PLATFORM_LENGTH), sort_order=-1)
    tenant_id: Mapped[str] = mapped_column(String(ID_LENGTH), sort_order=-1)
    user_id: Mapped[str] = mapped_column(String(ID_LENGTH), sort_order=-1)


class Tenant(Base):
    """A Slack workspace or Teams tenant, with the settings its people share."""

    __tablename__ = "tenants"
    __table_args__ = (
        UniqueConstraint("platform", "tenant_id"),
        CheckConstraint("fiscal_year_start_month BETWEEN 1 AND 12", name="fiscal_year_start_month"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(PLATFORM_LENGTH))
    tenant_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    fiscal_year_start_month: Mapped[int] = mapped_column(Integer, default=1)
    mission: Mapped[str | None] = mapped_column(Text)  # sealed (bot.storage.sealed)
    mission_encrypted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # An admin's off switch for a model voicing the stakeholder (on when one is configured).
    model_voice: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class User(OwnedByPerson, Base):
    """One person's own settings."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("platform", "tenant_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-2)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    nudges_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    nudges_opt_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    nudges_snoozed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    date_order: Mapped[str | None] = mapped_column(String(3))  # "DMY" or "MDY"; None: ask
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PrepConversation(OwnedByPerson, Base):
    """One stakeholder talk being prepared: who with, what for, how far along."""

    __tablename__ = "conversations"
    __table_args__ = (
        Index("ix_conversations_owner_status", "platform", "tenant_id", "user_id", "status"),
        CheckConstraint(f"status IN ({_STATUS_SQL})", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-2)
    stakeholder: Mapped[str] = mapped_column(String(64))
    goal: Mapped[str | None] = mapped_column(Text)  # sealed (bot.storage.sealed)
    goal_encrypted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(16), default=ConversationStatus.IN_PROGRESS.value)
    planned_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DialogState(OwnedByPerson, Base):
    """Where the coach is in a conversation; `version` guards against two turns at once.

    `document` is the engine's state as JSON text, sealed like a note (ciphertext if
    `encrypted`): it holds every answer the user gave."""

    __tablename__ = "dialog_states"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True, sort_order=-2
    )
    step: Mapped[str] = mapped_column(String(16))
    document: Mapped[str] = mapped_column(Text)
    encrypted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by the mapper


class Note(OwnedByPerson, Base):
    """The user's notes for one step of one conversation; `body` is ciphertext if `encrypted`."""

    __tablename__ = "notes"
    __table_args__ = (UniqueConstraint("conversation_id", "step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-2)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), sort_order=-2
    )
    step: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    encrypted: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
