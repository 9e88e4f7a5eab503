"""The inbox in headless Chromium against the whole stack (shared by the package): messages of
every kind arrive live, a reply with a file reaches WhatsApp byte for byte, reactions and edits
show up, Arabic reads right to left, a dropped event stream resumes (Last-Event-ID), and with
the session down nothing can be sent. A tenant of its own for each test (conftest.py)."""

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client
from playwright.async_api import Page, expect

from cli.stack import LocalStack
from contracts.conversation import ContactCard, Location, React
from contracts.simulator import SimDrop, SimFailConnects, SimIncoming, SimIncomingMedia, SimReceipt
from contracts.simulator_conversation import SimEdit, SimReact, SimRevoke
from tests.browser.conftest import LOOP, screenshot
from tests.browser.inbox_support import Watch, png, sent_by_sim, webp
from tests.support.http import Api
from tests.support.media_files import sample
from tests.support.sessions import connected_session, drive
from tests.support.waiting import eventually

pytestmark = [pytest.mark.browser, LOOP]  # the package's stack and Chromium (conftest.py)

PEER, PEER_JID = "+201000000001", "201000000001@s.whatsapp.net"
READ = "/chats/201000000001%40s.whatsapp.net/read"
HELLO = "Hello, is the clinic open today?"
ARABIC = "مرحبا، هل العيادة مفتوحة يوم الجمعة؟"


async def sign_in(page: Page, stack: LocalStack, key: str) -> None:
    await page.goto(stack.url + "/")
    await page.get_by_label("Tenant API key").fill(key)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#live")).to_have_text("Live")


async def phone_sends(sim: Client, session: str, **fields: Any) -> str:
    request = SimIncoming(session=session, sender=PEER, push_name="Mona", **fields)
    return (await drive(sim, "incoming", request)).message_id or ""


async def every_other_kind(page: Page, sim: Client, session: str) -> None:
    """A location (then deleted for everyone), a contact card, a document, a video, a sticker."""
    place = Location(latitude=30.0444, longitude=31.2357, name="Clinic", address="Tahrir, Cairo")
    pin = await phone_sends(sim, session, text="", location=place)
    card = ContactCard(name="Dr. Samir", phone="+201000000009")
    contact = await phone_sends(sim, session, text="", contact=card)
    files = {
        kind: await phone_sends(sim, session, text="", media=SimIncomingMedia(
            kind=kind, data=data, filename=name))  # type: ignore[arg-type]
        for kind, data, name in [
            ("document", sample("application/pdf", 4000), "prices.pdf"),
            ("video", sample("video/mp4", 4000), None), ("sticker", webp(96, (230, 80, 90)), None),
        ]
    }  # fmt: skip
    item = lambda mid: page.locator(f'li[data-message="{mid}"]')  # noqa: E731
    await expect(item(pin).locator(".location")).to_contain_text("Tahrir, Cairo")
    await expect(item(contact).locator(".contact a")).to_have_attribute("href", "tel:+201000000009")
    download = item(files["document"]).locator("a.download")
    await expect(download).to_have_attribute("download", "prices.pdf")
    await expect(download).to_have_attribute("href", re.compile("^blob:"))
    await expect(item(files["video"]).locator("video")).to_have_attribute(
        "src", re.compile("^blob:")
    )
    await expect(item(files["sticker"]).locator("img")).to_have_attribute(
        "src", re.compile("^blob:")
    )
    await drive(sim, "revoke", SimRevoke(session=session, sender=PEER, message_id=pin))
    await expect(item(pin)).to_contain_text("This message was deleted.")
    await expect(item(pin).locator(".location")).to_have_count(0)


async def test_a_conversation_arrives_live_and_is_answered(
    page: Page, stack: LocalStack, tenant: Api, sim: Client, tmp_path: Path
) -> None:
    session = await connected_session(tenant, sim, "Front desk")
    watch = Watch(page)
    await sign_in(page, stack, tenant.key)
    await page.get_by_role("link", name="Inbox").click()
    await expect(page.locator("#inbox").get_by_label("Session", exact=True)).to_have_value(session)
    hello = await phone_sends(sim, session, text=HELLO)
    chat = page.locator("#chats li")
    await expect(chat).to_contain_text(HELLO)  # live: the chat appears with its unread count
    await expect(chat.locator(".unread")).to_have_text("1")
    await chat.get_by_role("link").click()
    await expect(page.locator("#messages li.msg")).to_have_count(1)
    await expect(chat.locator(".unread")).to_have_count(0)
    assert len(watch.made("POST", READ)) == 1  # opened: marked read once

    await every_other_kind(page, sim, session)
    photo = png(160, 120, (40, 140, 90))
    media = SimIncomingMedia(kind="image", data=photo)
    image = await phone_sends(sim, session, text="our front door", media=media)
    voice_data = sample("audio/ogg; codecs=opus", 6000)
    voice = await phone_sends(
        sim, session, text="", media=SimIncomingMedia(kind="voice", data=voice_data)
    )
    arabic = await phone_sends(sim, session, text=ARABIC)
    img, audio = f'li[data-message="{image}"] img', f'li[data-message="{voice}"] audio'
    await expect(page.locator(img)).to_have_attribute("src", re.compile("^blob:"))
    assert await page.locator(img).evaluate("(i) => i.decode().then(() => i.naturalWidth)") == 160
    await expect(page.locator(audio)).to_have_attribute("src", re.compile("^blob:"))
    await expect(page.locator(audio)).to_have_attribute("aria-label", "Voice note")
    files = watch.made("GET", "/media")  # each after the event that said the file is kept:
    assert files and all("after_event=" in url for url in files), files  # not a 409 by a race
    arabic_text = page.locator(f'li[data-message="{arabic}"] .text')
    await expect(arabic_text).to_have_text(ARABIC)
    assert await arabic_text.evaluate("(t) => getComputedStyle(t).direction") == "rtl"
    hello_item = page.locator(f'li[data-message="{hello}"]')
    assert (
        await hello_item.locator(".text").evaluate("(t) => getComputedStyle(t).direction") == "ltr"
    )

    await hello_item.get_by_role("button", name="Reply to this message").click()
    await expect(page.locator("#replying")).to_contain_text(HELLO)
    await (
        page.locator("#inbox")
        .get_by_label("Message", exact=True)
        .fill("Yes, until 6 pm. The way in:")
    )
    leaflet = png(200, 140, (200, 120, 30))
    file = {"name": "way-in.png", "mimeType": "image/png", "buffer": leaflet}
    await page.get_by_label("Attach a file").set_input_files(files=[file])  # type: ignore[list-item]
    await page.get_by_role("button", name="Send").click()

    async def reached_whatsapp() -> list[Any]:
        return [m for m in await sent_by_sim(sim, session) if m.kind == "image"]

    [sent] = await eventually(reached_whatsapp)
    assert (sent.sha256, sent.size, sent.mime) == (
        hashlib.sha256(leaflet).hexdigest(),
        len(leaflet),
        "image/png",
    )
    assert (sent.reply_to, sent.text) == (hello, "Yes, until 6 pm. The way in:")
    await watch.settled(page)  # the simulator may answer before the page's request is seen
    [send] = [r for r in watch.all if r.method == "POST" and r.url.endswith("/messages")]
    assert re.fullmatch(r"[0-9a-f-]{36}", (await send.all_headers())["idempotency-key"])
    mine = page.locator(f'li[data-message="{sent.message_id}"]')
    await expect(mine.locator(".quote")).to_contain_text(HELLO)
    await expect(mine.locator("img")).to_have_attribute("src", re.compile("^blob:"))
    await expect(mine.locator(".ticks")).to_have_attribute("aria-label", "Sent")
    await drive(
        sim, "receipt", SimReceipt(session=session, message_id=sent.message_id, status="read")
    )
    await expect(mine.locator(".ticks")).to_have_attribute("aria-label", "Read")

    await drive(
        sim, "react", SimReact(session=session, sender=PEER, message_id=sent.message_id, emoji="🙏")
    )
    await expect(mine.locator(".reactions")).to_have_text("🙏")
    edit = SimEdit(
        session=session, sender=PEER, message_id=hello, text="Is the clinic open on Friday?"
    )
    await drive(sim, "edit", edit)
    await expect(hello_item.locator(".text")).to_have_text("Is the clinic open on Friday?")
    await expect(hello_item.locator(".edited")).to_be_visible()
    image_item = page.locator(f'li[data-message="{image}"]')
    await image_item.get_by_label("React to this message").click()
    await image_item.get_by_role("button", name="React with ❤️").click()

    async def reacted() -> list[Any]:
        return [m for m in await sent_by_sim(sim, session) if m.target_id == image]

    [action] = await eventually(reacted)
    assert action.action == React(emoji="❤️")
    await expect(image_item.locator(".reactions")).to_have_text("❤️")
    await page.locator("#messages li.msg").last.scroll_into_view_if_needed()
    await screenshot(page, "inbox-1200", tmp_path)
    assert not [r.url for r in watch.all if tenant.key in r.url]  # the key never in a URL
    assert watch.problems == []


async def test_at_360_px_a_dropped_stream_resumes_and_a_session_down_sends_nothing(
    page: Page, stack: LocalStack, tenant: Api, sim: Client, tmp_path: Path
) -> None:
    session = await connected_session(tenant, sim, "Back office")
    await phone_sends(sim, session, text="Can I move my appointment to Thursday?")
    await phone_sends(sim, session, text=ARABIC)
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.clock.install()  # the page's timers (its reconnect backoff) on the test's clock
    watch = Watch(page)
    await sign_in(page, stack, tenant.key)
    await page.get_by_role("link", name="Inbox").click()
    await page.locator("#inbox").get_by_label("Session", exact=True).select_option(session)
    await page.locator("#chats a").first.focus()
    await page.keyboard.press("Enter")  # the keyboard opens a chat
    await expect(page.locator("#messages li.msg")).to_have_count(2)
    await expect(page.locator(".chats-pane")).to_be_hidden()  # one pane at a time on a phone
    width = await page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 360, width
    await screenshot(page, "inbox-360", tmp_path)

    stack.kill("gateway")  # the network drops: the page's event stream breaks
    await expect(page.locator("#live")).to_have_text("Reconnecting…")
    while_down = await phone_sends(sim, session, text="Hello? Are you still there?")
    stack.start_service("gateway")
    await stack.wait_gateway(60)
    await page.clock.run_for(30_000)  # past the longest backoff: the page tries again
    await expect(page.locator("#live")).to_have_text("Live")
    await expect(page.locator(f'li[data-message="{while_down}"]')).to_be_visible()
    streams = [r for r in watch.all if r.url == stack.url + "/v1/events"]
    first, *again = [await r.all_headers() for r in streams]
    assert "last-event-id" not in first and again  # each retry resumes, none starts over:
    assert all(h["last-event-id"].isdigit() for h in again), again

    sent_before = len(await sent_by_sim(sim, session))
    await drive(sim, "fail-connects", SimFailConnects(session=session, count=1000))
    watch.dropping = True  # the page learns of the drop from an event: a read may cross it
    await drive(sim, "drop", SimDrop(session=session, reason="network"))
    offline = page.locator("#composer-offline")
    await expect(offline).to_contain_text("reconnecting")
    await expect(offline).to_contain_text("sending is off")
    await expect(page.locator("#inbox").get_by_label("Message", exact=True)).to_be_disabled()
    await expect(page.get_by_role("button", name="Send")).to_be_disabled()
    await expect(page.get_by_role("button", name="Reply to this message").first).to_be_disabled()
    await page.evaluate("document.getElementById('reply-form').requestSubmit()")  # forced anyway
    await watch.settled(page)
    sends = watch.made("POST", "/messages") + watch.made("POST", "/v1/media")
    assert sends == [] and watch.made("PUT", "/reaction") == []
    assert len(await sent_by_sim(sim, session)) == sent_before
    await screenshot(page, "inbox-360-offline", tmp_path)

    await page.get_by_role("link", name="Sessions").click()
    await page.locator("#sessions tr", has_text="Back office").get_by_role("button").click()
    reason = re.compile("network|connect failure")  # the drop, then each failed reconnect
    await expect(page.locator("#detail-disconnect")).to_contain_text(reason)
    await expect(page.locator("#detail-attempts")).to_have_text(re.compile(r"^[1-9]\d*$"))
    assert watch.problems == []
