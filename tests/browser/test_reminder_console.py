"""The reminders section's lists in headless Chromium, at 360 px: a plain reminder moved from
the page shows its new due time (an appointment's reminder has no move of its own);
appointments are listed by start with their reminders, a page at a time ("More"), and one is
cancelled from the page."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import LOOP
from tests.browser.test_ops_console import LOCAL_IN_SECONDS, SLOW, page
from tests.support.http import Api
from tests.support.sessions import new_session

__all__ = ["page"]  # the fixture: signed in as the test's tenant, on the reminders section
pytestmark = [pytest.mark.browser, LOOP]

TO = "+201001234568"
SHOWN = """(iso) => new Date(iso).toLocaleString()"""  # as the page shows a time


def days(n: float, minutes: int = 0) -> str:
    return (datetime.now(UTC) + timedelta(days=n, minutes=minutes)).isoformat()


async def test_a_plain_reminder_is_moved_from_the_page(page: Page, tenant: Api) -> None:
    session = await new_session(tenant, "Desk")
    body = {"session_id": session, "to": TO, "due_at": days(2), "text": "Bring your card"}
    status, made = await tenant.call("POST", "/v1/reminders", json=body)
    assert status == 201, made
    item = page.locator(f"#reminders-list li[data-reminder='{made['id']}']")
    await expect(item).to_have_attribute("data-status", "scheduled", timeout=SLOW)
    later = await page.evaluate(LOCAL_IN_SECONDS, 5 * 86400)
    await item.get_by_label("New due time").fill(later)
    await item.get_by_role("button", name="Move the reminder to").click()
    wanted = await page.evaluate("(v) => new Date(v).toISOString()", later)
    await expect(item.locator("time")).to_have_text(await page.evaluate(SHOWN, wanted))
    _, read = await tenant.call("GET", f"/v1/reminders/{made['id']}")
    assert datetime.fromisoformat(read["due_at"]) == datetime.fromisoformat(wanted)
    assert [h["event"] for h in read["history"]][-1] == "reminder.rescheduled"
    await expect(item.get_by_role("button", name="Cancel the reminder to")).to_be_visible()


async def test_appointments_are_listed_a_page_at_a_time_and_one_is_cancelled(
    page: Page, tenant: Api
) -> None:
    session = await new_session(tenant, "Shop")
    for n in range(51):  # one more than a page
        body = {"session_id": session, "to": TO, "title": f"Visit {n:02d}",
                "starts_at": days(3, minutes=n)}  # fmt: skip
        status, made = await tenant.call("POST", "/v1/appointments", json=body)
        assert status == 201, made
    items = page.locator("#appointments-list > li")
    await expect(items).to_have_count(50, timeout=SLOW)
    await expect(items.first).to_contain_text("Visit 00")
    await expect(items.first.locator(".ops-reminders li")).to_have_count(2)
    await page.get_by_role("button", name="More appointments").click()
    await expect(items).to_have_count(51)
    await expect(page.get_by_role("button", name="More appointments")).to_be_hidden()
    last = items.last
    await expect(last).to_contain_text("Visit 50")
    appointment_id = await last.get_attribute("data-appointment")
    await last.get_by_role("button", name="Cancel appointment").click()
    await expect(last).to_have_attribute("data-status", "cancelled")
    await expect(last.locator(".ops-reminders li[data-status=cancelled]")).to_have_count(2)
    _, read = await tenant.call("GET", f"/v1/appointments/{appointment_id}")
    assert read["status"] == "cancelled"
    await page.get_by_label("Show appointments").select_option("cancelled")
    await expect(items).to_have_count(1)
    await expect(items.first).to_contain_text("Visit 50")

    reminders = page.locator("#reminders-list > li")  # 102, of an appointment: none moves
    await expect(reminders).to_have_count(50)
    await expect(reminders.get_by_role("button", name="Move")).to_have_count(0)
    await page.get_by_role("button", name="More reminders").click()
    await expect(reminders).to_have_count(100)
