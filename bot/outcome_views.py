"""The measured outcomes of one person's preps, as every channel lists them."""

from __future__ import annotations

from pydantic import BaseModel

from bot.engine.outcomes import MeasuredOutcome
from bot.engine.state import PrepState
from bot.engine.steps.measure import progress_line, status_line
from bot.storage.crypto import NoteKeyError
from bot.storage.prep_store import PrepStore


class OutcomeView(BaseModel):
    """A prep's measured outcome, with its progress and standing in words."""

    prep_id: int
    stakeholder: str
    outcome: MeasuredOutcome
    progress: str  # e.g. "training completion: 42% → 71%, goal 90% by Mon 15 Mar 2027"
    standing: str  # e.g. "I'll ask you for the new number on …", "Goal reached — …"


async def outcome_views(store: PrepStore) -> list[OutcomeView]:
    """The person's outcomes, most recently updated first; one sealed with a key this server
    no longer has is left out."""
    views = []
    for conversation, row in await store.tracked_outcomes():
        try:
            outcome = PrepState.model_validate(store.state_data(row)).outcome
        except NoteKeyError:
            continue
        if outcome is not None:
            views.append(
                OutcomeView(
                    prep_id=conversation.id,
                    stakeholder=conversation.stakeholder,
                    outcome=outcome,
                    progress=progress_line(outcome),
                    standing=status_line(outcome),
                )
            )
    return views
