"""What our Block Kit buttons carry, both ways: the one encode/decode of Slack clicks.

A button's value is `{"c": choice, "p": prep id, "s": step}` as compact JSON. A checklist's
submit button carries `PICKED` as its choice; the ticked values come with the click in the
payload's `state.values`, under the checklist's `PICKS_BLOCK`.
"""

from __future__ import annotations

import json
from typing import Any

from bot.channels.choices import PICKED, Picked
from bot.engine.messages import Step

PICKS_BLOCK = "picks"
PICKS_ACTION = "picks"
MAX_PICKS = 10  # Slack's checkboxes hold ten options


def button_value(choice_value: str, prep_id: int | None, step: Step) -> str:
    """What a click sends back: the choice, and the prep and step it was shown in."""
    return json.dumps({"c": choice_value, "p": prep_id, "s": step.value}, separators=(",", ":"))


def click_of(body: dict[str, Any]) -> Picked | None:
    """The click in a block_actions payload; None when its button is not one of ours."""
    action = (body.get("actions") or [{}])[0]
    try:
        data = json.loads(str(action.get("value", "")))
        step = Step(data["s"]) if data.get("s") else None
        prep, choice = data.get("p"), str(data["c"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    choices = _ticked(body) if choice == PICKED else (choice,)
    return Picked(choices, prep if isinstance(prep, int) else None, step)


def _ticked(body: dict[str, Any]) -> tuple[str, ...]:
    """The values ticked in the message's checklist when its submit was pressed."""
    values = ((body.get("state") or {}).get("values") or {}).get(PICKS_BLOCK) or {}
    selected = (values.get(PICKS_ACTION) or {}).get("selected_options") or []
    return tuple(str(option.get("value", "")) for option in selected[:MAX_PICKS])
