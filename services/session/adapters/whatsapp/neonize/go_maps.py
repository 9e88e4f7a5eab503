"""neonize's Go layer keeps its clients in maps without a lock (``clients``, ``StopSignal``,
``eventChannel``): ``Neonize()`` writes them while it registers a new client, ``Stop`` deletes
from them, and every other exported call reads them at its start. A write racing a write or a
read is a fatal error no Python code can catch. So in a process the Go calls pass a
readers-writer gate:

- a creation holds the exclusive side from its Go call's start until that client is
  registered (its first event or QR code, the end of the call, or ``grace``); every Stop holds
  it for its call. A waiting Stop goes before waiting creations, and any waiting writer before
  later readers, so a Stop (perhaps for a lost lease) waits for one creation at most;
- every other Go call (``run`` / ``begin``) holds the shared side from before it is submitted
  until its first pool job has begun, plus ``READ_GRACE_S``, then lets go: a long send or
  download never holds a Stop back for its whole length.

What is left: the Go call reads the maps just after its thread begins it; ``READ_GRACE_S`` is a
bound on that gap (a thread descheduled longer still races), not a proof. An operation of
several Go calls is covered up to its first pool job only: create_group's ``CreateGroup`` after
its ``GenerateMessageID``, a media build's upload after neonize read the file, a caption's
group-mention lookups. Whatever slips through kills one worker process, which isolation
contains (its sessions reconnect).
"""

import asyncio
import contextlib
import inspect
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol, TypeVar

from services.session.adapters.whatsapp.neonize.registration import first
from services.session.adapters.whatsapp.neonize.threads import CallNeverStarted, GoCallStart

__all__ = ["READ_GRACE_S", "Gated", "GoMaps", "go_maps"]

T = TypeVar("T")
READ_GRACE_S = 0.1  # after a reading Go call's thread began it, before a writer may go


class Gated(Protocol):
    """A Go call run under the gate's shared side."""

    async def __call__(self, call: Awaitable[T], /) -> T: ...


class GoMaps:
    """The gate: readers share it, one writer holds it alone; writers go before later readers,
    and a waiting Stop before waiting creations."""

    def __init__(self, *, grace_s: float = READ_GRACE_S) -> None:
        self.grace_s = grace_s
        self._readers = 0
        self._writing = False
        self._writers = 0  # waiting ones
        self._stops = 0  # waiting ones
        self._wakes: list[asyncio.Future[None]] = []

    def _wake(self) -> None:
        wakes, self._wakes = self._wakes, []
        for wake in wakes:
            if not wake.done():
                wake.set_result(None)

    async def _until(self, ready: Callable[[], bool]) -> None:
        while not ready():
            wake = asyncio.get_running_loop().create_future()
            self._wakes.append(wake)
            await wake

    @contextlib.asynccontextmanager
    async def _exclusive(self, stop: bool) -> AsyncIterator[None]:
        self._writers += 1
        self._stops += stop
        try:
            await self._until(
                lambda: not (self._writing or self._readers or (self._stops and not stop))
            )
        finally:
            self._writers -= 1
            self._stops -= stop
            self._wake()  # readers held back for this writer look again if it gave up
        self._writing = True
        try:
            yield
        finally:
            self._writing = False
            self._wake()

    def stopping(self) -> contextlib.AbstractAsyncContextManager[None]:
        return self._exclusive(stop=True)

    def creating(self) -> contextlib.AbstractAsyncContextManager[None]:
        return self._exclusive(stop=False)

    async def begin(
        self, make: Callable[[], Awaitable[T]], *, queue_s: float
    ) -> "asyncio.Future[T]":
        """``make()``'s Go call, begun under the shared side (released again); raises
        CallNeverStarted when the gate or a thread was not free within ``queue_s`` each (it
        then never runs: a stuck Stop holds no read back for ever)."""
        try:
            await asyncio.wait_for(
                self._until(lambda: not (self._writing or self._writers)), queue_s
            )
        except TimeoutError as exc:
            raise CallNeverStarted(
                f"a creation or Stop held the Go maps for {queue_s:g} s"
            ) from exc
        self._readers += 1
        try:
            start = GoCallStart()
            call = start.submit_under(make)
            try:
                if not await first(start.started, call, queue_s) and start.abandon():
                    raise CallNeverStarted(f"no thread was free within {queue_s:g} s")
                if self.grace_s > 0 and not call.done():
                    await asyncio.wait({call}, timeout=self.grace_s)
            except BaseException:
                call.cancel()
                raise
        finally:
            self._readers -= 1
            self._wake()
        return call

    async def run(self, call: Awaitable[T], *, queue_s: float) -> T:
        """``call`` under the shared side until it has begun; its result."""
        submitted = False

        def make() -> Awaitable[T]:
            nonlocal submitted
            submitted = True
            return call

        try:
            begun = await self.begin(make, queue_s=queue_s)
        except BaseException:
            if not submitted and inspect.iscoroutine(call):
                call.close()  # never submitted: no "never awaited" warning
            raise
        return await begun


_locks: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, GoMaps]" = weakref.WeakKeyDictionary()


def go_maps() -> GoMaps:
    """The gate around every Go call, one per process (per loop)."""
    return _locks.setdefault(asyncio.get_running_loop(), GoMaps())
