"""The tab in headless Chromium, as Teams shows it: a stand-in `microsoftTeams` host (injected
before the page's scripts) hands the page an SSO token minted here; the server checks it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date
from typing import TYPE_CHECKING

import pytest

from bot.engine.calendar import busy_periods
from bot.engine.messages import Command, Inbound
from bot.playbook.library import load_library
from bot.runtime import open_coach
from bot.server import create_app
from bot.settings import Settings
from tests.support.browser import launch_chromium, serving
from tests.support.outcomes import debriefed_with_outcome
from tests.teams.support import DANA, TENANT, SigningKey
from tests.teams.test_tab_sso import entra_claims

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page, Route

pytestmark = pytest.mark.browser

DANA_NOTE = "Dana thinks the course lands at quarter-end <img src=x onerror=alert(1)>"
TEAMS_HOST = """
window.__teams = { calls: [] };
window.microsoftTeams = {
  app: {
    initialize: () => Promise.resolve(),
    getContext: () => Promise.resolve({ user: { tenant: { id: %(tenant)s } } }),
  },
  authentication: { getAuthToken: () => Promise.resolve(%(token)s) },
  pages: { config: {
    registerOnSaveHandler: (handler) => { window.__teams.save = handler; },
    setValidityState: (valid) => { window.__teams.calls.push(["valid", valid]); },
    setConfig: (config) => {
      window.__teams.calls.push(["config", config]);
      return Promise.resolve();
    },
  } },
};
"""


@pytest.fixture
async def base_url(app_settings: Settings) -> AsyncIterator[str]:
    async with open_coach(app_settings) as coach:
        await coach.handle(DANA, Inbound(command=Command.START, argument="sales"))
        await coach.handle(DANA, Inbound(text=DANA_NOTE))
        await coach.handle(DANA, Inbound(choice="next"))
    async with serving(create_app(app_settings)) as url:
        yield url


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with launch_chromium() as running:
        yield running


async def in_teams(browser: Browser, token: str) -> tuple[Page, list[str]]:
    """A page whose Teams host answers getAuthToken with `token`; collects script errors."""
    page = await browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    await page.add_init_script(
        TEAMS_HOST % {"tenant": json.dumps(TENANT), "token": json.dumps(token)}
    )

    async def no_real_sdk(route: Route) -> None:  # keep the stand-in host in place
        await route.fulfill(status=200, content_type="text/javascript", body="")

    await page.route("**/MicrosoftTeams.min.js*", no_real_sdk)
    return page, problems


async def test_with_a_valid_token_the_user_sees_their_own_preps_and_notes(
    browser: Browser, base_url: str, entra_key: SigningKey
) -> None:
    page, problems = await in_teams(browser, entra_key.token(entra_claims()))
    await page.goto(f"{base_url}/tab?stakeholder=sales&tenant={TENANT}")
    await page.wait_for_selector('body[data-preps="shown"]')
    note = page.locator("#preps .note pre").first
    assert DANA_NOTE in (await note.text_content() or "")  # shown as text, never as markup
    assert await page.locator("#preps img").count() == 0
    await page.screenshot(path="/tmp/teams-tab.png", full_page=True)
    assert problems == []


async def test_the_users_measured_outcomes_show_next_to_the_timeline_as_text(
    browser: Browser, app_settings: Settings, entra_key: SigningKey
) -> None:
    markup = "completion <img src=x onerror=alert()> in sales: 42% now, goal 90% by 15 March"
    async with open_coach(app_settings) as coach:
        await debriefed_with_outcome(coach, DANA, markup)
    async with serving(create_app(app_settings)) as url:
        page, problems = await in_teams(browser, entra_key.token(entra_claims()))
        await page.goto(f"{url}/tab?stakeholder=sales&tenant={TENANT}")
        await page.wait_for_selector('body[data-preps="shown"]')
        progress = await page.locator("#outcomes .progress").first.text_content() or ""
        assert "completion <img src=x onerror=alert()> in sales: 42% now, goal 90%" in progress
        assert await page.locator("#outcomes img").count() == 0
        standing = await page.locator("#outcomes .standing").first.text_content() or ""
        assert "I'll ask you for the new number" in standing
        assert problems == []


async def test_with_a_bad_token_only_the_public_playbook_is_shown(
    browser: Browser, base_url: str
) -> None:
    forged = SigningKey("entra-key").token(entra_claims())
    page, problems = await in_teams(browser, forged)
    await page.goto(f"{base_url}/tab?stakeholder=sales")
    await page.wait_for_selector('body[data-preps="refused"]')
    assert await page.locator("#preps").is_hidden()
    assert DANA_NOTE not in await page.content()
    assert await page.get_by_text("Hitting quarterly and annual quota").is_visible()
    assert [p for p in problems if "401" not in p] == []  # the refused fetch logs its 401


async def test_the_timeline_svg_shows_the_busy_windows_and_today(
    browser: Browser, base_url: str, entra_key: SigningKey
) -> None:
    page, _ = await in_teams(browser, entra_key.token(entra_claims()))
    await page.goto(f"{base_url}/tab?stakeholder=sales")
    svg = page.locator("svg#timeline")
    first, last = await svg.get_attribute("data-first"), await svg.get_attribute("data-last")
    assert first and last
    book = load_library().find("sales")
    assert book is not None
    expected = busy_periods(book, 1, date.fromisoformat(first), date.fromisoformat(last))
    busy = page.locator("svg#timeline rect.busy")
    assert await busy.count() == len(expected) >= 4  # a quarter-end push every quarter
    pushes = page.locator('svg#timeline rect.busy[data-name="Quarter-end push"]')
    push = next(period for period in expected if period.name == "Quarter-end push")
    shown = pushes.first
    assert (
        await shown.get_attribute("data-start")
        == max(push.start, date.fromisoformat(first)).isoformat()
    )
    box = await shown.bounding_box()
    assert box is not None and box["width"] > 5 and box["height"] > 5
    assert await page.locator("svg#timeline g.today").is_visible()
    assert await page.locator("svg#timeline rect.quiet").count() >= 1


async def test_configuring_the_tab_saves_the_chosen_playbook_for_this_tenant(
    browser: Browser, base_url: str, entra_key: SigningKey
) -> None:
    page, problems = await in_teams(browser, entra_key.token(entra_claims()))
    await page.goto(f"{base_url}/tab/config")
    await page.wait_for_selector('body[data-ready="true"]')
    await page.get_by_label("Stakeholder").select_option("sales")
    save = "(done) => window.__teams.save({notifySuccess: done, notifyFailure: done})"
    await page.evaluate(f"() => new Promise({save})")
    calls = await page.evaluate("() => window.__teams.calls")
    assert ["valid", True] in calls
    [config] = [call[1] for call in calls if call[0] == "config"]
    assert config["contentUrl"] == f"{base_url}/tab?stakeholder=sales&tenant={TENANT}"
    assert config["entityId"] == "prep-talk-sales"
    assert problems == []


async def test_the_vendored_teams_sdk_loads_and_has_what_the_pages_call(
    browser: Browser, base_url: str
) -> None:
    page = await browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    await page.goto(f"{base_url}/tab?stakeholder=sales")
    api = await page.evaluate(
        """() => [typeof microsoftTeams.app.initialize, typeof microsoftTeams.app.getContext,
                  typeof microsoftTeams.authentication.getAuthToken,
                  typeof microsoftTeams.pages.config.setConfig,
                  typeof microsoftTeams.pages.config.registerOnSaveHandler]"""
    )
    assert api == ["function"] * 5
    assert problems == []
