"""The open ``/v1/events`` streams of one gateway, each under the hash of the key that opened it,
so that a revoked key, a client that went away, or a shutdown ends its streams at once."""

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal

__all__ = ["EndReason", "LiveStream", "OpenStreams"]

EndReason = Literal["client_gone", "key_revoked", "key_unverified", "shutdown"]


class LiveStream:
    """One open stream: ``ended`` is set, once, with the first reason to stop."""

    def __init__(self, key_hash: str, client_gone: Callable[[], bool]) -> None:
        self.key_hash = key_hash
        self.client_gone = client_gone
        self.ended = asyncio.Event()
        self.reason: EndReason | None = None

    def end(self, reason: EndReason) -> None:
        if self.reason is None:
            self.reason = reason
            self.ended.set()


class OpenStreams:
    """The registry: opened and closed by each stream's handler, ended from outside."""

    def __init__(self) -> None:
        self._by_key: dict[str, set[LiveStream]] = {}

    def __len__(self) -> int:
        return sum(len(streams) for streams in self._by_key.values())

    @contextmanager
    def opened(self, key_hash: str, client_gone: Callable[[], bool]) -> Iterator[LiveStream]:
        """Registered for the block's duration; nothing of it is kept after."""
        stream = LiveStream(key_hash, client_gone)
        self._by_key.setdefault(key_hash, set()).add(stream)
        try:
            yield stream
        finally:
            streams = self._by_key.get(key_hash, set())
            streams.discard(stream)
            if not streams:
                self._by_key.pop(key_hash, None)

    def revoke(self, key_hash: str) -> int:
        """End every stream opened with this key; how many there were."""
        streams = list(self._by_key.get(key_hash, ()))
        for stream in streams:
            stream.end("key_revoked")
        return len(streams)

    def sweep(self) -> int:
        """End every stream whose client has gone; how many."""
        gone = [
            s
            for streams in self._by_key.values()
            for s in streams
            if s.reason is None and s.client_gone()
        ]
        for stream in gone:
            stream.end("client_gone")
        return len(gone)

    def end_all(self, reason: EndReason) -> None:
        for streams in list(self._by_key.values()):
            for stream in list(streams):
                stream.end(reason)
