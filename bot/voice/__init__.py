"""Who voices the stakeholder in a rehearsal: the engine's scripted lines, or a model.

`StakeholderVoice` is the shape of a model-backed voice: given a cue, it returns the
stakeholder's line in character, or None to keep the scripted line. It never scores or judges.
"""

from __future__ import annotations

from typing import Protocol

from bot.engine.scene import StakeholderCue


class StakeholderVoice(Protocol):
    async def speak(self, cue: StakeholderCue) -> str | None:
        """The stakeholder's line for `cue`, or None to keep `cue.scripted_line`."""
        ...
