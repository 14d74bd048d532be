"""The inbox: every inbound turn (a Slack event, command or click; a Teams activity), stored
sealed before the platform is told it arrived, until it has been answered."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import ID_LENGTH, Base, OwnedByPerson, UtcDateTime, utcnow


class TurnStatus(StrEnum):
    PENDING = "pending"  # acknowledged, not yet taken up
    CLAIMED = "claimed"  # being answered by a worker until `lease_until`
    DONE = "done"
    FAILED = "failed"  # an error of ours; the user was told


class InboxTurn(OwnedByPerson, Base):
    """One inbound turn. `delivery_id` is the platform's own id for it (an event id, a
    trigger id, an activity id), so a redelivery is recognised; `body` is the platform's
    payload and `answer` the replies worked out for it, both sealed like notes."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("platform", "delivery_id"),
        Index("ix_inbox_owner_status", "platform", "tenant_id", "user_id", "status"),
        Index("ix_inbox_status_lease_until", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-2)
    delivery_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    kind: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    encrypted: Mapped[bool] = mapped_column(Boolean)
    answer: Mapped[str | None] = mapped_column(Text)
    answer_encrypted: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=TurnStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
