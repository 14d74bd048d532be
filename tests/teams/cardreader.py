"""Reading our Adaptive Cards the way a person sees them: text, buttons, findings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Card = dict[str, Any]


def elements(node: Any) -> Iterator[dict[str, Any]]:
    """Every element of a card, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from elements(value)
    elif isinstance(node, list):
        for item in node:
            yield from elements(item)


def lines(card: Card) -> list[str]:
    """Each RichTextBlock as one line of text."""
    return [
        "".join(run["text"] for run in block["inlines"])
        for block in elements(card)
        if block.get("type") == "RichTextBlock"
    ]


def text(card: Card) -> str:
    return "\n".join(lines(card))


def buttons(card: Card) -> list[dict[str, Any]]:
    """The data of each Action.Submit, in order."""
    return [
        dict(action["data"]) for action in elements(card) if action.get("type") == "Action.Submit"
    ]


def button(card: Card, choice: str) -> dict[str, Any]:
    found = [data for data in buttons(card) if data["choice"] == choice]
    assert found, f"no {choice!r} button in {[b['choice'] for b in buttons(card)]}"
    return found[-1]


def links(card: Card) -> list[str]:
    return [action["url"] for action in elements(card) if action.get("type") == "Action.OpenUrl"]
