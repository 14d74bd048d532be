"""Giving a rehearsal turn's stakeholder lines to the voice, and telling the user once when
the model is not answering.

The coach calls `voice_lines` on the replies of a rehearsal turn. A reply whose `cue` is set
is the stakeholder speaking: the voice may say that line in character; when it does not
answer, the engine's scripted line stands. Scoring and feedback replies are never touched.
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


def _said(reply: Reply, cue: StakeholderCue, line: str) -> Reply:
    """`reply` with the model's line in place of the scripted one (any framing kept)."""
    scripted = cue.scripted_line
    text = reply.text.replace(scripted, line, 1) if scripted in reply.text else line
    return reply.model_copy(update={"text": text})
