"""SIGKILL of the session service with media in flight: a received file whose download is
pending is resumed, kept once and recorded once; a burst of file sends loses and doubles
nothing (each file reaches WhatsApp once, each message ends sent)."""

import hashlib
from collections import Counter
from collections.abc import AsyncIterator

import aiohttp
import msgspec
import pytest
import pytest_asyncio
from nats.aio.client import Client

from cli.stack import LocalStack
from contracts.simulator import SimFailDownloads, SimIncomingMedia, SimReceipt
from contracts.subjects import EVENTS_STREAM, event_filter
from services.session.adapters.whatsapp.simulator.server import SimServer
from tests.e2e.test_media import PEER, sent_by_sim, upload
from tests.e2e.test_media_received import fetch, phone_sends, settled
from tests.support.http import Api
from tests.support.media_files import sample
from tests.support.sessions import connected_session, drive, new_tenant
from tests.support.stacks import running_stack
from tests.support.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    env = {"WA_GATEWAY_RATE_PER_S": "0"}
    # After one failure the retry is an hour away: the download stays pending until the restart.
    env |= {"WA_MEDIA_DOWNLOAD_BACKOFF_S": "3600", "WA_MEDIA_DOWNLOAD_ATTEMPTS": "5"}
    # Sends paced to a few a second: the kill lands while the burst is still going.
    env |= {"WA_SEND_PER_MINUTE": "600", "WA_SEND_BURST": "2", "WA_SEND_MIN_SPACING_S": "0.2"}
    env |= {"WA_SEND_JITTER_S": "0"}
    data_dir = tmp_path_factory.mktemp("media_restart") / "var"
    async with running_stack(data_dir, env) as local:
        yield local


async def counts(nc: Client, subject: str) -> dict[str, int]:
    info = await nc.jetstream().stream_info(EVENTS_STREAM, subjects_filter=subject)
    return dict(info.state.subjects or {})


async def test_a_pending_download_resumes_after_sigkill_once(stack: LocalStack) -> None:
    nc = await stack.connect_operator()
    async with aiohttp.ClientSession() as http:
        api = await new_tenant(Api(http, stack.url, stack.admin_token))
        session = await connected_session(api, nc)
        tenant = (await api.call("GET", f"/v1/sessions/{session}"))[1]["tenant"]
        await drive(nc, "fail-downloads", SimFailDownloads(session=session, count=1))
        data = sample("video/mp4", 400_000)
        media = SimIncomingMedia(kind="video", data=data)
        message_id = await phone_sends(nc, session, media, "clip")
        path = f"/v1/sessions/{session}/messages/{message_id}"

        async def projected() -> bool:
            return (await api.call("GET", path))[0] == 200

        await eventually(projected)
        assert (await api.call("GET", path))[1]["media_status"] == "pending"
        status, _, body = await fetch(api, session, message_id)
        assert status == 409 and msgspec.json.decode(body)["error"]["code"] == "media_not_ready"
        stack.kill("session")
        stack.start_service("session")
        view = await settled(api, session, message_id)
        assert view["media_status"] == "stored" and view["text"] == "clip"
        status, _, body = await fetch(api, session, message_id)
        assert status == 200 and body == data
        every = event_filter(tenant, session, "message.>")
        seen = await counts(nc, every)
        assert seen[event_filter(tenant, session, "message.received")] == 1
        assert seen[event_filter(tenant, session, "message.media_stored")] == 1
        assert event_filter(tenant, session, "message.media_failed") not in seen
    await nc.close()


async def test_a_sigkill_during_media_sends_loses_and_doubles_nothing(stack: LocalStack) -> None:
    nc = await stack.connect_operator()
    async with aiohttp.ClientSession() as http:
        api = await new_tenant(Api(http, stack.url, stack.admin_token), "sender")
        session = await connected_session(api, nc)
        tenant = (await api.call("GET", f"/v1/sessions/{session}"))[1]["tenant"]
        digests: dict[str, str] = {}  # message id → the sha256 of its file
        for i in range(12):
            data = sample("image/jpeg", 150_000)
            status, up = await upload(api, data, "image/jpeg", f"p{i}.jpg")
            assert status == 201, up
            body = {"to": PEER, "media": {"id": up["id"], "kind": "image", "caption": str(i)}}
            status, sent = await api.call("POST", f"/v1/sessions/{session}/messages", json=body)
            assert status == 202, sent
            digests[sent["id"]] = hashlib.sha256(data).hexdigest()

        async def some_sent() -> bool:
            return len(await sent_by_sim(nc, session)) >= 2

        await eventually(some_sent)
        stack.kill("session")
        record = SimServer(stack.data_dir / "simulator")  # WhatsApp's side, read while down
        assert len(record.sent(session)) < len(digests)  # killed mid-burst
        stack.start_service("session")

        async def all_sent() -> bool:
            for message_id in digests:
                path = f"/v1/sessions/{session}/messages/{message_id}"
                if (await api.call("GET", path))[1].get("status") != "sent":
                    return False
            return True

        await eventually(all_sent, timeout=60)
        assert list((stack.data_dir / "sending").rglob("wa-send-*")) == []  # none left behind
        seen = await sent_by_sim(nc, session)
        assert Counter(m.message_id for m in seen) == Counter(list(digests))  # each file once
        assert {m.message_id: m.sha256 for m in seen} == digests  # the bytes of its upload
        seen_events = await counts(nc, event_filter(tenant, session, "message.>"))
        assert seen_events[event_filter(tenant, session, "message.queued")] == len(digests)
        assert seen_events[event_filter(tenant, session, "message.sent")] == len(digests)
        assert event_filter(tenant, session, "message.send_failed") not in seen_events
        first = next(iter(digests))  # and the lifecycle goes on from sent
        await drive(nc, "receipt", SimReceipt(session=session, message_id=first, status="read"))

        async def read() -> bool:
            path = f"/v1/sessions/{session}/messages/{first}"
            return (await api.call("GET", path))[1].get("status") == "read"

        await eventually(read)
    await nc.close()
