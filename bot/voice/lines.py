"""Giving a rehearsal turn's stakeholder lines to the voice, and telling the user once when
the model is not answering.

The coach calls `voice_lines` on the replies of a rehearsal turn. A reply whose `cue` is set
is the stakeholder speaking: the voice may say that line in character; when it does not
answer, the engine's scripted line stands. Scoring and feedback replies are never touched.

A model may take seconds, and a turn's transaction holds a database connection (on SQLite,
the process's only one) for as long as it runs: so the model is never asked inside it. The
coach voices a turn with `LinesAhead`, which raises `LinesNeeded` for a cue it has no line
for; the coach then ends the transaction unwritten, asks the model for those cues, and runs
the turn again, which now finds its lines.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot.engine.messages import Reply
from bot.engine.scene import StakeholderCue
from bot.voice import StakeholderVoice

FALLBACK_NOTICE = "The model is not answering, so I'm using scripted lines."


async def voice_lines(
    replies: Sequence[Reply],
    voice: StakeholderVoice | None,
    *,
    workspace_allows: bool,
    told: bool,
) -> tuple[list[Reply], bool]:
    """The replies with each stakeholder line said by `voice`, and whether the user has now
    been told of a fallback (`told`: already told in this rehearsal; the caller keeps it).

    With no voice (no model configured) or a workspace that turned it off
    (`PersonSettings.model_voice`), nothing is sent: the scripted lines are the lines, with no
    notice. A turn's lines are asked for together, so it waits at most one timeout.
    """
    cues = {index: reply.cue for index, reply in enumerate(replies) if reply.cue is not None}
    if voice is None or not workspace_allows or not cues:
        return list(replies), told
    lines = await asyncio.gather(*(voice.speak(cue) for cue in cues.values()))
    spoken = dict(zip(cues, lines, strict=True))
    voiced: list[Reply] = []
    for index, reply in enumerate(replies):
        line = spoken.get(index)
        if index in cues and line is None and not told:
            voiced.append(Reply(step=reply.step, text=FALLBACK_NOTICE))
            told = True
        voiced.append(reply if line is None else _said(reply, cues[index], line))
    return voiced, told


class LinesNeeded(Exception):
    """A turn needs the model's lines for `cues` before it can be voiced."""

    def __init__(self, cues: Sequence[StakeholderCue]) -> None:
        super().__init__(f"{len(cues)} stakeholder lines to ask the model for")
        self.cues = cues


class LinesAhead:
    """The model's lines for one turn's cues, asked before its transaction (a voice).

    `speak` answers a cue from the lines asked for, and raises `LinesNeeded` for one that
    was not asked for yet; `ask` gets them from the model, all at once."""

    def __init__(self, voice: StakeholderVoice) -> None:
        self._voice = voice
        self._lines: dict[StakeholderCue, str | None] = {}

    async def speak(self, cue: StakeholderCue) -> str | None:
        return self._lines[cue]

    def check(self, replies: Sequence[Reply]) -> None:
        """Raise `LinesNeeded` unless every stakeholder line in `replies` has been asked for."""
        missing = [r.cue for r in replies if r.cue is not None and r.cue not in self._lines]
        if missing:
            raise LinesNeeded(missing)

    async def ask(self, cues: Sequence[StakeholderCue]) -> None:
        """Ask the model for `cues` (each None when it did not answer)."""
        lines = await asyncio.gather(*(self._voice.speak(cue) for cue in cues))
        self._lines.update(zip(cues, lines, strict=True))


def _said(reply: Reply, cue: StakeholderCue, line: str) -> Reply:
    """`reply` with the model's line in place of the scripted one (any framing kept)."""
    scripted = cue.scripted_line
    text = reply.text.replace(scripted, line, 1) if scripted in reply.text else line
    return reply.model_copy(update={"text": text})
