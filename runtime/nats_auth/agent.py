"""Keeps one NATS server's user list in step with the issued tenant credentials.

Beside each server (``wa up``'s embedded one, each cluster node) an agent watches the
``wa_bus_users`` KV bucket, writes the server's users include (the fixed service users plus
every credential in the bucket) and makes the server reload it. A revoked credential's user
is gone from the list, so the server closes its connections at once, and its consumer is
deleted. No restart, and every node of a cluster follows the same bucket."""

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import msgspec
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig
from nats.js.errors import NotFoundError
from nats.js.kv import KeyValue

from contracts.bus import BUS_USERS_BUCKET, BusCredential
from contracts.subjects import EVENTS_STREAM
from runtime.logging import get_logger
from runtime.nats_auth.permissions import subscriber_permissions
from runtime.nats_auth.users import ServerUser, render_users, write_private
from runtime.nats_buckets import open_kv

__all__ = ["Stopping", "UsersAgent", "open_bus_users"]

log = get_logger(__name__)


class Stopping(Protocol):
    """An asyncio or a threading event: the agent polls it."""

    def is_set(self) -> bool: ...


_decoder = msgspec.json.Decoder(BusCredential)


async def open_bus_users(js: JetStreamContext, replicas: int = 1) -> KeyValue:
    return await open_kv(js, KeyValueConfig(bucket=BUS_USERS_BUCKET, history=1, replicas=replicas))


def _server_user(credential: BusCredential) -> ServerUser:
    return ServerUser(
        user=credential.user,
        password_hash=credential.password_hash,
        permissions=subscriber_permissions(credential.user, credential.tenant),
    )


class UsersAgent:
    """Renders ``users_file`` from ``fixed`` users and the bucket; ``reload`` applies it."""

    def __init__(self, fixed: list[ServerUser], users_file: Path, reload: Callable[[], None]):
        self._fixed = fixed
        self._file = users_file
        self._reload = reload
        self._issued: dict[str, BusCredential] = {}
        self._loaded = b""  # the users file as the server last read it
        self.checked = 0  # how many times it caught up with the bucket and compared
        self.applied = 0  # how many times the file was written and the server told to reload

    def _render(self) -> bytes:
        return render_users([*self._fixed, *(_server_user(c) for c in self._issued.values())])

    def write(self) -> None:
        """Write the users file; the server must then read it (it starts, or reloads)."""
        self._loaded = self._render()
        write_private(self._file, self._loaded)

    def apply(self) -> None:
        """Reload the server if its users have changed. A reload re-checks every connection,
        and one still between INFO and CONNECT fails it and is cut off: catching up after a
        start or a reconnect, which usually changes nothing, must not cost clients that."""
        self.checked += 1
        if self._render() == self._loaded:
            return
        self.write()
        self._reload()
        self.applied += 1
        log.info("bus_users.applied", credentials=len(self._issued))

    def _take(self, entry: KeyValue.Entry) -> list[str]:
        """Record one bucket update; the users it revoked."""
        if entry.operation in ("DEL", "PURGE"):
            gone = self._issued.pop(entry.key, None)
            return [gone.user] if gone else []
        self._issued[entry.key] = _decoder.decode(entry.value or b"")
        return []

    async def run(self, js: JetStreamContext, stop: Stopping, replicas: int = 1) -> None:
        kv = await open_bus_users(js, replicas)
        watcher = await kv.watchall()
        revoked: list[str] = []
        caught_up = False
        try:
            while not stop.is_set():
                try:
                    entry = await watcher.updates(timeout=0.5)  # type: ignore[no-untyped-call]
                except TimeoutError:
                    continue
                more = False
                if entry is None:  # the bucket's current contents have all arrived
                    caught_up = True
                else:
                    more = bool(entry.delta)  # further updates are already on their way
                    revoked += self._take(entry)
                if caught_up and not more:
                    self.apply()
                    await _delete_consumers(js, revoked)
                    revoked = []
        finally:
            with contextlib.suppress(Exception):
                await watcher.stop()  # type: ignore[no-untyped-call]


async def _delete_consumers(js: JetStreamContext, users: list[str]) -> None:
    for user in users:
        with contextlib.suppress(NotFoundError):
            await js.delete_consumer(EVENTS_STREAM, user)
