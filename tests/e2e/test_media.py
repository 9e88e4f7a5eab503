"""Media through the whole stack: uploads into the object store, sends to the simulator.

On the e2e package's shared stack; every test makes its own tenant."""

import hashlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import msgspec
import pytest
import pytest_asyncio
from aiohttp import web
from nats.aio.client import Client

from cli.stack import LocalStack
from contracts.simulator import SimSentMessage, SimSentReply
from contracts.subjects import sim_subject
from tests.support.http import Api
from tests.support.media_files import sample
from tests.support.sessions import connected_session, new_tenant
from tests.support.stacks import SHARED_ENV, on_the_shared_stack
from tests.support.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="package")
stack, admin, sim = on_the_shared_stack()

PEER = "+201000000001"
IMAGE_LIMIT = int(SHARED_ENV["WA_MEDIA_MAX_IMAGE_BYTES"])


async def upload(api: Api, data: bytes, mime: str, filename: str = "") -> tuple[int, Any]:
    query = f"?filename={filename}" if filename else ""
    return await api.call("POST", f"/v1/media{query}", data=data, headers={"Content-Type": mime})


def code(body: Any) -> str:
    return str(body["error"]["code"])


async def objects(stack: LocalStack) -> int:
    nc = await stack.connect_operator()
    try:
        info = await nc.jetstream().stream_info("OBJ_wa_media")
        return int(info.state.messages)
    finally:
        await nc.close()


async def test_an_upload_is_stored_with_its_sniffed_type_and_digest(admin: Api) -> None:
    api = await new_tenant(admin)
    data = sample("image/png", 200_000)
    status, body = await upload(api, data, "image/png", "clinic.png")
    assert status == 201, body
    assert body["mime"] == "image/png" and body["size"] == len(data)
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["filename"] == "clinic.png" and body["expires_at"]
    status, body = await upload(api, b"name,phone\nMona,+20123\n", "text/csv")
    assert status == 201 and body["mime"] == "text/csv", body


async def test_bad_uploads_are_refused_and_nothing_is_stored(admin: Api, stack: LocalStack) -> None:
    api = await new_tenant(admin)
    before = await objects(stack)
    status, body = await upload(api, sample("image/jpeg", 1000), "image/png")
    assert status == 422 and code(body) == "media_type_mismatch", body
    assert body["error"]["details"]["detected"] == "image/jpeg"
    status, body = await upload(api, b"not an image at all", "image/png")
    assert status == 422 and code(body) == "media_type_mismatch", body
    status, body = await upload(api, sample("image/png", IMAGE_LIMIT + 1), "image/png")
    assert status == 413 and code(body) == "media_too_large", body
    status, body = await upload(api, b"", "image/png")
    assert status == 422 and code(body) == "empty_media", body
    status, body = await upload(api, sample("application/pdf", 100), "application/pdf", "a%2Fb")
    assert status == 422 and code(body) == "invalid_filename", body
    assert await objects(stack) == before


async def test_an_oversized_chunked_upload_is_cut_off(admin: Api, stack: LocalStack) -> None:
    """No Content-Length: the limit is found while streaming; what was written is purged."""
    api = await new_tenant(admin)
    before = await objects(stack)
    data = sample("image/png", IMAGE_LIMIT * 2)

    async def body() -> AsyncIterator[bytes]:
        for at in range(0, len(data), 32 * 1024):
            yield data[at : at + 32 * 1024]

    headers = {"Authorization": f"Bearer {api.key}", "Content-Type": "image/png"}
    async with api.http.post(api.base + "/v1/media", data=body(), headers=headers) as resp:
        assert resp.status == 413, await resp.text()
    assert await objects(stack) == before


async def sent_by_sim(sim: Client, session: str) -> list[SimSentMessage]:
    msg = await sim.request(
        sim_subject("sent"), msgspec.json.encode({"session": session}), timeout=10
    )
    return msgspec.json.decode(msg.data, type=SimSentReply).sent


KINDS = [
    ("image", "image/jpeg"), ("image", "image/png"), ("sticker", "image/webp"),
    ("video", "video/mp4"), ("audio", "audio/mpeg"), ("voice", "audio/ogg; codecs=opus"),
    ("document", "application/pdf"),
]  # fmt: skip


async def test_each_kind_reaches_whatsapp_with_the_same_bytes(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin)
    session = await connected_session(api, sim)
    wanted: dict[str, tuple[str, str, str]] = {}
    for kind, mime in KINDS:
        data = sample(mime, 150_000 if kind != "sticker" else 20_000)
        status, up = await upload(api, data, mime, f"file.{kind}")
        assert status == 201, up
        media = {"id": up["id"], "kind": kind, "caption": f"a {kind}"}
        status, body = await api.call(
            "POST", f"/v1/sessions/{session}/messages", json={"to": PEER, "media": media}
        )
        assert status == 202 and body["status"] == "queued", body
        wanted[body["id"]] = (kind, up["mime"], hashlib.sha256(data).hexdigest())

    async def all_sent() -> bool:
        return len(await sent_by_sim(sim, session)) == len(KINDS)

    await eventually(all_sent)
    for message in await sent_by_sim(sim, session):
        kind, mime, digest = wanted[message.message_id]
        assert (message.kind, message.mime, message.sha256) == (kind, mime, digest)
        assert message.text == f"a {kind}"
    for message_id in wanted:
        status, body = await api.call("GET", f"/v1/sessions/{session}/messages/{message_id}")
        assert status == 200 and body["status"] == "sent", body


async def test_refused_sends_send_nothing(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin)
    other = await new_tenant(admin, "other")
    session = await connected_session(api, sim)
    path = f"/v1/sessions/{session}/messages"
    _, png = await upload(api, sample("image/png"), "image/png")
    _, vorbis = await upload(api, sample("audio/ogg"), "audio/ogg")
    _, theirs = await upload(other, sample("image/png"), "image/png")
    for media, status_code, error in [
        ({"id": png["id"], "kind": "voice"}, 422, "unsupported_media"),
        ({"id": png["id"], "kind": "sticker"}, 422, "unsupported_media"),
        ({"id": vorbis["id"], "kind": "voice"}, 422, "unsupported_media"),
        ({"id": png["id"], "kind": "gif"}, 422, "validation_failed"),
        ({"id": theirs["id"], "kind": "image"}, 404, "media_not_found"),
    ]:
        status, body = await api.call("POST", path, json={"to": PEER, "media": media})
        assert status == status_code and code(body) == error, (media, body)
    both = {"to": PEER, "text": "hi", "media": {"id": png["id"], "kind": "image"}}
    assert (await api.call("POST", path, json=both))[0] == 422

    status, body = await api.call("POST", "/v1/sessions", json={"name": "Offline"})
    offline = body["id"]
    media = {"id": png["id"], "kind": "image"}
    status, body = await api.call(
        "POST", f"/v1/sessions/{offline}/messages", json={"to": PEER, "media": media}
    )
    assert status == 409 and code(body) == "not_connected", body
    assert await sent_by_sim(sim, session) == []
    assert await sent_by_sim(sim, offline) == []


async def form_upload(api: Api, fields: list[tuple[str, bytes, str]]) -> tuple[int, Any]:
    form = aiohttp.FormData()
    for name, data, mime in fields:
        form.add_field(name, data, content_type=mime, filename=f"{name}.bin")
    return await api.call("POST", "/v1/media", data=form)


async def test_a_multipart_form_upload_is_stored_from_its_file_field(
    admin: Api, stack: LocalStack
) -> None:
    api = await new_tenant(admin)
    data = sample("application/pdf", 300_000)
    note = ("note", b"a field before the file", "text/plain")
    status, body = await form_upload(api, [note, ("file", data, "application/pdf")])
    assert status == 201, body
    assert (body["mime"], body["size"], body["filename"]) == (
        "application/pdf",
        len(data),
        "file.bin",
    )
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    before = await objects(stack)
    status, body = await form_upload(api, [note])
    assert status == 422 and code(body) == "missing_file", body
    status, body = await form_upload(
        api, [("file", sample("image/png", IMAGE_LIMIT + 1), "image/png")]
    )
    assert status == 413 and code(body) == "media_too_large", body
    status, body = await form_upload(api, [("file", sample("image/jpeg"), "image/png")])
    assert status == 422 and code(body) == "media_type_mismatch", body
    assert await objects(stack) == before


async def test_a_malformed_multipart_part_is_a_400_and_stores_nothing(
    admin: Api, stack: LocalStack
) -> None:
    """A control character in a part's header (found by the fuzzer) is the client's error."""
    api = await new_tenant(admin)
    before = await objects(stack)
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="\x03"\r\n\r\nnull\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\n'
        f"\r\n--{boundary}--\r\n"
    ).encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    status, answer = await api.call("POST", "/v1/media", data=body, headers=headers)
    assert status == 400 and code(answer) == "malformed_request", answer
    assert await objects(stack) == before


@pytest_asyncio.fixture(scope="module", loop_scope="package")
async def files() -> AsyncIterator[tuple[str, dict[str, tuple[bytes, str]]]]:
    """A file server on loopback: path → (bytes, the Content-Type it claims)."""
    served: dict[str, tuple[bytes, str]] = {}

    async def serve(request: web.Request) -> web.StreamResponse:
        found = served.get(request.match_info["name"])
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[0], headers={"Content-Type": found[1]})

    app = web.Application()
    app.router.add_get("/{name}", serve)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", served
    await runner.cleanup()


async def test_a_file_at_a_url_is_fetched_and_sent(
    admin: Api, sim: Client, files: tuple[str, dict[str, tuple[bytes, str]]]
) -> None:
    base, served = files
    api = await new_tenant(admin)
    session = await connected_session(api, sim)
    data = sample("image/png", 100_000)
    served["menu.png"] = (data, "image/png")
    media = {"url": f"{base}/menu.png", "kind": "image", "caption": "menu"}
    status, body = await api.call(
        "POST", f"/v1/sessions/{session}/messages", json={"to": PEER, "media": media}
    )
    assert status == 202, body

    async def sent() -> bool:
        return len(await sent_by_sim(sim, session)) == 1

    await eventually(sent)
    [message] = await sent_by_sim(sim, session)
    assert (message.kind, message.mime, message.filename) == ("image", "image/png", "menu.png")
    assert message.sha256 == hashlib.sha256(data).hexdigest() and message.text == "menu"


async def test_urls_that_may_not_or_cannot_be_sent_send_nothing(
    admin: Api, sim: Client, stack: LocalStack, files: tuple[str, dict[str, tuple[bytes, str]]]
) -> None:
    base, served = files
    api = await new_tenant(admin)
    session = await connected_session(api, sim)
    served["big.png"] = (sample("image/png", IMAGE_LIMIT + 1), "image/png")
    served["lie.png"] = (sample("image/jpeg"), "image/png")
    served["pic.png"] = (sample("image/png"), "image/png")
    before = await objects(stack)
    for media, status_code, error in [
        ({"url": "http://10.1.2.3/x.png", "kind": "image"}, 422, "media_url_refused"),
        ({"url": "http://169.254.169.254/latest", "kind": "image"}, 422, "media_url_refused"),
        ({"url": "http://[fd00::1]/x.png", "kind": "image"}, 422, "media_url_refused"),
        ({"url": "http://localhost/x.png", "kind": "image"}, 422, "media_url_refused"),
        ({"url": "file:///etc/passwd", "kind": "document"}, 422, "media_url_refused"),
        ({"url": f"{base}/gone.png", "kind": "image"}, 422, "media_fetch_failed"),
        ({"url": f"{base}/big.png", "kind": "image"}, 413, "media_too_large"),
        ({"url": f"{base}/lie.png", "kind": "image"}, 422, "media_type_mismatch"),
        ({"url": f"{base}/pic.png", "id": "abc", "kind": "image"}, 422, "validation_failed"),
    ]:
        status, body = await api.call(
            "POST", f"/v1/sessions/{session}/messages", json={"to": PEER, "media": media}
        )
        assert status == status_code and code(body) == error, (media, body)
    assert await objects(stack) == before
    media = {"url": f"{base}/pic.png", "kind": "voice"}  # fetched, but a voice note is no PNG
    status, body = await api.call(
        "POST", f"/v1/sessions/{session}/messages", json={"to": PEER, "media": media}
    )
    assert status == 422 and code(body) == "unsupported_media", body
    assert await objects(stack) == before + 1  # its chunk purged: a deletion marker is left
    assert await sent_by_sim(sim, session) == []
