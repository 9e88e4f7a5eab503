"""The pending downloads in NATS KV, read back per session right after they are written (what a
restarted or new owner does at once): every file still to fetch, and none that was kept."""

from runtime.bus import Bus
from services.session.adapters.pending_media_kv import open_pending_media
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
