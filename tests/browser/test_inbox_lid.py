"""A person WhatsApp names by @lid: the store keeps their chat under their phone JID once a
message links the two, and the inbox files their live messages there too (one chat, and the
open conversation shows them as they come)."""

from nats.aio.client import Client
from playwright.async_api import Page, expect

from cli.stack import LocalStack
from contracts.simulator import SimIncoming
from tests.browser.conftest import LOOP
from tests.browser.inbox_support import Watch
from tests.browser.test_inbox import sign_in
from tests.support.http import Api
from tests.support.sessions import connected_session, drive

pytestmark = LOOP
LID, PHONE, PHONE_JID = "5500112299@lid", "+201000000041", "201000000041@s.whatsapp.net"


async def test_messages_by_lid_join_the_persons_chat_live(
    page: Page, stack: LocalStack, tenant: Api, sim: Client
) -> None:
    session = await connected_session(tenant, sim, "Front desk")
    watch = Watch(page)
    await sign_in(page, stack, tenant.key)
    await page.goto(f"{stack.url}/#inbox/{session}")
    await expect(page.locator("#live")).to_have_text("Live")
    await drive(sim, "incoming", SimIncoming(session=session, sender=PHONE, text="By phone"))
    chat = page.locator("#chats li")
    await expect(chat).to_contain_text("By phone")
    await expect(chat).to_have_attribute("data-chat", PHONE_JID)
    await chat.get_by_role("link").click()
    await expect(page.locator("#messages li.msg")).to_have_count(1)

    by_lid = SimIncoming(session=session, sender=LID, sender_phone=PHONE, text="By lid")
    await drive(sim, "incoming", by_lid)
    await expect(page.locator("#messages li.msg")).to_have_count(2)  # in the open chat, live
    await expect(chat).to_have_count(1)
    await expect(chat).to_contain_text("By lid")
    again = SimIncoming(session=session, sender=LID, text="By lid alone")  # now linked
    await drive(sim, "incoming", again)
    await expect(page.locator("#messages li.msg")).to_have_count(3)
    await expect(chat).to_have_count(1)
    await expect(chat.locator(".unread")).to_have_count(0)  # read as they came
    assert watch.problems == []
