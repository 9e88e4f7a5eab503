"""The reminders and webhooks sections in headless Chromium against the package's stack: a
webhook delivery dead-letters against a failing receiver and is redelivered from the page; a
reminder is scheduled from the page, shown deferred while its session is down, and cancelled;
an appointment is created, moved and cancelled; all of it usable at 360 px and by keyboard."""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from nats.aio.client import Client
from playwright.async_api import Browser, Page, expect

from cli.stack import LocalStack
from contracts.simulator import SimDrop
from tests.browser.conftest import LOOP, screenshot
from tests.integration.webhooks.receiver import Receiver
from tests.support.http import Api
from tests.support.sessions import connected_session, drive, new_session, status_is
from tests.support.waiting import eventually

pytestmark = [pytest.mark.browser, LOOP]  # the package's stack and Chromium (conftest.py)

SLOW = 40_000  # ms: what waits for the stack (a due time, the page's refresh, a retry)
ARABIC = "موعدك غدا الساعة العاشرة"  # "your appointment is tomorrow at ten": right to left


@pytest_asyncio.fixture(loop_scope="package")
async def page(chromium: Browser, stack: LocalStack, tenant: Api) -> AsyncIterator[Page]:
    """Signed in as the test's tenant, 360 px wide (a small phone), on the reminders section."""
    async with reminders_console(chromium, stack, tenant) as page:
        yield page


@asynccontextmanager
async def reminders_console(
    chromium: Browser, stack: LocalStack, tenant: Api, *, still: bool = False
) -> AsyncIterator[Page]:
    """The ``page`` fixture's page; ``still``: the page's clock is paused, so no timer of the
    page ever fires (no poll tick): only what the page is told (an event) can redraw it."""
    context = await chromium.new_context(viewport={"width": 360, "height": 740})
    if still:
        await context.clock.install()
        await context.clock.pause_at(datetime.now(UTC) + timedelta(seconds=1))
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if "Content Security" in m.text else None)
    await page.goto(stack.url + "/")
    await page.get_by_label("Tenant API key").fill(tenant.key)
    await page.get_by_role("button", name="Sign in").click()
    await open_section(page, "Reminders")
    yield page
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways
    await context.close()
    assert problems == []


@pytest_asyncio.fixture(loop_scope="package")
async def receiver() -> AsyncIterator[Receiver]:
    async with Receiver() as rec:
        yield rec


async def open_section(page: Page, name: str) -> None:
    await (
        page.get_by_role("navigation", name="Console sections")
        .get_by_role("link", name=name)
        .click()
    )
    await expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()


async def wide_screenshot(page: Page, name: str, tmp: Path) -> None:
    """At 1200 px (docs/screenshots/ with WA_UPDATE_SCREENSHOTS=1), then back to 360 px."""
    await page.set_viewport_size({"width": 1200, "height": 800})
    await screenshot(page, name, tmp)
    await page.set_viewport_size({"width": 360, "height": 740})


async def test_a_dead_letter_is_redelivered_from_the_page(
    page: Page, tenant: Api, receiver: Receiver, tmp_path: Path
) -> None:
    await open_section(page, "Webhooks")
    failing = True
    receiver.respond = lambda _, __: 500 if failing else 200
    await page.get_by_label("Receiver URL").fill(receiver.url)
    await page.get_by_label("Events (comma-separated").fill("session.created")
    await page.get_by_role("button", name="Register webhook").click()
    await expect(page.locator("#webhook-secret-value")).to_have_text(re.compile(r"^whsec_"))
    hook = page.locator("#webhooks-list li", has_text=receiver.url)
    await hook.get_by_role("button", name=f"Show deliveries of {receiver.url}").focus()
    await page.keyboard.press("Enter")  # by keyboard; the redrawn button keeps the focus
    await expect(hook.get_by_role("button", name="Hide deliveries of")).to_be_focused()
    await expect(page.locator("#deliveries-empty")).to_be_visible()

    await new_session(tenant, "Front desk")  # its session.created fails 3 times: a dead letter
    dead = page.locator("#dead-letters-list li")
    await expect(dead).to_have_count(1, timeout=SLOW)
    await expect(dead).to_contain_text("session.created")
    await expect(dead).to_contain_text("Attempts: 500, 500, 500")
    await wide_screenshot(page, "webhooks-1200", tmp_path)

    failing = False
    redeliver = dead.get_by_role("button", name="Redeliver session.created")
    await redeliver.focus()
    await page.keyboard.press("Enter")  # by keyboard
    await expect(page.locator("#dead-letters-list li")).to_have_count(0, timeout=SLOW)
    delivered = page.locator("#deliveries-list li[data-status=delivered]")
    await expect(delivered).to_contain_text("Attempts: 500, 500, 500, 200", timeout=SLOW)
    assert [hit.answered for hit in receiver.hits] == [500, 500, 500, 200]

    assert await page.evaluate("document.documentElement.scrollWidth") <= 360  # a long secret
    await page.get_by_role("button", name="Sign out").click()  # nothing of the tenant stays
    await expect(page.locator("#console")).to_be_hidden()
    assert await page.locator("[data-section=webhooks] li").count() == 0
    assert await page.locator("#webhook-secret-value").text_content() == ""


async def test_a_reminder_waits_while_its_session_is_down_and_is_cancelled(
    page: Page, sim: Client, tenant: Api, tmp_path: Path
) -> None:
    session = await connected_session(tenant, sim, "Clinic")
    await drive(sim, "drop", SimDrop(session=session, reason="logout"))
    await eventually(lambda: status_is(tenant, session, "logged_out"), timeout=20)
    await expect(page.locator("#reminder-session")).to_contain_text("logged_out", timeout=SLOW)
    await page.locator("#reminder-session").select_option(session)
    await page.locator("#reminder-to").fill("+201001234568")
    soon = await page.evaluate(LOCAL_IN_SECONDS, 10)  # due in 10 s: the service refuses the past
    await page.get_by_label("Due at (your time)").fill(soon)
    await page.locator("#reminder-form").get_by_label("Message", exact=True).fill(ARABIC)
    await page.get_by_role("button", name="Schedule reminder").click()
    item = page.locator("#reminders-list li")
    await expect(item).to_have_count(1)
    await expect(item.get_by_text(ARABIC)).to_have_attribute("dir", "auto")
    assert await item.get_by_text(ARABIC).evaluate("(n) => getComputedStyle(n).direction") == "rtl"

    await expect(item).to_have_attribute("data-status", "deferred", timeout=SLOW)
    await expect(item).to_contain_text("the session is not connected")
    await wide_screenshot(page, "reminders-1200", tmp_path)
    await page.get_by_label("Show reminders").select_option("deferred")
    await expect(item).to_have_count(1)
    await item.get_by_role("button", name="Cancel the reminder to").click()
    await expect(item).to_have_count(0)
    await page.get_by_label("Show reminders").select_option("cancelled")
    await expect(item).to_have_attribute("data-status", "cancelled")
    [reminder] = (await tenant.call("GET", "/v1/reminders"))[1]["items"]
    assert reminder["status"] == "cancelled" and reminder["session"] == session


async def test_an_appointment_is_created_moved_and_cancelled(page: Page, tenant: Api) -> None:
    session = await new_session(tenant, "Shop")
    await expect(page.locator("#appointment-session")).to_contain_text("Shop", timeout=SLOW)
    await page.locator("#appointment-session").select_option(session)
    await page.locator("#appointment-to").fill("+201001234568")
    await page.get_by_label("Title").fill("Check-up")
    start = await page.evaluate(LOCAL_IN_SECONDS, 3 * 86400)
    await page.get_by_label("Starts at (your time)").fill(start)
    await page.get_by_role("button", name="Create appointment").click()
    appt = page.locator("#appointments-list > li")  # its reminders are a list inside it
    await expect(appt).to_contain_text("2 reminder(s) pending of 2")
    appointment_id = await appt.get_attribute("data-appointment")
    later = await page.evaluate(LOCAL_IN_SECONDS, 4 * 86400)
    await appt.get_by_label("New start").fill(later)
    await appt.get_by_role("button", name="Move").click()

    wanted = datetime.fromisoformat(await page.evaluate("(v) => new Date(v).toISOString()", later))

    async def moved() -> bool:
        _, read = await tenant.call("GET", f"/v1/appointments/{appointment_id}")
        return datetime.fromisoformat(read["starts_at"]) == wanted

    await eventually(moved)
    await appt.get_by_role("button", name="Cancel appointment").click()
    await expect(appt).to_have_attribute("data-status", "cancelled")
    await expect(appt.get_by_role("button", name="Move")).to_have_count(0)


LOCAL_IN_SECONDS = """(s) => {
  const d = new Date(Date.now() + s * 1000), pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}"""


WHY = """async (cases) => {
  const { why } = await import("/console/reminders/list.js");
  return cases.map(([status, last_reason]) => why({ status, last_reason, attempts: 2 }));
}"""


async def test_why_a_reminder_waits_or_failed_is_said_in_words(page: Page) -> None:
    """The page's own module, imported in the page (under its content policy)."""
    said = await page.evaluate(WHY, [
        ["deferred", "session_not_connected"],
        ["failed", "stale"],
        ["failed", "send_failed: number not on WhatsApp"],
        ["failed", None],
        ["cancelled", "appointment_cancelled"],
        ["cancelled", "requested"],
        ["scheduled", None],
    ])  # fmt: skip
    assert said == [
        "Waiting: the session is not connected. It is sent once the session connects.",
        "Failed: it was due too long ago when the session could send again (stale).",
        "Failed: WhatsApp did not take the message (number not on WhatsApp).",
        "Failed: no reason recorded.",
        "Cancelled: appointment cancelled.",
        None,
        None,
    ]
