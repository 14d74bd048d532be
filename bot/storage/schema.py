"""The whole schema in one place: importing this registers every table with the metadata.

Alembic's env.py and the schema check use `metadata` from here, so a module that adds
tables only needs to be imported below.
"""

from bot.storage import channel_models, inbox_models, models, nudge_models, outcome_models

metadata = models.Base.metadata

__all__ = ["channel_models", "inbox_models", "metadata", "nudge_models", "outcome_models"]
