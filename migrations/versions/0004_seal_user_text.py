"""Seal every word a user writes: the dialog state becomes sealed text, goals and missions
get an `encrypted` flag.

Existing rows are carried over as plain text (marked unencrypted); `prep-talk keys rotate`
seals them once a key is configured. A downgrade refuses while any of them is sealed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The flags this revision adds: (table, flag)
FLAGS = (
    ("dialog_states", "encrypted"),
    ("conversations", "goal_encrypted"),
    ("tenants", "mission_encrypted"),
)
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _flag(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(_flag("mission_encrypted"))
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(_flag("goal_encrypted"))
    with op.batch_alter_table("dialog_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document", sa.Text(), nullable=True))
        batch_op.add_column(_flag("encrypted"))
    op.execute("UPDATE dialog_states SET document = CAST(data AS TEXT)")
    with op.batch_alter_table("dialog_states", schema=None) as batch_op:
        batch_op.alter_column("document", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("data")


def downgrade() -> None:
    _refuse_if_sealed()
    with op.batch_alter_table("dialog_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data", JSON_DOCUMENT, nullable=True))
    if op.get_context().dialect.name == "postgresql":
        op.execute("UPDATE dialog_states SET data = CAST(document AS JSONB)")
    else:
        op.execute("UPDATE dialog_states SET data = document")  # SQLite keeps JSON as text
    with op.batch_alter_table("dialog_states", schema=None) as batch_op:
        batch_op.alter_column("data", existing_type=JSON_DOCUMENT, nullable=False)
        batch_op.drop_column("encrypted")
        batch_op.drop_column("document")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("goal_encrypted")
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("mission_encrypted")


def _refuse_if_sealed() -> None:
    """Revision 0003 cannot read sealed states, goals or missions: never hand it any."""
    for table, flag in FLAGS:
        rows = sa.table(table, sa.column(flag, sa.Boolean()))
        query = sa.select(sa.func.count()).select_from(rows).where(rows.c[flag] == sa.true())
        if op.get_bind().scalar(query):
            raise RuntimeError(
                f"{table} holds encrypted values that revision 0003 cannot read; "
                "downgrade a database whose user text is plain only"
            )
