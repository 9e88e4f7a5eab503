"""The page's event stream dropped and resumed: it resumes from where it began (the stream's
opening id), so what happened meanwhile still shows, and what a read made while it was down
already showed is not applied twice; and chats the store could not answer are read again."""

from nats.aio.client import Client
from playwright.async_api import Page, expect

from cli.stack import LocalStack
from contracts.simulator import SimIncoming
from contracts.simulator_conversation import SimEdit
from tests.browser.conftest import LOOP
from tests.browser.inbox_support import Watch
from tests.browser.test_inbox import PEER, sign_in
from tests.support.http import Api
from tests.support.sessions import connected_session, drive
from tests.support.waiting import eventually

pytestmark = LOOP
TEXT = "Are you open tonight?"
EDITED = "Are you open tomorrow night?"


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


async def test_what_a_read_showed_is_not_applied_again_when_the_resumed_stream_brings_it(
    page: Page, stack: LocalStack, tenant: Api, sim: Client
) -> None:
    """The chats are read while the stream is down; the resumed stream then brings the message
    the list already counted (each chat says the last event it shows: the page skips it).
    Then the same for an edit the conversation's read already showed."""
    front = await connected_session(tenant, sim, "Front desk")
    back = await connected_session(tenant, sim, "Back office")
    await page.clock.install()  # the reconnect waits for the test's clock
    watch = Watch(page)
    await sign_in(page, stack, tenant.key)
    picker = page.locator("#inbox").get_by_label("Session", exact=True)
    await page.goto(f"{stack.url}/#inbox/{front}")
    await expect(page.locator("#live")).to_have_text("Live")
    await expect(page.locator("#no-chats")).to_be_visible()

    stack.kill("gateway")  # the stream drops; the page waits for its clock to try again
    await expect(page.locator("#live")).to_have_text("Reconnecting…")
    stack.start_service("gateway")
    await stack.wait_gateway(60)
    first = await drive(sim, "incoming", SimIncoming(session=front, sender=PEER, text=TEXT))

    async def listed() -> bool:
        status, page_ = await tenant.call("GET", f"/v1/sessions/{front}/chats")
        return status == 200 and [c["unread_count"] for c in page_["items"]] == [1]

    await eventually(listed)
    await picker.select_option(back)  # and back: the chats are read while the stream is down
    await expect(page.locator("#no-chats")).to_be_visible()
    await picker.select_option(front)
    chat = page.locator("#chats li")
    await expect(chat.locator(".unread")).to_have_text("1")

    await page.clock.run_for(30_000)  # the stream resumes before the message: it comes again
    await expect(page.locator("#live")).to_have_text("Live")
    later = "And on Saturday?"
    await drive(sim, "incoming", SimIncoming(session=front, sender=PEER, text=later))
    await expect(chat).to_contain_text(later)  # the stream's order: the first one came before
    assert await chat.locator(".unread").text_content() == "2"

    # The same for an edit: the conversation is read (after the stream dropped) with the edit
    # the resumed stream then brings again; the earlier text is kept once.
    await chat.get_by_role("link").click()
    await expect(page.locator("#messages li.msg")).to_have_count(2)
    stack.kill("gateway")
    await expect(page.locator("#live")).to_have_text("Reconnecting…")
    stack.start_service("gateway")
    await stack.wait_gateway(60)
    edit = SimEdit(session=front, sender=PEER, message_id=first.message_id or "", text=EDITED)
    await drive(sim, "edit", edit)

    async def edited() -> bool:
        status, listed = await tenant.call("GET", f"/v1/sessions/{front}/messages")
        return status == 200 and EDITED in [m["text"] for m in listed["items"]]

    await eventually(edited)
    await page.goto(f"{stack.url}/#inbox/{front}")  # and open it again: read after the edit
    await chat.get_by_role("link").click()
    item = page.locator(f'li[data-message="{first.message_id}"]')
    await expect(item.locator(".text")).to_have_text(EDITED)
    await page.clock.run_for(30_000)
    await expect(page.locator("#live")).to_have_text("Live")
    last = await drive(sim, "incoming", SimIncoming(session=front, sender=PEER, text="Thanks"))
    await expect(page.locator(f'li[data-message="{last.message_id}"]')).to_be_visible()
    await expect(item.locator(".edited")).to_have_attribute("title", f"Was: {TEXT}")
    assert watch.problems == []


async def test_chats_the_store_could_not_answer_are_read_again_once_it_is_back(
    page: Page, stack: LocalStack, tenant: Api, sim: Client
) -> None:
    front = await connected_session(tenant, sim, "Front desk")
    back = await connected_session(tenant, sim, "Back office")
    await drive(sim, "incoming", SimIncoming(session=back, sender=PEER, text=TEXT))
    await sign_in(page, stack, tenant.key)
    await page.goto(f"{stack.url}/#inbox/{front}")
    await expect(page.locator("#no-chats")).to_be_visible()

    stack.kill("store")
    await page.locator("#inbox").get_by_label("Session", exact=True).select_option(back)
    await expect(page.locator("#chats-error")).to_contain_text("Could not list the chats")
    stack.start_service("store")

    async def store_ready() -> bool:
        status, body = await tenant.call("GET", "/readyz")
        return status == 200 and body["checks"]["store"] == "ok"

    await eventually(store_ready, timeout=60)
    await expect(page.locator("#chats li")).to_contain_text(TEXT)  # read again, unasked
    await expect(page.locator("#chats-error")).to_be_empty()
