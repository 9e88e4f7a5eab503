"""A download that waited for a free slot runs on the client live when it gets one: never on a
client stopped while it waited, and a drop while it waited costs it no attempt."""

import asyncio
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, cast

from contracts.events import MessageMediaFailed, MessageMediaStored
from services.session.adapters.whatsapp.port import DownloadFailed
from services.session.domain.pacing import Pacer
from services.session.domain.session import Session
from services.session.service_layer.downloads import DownloadPolicy, MediaDownloads
from services.session.service_layer.media_files import KeptFile, NoMediaFiles
from services.session.service_layer.pending_media import MemoryPendingMedia, PendingMedia
from services.session.service_layer.session_runtime import SessionRuntime
from tests.support.waiting import eventually


class Files(NoMediaFiles):
    def __init__(self) -> None:
        self.looked: set[str] = set()

    async def kept(self, tenant: str, session: str, message_id: str) -> KeptFile | None:
        self.looked.add(message_id)  # the fetch goes on, without yielding, to its slot
        return None

    async def keep(
        self, tenant: str, session: str, message_id: str, data: bytes, mime: str
    ) -> KeptFile:
        return KeptFile(size=len(data), sha256="0" * 64)


class Client:
    """A WhatsApp client double: a held one's first fetch waits for ``release``; a stopped one
    fails."""

    def __init__(self, *, hold: bool = False, fail_if_stopped: bool = False) -> None:
        self.hold, self.fail_if_stopped = hold, fail_if_stopped
        self.fetched: list[bytes] = []
        self.fetching, self.release = asyncio.Event(), asyncio.Event()
        self.stopped = False

    async def download_media(self, *, media_ref: bytes) -> bytes:
        if self.stopped:
            raise DownloadFailed("client stopped")
        self.fetched.append(media_ref)
        self.fetching.set()
        if self.hold and len(self.fetched) == 1:
            await self.release.wait()
            if self.fail_if_stopped and self.stopped:
                raise DownloadFailed("stopped during the fetch")
        return media_ref


async def until(condition: Callable[[], bool]) -> None:
    async def probe() -> bool:
        return condition()

    await eventually(probe)


def item(message_id: str) -> PendingMedia:
    return PendingMedia(
        tenant="t", session="s", message_id=message_id, chat_jid="1@s.whatsapp.net",
        mime="application/pdf", media_ref=message_id.encode(),
    )  # fmt: skip


class World:
    """MediaDownloads with one slot over in-memory ports, for a session online on ``client``."""

    def __init__(self, client: Client) -> None:
        self.facts: list[Any] = []
        self.files, self.tasks = Files(), set[asyncio.Task[None]]()

        async def publish_fact(rt: SessionRuntime, payload: Any, event_id: str | None) -> None:
            self.facts.append(payload)

        async def no_wait(_: float) -> None:
            return None

        def spawn(coro: Any) -> None:
            self.tasks.add(asyncio.ensure_future(coro))

        deps = SimpleNamespace(downloads=DownloadPolicy(concurrency=1),
                               pending_media=MemoryPendingMedia(), media=self.files)  # fmt: skip
        core = SimpleNamespace(deps=deps, spawn=spawn, publish_fact=publish_fact)
        self.downloads = MediaDownloads(cast(Any, core), sleep=no_wait)
        self.rt = SessionRuntime(state=Session(tenant="t", session="s", status="connected"),
                                 pacer=cast(Pacer, None), client=cast(Any, client))  # fmt: skip
        self.rt.online.set()

    def drop(self, client: Client) -> None:
        self.rt.online.clear()  # the session drops: its client is stopped
        client.stopped, self.rt.client = True, None

    def reconnect(self, client: Client) -> None:
        self.rt.generation += 1
        self.rt.client = cast(Any, client)
        self.rt.online.set()

    def stored(self) -> list[tuple[str, int]]:
        assert not any(isinstance(f, MessageMediaFailed) for f in self.facts)
        return [(f.message_id, f.attempts) for f in self.facts if isinstance(f, MessageMediaStored)]


async def test_a_download_waiting_for_a_slot_skips_the_client_stopped_meanwhile() -> None:
    old, new = Client(hold=True), Client()
    w = World(old)
    downloads, files, facts, rt = w.downloads, w.files, w.facts, w.rt
    await downloads.received(rt, item("m1"))
    await until(old.fetching.is_set)  # m1 holds the only slot
    await downloads.received(rt, item("m2"))
    await until(lambda: "m2" in files.looked)  # m2 waits for the slot

    w.drop(old)
    old.release.set()  # m1 ends (its bytes were in), the slot is free while offline
    await until(lambda: len(facts) == 1)

    w.reconnect(new)
    await until(lambda: len(facts) == 2)
    await asyncio.gather(*w.tasks)
    assert old.fetched == [b"m1"] and new.fetched == [b"m2"]
    assert w.stored() == [("m1", 1), ("m2", 1)]


async def test_a_fetch_cut_by_a_drop_costs_no_attempt() -> None:
    old, new = Client(hold=True, fail_if_stopped=True), Client()
    w = World(old)
    await w.downloads.received(w.rt, item("m1"))
    await until(old.fetching.is_set)
    w.drop(old)
    old.release.set()  # the stopped client's fetch fails
    w.reconnect(new)
    await until(lambda: len(w.facts) == 1)
    await asyncio.gather(*w.tasks)
    assert new.fetched == [b"m1"] and w.stored() == [("m1", 1)]
