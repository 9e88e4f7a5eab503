"""A new install: the log holds no event yet, so the page's stream opens on id 0. That id
names no event: the page's lists are read without ``after_event`` (which starts at 1), and
every section shows its empty state with no error."""

from pathlib import Path

import aiohttp
from playwright.async_api import Browser, expect

from tests.browser.conftest import ENV, LOOP
from tests.browser.inbox_support import Watch
from tests.browser.test_inbox import sign_in
from tests.support.http import Api
from tests.support.sessions import new_tenant
from tests.support.stacks import running_stack

pytestmark = LOOP


async def test_a_console_on_an_empty_log_lists_everything_without_an_error(
    chromium: Browser, tmp_path: Path
) -> None:
    async with (
        running_stack(tmp_path / "var", ENV, timeout=90) as fresh,
        aiohttp.ClientSession() as http,
    ):
        tenant = await new_tenant(Api(http, fresh.url, fresh.admin_token))
        context = await chromium.new_context(viewport={"width": 1200, "height": 800})
        page = await context.new_page()
        watch = Watch(page)
        await sign_in(page, fresh, tenant.key)
        await page.get_by_role("link", name="Reminders").click()
        await expect(page.locator("#reminders-empty")).to_be_visible()
        await watch.settled(page)
        reads = watch.made("GET", "/v1/reminders") + watch.made("GET", "/v1/appointments")
        assert reads and not [url for url in reads if "after_event" in url], reads
        assert watch.problems == []
        await context.close()
