"""Headless Chromium (Debian's, driven by Playwright) against the whole stack."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, async_playwright, expect

from cli.stack import LocalStack
from tests.e2e.conftest import admin, stack, stack_env, tenant

__all__ = ["admin", "browser", "chromium", "page", "stack", "stack_env", "tenant"]

CHROMIUM = Path("/usr/bin/chromium")
# On a loaded machine a pairing can take longer than Playwright's 5 s default (the API's own
# request timeout is 5 s too), so the page gets longer to show it.
expect.set_options(timeout=15_000)

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@asynccontextmanager
async def chromium(profile: Path) -> AsyncIterator[BrowserContext]:
    """Debian's Chromium, headless, with a fresh profile in ``profile``, 1200 px wide."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (scripts/test installs it: apt-get install chromium)")
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1200, "height": 800},
        )
        yield context
        await context.close()


@pytest.fixture
async def browser(tmp_path: Path, stack: LocalStack) -> AsyncIterator[BrowserContext]:
    """Depends on the stack so that it closes first (its open event stream included)."""
    async with chromium(tmp_path / "chromium-profile") as context:  # a fresh one for each test
        yield context


@pytest.fixture
async def page(browser: BrowserContext) -> Page:
    return browser.pages[0] if browser.pages else await browser.new_page()
