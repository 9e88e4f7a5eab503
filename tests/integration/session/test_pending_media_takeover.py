"""A received file still to fetch when its session moves to another session-service instance
is fetched there: the pending fetches live in shared NATS KV, not in one instance's database."""

from contextlib import AsyncExitStack

from nats.js.errors import NoKeysError

from contracts.simulator import SimFailDownloads, SimIncoming, SimIncomingMedia
from runtime.bus import Bus
from runtime.settings import Settings
from services.session.adapters.leases import LEASE_BUCKET
from services.session.adapters.pending_media_kv import PENDING_MEDIA_BUCKET
from tests.integration.session.harness import Driver, fast, running_service
from tests.support.media_files import sample
from tests.support.waiting import eventually


async def test_the_new_owner_resumes_the_pending_download_once(
    settings: Settings, bus: Bus
) -> None:
    # After one failure the next attempt is an hour away: only a new owner fetches it sooner.
    slow = {"lease_ttl_s": 2.0, "media_download_backoff_s": 3600.0}
    a = fast(settings, instance_id="inst-a", **slow)
    b = fast(settings, instance_id="inst-b", **slow)
    d = Driver(bus)
    async with AsyncExitStack() as second:
        async with AsyncExitStack() as first:
            await first.enter_async_context(running_service(a, bus))
            session = await d.connected_session()  # a holds it
            await second.enter_async_context(running_service(b, bus))
            assert (await d.sim("fail-downloads", SimFailDownloads(session=session, count=1))).ok
            media = SimIncomingMedia(kind="document", data=sample("application/pdf", 50_000))
            incoming = SimIncoming(session=session, sender="+201000000001", text="Q3", media=media)
            assert (await d.sim("incoming", incoming)).ok
            await d.wait_for(session, "message.received")
            pending = await bus.js.key_value(PENDING_MEDIA_BUCKET)
            assert len(await pending.keys()) == 1  # the first attempt failed: still to fetch
        await d.wait_for(session, "session.connected", count=2, timeout=15)  # b took over
        assert (await (await bus.js.key_value(LEASE_BUCKET)).get(session)).value == b"inst-b"
        stored = await d.wait_for(session, "message.media_stored", timeout=15)
        assert len(stored) == 1 and stored[0].payload.size == 50_000  # type: ignore[union-attr]
        assert "message.media_failed" not in await d.types(session)

        async def forgotten() -> bool:  # kept: the handle is deleted
            try:
                await pending.keys()
            except NoKeysError:
                return True
            return False

        await eventually(forgotten)
