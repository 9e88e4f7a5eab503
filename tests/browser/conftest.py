"""Headless Chromium (Debian's, driven by Playwright) against the whole stack: one stack, one
simulator connection and one Chromium for the whole package, a tenant and a browser context of
their own for each test (so nothing of one test is seen by another). Every browser test runs in
the package's event loop (``LOOP``)."""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from nats.aio.client import Client
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from cli.stack import LocalStack
from tests.e2e.test_webhooks_flow import FAST_RETRIES
from tests.support.http import Api
from tests.support.sessions import new_tenant
from tests.support.stacks import running_stack

__all__ = [
    "LOOP",
    "admin",
    "browser",
    "chromium",
    "page",
    "screenshot",
    "sim",
    "stack",
    "tenant",
]

LOOP = pytest.mark.asyncio(loop_scope="package")
CHROMIUM = Path("/usr/bin/chromium")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
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
ENV = {
    # the inbox sends without pacing; webhooks retry three times, fast, to a local receiver
    "WA_GATEWAY_RATE_PER_S": "0", "WA_SEND_MIN_SPACING_S": "0", "WA_SEND_JITTER_S": "0",
    "WA_SEND_BURST": "50", "WA_MEDIA_DOWNLOAD_BACKOFF_S": "0.05",
    **{name: value for name, value in FAST_RETRIES.items() if name.startswith("WA_WEBHOOK_")},
}  # fmt: skip


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    async with running_stack(tmp_path_factory.mktemp("browser") / "var", ENV, timeout=90) as local:
        yield local


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def sim(stack: LocalStack) -> AsyncIterator[Client]:
    """The simulator's control connection (the phone's side)."""
    nc = await stack.connect_operator()
    yield nc
    await nc.close()


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def chromium(stack: LocalStack) -> AsyncIterator[Browser]:
    """After the stack (so it closes first, its open event streams included)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (scripts/test installs it: apt-get install chromium)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield launched
        await launched.close()


@pytest_asyncio.fixture(loop_scope="package")
async def browser(chromium: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh context (cookies, sessionStorage) for each test, 1200 px wide."""
    context = await chromium.new_context(viewport={"width": 1200, "height": 800})
    yield context
    await context.close()


@pytest_asyncio.fixture(loop_scope="package")
async def page(browser: BrowserContext) -> Page:
    return await browser.new_page()


@pytest_asyncio.fixture(loop_scope="package")
async def admin(stack: LocalStack) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as http:
        yield Api(http, stack.url, stack.admin_token)


@pytest_asyncio.fixture(loop_scope="package")
async def tenant(admin: Api) -> Api:
    """A tenant of the test's own on the shared stack."""
    return await new_tenant(admin)


async def screenshot(page: Page, name: str, tmp: Path) -> Path:
    """docs/screenshots/<name>.png with WA_UPDATE_SCREENSHOTS=1, else a temporary file."""
    folder = DOCS if os.environ.get("WA_UPDATE_SCREENSHOTS") == "1" else tmp
    path = folder / f"{name}.png"
    await page.screenshot(path=path, full_page=True, animations="disabled")
    return path
