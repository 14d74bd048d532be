"""Which choices a person reads in a list and which stay buttons: one rule for every renderer.

A button's title is cut when it is long (Teams shows "Ho…" for a listening question, Slack
stops at 75 characters), so a reply whose choices include a sentence lists them instead, to
be read in full and picked from (a checklist where several may be picked). The short controls
beside them (Next, Back, Pause) stay buttons.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.messages import Choice, Inbound, Reply, Step
from bot.engine.turn import NAVIGATION
from bot.routing import command_words

PICKED = "@picked"  # a checklist's submit; no engine choice starts with "@"
LONG_LABEL = 30  # characters: longer than a few words is a sentence to read, not a button


@dataclass(frozen=True, slots=True)
class ChoiceLayout:
    """A reply's choices as the renderers lay them out."""

    listed: tuple[Choice, ...]  # read in full, picked from a list
    buttons: tuple[Choice, ...]  # short: buttons
    several: bool  # the list is a checklist: several may be ticked, one submit


def layout(reply: Reply) -> ChoiceLayout:
    """Buttons only, unless a label is a sentence: then every choice that is not a control
    goes in the list (mixing a few answers as buttons and the rest as a list would hide
    that they are alternatives)."""
    answers = [choice for choice in reply.choices if choice.value not in NAVIGATION]
    if all(len(choice.label) <= LONG_LABEL for choice in answers):
        return ChoiceLayout((), reply.choices, several=False)
    listed = tuple(answers)
    buttons = tuple(choice for choice in reply.choices if choice.value in NAVIGATION)
    return ChoiceLayout(listed, buttons, several=bool(reply.pick_several))


@dataclass(frozen=True, slots=True)
class Picked:
    """What a click on one of our buttons or checklist submits carries, decoded by the
    channel's codec: the choices (one, or the ticked ones) and where they were shown."""

    choices: tuple[str, ...]
    prep_id: int | None
    step: Step | None

    @property
    def command_words(self) -> str | None:
        """The words of a `cmd:` button (e.g. "resume 12"), None for a dialog choice."""
        return command_words(self.choices[0]) if len(self.choices) == 1 else None

    def inbound(self) -> Inbound:
        """One choice, or several ticked ones, for the prep and step they were shown in."""
        one = self.choices[0] if len(self.choices) == 1 else None
        picks = self.choices if one is None else ()
        return Inbound(choice=one, picks=picks, prep_id=self.prep_id, step=self.step)
