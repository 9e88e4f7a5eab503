"""The pending downloads in NATS KV, read back per session right after they are written (what a
restarted or new owner does at once): every file still to fetch, and none that was kept."""

from nats.js.kv import KeyValue

from runtime.bus import Bus
from services.session.adapters.pending_media_kv import READS_IN_FLIGHT, open_pending_media
from services.session.service_layer.pending_media import PendingMedia


def _item(session: str, message_id: str) -> PendingMedia:
    return PendingMedia(
        tenant="t1", session=session, message_id=message_id, chat_jid="1@s.whatsapp.net",
        mime="video/mp4", media_ref=b"\x00secret-handle",
    )  # fmt: skip


async def test_each_session_reads_back_its_pending_files_and_not_the_kept_ones(bus: Bus) -> None:
    store = await open_pending_media(bus.js, replicas=1, max_age_s=0)
    for round_ in range(20):  # read at once after each write: the watcher's race showed here
        kept, pending = _item("s1", f"kept {round_}"), _item("s1", f"m.{round_}/*>")
        await store.add(_item("s2", f"other {round_}"))
        await store.add(kept)
        await store.add(pending)
        await store.remove("t1", "s1", kept.message_id)
        mine = await store.of_session("t1", "s1")
        assert {m.message_id for m in mine} == {f"m.{n}/*>" for n in range(round_ + 1)}
    assert len(await store.of_session("t1", "s2")) == 20
    assert await store.of_session("t2", "s1") == []


async def test_a_session_with_many_kept_files_reads_its_pending_ones_a_few_at_once(
    bus: Bus,
) -> None:
    store = await open_pending_media(bus.js, replicas=1, max_age_s=0)
    kept = [_item("s3", f"kept {n}") for n in range(200)]
    pending = [_item("s3", f"pending {n}") for n in range(3)]
    for item in (*kept, *pending):
        await store.add(item)
    for item in kept:  # their keys stay listed, as purge markers
        await store.remove("t1", "s3", item.message_id)
    get, in_flight, peak = store._kv.get, 0, 0

    async def counted(key: str) -> KeyValue.Entry:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            return await get(key)
        finally:
            in_flight -= 1

    store._kv.get = counted  # type: ignore[method-assign]
    mine = await store.of_session("t1", "s3")
    assert sorted(m.message_id for m in mine) == sorted(m.message_id for m in pending)
    assert 1 < peak <= READS_IN_FLIGHT  # concurrent, and bounded
