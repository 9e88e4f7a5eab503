"""The pairing console in headless Chromium: sign in, list, create, pair, watch it connect."""

import pytest
from playwright.async_api import Page, expect

from cli.stack import LocalStack
from tests.support.http import Api

pytestmark = pytest.mark.browser


async def sign_in(page: Page, stack: LocalStack, key: str) -> None:
    await page.goto(stack.url + "/")
    await page.get_by_label("Tenant API key").fill(key)
    await page.get_by_role("button", name="Sign in").click()


async def test_sign_in_list_and_create(page: Page, stack: LocalStack, tenant: Api) -> None:
    status, _ = await tenant.call("POST", "/v1/sessions", json={"name": "Support number"})
    assert status == 201
    await sign_in(page, stack, "wa_not-a-key")
    await expect(page.get_by_role("alert").first).to_contain_text("unauthorized")
    await expect(page.locator("#console")).to_be_hidden()

    await sign_in(page, stack, tenant.key)
    rows = page.locator("#sessions tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("Support number")

    await page.get_by_label("New session name").fill("Sales number")
    await page.get_by_role("button", name="Create session").click()
    created = rows.filter(has_text="Sales number")
    await expect(created).to_contain_text("new")
    session_id = await created.get_attribute("data-session")
    status, read = await tenant.call("GET", f"/v1/sessions/{session_id}")
    assert status == 200 and read["name"] == "Sales number"
    assert tenant.key not in page.url
    assert await page.evaluate("sessionStorage.getItem('wa.console.key')") == tenant.key
    await page.screenshot(path="/tmp/pairing-console-created.png", full_page=True)
