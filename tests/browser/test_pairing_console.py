"""The pairing console in headless Chromium against the whole stack: sign in, list, create,
pair by QR and by phone code, watch each connect live (no reload), log out."""

import re

import msgspec
import pytest
from playwright.async_api import Locator, Page, Request, expect

from cli.stack import LocalStack
from contracts.simulator import SimReply, SimScan
from contracts.subjects import sim_subject
from tests.browser.conftest import LOOP
from tests.support.http import Api
from tests.support.waiting import eventually

pytestmark = [pytest.mark.browser, LOOP]  # the package's stack and Chromium (conftest.py)

QR_REFRESH_MS = 15_000  # the page's refresh period while pairing (sessions/qr.js)
SCREENSHOT = "/tmp/pairing-console-{}.png"


async def sign_in(page: Page, stack: LocalStack, key: str) -> None:
    await page.goto(stack.url + "/")
    await page.get_by_label("Tenant API key").fill(key)
    await page.get_by_role("button", name="Sign in").click()


async def create(page: Page, name: str) -> tuple[Locator, str]:
    await page.get_by_label("New session name").fill(name)
    await page.get_by_role("button", name="Create session").click()
    # The answer opens the new session (its row may show first, from the event stream).
    await expect(page.locator("#detail-title")).to_have_text(name)
    row = page.locator("#sessions tr", has_text=name)
    await expect(row).to_contain_text("new")
    return row, await row.get_attribute("data-session") or ""


async def sim_scan(stack: LocalStack, session: str, phone: str) -> None:
    """The phone scans the QR (or enters the code), through the simulator's NATS control."""
    nc = await stack.connect_operator()
    try:
        msg = await nc.request(
            sim_subject("scan"), msgspec.json.encode(SimScan(session=session, phone=phone)), 5
        )
    finally:
        await nc.close()
    assert msgspec.json.decode(msg.data, type=SimReply).ok


class Requests:
    """Every request the page makes; ``qr``: those for a QR image."""

    def __init__(self, page: Page) -> None:
        self.all: list[Request] = []
        self.qr: list[str] = []
        page.on("request", self._seen)

    def _seen(self, request: Request) -> None:
        self.all.append(request)
        if request.url.endswith("/qr"):
            self.qr.append(request.url)

    async def qr_settled(self, page: Page) -> int:
        """The QR count, once a request the page makes now is seen (so any earlier one too)."""
        async with page.expect_request("**/healthz"):
            await page.evaluate("fetch('/healthz')")
        return len(self.qr)


async def test_sign_in_create_pair_by_qr_and_by_code_live(
    page: Page, stack: LocalStack, tenant: Api
) -> None:
    seen = Requests(page)
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    problems: list[str] = []  # uncaught errors, and anything the content policy blocked
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    await page.clock.install()  # the page's timers run on a clock the test can move
    status, _ = await tenant.call("POST", "/v1/sessions", json={"name": "Front desk"})
    assert status == 201
    await sign_in(page, stack, "wa_not-a-key")
    await expect(page.locator("#sign-in-error")).to_contain_text("unauthorized")
    await expect(page.locator("#console")).to_be_hidden()
    assert await page.evaluate("sessionStorage.length") == 0
    await page.screenshot(path=SCREENSHOT.format("sign-in"))

    await sign_in(page, stack, tenant.key)
    await expect(page.locator("#live")).to_have_text("Live")
    rows = page.locator("#sessions tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("Front desk")
    row, session_id = await create(page, "Sales number")
    await expect(rows).to_have_count(2)
    status, read = await tenant.call("GET", f"/v1/sessions/{session_id}")
    assert status == 200 and read["name"] == "Sales number", read
    assert await page.evaluate("sessionStorage.getItem('wa.console.key')") == tenant.key
    streams = [r for r in seen.all if r.url == stack.url + "/v1/events"]
    assert streams and (await streams[0].all_headers())["authorization"] == f"Bearer {tenant.key}"
    assert await seen.qr_settled(page) == 0  # a new session has no QR to ask for

    await page.get_by_role("button", name="Pair by QR code").click()
    await expect(row).to_contain_text("pairing")
    image = page.locator("#qr-image")
    await expect(image).to_be_visible()
    assert await image.evaluate("(img) => img.src.startsWith('blob:') && img.naturalWidth > 100")
    assert all(url.endswith(f"/v1/sessions/{session_id}/qr") for url in seen.qr) and seen.qr
    answers = [await r.response() for r in seen.all if r.url.endswith("/qr")]
    images = [a.headers["content-type"] for a in answers if a is not None and a.status == 200]
    assert images and set(images) == {"image/png"}
    await page.screenshot(path=SCREENSHOT.format("qr"), full_page=True)
    while_pairing = await seen.qr_settled(page)
    first_image = await image.get_attribute("src") or ""
    await page.clock.run_for(QR_REFRESH_MS)  # still pairing: a new image is fetched and shown
    await expect(image).not_to_have_attribute("src", first_image)
    assert await seen.qr_settled(page) > while_pairing

    await sim_scan(stack, session_id, "+201234567890")  # the phone scans it
    await expect(row).to_contain_text("connected")  # live, from the event stream
    await expect(row).to_contain_text("+201234567890")
    await expect(page.locator("#qr")).to_be_hidden()
    assert await image.get_attribute("src") is None
    after_connect = await seen.qr_settled(page)
    await page.clock.run_for(10 * QR_REFRESH_MS)  # ten refresh periods on: not one QR asked for
    assert await seen.qr_settled(page) == after_connect
    await page.screenshot(path=SCREENSHOT.format("connected"), full_page=True)

    async def stored_connected() -> bool:  # the store projects the same event a moment later
        _, stored = await tenant.call("GET", f"/v1/sessions/{session_id}")
        return bool(stored["status"] == "connected")

    await eventually(stored_connected)

    await page.get_by_role("button", name="Log out").click()
    await expect(row).to_contain_text("logged out")
    await expect(page.get_by_role("button", name="Pair by QR code")).to_be_visible()

    code_row, code_session = await create(page, "Support number")
    await page.get_by_label("Or pair by phone number").fill("+20 100 123 4567")
    await page.get_by_role("button", name="Get a pairing code").click()
    await expect(code_row).to_contain_text("pairing")
    await expect(page.locator("#pairing-code-value")).to_have_text(re.compile(r"^\w{4}-\w{4}$"))
    await page.screenshot(path=SCREENSHOT.format("code"), full_page=True)
    await sim_scan(stack, code_session, "+201001234567")  # the code is typed on the phone
    await expect(code_row).to_contain_text("connected")
    await expect(page.locator("#pairing-code")).to_be_hidden()
    await page.clock.run_for(10 * QR_REFRESH_MS)
    assert await seen.qr_settled(page) == after_connect  # paired by code: never a QR
    assert loads == [stack.url + "/", stack.url + "/"]  # all of it without reloading the page
    assert not [r.url for r in seen.all if tenant.key in r.url]  # the key never in a URL
    assert problems == []
