"""The nudge outbox: one row per (user, kind, period), so each nudge is sent at most once."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base, JsonDocument, OwnedByPerson, UtcDateTime, utcnow


class NudgeStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a worker until `lease_until`
    SENT = "sent"
    SKIPPED = "skipped"  # no longer wanted (opted out, snoozed, forgotten)
    FAILED = "failed"  # will not succeed (user gone, app uninstalled)


class Nudge(OwnedByPerson, Base):
    __tablename__ = "nudges"
    __table_args__ = (
        UniqueConstraint("platform", "tenant_id", "user_id", "kind", "period"),
        Index("ix_nudges_status_lease_until", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-2)
    kind: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(96))
    stakeholder: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    status: Mapped[str] = mapped_column(String(16), default=NudgeStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
