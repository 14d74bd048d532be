"""Tables the chat platforms need: Slack installations and OAuth state (slack_sdk's own
layout, created by our migrations), Slack assistant threads and Teams conversation
references. (Inbound turns, the record of what was delivered, are in `inbox_models`.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import (
    ID_LENGTH,
    Base,
    JsonDocument,
    OwnedByPerson,
    UtcDateTime,
    utcnow,
)

SLACK_INSTALLATIONS = "slack_installations"
SLACK_BOTS = "slack_bots"
SLACK_OAUTH_STATES = "slack_oauth_states"

# The exact tables slack_sdk's AsyncSQLAlchemy stores read and write, on our metadata so
# Alembic creates and checks them with the rest of the schema.
slack_installations = SQLAlchemyInstallationStore.build_installations_table(
    Base.metadata, SLACK_INSTALLATIONS
)
slack_bots = SQLAlchemyInstallationStore.build_bots_table(Base.metadata, SLACK_BOTS)
slack_oauth_states = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    Base.metadata, SLACK_OAUTH_STATES
)


class TeamsConversationReference(OwnedByPerson, Base):
    """Where to reach a Teams user later (proactive messages); saved from authenticated
    activities only. `reference` is the serialised Bot Framework ConversationReference."""

    __tablename__ = "teams_conversation_references"
    __table_args__ = (UniqueConstraint("platform", "tenant_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-2)
    reference: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SlackAssistantThread(OwnedByPerson, Base):
    """A thread of the user's in Slack's assistant panel: the thread context Slack sends (the
    channel they are viewing: ids only, no words of theirs), and the prep the thread's title
    names, so the title is set once per prep, not on every turn."""

    __tablename__ = "slack_assistant_threads"
    __table_args__ = (
        UniqueConstraint(
            "platform",
            "tenant_id",
            "user_id",
            "channel_id",
            "thread_ts",
            name="uq_slack_assistant_threads_owner_thread",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-2)
    channel_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    thread_ts: Mapped[str] = mapped_column(String(32))
    context: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    titled_prep_id: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
