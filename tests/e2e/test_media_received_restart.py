"""A received file whose download is pending when the session service is SIGKILLed: the
restarted service resumes it, keeps the file once and records it once."""

from collections.abc import AsyncIterator

import aiohttp
import msgspec
import pytest
import pytest_asyncio
from nats.aio.client import Client

from cli.stack import LocalStack
from contracts.simulator import SimFailDownloads, SimIncomingMedia
from contracts.subjects import EVENTS_STREAM, event_filter
from tests.e2e.test_media_received import fetch, phone_sends, settled
from tests.support.http import Api
from tests.support.media_files import sample
from tests.support.sessions import connected_session, drive, new_tenant
from tests.support.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    env = {"PATH": "/usr/bin:/bin", "WA_LOG_FORMAT": "json", "WA_GATEWAY_RATE_PER_S": "0"}
    # After one failure the retry is an hour away: the download stays pending until the restart.
    env |= {"WA_MEDIA_DOWNLOAD_BACKOFF_S": "3600", "WA_MEDIA_DOWNLOAD_ATTEMPTS": "5"}
    local = LocalStack(tmp_path_factory.mktemp("media_restart") / "var", env=env)
    await local.start(timeout=90)
    yield local
    local.stop()
    assert local.permission_violations() == []


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
