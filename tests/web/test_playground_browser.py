"""A person in headless Chromium runs a Sales prep in the playground, up to the Simplify step."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from aiohttp import web

from bot.engine.findings import FINDING_KINDS
from bot.engine.messages import Reply, Step
from tests.support.browser import launch_chromium, serving
from tests.support.findings import EVERY_KIND, said, written_as
from tests.web.conftest import fake_app
from tests.web.walk import MARKUP, at, send_text, walk

if TYPE_CHECKING:
    from playwright.async_api import Page

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/playground.png"
DRAFT = "We want to add MFA so every seller can reach customer files safely from any hotel."


async def walk_to_simplify(page: Page) -> None:
    """Answer each step once, then continue, until the coach asks for the opening draft."""
    await walk(page, at("simplify", "text"))


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


RENDER_FINDINGS = """(reply) => {
  const message = window.PrepTalkRender.renderReply(reply, () => {});
  document.querySelector("#transcript").append(message);
  return [...message.querySelectorAll(".finding")].map((item) => ({
    kind: item.dataset.kind,
    label: item.querySelector(".finding-label").textContent,
    detail: item.querySelector(".finding-detail").textContent,
  }));
}"""


async def test_every_kind_of_finding_has_its_own_label_and_shows_its_words(
    tmp_path: Path,
) -> None:
    reply = Reply(step=Step.TIMING, text="Every kind.", findings=EVERY_KIND)
    hostile = Reply(
        step=Step.FEEL,
        text="Typed.",
        findings=tuple(written_as(finding, MARKUP) for finding in EVERY_KIND),
    )
    async with serving(fake_app(tmp_path)) as url, launch_chromium() as browser:
        page = await browser.new_page()
        await page.goto(url)
        shown = await page.evaluate(RENDER_FINDINGS, reply.model_dump(mode="json"))
        literal = await page.evaluate(RENDER_FINDINGS, hostile.model_dump(mode="json"))
        images = await page.locator("#transcript img").count()

    assert [item["kind"] for item in shown] == list(FINDING_KINDS)
    labels = [item["label"] for item in shown]
    assert all(labels) and len(set(labels)) == len(labels), labels
    for finding, item in zip(EVERY_KIND, shown, strict=True):
        assert all(words in item["detail"] for words in said(finding)), item
    assert "Quarter-end push" in shown[FINDING_KINDS.index("crunch_period")]["detail"]
    assert "Memorial Day" in shown[FINDING_KINDS.index("holiday")]["detail"]
    assert "One in three…" in shown[FINDING_KINDS.index("fear")]["detail"]
    assert all(MARKUP in item["detail"] for item in literal) and images == 0
