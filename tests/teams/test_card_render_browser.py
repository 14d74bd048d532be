"""Every card of a full Teams prep, rendered by Microsoft's own Adaptive Cards JavaScript
renderer (the `adaptivecards` npm package, pinned in tests/teams/cardrender) in headless
Chromium: no action title may be cut short ("Ho…"), and every listed choice is shown whole.

The package is installed by `make card-renderer` (npm ci); without it the test skips, and
fails when CI=true.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.channels.teams.cards import turn_card
from bot.engine.messages import Reply, Step
from bot.engine.turn import choice
from tests.support.browser import launch_chromium
from tests.support.missing_tool import missing_tool
from tests.support.prep_script import DEBRIEF, REHEARSAL
from tests.teams import cardreader
from tests.teams.test_transcript import TeamsChat, chat, coach  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

RENDERER = Path(__file__).parent / "cardrender/node_modules/adaptivecards/dist/adaptivecards.js"
CHAT_WIDTH = 480  # px: a Teams personal chat column on a laptop, cards at full width
PAGE = f"<html><body style='margin:0;width:{CHAT_WIDTH}px'><div id='host'></div></body></html>"
MEASURE = """
(card) => {
  const adaptive = new AdaptiveCards.AdaptiveCard();
  adaptive.parse(card);
  const rendered = adaptive.render();
  const host = document.getElementById("host");
  host.replaceChildren(rendered);
  const cut = (node) => node.scrollWidth > node.clientWidth + 1
    || node.scrollHeight > node.clientHeight + 1;
  const edge = host.getBoundingClientRect().right + 1;  // past it, the chat clips
  const titles = [...rendered.querySelectorAll("button")].map((button) => ({
    title: button.textContent.trim(),
    cut: button.getBoundingClientRect().right > edge
      || [button, ...button.querySelectorAll("*")].some(
        (node) => getComputedStyle(node).textOverflow === "ellipsis" && cut(node)),
  }));
  const choices = [...rendered.querySelectorAll("label")].map((label) => ({
    title: label.textContent.trim(),
    cut: cut(label) || label.getBoundingClientRect().right > edge,
  }));
  return { errors: adaptive.validateProperties().validationEvents.length, titles, choices };
}
"""


def renderer_available() -> None:
    if RENDERER.is_file():
        return
    missing_tool(f"{RENDERER} missing: run `make card-renderer` (needs npm)")


async def full_prep(chat: TeamsChat) -> list[dict[str, Any]]:  # noqa: F811
    """Every card Dana sees from "sales" to the brief, her history, a rehearsal to its
    scorecard and the debrief to its measured outcome."""
    cards = [await chat.says("sales")]
    cards.append(await chat.says("They think the course is generic"))
    cards.append(await chat.clicks("next"))
    cards.append(await chat.ticks("q1", "q2"))
    cards.append(await chat.clicks("next"))
    cards.append(await chat.says("Sales finish the course. Managers ask about it. Deals stay safe"))
    cards.append(await chat.says("Sales finish the course so deals stay safe"))
    cards.append(await chat.clicks("next"))
    cards.append(await chat.says("2027-01-12"))
    cards.append(await chat.clicks("next"))
    cards.append(await chat.says("We must enforce MFA now, or a breach costs 4.5 million."))
    cards.append(await chat.says("Your sellers work from hotels. I want customer files safe."))
    cards.append(await chat.clicks("next"))
    cards.append(await chat.says("Customer trust wins renewals."))
    cards.append(await chat.clicks("next"))
    assert "Prep brief: Sales" in chat.text
    cards.append(await chat.says("history"))
    for kind, value in [*REHEARSAL, *DEBRIEF]:  # then a rehearsal and the debrief's outcome
        if kind == "say":
            cards.append(await chat.says(value))
        else:
            cards.append(await chat.clicks(value))
    assert "Spark:" in " ".join(cardreader.text(card) for card in cards)  # the scorecard
    return cards


async def test_no_action_title_is_cut_in_any_card_of_a_prep_rehearsal_and_debrief(
    chat: TeamsChat,  # noqa: F811
) -> None:
    renderer_available()
    cards = await full_prep(chat)
    async with launch_chromium() as browser:
        page = await browser.new_page(viewport={"width": CHAT_WIDTH, "height": 900})
        await page.set_content(PAGE)
        await page.add_script_tag(path=str(RENDERER))
        seen = 0
        for number, card in enumerate(cards, 1):
            shown = await page.evaluate(MEASURE, card)
            assert shown["errors"] == 0, f"card {number} does not validate"
            cut = [t["title"] for t in shown["titles"] + shown["choices"] if t["cut"]]
            assert cut == [], f"card {number}: cut short: {cut}"
            seen += len(shown["titles"])
        assert seen > len(cards)  # the buttons were there to measure


async def test_many_medium_buttons_wrap_into_rows_rather_than_being_cut() -> None:
    renderer_available()
    labels = ["Sales finish the course", "Managers ask about it", "Deals stay safe", "Back"]
    reply = Reply(
        step=Step.FOCUS,
        text="Which one outcome?",
        choices=tuple(
            choice("back" if label == "Back" else f"g{n}", label) for n, label in enumerate(labels)
        ),
    )
    card = turn_card([reply], 7)
    async with launch_chromium() as browser:
        page = await browser.new_page(viewport={"width": CHAT_WIDTH, "height": 900})
        await page.set_content(PAGE)
        await page.add_script_tag(path=str(RENDERER))
        shown = await page.evaluate(MEASURE, card)
    assert [t["title"] for t in shown["titles"]] == labels
    assert [t["title"] for t in shown["titles"] if t["cut"]] == []
