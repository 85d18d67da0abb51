"""A real headless Chromium for portal tests and screenshots: Debian's ``chromium`` package
driven by Playwright's async API (Playwright's own browser download cannot work here).

One browser per test module (launching costs about a second); each test opens its own
context, so cookies never leak from one test to the next.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest_asyncio
from playwright.async_api import Browser, Playwright, async_playwright

from tests.helpers.requirements import require

CHROMIUM = "/usr/bin/chromium"
# No sandbox: CI runs as root in a container; the rest keeps Chromium off the network.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]


def chromium_missing() -> str | None:
    """Why no browser test can run here, or None."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing (Debian package 'chromium', see .ci/system-deps)"
    return None


async def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless."""
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chromium() -> AsyncIterator[Browser]:
    """One headless Chromium for the module (its tests must use ``loop_scope="module"``)."""
    require(chromium_missing())
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            yield browser
        finally:
            await browser.close()
