"""Which preps have a measured outcome, and when its owner is next asked for the number.

The outcome itself (metric, values, readings) is words the user wrote: it lives in the
sealed dialog state. This table holds only what the nudge planner and the listings must find
without opening anything: the prep, the loop's status and the follow-up day.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base, OwnedByPerson, UtcDateTime, utcnow


class TrackedOutcome(OwnedByPerson, Base):
    __tablename__ = "outcomes"
    __table_args__ = (Index("ix_outcomes_owner", "platform", "tenant_id", "user_id"),)

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True, sort_order=-2
    )
    status: Mapped[str] = mapped_column(String(16))  # bot.engine.outcomes.OutcomeStatus
    follow_up_on: Mapped[date | None] = mapped_column(Date)  # None: no nudge due
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
