"""A person in headless Chromium takes a Sales prep from start to brief and on to its debrief,
on the whole server as `prep-talk serve` builds it: the open question stays in view, a reload
keeps the prep open, the mission set in the settings panel shows in Spark, the brief reads as
a document and downloads as Markdown."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.server import create_app
from bot.settings import Settings
from tests.support.browser import launch_chromium, serving
from tests.web.conftest import fake_app
from tests.web.walk import (
    MARKUP,
    QUESTIONS_TO_TICK,
    at,
    last_question,
    offers_checklist,
    pick,
    send_text,
    tick,
    turns_done,
    wait_for_turn,
    walk,
)

if TYPE_CHECKING:
    from playwright.async_api import Page

pytestmark = pytest.mark.browser

BRIEF_SCREENSHOT = "/tmp/playground-brief.png"
CHECKLIST_SCREENSHOT = "/tmp/playground-checklist.png"
MISSION = f"Keep every customer's trust {MARKUP} wherever we sell"
DEBRIEF = [
    "They said the course lands at quarter-end and feels generic.",
    "A 20-minute sales-only module in the quiet weeks of April.",
    "I send the draft module to the VP by Friday.",
    "Training completion in sales: 42% now, goal 90% by 15 March",
]
REHEARSAL_REPLY = (
    "I hear you, quarter-end is hard. What would make a short module easy for your sellers? "
    "It keeps customer deals safe."
)


async def question_is_in_view(page: Page) -> None:
    from playwright.async_api import expect

    await expect(last_question(page)).to_be_in_viewport()


async def after_brief_screenshot(page: Page) -> None:
    """For a person to look at: the brief as a document, then what comes next."""
    await page.locator(".message-body.document").last.scroll_into_view_if_needed()
    await page.screenshot(path=BRIEF_SCREENSHOT)


async def set_mission_from_spark(page: Page) -> None:
    """Follow the Spark step's tip to the settings panel; a bad zone is refused first."""
    tip = page.locator(".message.coach.step-why").get_by_role("button", name="mission")
    await tip.last.click()
    panel = page.get_by_role("dialog", name="Settings")
    await panel.get_by_label("Company mission").fill(MISSION)
    await panel.get_by_label("Fiscal year starts in").select_option(label="February")
    await panel.get_by_label("Time zone").fill("Mars/Olympus_Mons")
    await panel.get_by_role("button", name="Save settings").click()
    refusal = panel.get_by_role("alert")
    await refusal.wait_for()
    assert "unknown time zone" in (await refusal.inner_text()).lower()

    before = await page.locator("body").get_attribute("data-settings-saved")
    assert before is None  # the refused save changed nothing
    await panel.get_by_label("Time zone").fill("Europe/Berlin")
    await panel.get_by_role("button", name="Save settings").click()
    await page.wait_for_selector('body[data-settings-saved="1"]')
    assert not await panel.is_visible()


async def test_a_prep_goes_from_start_to_brief_download_rehearsal_and_debrief(
    migrated_settings: Settings, tmp_path: Path
) -> None:
    problems: list[str] = []
    async with serving(create_app(migrated_settings)) as url, launch_chromium() as browser:
        context = await browser.new_context(
            viewport={"width": 1280, "height": 720}, locale="en-GB", timezone_id="Europe/London"
        )
        page = await context.new_page()
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and problems.append(message.text)
            ),
        )
        await page.goto(url)
        await page.wait_for_selector('body[data-loaded="true"]')

        await page.locator('[data-stakeholder="sales"]').click()
        await page.wait_for_selector('body[data-turns="1"]')
        await question_is_in_view(page)

        await walk(page, offers_checklist)
        await tick(page, QUESTIONS_TO_TICK)
        await question_is_in_view(page)
        await walk(page, at("focus", "text"))
        await question_is_in_view(page)
        focus_question = await last_question(page).inner_text()

        await page.reload()
        await page.wait_for_selector('body[data-loaded="true"]')
        assert await last_question(page).inner_text() == focus_question
        assert await page.get_by_label("Your answer").is_visible()
        await question_is_in_view(page)

        await walk(page, at("why", "text"))
        await set_mission_from_spark(page)
        spark = page.locator(".message.coach.step-why", has_text="Your company's mission")
        assert MISSION in await spark.last.inner_text()
        await question_is_in_view(page)

        await walk(page, at("brief", "none"))
        brief = page.locator(".message-body.document").last
        text = await brief.inner_text()
        assert "Prep brief" in text and MISSION in text and MARKUP in text
        assert "[ ]" not in text and "---" not in text and "\n> " not in text
        assert await brief.locator("h2").count() >= 4
        assert await brief.locator("input.task-box[type=checkbox]").count() >= 1
        assert await brief.locator("blockquote").count() == 1
        assert await page.locator("#transcript img, #transcript a[href^='javascript']").count() == 0

        await after_brief_screenshot(page)
        after = page.get_by_role("navigation", name="What next")
        assert await after.get_by_role("button", name="Rehearse").is_enabled()
        async with page.expect_download() as pending:
            await after.get_by_role("link", name="Download the prep (.md)").click()
        download = await pending.value
        saved = tmp_path / download.suggested_filename
        await download.save_as(saved)
        markdown = saved.read_text(encoding="utf-8")
        assert download.suggested_filename.endswith("-sales.md")
        assert markdown.startswith("# Prep notes:") and "- [ ] " in markdown

        before = await turns_done(page)
        await after.get_by_role("button", name="Rehearse").click()
        await wait_for_turn(page, before)
        for _line in range(8):  # the stakeholder's opening and three to five objections
            if not await at("rehearse", "text")(page.locator(".message.coach").last):
                break
            await question_is_in_view(page)
            await send_text(page, REHEARSAL_REPLY)
        card = page.locator(".message.coach.step-rehearse", has_text="Spark:")
        scorecard = await card.last.inner_text()
        assert all(habit in scorecard for habit in ("Feel", "Focus", "Simplify", "Spark"))
        rehearsed = page.get_by_role("navigation", name="What next").last

        before = await turns_done(page)
        await rehearsed.get_by_role("button", name="Debrief").click()
        await wait_for_turn(page, before)
        for answer in DEBRIEF:
            await question_is_in_view(page)
            await send_text(page, answer)
        await pick(page, "use_due_day")
        debrief = page.locator(".message.coach.step-debrief .message-body.document").last
        assert DEBRIEF[2] in await debrief.inner_text()
        done = page.get_by_role("navigation", name="What next").last
        assert await done.get_by_role("button", name="Debrief").count() == 0
        assert await done.get_by_role("button", name="Rehearse").count() == 1

        await done.get_by_role("button", name="New prep").click()
        await page.get_by_role("heading", name="Before the hard conversation").wait_for()
        await page.reload()
        await page.wait_for_selector('body[data-loaded="true"]')
        await page.get_by_role("button", name="Open the prep for Sales").click()
        await page.locator(".message-body.document").nth(1).wait_for()
        assert await page.locator(".message-body.document h1").count() == 2  # brief, debrief
        await context.close()

    assert problems == []  # no script errors, no Content-Security-Policy violations


async def test_long_choices_are_a_checklist_and_every_ticked_one_is_added(
    migrated_settings: Settings,
) -> None:
    async with serving(create_app(migrated_settings)) as url, launch_chromium() as browser:
        page = await browser.new_page(viewport={"width": 1280, "height": 720})
        page.set_default_timeout(15_000)
        await page.goto(url)
        await page.wait_for_selector('body[data-loaded="true"]')
        await page.locator('[data-stakeholder="sales"]').click()
        await page.wait_for_selector('body[data-turns="1"]')
        await walk(page, offers_checklist)
        offered = page.locator(".message.coach").last
        await page.screenshot(path=CHECKLIST_SCREENSHOT)
        short = [await b.inner_text() for b in await offered.locator(".choices button").all()]
        long = offered.locator(".checklist-item")
        assert await long.count() >= 3
        lengths = [len(await item.inner_text()) for item in await long.all()]
        assert min(lengths) > 40, lengths
        assert "Pause" in short and all(len(label) <= 40 for label in short)

        ticked = await tick(page, 3)
        picked = await last_question(page).inner_text()
        assert all(question in picked for question in ticked), (ticked, picked)
        still_offered = last_question(page).locator(".checklist-item")
        assert await still_offered.count() == len(lengths) - 3


PICK_ONE = """(reply) => new Promise((resolve) => {
  const message = window.PrepTalkRender.renderReply(reply, (choice) => resolve(choice.value));
  document.querySelector("#transcript").append(message);
})"""


async def test_a_single_pick_list_sends_the_one_picked(tmp_path: Path) -> None:
    goals = [
        {
            "value": "goal1",
            "label": "Every seller finishes the course before quarter end",
            "listed": True,
        },
        {
            "value": "goal2",
            "label": "Managers remind their teams in the weekly call",
            "listed": True,
        },
        {"value": "back", "label": "Back", "listed": False},
    ]
    reply = {
        "step": "focus",
        "text": "Pick one goal.",
        "expects": "choice",
        "choices": goals,
        "several": False,
    }
    async with serving(fake_app(tmp_path)) as url, launch_chromium() as browser:
        page = await browser.new_page()
        page.set_default_timeout(15_000)
        await page.goto(url)
        await page.wait_for_selector('body[data-loaded="true"]')
        picked = asyncio.ensure_future(page.evaluate(PICK_ONE, reply))
        checklist = page.locator(".checklist")
        await checklist.get_by_text("Managers remind").click()
        await checklist.get_by_role("radio", name="Every seller").check()
        assert await checklist.get_by_role("radio", checked=True).count() == 1
        await checklist.get_by_role("button", name="Use the one picked").click()
        assert await picked == "goal1"
        assert await page.locator(".choices button", has_text="Back").count() == 1
