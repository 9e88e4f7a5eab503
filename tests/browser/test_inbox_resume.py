"""The page's event stream dropped before it brought a single event: it resumes from where
it began (the stream's opening id), so what happened meanwhile still shows."""

from nats.aio.client import Client
from playwright.async_api import Page, expect

from cli.stack import LocalStack
from contracts.simulator import SimIncoming
from tests.browser.conftest import LOOP
from tests.browser.inbox_support import Watch
from tests.browser.test_inbox import PEER, sign_in
from tests.support.http import Api
from tests.support.sessions import connected_session, drive

pytestmark = LOOP
TEXT = "Are you open tonight?"


async def test_a_stream_dropped_before_any_event_resumes_where_it_began(
    page: Page, stack: LocalStack, tenant: Api, sim: Client
) -> None:
    session = await connected_session(tenant, sim, "Night desk")  # its events: before the page
    await page.clock.install()  # the page's reconnect backoff on the test's clock
    watch = Watch(page)
    await sign_in(page, stack, tenant.key)  # the stream is open: nothing has come on it yet
    await page.get_by_role("link", name="Inbox").click()
    await expect(page.locator("#no-chats")).to_be_visible()

    stack.kill("gateway")
    await expect(page.locator("#live")).to_have_text("Reconnecting…")
    request = SimIncoming(session=session, sender=PEER, push_name="Mona", text=TEXT)
    assert (await drive(sim, "incoming", request)).message_id
    stack.start_service("gateway")
    await stack.wait_gateway(60)
    await page.clock.run_for(30_000)  # past the longest backoff: the page tries again
    await expect(page.locator("#live")).to_have_text("Live")
    await expect(page.locator("#chats li")).to_contain_text(TEXT)  # the resumed stream's
    streams = [r for r in watch.all if r.url == stack.url + "/v1/events"]
    first, *again = [await r.all_headers() for r in streams]
    assert "last-event-id" not in first and again
    assert all(h["last-event-id"].isdigit() for h in again), again  # the opening id
    assert watch.problems == []
