"""What a nudge says, as neutral replies with a first button (resume, debrief, record the
number…) and Snooze / Stop; and each sender's JSON for it, encoded once per wording.

Thousands of users get the same nudge on the same day: the same text and buttons, but for
the prep id their buttons carry. A `Wording` is that shared part; `EncodedWordings` renders
and encodes each wording once, with a mark in the prep id's places, and puts each nudge's own
prep id there: at the rate limits a worker sends hundreds a second, and rendering Block Kit
or an Adaptive Card and encoding it as JSON per nudge cost more CPU than sending it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.commands import command_choice
from bot.engine.messages import Choice, Expects, Reply, Step
from bot.engine.steps.timing import day_label
from bot.nudges.planner import NudgeKind
from bot.playbook.library import PlaybookLibrary
from bot.storage.nudge_outbox import ClaimedNudge

SNOOZE = command_choice("nudges snooze")
STOP = command_choice("nudges off")
# Stands for the prep id while a wording is encoded: far beyond any real id, and 19 digits
# that no nudge's text contains (EncodedWordings checks that with a second mark).
PREP_MARK = 7_301_946_285_019_463_825


@dataclass(frozen=True, slots=True)
class Wording:
    """What every nudge of one kind, stakeholder, season and day says; users differ only by
    the prep id that their buttons carry (`with_prep`: whether there is one)."""

    kind: str
    stakeholder: str
    role: str
    team: str
    starts: date | None
    ends: date | None
    today: date
    with_prep: bool

    def reply(self, prep_id: int | None) -> Reply:
        """The DM for a nudge about `prep_id`; its buttons run ordinary commands."""
        role, team, starts, ends = self.role, self.team, self.starts, self.ends
        resume = command_choice(f"resume {prep_id}" if prep_id else f"prep {self.stakeholder}")
        if self.kind == NudgeKind.OUTCOME.value:
            text = (
                f"Time to check the number from your talk with {role}: where is it now? "
                "Record it and see the progress against your goal."
            )
            first = Choice(value=command_choice(f"outcome {prep_id}"), label="Record the number")
        elif self.kind == NudgeKind.DEBRIEF.value:
            talked = f" on {day_label(starts)}" if starts else ""
            text = (
                f"How did your talk with {role}{talked} go? Record a debrief while it is "
                "fresh: what you heard, what you agreed, the next step."
            )
            first = Choice(value=command_choice(f"debrief {prep_id}"), label="Debrief now")
        elif self.kind == NudgeKind.AFTER_CLOSE.value:
            text = (
                f"{team.capitalize()}'s busy season ended"
                f"{f' on {day_label(ends)}' if ends else ''}. "
                f"Now is a good time to talk with {role}."
            )
            first = Choice(value=resume, label="Prepare the talk")
        else:
            days = (starts - self.today).days if starts else None
            closes = f" in {days} day{'s' if days != 1 else ''}" if days is not None else " soon"
            span = f" ({day_label(starts)} – {day_label(ends)})" if starts and ends else ""
            text = (
                f"Heads-up: {team}'s busy season starts{closes}{span}. "
                f"Your quiet window to talk with {role} is closing."
            )
            label = "Resume my prep" if self.with_prep else "Prepare now"
            first = Choice(value=resume, label=label)
        return Reply(
            step=Step.INFO,
            text=text,
            expects=Expects.CHOICE,
            choices=(
                first,
                Choice(value=SNOOZE, label="Snooze a week"),
                Choice(value=STOP, label="Stop nudges"),
            ),
        )


@dataclass(frozen=True, slots=True)
class NudgeMessage:
    """One nudge's message: the shared wording and the user's own prep id."""

    wording: Wording
    prep_id: int | None

    @property
    def reply(self) -> Reply:
        return self.wording.reply(self.prep_id)


def nudge_message(nudge: ClaimedNudge, library: PlaybookLibrary, today: date) -> NudgeMessage:
    """What a claimed nudge says on `today` (the user's buttons carry its prep id)."""
    prep_id = nudge.payload.get("prep_id") or None
    return NudgeMessage(_wording(nudge, library, today, prep_id is not None), prep_id)


class Wordings:
    """The wordings of one delivery pass, each made once and shared by its nudges."""

    def __init__(self, library: PlaybookLibrary) -> None:
        self._library = library
        self._made: dict[tuple[object, ...], Wording] = {}

    def message(self, nudge: ClaimedNudge, today: date) -> NudgeMessage:
        """`nudge_message`, with the wording of an earlier nudge when it is the same."""
        payload = nudge.payload
        prep_id = payload.get("prep_id") or None
        key = (nudge.kind, nudge.stakeholder, payload.get("starts"), payload.get("ends"), today,
               prep_id is not None)  # fmt: skip
        wording = self._made.get(key)
        if wording is None:
            wording = self._made[key] = _wording(nudge, self._library, today, prep_id is not None)
        return NudgeMessage(wording, prep_id)


def _wording(
    nudge: ClaimedNudge, library: PlaybookLibrary, today: date, with_prep: bool
) -> Wording:
    book = library.find(nudge.stakeholder)
    payload = nudge.payload
    return Wording(
        kind=nudge.kind,
        stakeholder=nudge.stakeholder,
        role=book.role if book else nudge.stakeholder,
        team=book.team if book else nudge.stakeholder,
        starts=date.fromisoformat(payload["starts"]) if payload.get("starts") else None,
        ends=date.fromisoformat(payload["ends"]) if payload.get("ends") else None,
        today=today,
        with_prep=with_prep,
    )


class EncodedWordings:
    """A sender's JSON for each wording, rendered and encoded once (during one delivery
    pass); each nudge's prep id is then written into the places the mark took.

    `render(reply, prep_id)` is the sender's own renderer (Block Kit, an Adaptive Card). A
    second rendering with another mark must come out as the first with that mark put in, or
    the wording is rendered per nudge instead: the mark stood nowhere but for the prep id.
    """

    def __init__(self, render: Callable[[Reply, int | None], Any]) -> None:
        self._render = render
        self._parts: dict[Wording, tuple[str, ...]] = {}

    def json(self, message: NudgeMessage) -> str:
        parts = self._parts.get(message.wording)
        if parts is None:
            parts = self._parts[message.wording] = self._split(message.wording)
        if not parts:  # no shared encoding: rendered for this nudge alone
            return self._encoded(message.wording, message.prep_id)
        return str(message.prep_id).join(parts) if len(parts) > 1 else parts[0]

    def clear(self) -> None:
        self._parts.clear()

    def _split(self, wording: Wording) -> tuple[str, ...]:
        if not wording.with_prep:
            return (self._encoded(wording, None),)
        parts = self._encoded(wording, PREP_MARK).split(str(PREP_MARK))
        other = PREP_MARK + 1
        return tuple(parts) if str(other).join(parts) == self._encoded(wording, other) else ()

    def _encoded(self, wording: Wording, prep_id: int | None) -> str:
        return json.dumps(self._render(wording.reply(prep_id), prep_id))


def joined(head: dict[str, Any], encoded: str) -> str:
    """The JSON object `encoded` with `head`'s keys put first (they must not be in it)."""
    rest = encoded[1:].lstrip()
    if not head:
        return encoded
    return f"{json.dumps(head)[:-1]}{'' if rest == '}' else ', '}{rest}"
