"""What a person does in the playground, step by step, for the browser tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.async_api import Locator, Page

MARKUP = "<img src=x onerror=alert(1)>"
HYPOTHESIS = f"The course feels generic {MARKUP} and lands at quarter-end."
ANSWERS = {
    "feel": HYPOTHESIS,
    "focus": "Sellers keep customer data safe on the road, so deals are never put at risk.",
    "timing": "in three weeks",
    "simplify": "Can we find twenty minutes so every seller keeps customer files safe on trips?",
    "why": "Customers trust us with their data; keeping it safe protects every deal.",
}
QUESTIONS_TO_TICK = 2


async def turns_done(page: Page) -> int:
    return int(await page.locator("body").get_attribute("data-turns") or 0)


async def wait_for_turn(page: Page, before: int) -> None:
    await page.wait_for_selector(f'body[data-turns="{before + 1}"]')


async def send_text(page: Page, text: str) -> None:
    """Type into the answer box and press Enter, as a person would."""
    before = await turns_done(page)
    await page.get_by_label("Your answer").fill(text)
    await page.get_by_label("Your answer").press("Enter")
    await wait_for_turn(page, before)


async def pick(page: Page, value: str) -> None:
    """Click a button of the coach's last message."""
    before = await turns_done(page)
    last = page.locator(".message.coach").last
    await last.locator(f'.choices button[data-value="{value}"]').click()
    await wait_for_turn(page, before)


async def tick(page: Page, count: int) -> list[str]:
    """Tick the first `count` items of the last message's checklist and add them."""
    before = await turns_done(page)
    checklist = page.locator(".message.coach").last.locator(".checklist")
    items = checklist.locator(".checklist-item")
    labels = [await items.nth(n).inner_text() for n in range(count)]
    for n in range(count):
        await items.nth(n).locator("input").check()
    await checklist.get_by_role("button", name="Add the ticked ones").click()
    await wait_for_turn(page, before)
    return labels


def last_question(page: Page) -> Locator:
    """The coach's last message that expects an answer."""
    return page.locator('.message.coach:not([data-expects="none"])').last


Stop = Callable[["Locator"], Awaitable[bool]]


def at(step: str, expects: str | None = None) -> Stop:
    """Stop when the coach's last message is of `step` (and expects `expects`, if given)."""

    async def reached(last: Locator) -> bool:
        if await last.get_attribute("data-step") != step:
            return False
        return expects is None or await last.get_attribute("data-expects") == expects

    return reached


async def offers_checklist(last: Locator) -> bool:
    """Stop when the coach's last message has a checklist of long choices."""
    return await last.locator(".checklist").count() > 0


async def walk(page: Page, until: Stop) -> None:
    """Answer each step once, then continue, until `until(last coach message)` holds."""
    answered: set[str] = set()
    for _ in range(30):
        last = page.locator(".message.coach").last
        if await until(last):
            return
        step = await last.get_attribute("data-step") or ""
        expects = await last.get_attribute("data-expects")
        choices = [
            await button.get_attribute("data-value")
            for button in await last.locator(".choices button:enabled").all()
        ]
        if await last.locator(".checklist input:enabled").count() and "next" not in choices:
            await tick(page, QUESTIONS_TO_TICK)
            continue
        if step not in answered:
            answered.add(step)
            if step == "timing" and "suggest" in choices:
                await pick(page, "suggest")
                continue
            if expects == "text":
                await send_text(page, ANSWERS.get(step, "Yes."))
                continue
        if "next" in choices:
            await pick(page, "next")
            continue
        onward = [value for value in choices if value not in {"back", "pause"}]
        if onward:
            await pick(page, onward[0] or "")
            continue
        pytest.fail(f"stuck at step {step!r} expecting {expects!r} with choices {choices}")
    pytest.fail("never got where the walk was going")
