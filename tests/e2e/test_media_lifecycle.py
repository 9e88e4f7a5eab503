"""Media over its life, through the whole stack: signed links in webhook deliveries (work
without a key, refuse tampering and expiry), the tenant quota, expired uploads swept, a
deleted session's files deleted. One stack for the module; every test makes its own tenant."""

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
import pytest_asyncio
from nats.aio.client import Client

from cli.stack import LocalStack
from contracts.media import received_object, upload_object
from runtime.media.links import LinkSigner
from runtime.media.listing import list_objects
from runtime.media.store import MediaStore
from services.webhooks.domain.signing import verify
from tests.integration.gateway.sse_client import SseReader
from tests.integration.webhooks.receiver import Receiver
from tests.support.http import Api
from tests.support.media_files import sample
from tests.support.media_life import (
    PEER,
    api_tenant,
    code,
    connected,
    equals,
    file_url,
    get,
    receive,
    tenant_of_upload,
    upload,
    usage_of,
)  # fmt: skip
from tests.support.sessions import new_tenant
from tests.support.stacks import running_stack
from tests.support.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")

KEY = "test-media-link-key-0123456789"
QUOTA = 600_000


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    """A stack of its own: the per-tenant quota would refuse the other modules' files."""
    env = {"WA_GATEWAY_RATE_PER_S": "0"}
    env |= {"WA_MEDIA_DOWNLOAD_BACKOFF_S": "0.01", "WA_MEDIA_LINK_KEY": KEY}
    env |= {"WA_MEDIA_QUOTA_BYTES": str(QUOTA), "WA_MEDIA_SWEEP_S": "0.2"}
    env |= {"WA_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true", "WA_WEBHOOK_BACKOFF_S": "0.1"}
    async with running_stack(tmp_path_factory.mktemp("media_life") / "var", env) as local:
        yield local


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def admin(stack: LocalStack) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as http:
        yield Api(http, stack.url, stack.admin_token)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sim(stack: LocalStack) -> AsyncIterator[Client]:
    nc = await stack.connect_operator()
    yield nc
    await nc.close()


@pytest_asyncio.fixture(loop_scope="module")
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    await rec.start()
    yield rec
    await rec.stop()


async def test_a_webhook_delivery_links_the_file_without_a_key_and_the_link_is_bound(
    stack: LocalStack, admin: Api, sim: Client, receiver: Receiver
) -> None:
    api = await new_tenant(admin, "links")
    session = await connected(api, sim, "+201234567001")
    hook = {"url": receiver.url, "events": ["message.media_stored"]}
    status, created = await api.call("POST", "/v1/webhooks", json=hook)
    assert status == 201, created
    data = sample("image/png", 150_000)
    first = await receive(api, sim, session, data)
    [hit] = await eventually(receiver.got)
    assert verify(created["secret"], hit.headers["X-WA-Signature"], hit.body, now=time.time())
    event, url = hit.event, str(hit.event["media_url"])
    assert event["payload"]["message_id"] == first["message_id"] and url.startswith(stack.url)  # type: ignore[index]
    assert datetime.fromisoformat(str(event["media_url_expires_at"])) > datetime.now(UTC)
    status, body = await get(api, url)  # no Authorization header
    assert status == 200 and hashlib.sha256(body).hexdigest() == hashlib.sha256(data).hexdigest()

    second = await receive(api, sim, session, sample("image/png", 1000))
    query = url.split("?", 1)[1]
    base = f"{stack.url}/v1/media-links"
    forged = [
        url[:-2] + ("AA" if not url.endswith("AA") else "BB"),  # the signature altered
        url.replace("expires=", "expires=1"),  # a later expiry
        f"{base}/{api_tenant(event)}/{session}/{second['message_id']}?{query}",  # another message
        url.split("?", 1)[0],  # no signature at all
    ]
    for bad in forged:
        status, body = await get(api, bad)
        assert (status, code(body)) == (403, "link_invalid"), bad
    signer = LinkSigner(key=KEY.encode(), base_url=stack.url, ttl_s=600)
    old, _ = signer.link(api_tenant(event), session, first["message_id"], now=time.time() - 3600)
    status, body = await get(api, old)
    assert (status, code(body)) == (410, "link_expired")

    # the retention drops the bytes: the message stays, its file answers 410 media_gone
    store = MediaStore(sim.jetstream())
    assert await store.delete(received_object(api_tenant(event), session, first["message_id"]))
    status, body = await get(api, url)
    assert (status, code(body)) == (410, "media_gone")
    status, body = await get(api, file_url(api, session, first["message_id"]), key=True)
    assert (status, code(body)) == (410, "media_gone")
    status, view = await api.call("GET", f"/v1/sessions/{session}/messages/{first['message_id']}")
    assert status == 200 and view["media_status"] == "stored"


async def test_sse_events_carry_the_descriptor(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin, "sse")
    session = await connected(api, sim, "+201234567006")
    data = sample("image/png", 2000)
    view = await receive(api, sim, session, data)
    url = f"{api.base}/v1/events?session_id={session}&types=message.received"
    headers = {"Authorization": f"Bearer {api.key}", "Last-Event-ID": "0"}  # from the start
    async with api.http.get(url, headers=headers) as resp:
        event = (await SseReader(resp).next_event()).data
    assert event["payload"]["message_id"] == view["message_id"]
    assert event["payload"]["media_status"] == "pending" and "media_url" not in event
    media = event["payload"]["media"]
    assert (media["kind"], media["mime"]) == ("image", "image/png")


async def test_the_quota_refuses_uploads_and_keeps_messages_without_their_files(
    admin: Api, sim: Client
) -> None:
    api = await new_tenant(admin, "quota")
    status, body = await upload(api, sample("image/png", 400_000))
    assert status == 201, body
    status, body = await upload(api, sample("image/png", 300_000))
    assert (status, body["error"]["code"]) == (507, "media_quota_exceeded"), body
    assert body["error"]["details"] == {"quota": QUOTA, "used": 400_000, "size": 300_000}
    session = await connected(api, sim, "+201234567002")
    view = await receive(api, sim, session, sample("image/png", 300_000))
    assert view["media_status"] == "failed" and view["media_error"] == "quota_exceeded"
    assert view["status"] == "received"
    status, raw = await get(api, file_url(api, session, view["message_id"]), key=True)
    assert (status, code(raw)) == (410, "media_gone")
    small = await receive(api, sim, session, sample("image/png", 100_000))  # still room for it
    assert small["media_status"] == "stored"


async def test_concurrent_uploads_fill_the_quota_exactly(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin, "racing")
    results = await asyncio.gather(*(upload(api, sample("image/png", 200_000)) for _ in range(5)))
    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 201, 201, 507, 507], results
    tenant = await tenant_of_upload(sim, next(b["id"] for s, b in results if s == 201))
    assert await usage_of(sim, tenant) == 600_000
    kept = await list_objects(sim.jetstream(), lambda item: item.tenant == tenant)
    assert len(kept) == 3  # the refused ones were not left behind


async def test_an_expired_upload_is_refused_and_swept(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin, "expiry")
    session = await connected(api, sim, "+201234567003")
    status, body = await upload(api, sample("image/png", 5000))
    assert status == 201, body
    tenant = await tenant_of_upload(sim, body["id"])
    store = MediaStore(sim.jetstream())
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    name = upload_object(tenant, "expired1")

    async def one() -> AsyncIterator[bytes]:
        yield sample("image/png", 5000)

    await store.put(name, one(), headers={"Wa-Mime": "image/png", "Wa-Expires-At": past})
    send = {"to": PEER, "media": {"id": "expired1", "kind": "image"}}
    path = f"/v1/sessions/{session}/messages"
    status, refused = await api.call("POST", path, json=send)
    assert (status, refused["error"]["code"]) == (410, "media_gone"), refused

    async def swept() -> bool:
        return await store.info(name) is None

    await eventually(swept)
    status, refused = await api.call("POST", path, json=send)
    assert (status, refused["error"]["code"]) == (410, "media_gone"), refused
    assert await store.info(upload_object(tenant, body["id"])) is not None  # not yet expired


async def test_deleting_a_session_deletes_its_files_and_no_other(admin: Api, sim: Client) -> None:
    api = await new_tenant(admin, "deletes")
    doomed = await connected(api, sim, "+201234567004")
    kept = await connected(api, sim, "+201234567005")
    gone_file = await receive(api, sim, doomed, sample("image/png", 2000))
    kept_file = await receive(api, sim, kept, sample("image/png", 3000))
    status, bound = await upload(api, sample("image/png", 4000), f"?session_id={doomed}")
    assert status == 201, bound
    status, loose = await upload(api, sample("image/png", 5000))
    assert status == 201, loose
    status, _ = await upload(api, sample("image/png", 10), "?session_id=nosuchsession")
    assert status == 404
    tenant = await tenant_of_upload(sim, loose["id"])
    assert await usage_of(sim, tenant) == 14_000

    status, _ = await api.call("DELETE", f"/v1/sessions/{doomed}")
    assert status == 204
    status, _ = await upload(api, sample("image/png", 10), f"?session_id={doomed}")
    assert status == 404  # a deleted session takes no more uploads

    async def names() -> set[str] | None:
        found = {item.name for item in await list_objects(sim.jetstream())}
        doomed_files = {received_object(tenant, doomed, gone_file["message_id"]),
                        upload_object(tenant, bound["id"])}  # fmt: skip
        return None if doomed_files & found else found

    left = await eventually(names)
    assert left is not None
    assert received_object(tenant, kept, kept_file["message_id"]) in left
    assert upload_object(tenant, loose["id"]) in left
    assert await eventually(lambda: equals(usage_of(sim, tenant), 8000))
