"""What the stakeholder says next in a rehearsal, as the engine scripts it.

A rehearsal reply spoken by the stakeholder carries a `StakeholderCue`: everything a
model-backed voice may be told to say the same line in character (the playbook's persona and
this prep's own text, nothing else). The scripted line is the answer when no model is
configured, it is switched off, or it fails.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StakeholderCue(BaseModel):
    model_config = ConfigDict(frozen=True)

    role: str  # who is speaking, e.g. "the VP of Sales"
    persona: str  # who they are and what they care about, from the playbook
    objection: str  # the pushback to raise now, in the playbook's words
    scripted_line: str  # the engine's own line, used whenever the model is not
    goal: str | None = None  # this prep's one goal
    user_reply: str | None = None  # what the user just said to the stakeholder
