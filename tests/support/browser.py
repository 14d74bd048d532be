"""Headless Chromium for tests, from Debian's package (Playwright's own download is offline here).

    async with launch_chromium() as browser:
        page = await browser.new_page()

A test that needs the browser calls `require_chromium()` first (the launcher does it too):
on a developer machine without chromium the test is skipped; in CI (CI=true) a missing
browser is a failure, so a broken install can never turn the browser tests silently off.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from tests.support.missing_tool import missing_tool

if TYPE_CHECKING:
    from playwright.async_api import Browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_available() -> bool:
    """Debian's chromium and the Playwright package are both installed."""
    return (
        CHROMIUM.is_file()
        and os.access(CHROMIUM, os.X_OK)
        and importlib.util.find_spec("playwright") is not None
    )


def require_chromium() -> None:
    """Skip the calling test without a browser, or fail it when running in CI."""
    if chromium_available():
        return
    missing_tool(f"the browser is missing: needs {CHROMIUM} and the playwright package")


@asynccontextmanager
async def launch_chromium() -> AsyncIterator[Browser]:
    """A headless Chromium that touches no network of its own; closed on exit."""
    require_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    """Run `app` on a free loopback port, for the browser to open; yields its base URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
