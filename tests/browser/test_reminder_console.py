"""The reminders section's lists in headless Chromium, at 360 px: a plain reminder moved from
the page shows its new due time (an appointment's reminder has no move of its own);
appointments are listed by start with their reminders, a page at a time ("More"), and one is
cancelled from the page; what another client changes shows as its events arrive, with the
page's clock paused (no poll tick), or at the slow poll's tick while the stream is down;
calls to refresh in a burst share one read."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from nats.aio.client import Client
from playwright.async_api import Browser, Locator, Page, expect

from cli.stack import LocalStack
from tests.browser.conftest import LOOP
from tests.browser.test_ops_console import LOCAL_IN_SECONDS, SLOW, page, reminders_console
from tests.support.http import Api
from tests.support.sessions import connected_session, new_session

__all__ = ["page"]  # the fixture: signed in as the test's tenant, on the reminders section
pytestmark = [pytest.mark.browser, LOOP]

TO = "+201001234568"
SHOWN = """(iso) => new Date(iso).toLocaleString()"""  # as the page shows a time


def days(n: float, minutes: int = 0, seconds: int = 0) -> str:
    return (datetime.now(UTC) + timedelta(days=n, minutes=minutes, seconds=seconds)).isoformat()


@pytest_asyncio.fixture(loop_scope="package")
async def still(chromium: Browser, stack: LocalStack, tenant: Api) -> AsyncIterator[Page]:
    """As ``page``, with the page's clock paused: it reads the lists once when shown, and
    after that only an event can make it read them again."""
    async with reminders_console(chromium, stack, tenant, still=True) as page:
        yield page


async def schedule(tenant: Api, body: dict[str, str]) -> str:
    status, made = await tenant.call("POST", "/v1/reminders", json=body)
    assert status == 201, made
    return str(made["id"])


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


async def test_what_another_client_changes_shows_with_no_poll_tick(
    still: Page, tenant: Api, sim: Client
) -> None:
    reads: list[str] = []
    still.on("request", lambda r: reads.append(r.url) if "/v1/reminders?" in r.url else None)
    session = await connected_session(tenant, sim, "Desk")
    soon = await schedule(tenant, {"session_id": session, "to": TO, "due_at": days(0, seconds=3),
                                   "text": "Your table is ready"})  # fmt: skip
    later = await schedule(tenant, {"session_id": session, "to": TO, "due_at": days(2),
                                    "text": "See you on Friday"})  # fmt: skip

    def item(reminder_id: str) -> Locator:
        return still.locator(f"#reminders-list li[data-reminder='{reminder_id}']")

    await expect(item(later)).to_have_attribute("data-status", "scheduled")
    status, _ = await tenant.call("DELETE", f"/v1/reminders/{later}")
    assert status == 200
    await expect(item(later)).to_have_attribute("data-status", "cancelled")
    await expect(item(soon)).to_have_attribute("data-status", "sent", timeout=SLOW)

    body = {"session_id": session, "to": TO, "title": "Check-up", "starts_at": days(3)}
    status, made = await tenant.call("POST", "/v1/appointments", json=body)
    assert status == 201, made
    appointment = still.locator(f"#appointments-list > li[data-appointment='{made['id']}']")
    await expect(appointment).to_contain_text("2 reminder(s) pending of 2")
    status, _ = await tenant.call("DELETE", f"/v1/appointments/{made['id']}")
    assert status == 200
    await expect(appointment).to_have_attribute("data-status", "cancelled")
    await expect(appointment.locator(".ops-reminders li[data-status=cancelled]")).to_have_count(2)
    assert any("after_event=" in url for url in reads)  # a read after an event includes it


STOP_EVENTS = """async () => (await import("/console/core/events.js")).stopEvents()"""


async def test_with_the_stream_down_the_slow_poll_still_reads(still: Page, tenant: Api) -> None:
    await still.evaluate(STOP_EVENTS)  # as when the stream is offline: no event comes
    await expect(still.locator("#live")).to_have_attribute("data-state", "offline")
    session = await new_session(tenant, "Desk")
    made = await schedule(tenant, {"session_id": session, "to": TO, "due_at": days(2),
                                   "text": "See you on Friday"})  # fmt: skip
    await still.clock.run_for(30_000)  # the page's clock: one fallback tick
    item = still.locator(f"#reminders-list li[data-reminder='{made}']")
    await expect(item).to_have_attribute("data-status", "scheduled")


BURST = """async () => {
  const { coalesced } = await import("/console/core/poll.js");
  let runs = 0, begun, release;
  const first = new Promise((done) => { begun = done; });
  const held = new Promise((done) => { release = done; });
  const refresh = coalesced(async () => {
    runs += 1;
    begun();
    if (runs === 1) await held;
  });
  const burst = Array.from({ length: 20 }, () => refresh());
  await first;  // the first run has begun: the next calls share one run after it
  const meanwhile = Array.from({ length: 20 }, () => refresh());
  const during = runs;
  release();
  await Promise.all([...burst, ...meanwhile]);
  return [during, runs, new Set(burst).size, new Set(meanwhile).size];
}"""


async def test_refreshes_asked_in_a_burst_share_one_read(page: Page) -> None:
    """The page's own module, imported in the page: 20 calls at once are one run, and 20
    calls while it runs are one more run, after it."""
    assert await page.evaluate(BURST) == [1, 2, 1, 1]
