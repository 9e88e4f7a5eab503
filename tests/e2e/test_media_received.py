"""Received files through the whole stack: the simulated phone sends each kind, the session
service keeps the bytes in the object store, the gateway streams them back (with ranges).

On the e2e package's shared stack; every test makes its own tenant."""

import hashlib
from collections.abc import Mapping
from typing import Any

import msgspec
import pytest
from nats.aio.client import Client

from contracts.simulator import SimFailDownloads, SimIncoming, SimIncomingMedia
from tests.integration.gateway.sse_client import SseReader
from tests.support.http import Api
from tests.support.media_files import sample
from tests.support.sessions import connected_session, drive, new_tenant
from tests.support.stacks import SHARED_ENV, on_the_shared_stack
from tests.support.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="package")
stack, admin, sim = on_the_shared_stack()

PEER = "+201000000001"
ATTEMPTS = int(SHARED_ENV["WA_MEDIA_DOWNLOAD_ATTEMPTS"])
KINDS = [
    ("image", "image/jpeg", None), ("video", "video/mp4", None), ("audio", "audio/mpeg", None),
    ("voice", "audio/ogg; codecs=opus", None), ("sticker", "image/webp", None),
    ("document", "application/pdf", "report.pdf"),
]  # fmt: skip


async def phone_sends(sim: Client, session: str, media: SimIncomingMedia, caption: str) -> str:
    request = SimIncoming(session=session, sender=PEER, text=caption, media=media)
    reply = await drive(sim, "incoming", request)
    assert reply.message_id
    return reply.message_id


async def settled(api: Api, session: str, message_id: str) -> dict[str, Any]:
    path = f"/v1/sessions/{session}/messages/{message_id}"
    seen: dict[str, Any] = {}

    async def done() -> bool:
        status, body = await api.call("GET", path)
        seen.update(body if status == 200 else {})
        return status == 200 and body.get("media_status") in ("stored", "failed")

    await eventually(done, timeout=30)  # a deadline: after a restart, on a loaded machine
    return seen


async def fetch(
    api: Api, session: str, message_id: str, headers: dict[str, str] | None = None, query: str = ""
) -> tuple[int, Mapping[str, str], bytes]:
    url = f"{api.base}/v1/sessions/{session}/messages/{message_id}/media{query}"
    sent = {"Authorization": f"Bearer {api.key}", **(headers or {})}
    async with api.http.get(url, headers=sent) as resp:
        return resp.status, resp.headers.copy(), await resp.read()


async def test_each_kind_is_received_and_served_with_the_same_bytes(
    admin: Api, sim: Client
) -> None:
    api = await new_tenant(admin)
    session = await connected_session(api, sim)
    for kind, mime, filename in KINDS:
        data = sample(mime, 200_000)
        media = SimIncomingMedia(kind=kind, filename=filename, data=data)  # type: ignore[arg-type]
        message_id = await phone_sends(sim, session, media, f"a {kind}")
        view = await settled(api, session, message_id)
        digest = hashlib.sha256(data).hexdigest()
        assert view["media_status"] == "stored", view
        assert view["media"]["kind"] == kind and view["media"]["sha256"] == digest
        assert view["media"]["size"] == len(data) and view["text"] == f"a {kind}"
        status, headers, body = await fetch(api, session, message_id)
        assert status == 200 and hashlib.sha256(body).hexdigest() == digest
        assert headers["Content-Type"] == mime.split(";")[0]
        assert headers["Content-Length"] == str(len(data))
        assert headers["ETag"] == f'"{digest}"'
        if filename:
            assert 'filename="report.pdf"' in headers["Content-Disposition"]


async def test_ranges_are_served_and_outside_ones_refused(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin)
    session = await connected_session(api, sim)
    data = sample("image/png", 300_000)  # spans three object-store chunks
    media = SimIncomingMedia(kind="image", data=data)
    message_id = await phone_sends(sim, session, media, "")
    await settled(api, session, message_id)
    status, headers, body = await fetch(api, session, message_id, {"Range": "bytes=131000-262200"})
    assert status == 206 and body == data[131000:262201]
    assert headers["Content-Range"] == f"bytes 131000-262200/{len(data)}"
    status, _, body = await fetch(api, session, message_id, {"Range": "bytes=-10"})
    assert status == 206 and body == data[-10:]
    status, headers, body = await fetch(api, session, message_id, {"Range": "bytes=300000-"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{len(data)}"
    assert msgspec.json.decode(body)["error"]["code"] == "range_not_satisfiable"


async def test_a_file_announced_by_an_event_is_served_after_that_event(
    admin: Api, sim: Client
) -> None:
    """What the console does with message.media_stored: fetch the file after_event its id. The
    event reaches a client before the store applies it; the read waits for that, so the file
    comes, not a 409. An id the log has not reached is refused at once."""
    api = await new_tenant(admin)
    session = await connected_session(api, sim)
    url = f"{api.base}/v1/events?session_id={session}&types=message.media_stored"
    data = sample("image/jpeg", 3000)
    async with api.http.get(url, headers={"Authorization": f"Bearer {api.key}"}) as resp:
        reader = SseReader(resp)
        await reader.until_comment("connected")  # open before the file comes
        media = SimIncomingMedia(kind="image", data=data)
        message_id = await phone_sends(sim, session, media, "")
        stored = await reader.next_event(timeout=30)
    assert stored.data["payload"]["message_id"] == message_id
    status, _, body = await fetch(api, session, message_id, query=f"?after_event={stored.id}")
    assert status == 200 and body == data
    status, _, body = await fetch(api, session, message_id, query=f"?after_event={2**62}")
    assert (status, msgspec.json.decode(body)["error"]["code"]) == (422, "unknown_event")
    for bad in ("0", "x"):
        status, _, body = await fetch(api, session, message_id, query=f"?after_event={bad}")
        assert (status, msgspec.json.decode(body)["error"]["code"]) == (422, "validation_failed")


async def test_failed_downloads_keep_the_message_and_answer_410(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin)
    session = await connected_session(api, sim)
    await drive(sim, "fail-downloads", SimFailDownloads(session=session, count=ATTEMPTS))
    media = SimIncomingMedia(kind="document", data=b"%PDF-1.7\n lost")
    message_id = await phone_sends(sim, session, media, "the invoice")
    view = await settled(api, session, message_id)
    assert view["media_status"] == "failed" and view["media_error"] == "download_failed"
    assert view["text"] == "the invoice" and view["status"] == "received"
    status, _, body = await fetch(api, session, message_id)
    assert status == 410 and msgspec.json.decode(body)["error"]["code"] == "media_gone"


async def test_retried_downloads_store_the_file(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin)
    session = await connected_session(api, sim)
    await drive(sim, "fail-downloads", SimFailDownloads(session=session, count=ATTEMPTS - 1))
    data = sample("image/jpeg", 5000)
    message_id = await phone_sends(sim, session, SimIncomingMedia(kind="image", data=data), "")
    view = await settled(api, session, message_id)
    assert view["media_status"] == "stored"
    status, _, body = await fetch(api, session, message_id)
    assert status == 200 and body == data


async def test_another_tenants_file_is_not_found(admin: Api, sim: Client) -> None:
    owner = await new_tenant(admin, "owner")
    session = await connected_session(owner, sim)
    data = sample("image/jpeg", 1000)
    message_id = await phone_sends(sim, session, SimIncomingMedia(kind="image", data=data), "")
    await settled(owner, session, message_id)
    other = await new_tenant(admin, "other")
    status, _, body = await fetch(other, session, message_id)
    assert status == 404 and msgspec.json.decode(body)["error"]["code"] == "not_found"
