"""A person in headless Chromium runs a Sales prep in the playground, up to the Simplify step."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from aiohttp import web

from tests.support.browser import launch_chromium, serving

if TYPE_CHECKING:
    from playwright.async_api import Page

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/playground.png"
MARKUP = "<img src=x onerror=alert(1)>"
HYPOTHESIS = f"The course feels generic {MARKUP} and lands at quarter-end."
ANSWERS = {
    "feel": HYPOTHESIS,
    "focus": "Sellers keep customer data safe on the road, so deals are never put at risk.",
    "timing": "in three weeks",
    "why": "Customers trust us with their data; keeping it safe protects every deal.",
}
DRAFT = "We want to add MFA so every seller can reach customer files safely from any hotel."


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
    before = await turns_done(page)
    last = page.locator(".message.coach").last
    await last.locator(f'.choices button[data-value="{value}"]').click()
    await wait_for_turn(page, before)


async def walk_to_simplify(page: Page) -> None:
    """Answer each step once, then continue, until the coach asks for the opening draft."""
    answered: set[str] = set()
    for _ in range(20):
        last = page.locator(".message.coach").last
        step = await last.get_attribute("data-step") or ""
        expects = await last.get_attribute("data-expects")
        choices = [
            await button.get_attribute("data-value")
            for button in await last.locator(".choices button:enabled").all()
        ]
        if step == "simplify" and expects == "text":
            return
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
        if onward:  # e.g. pick a listening question before "next" is offered
            await pick(page, onward[0] or "")
            continue
        pytest.fail(f"stuck at step {step!r} expecting {expects!r} with choices {choices}")
    pytest.fail("never reached the Simplify step")


async def test_a_sales_prep_flags_jargon_in_the_draft_and_never_runs_typed_markup(
    playground_app: web.Application,
) -> None:
    dialogs: list[str] = []
    errors: list[str] = []
    async with serving(playground_app) as url, launch_chromium() as browser:
        context = await browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id="Europe/London"
        )
        page = await context.new_page()
        page.set_default_timeout(15_000)
        page.on("dialog", lambda dialog: dialogs.append(dialog.message))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        await page.goto(url)

        await page.locator('[data-stakeholder="sales"]').click()
        await page.wait_for_selector('body[data-turns="1"]')
        await page.get_by_role("heading", name="Your preps").scroll_into_view_if_needed()
        assert await page.locator("#preps .prep").count() == 1
        await walk_to_simplify(page)

        drafts = page.locator(".message.user .draft")
        await drafts.filter(has_text=MARKUP).first.wait_for()
        assert await page.locator(".message.coach", has_text=MARKUP).count() >= 1
        assert await page.locator("#transcript img").count() == 0

        await send_text(page, DRAFT)
        highlighted = page.locator(".message.user mark.term").last
        plain = await page.locator(".finding-acronym .plain").last.text_content()
        assert await highlighted.text_content() == "MFA"
        assert plain
        assert await highlighted.get_attribute("title") == plain
        await page.screenshot(path=SCREENSHOT)

        await page.reload()
        await page.locator("#preps .resume").first.click()
        await page.wait_for_selector('body[data-turns="1"]')
        resumed = page.locator(".message.coach").last
        assert await resumed.get_attribute("data-expects") in {"text", "choice"}
        await context.close()

    assert dialogs == []
    assert errors == []  # no script errors, no Content-Security-Policy violations


async def test_markdown_typed_by_the_user_is_shown_as_typed(
    playground_app: web.Application,
) -> None:
    typed = "**Sellers** skip it: see https://evil.example"
    async with serving(playground_app) as url, launch_chromium() as browser:
        page = await browser.new_page()
        page.set_default_timeout(15_000)
        await page.goto(url)
        await page.locator('[data-stakeholder="sales"]').click()
        await page.wait_for_selector('body[data-turns="1"]')
        await send_text(page, typed)
        echoed = page.locator(".message.coach .message-body", has_text=typed)
        assert await echoed.count() >= 1
        assert await echoed.locator("strong, a").count() == 0
        assert await page.locator(".message.user", has_text=typed).count() == 1
