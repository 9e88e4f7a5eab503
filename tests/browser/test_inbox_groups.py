"""A group chat in the inbox: every incoming message names who wrote it (the name their
message carried, else their number), never the group's own name; a direct chat names no one
on each message. After a reload, the messages the store gives still name their senders."""

import pytest
from nats.aio.client import Client
from playwright.async_api import Page, expect

from cli.stack import LocalStack
from contracts.simulator import SimIncoming
from tests.browser.conftest import LOOP
from tests.browser.test_inbox import sign_in
from tests.support.http import Api
from tests.support.sessions import connected_session, drive

pytestmark = [pytest.mark.browser, LOOP]  # the package's stack and Chromium (conftest.py)

GROUP = "120363000077@g.us"
MONA, SAMIR, DIRECT = "+201000000051", "+201000000052", "+201000000053"


async def says(sim: Client, session: str, sender: str, text: str, **fields: object) -> str:
    request = SimIncoming(session=session, sender=sender, text=text, **fields)  # type: ignore[arg-type]
    return (await drive(sim, "incoming", request)).message_id or ""


async def test_each_message_of_a_group_names_its_sender(
    page: Page, stack: LocalStack, tenant: Api, sim: Client
) -> None:
    session = await connected_session(tenant, sim, "Clinic group")
    await sign_in(page, stack, tenant.key)
    await page.get_by_role("link", name="Inbox").click()
    first = await says(sim, session, MONA, "Who is on duty today?", group=GROUP, push_name="Mona")
    second = await says(sim, session, SAMIR, "I am, until 6.", group=GROUP)
    third = await says(sim, session, MONA, "Thanks!", group=GROUP, push_name="Mona")
    await says(sim, session, DIRECT, "A direct question", push_name="Nadia")
    group_chat = page.locator("#chats li", has_text="Thanks!")
    await expect(group_chat).to_have_count(1)
    await group_chat.get_by_role("link").click()
    item = lambda mid: page.locator(f'li[data-message="{mid}"]')  # noqa: E731
    await expect(item(first).locator(".author")).to_have_text("Mona")
    await expect(item(second).locator(".author")).to_have_text(SAMIR)  # no name: the number
    await expect(item(third).locator(".author")).to_have_text("Mona")
    assert await item(second).get_attribute("aria-label") != ""
    assert (await item(second).get_attribute("aria-label") or "").startswith(SAMIR)

    await page.reload()  # now every message comes from the store, which keeps no push names
    await expect(page.locator("#live")).to_have_text("Live")
    await expect(item(third).locator(".author")).to_have_text("+201000000051")
    await expect(item(second).locator(".author")).to_have_text(SAMIR)

    direct = page.locator("#chats li", has_text="A direct question")
    await direct.get_by_role("link").click()
    await expect(page.locator("#messages li.msg")).to_have_count(1)
    await expect(page.locator("#messages li.msg .author")).to_have_count(0)
