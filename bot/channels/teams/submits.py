"""What our Adaptive Card submits carry, both ways: the one encode/decode of Teams clicks.

A button sends `{"choice", "prep_id", "step"}`; a checklist's submit sends the same with
`choice` set to `PICKED`, and Teams merges the ticked values of its `Input.ChoiceSet` into
that data as one comma-separated string under `PICKS_INPUT`. Where the button was shown
(prep and step) lets the coach refuse a stale click.
"""

from __future__ import annotations

from typing import Any

from bot.channels.choices import PICKED, Picked
from bot.engine.messages import Step

MAX_CHOICE = 200
MAX_PICKS = 25
PICKS_INPUT = "picks"


def submit_data(choice_value: str, step: Step, prep_id: int | None) -> dict[str, Any]:
    """What a button sends back: the choice and where it was shown (stale-button check)."""
    return {"choice": choice_value, "prep_id": prep_id, "step": step.value}


def checklist_data(step: Step, prep_id: int | None) -> dict[str, Any]:
    """What a checklist's submit sends back, beside the ticked values Teams adds."""
    return submit_data(PICKED, step, prep_id)


def card_click(value: Any) -> Picked | None:
    """The data of one of our Action.Submit buttons; None when it is not shaped like ours.

    A checklist submitted with nothing ticked is a click with no choices."""
    if not isinstance(value, dict):
        return None
    choice, prep_id, step = value.get("choice"), value.get("prep_id"), value.get("step")
    if not isinstance(choice, str) or not choice or len(choice) > MAX_CHOICE:
        return None
    if prep_id is not None and (not isinstance(prep_id, int) or isinstance(prep_id, bool)):
        return None
    try:
        parsed_step = Step(step) if step is not None else None
    except ValueError:
        return None
    choices = _ticked(value.get(PICKS_INPUT)) if choice == PICKED else (choice,)
    return None if choices is None else Picked(choices, prep_id, parsed_step)


def _ticked(picks: Any) -> tuple[str, ...] | None:
    """`"q1,q3"` → ("q1", "q3"); None when it is not what our ChoiceSet sends."""
    if picks is None or picks == "":
        return ()
    if not isinstance(picks, str) or len(picks) > MAX_CHOICE * MAX_PICKS:
        return None
    values = tuple(value.strip() for value in picks.split(",") if value.strip())
    if len(values) > MAX_PICKS or any(len(value) > MAX_CHOICE for value in values):
        return None
    return values
