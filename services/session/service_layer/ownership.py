"""Which sessions this instance runs: leases taken on start and on demand, renewed, and a
session whose lease is lost (or cannot be renewed in time) is stopped before it can expire."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Protocol

from runtime.logging import get_logger
from services.session.domain.session import LIVE, Session
from services.session.service_layer.lifecycle import Lifecycle
from services.session.service_layer.session_runtime import SessionRuntime
from services.session.service_layer.take_locks import TakeLocks

__all__ = ["Leases", "Ownership", "SessionStates"]

log = get_logger(__name__)
FENCE_AT = 0.5  # stop a client when its lease was last renewed this fraction of a TTL ago
# Renewals run every TTL/4 and wait at most TTL/8, so a client is stopped at most 0.875 TTL
# after the start of its last successful renewal: before the lease can expire.
TAKE_CONCURRENCY = 64  # lease round trips (and client starts) in flight when taking many


class Leases(Protocol):
    """Session ownership leases (NATS KV in production)."""

    instance: str

    def holds(self, session: str) -> bool: ...
    def held(self) -> list[str]: ...
    async def owner(self, session: str) -> str | None: ...
    async def acquire(self, session: str) -> bool: ...
    async def renew(self, session: str) -> bool: ...
    async def release(self, session: str) -> None: ...
    def forget(self, session: str) -> None: ...


class SessionStates(Protocol):
    """The service's own projection of its sessions (``adapters/state_db.py`` in production)."""

    async def load(self, session: str) -> Session | None: ...
    async def load_all(self) -> list[Session]: ...


class Ownership:
    def __init__(
        self,
        lifecycle: Lifecycle,
        leases: Leases,
        db: SessionStates,
        caught_up: Callable[[], Awaitable[None]],
        ttl_s: float,
    ) -> None:
        self.lifecycle = lifecycle
        self.core = lifecycle.core
        self.leases = leases
        self.db = db
        self.caught_up = caught_up
        self.ttl_s = ttl_s
        self._taking = TakeLocks()
        self._renewed_at: dict[str, float] = {}
        self._adopting: asyncio.Task[None] | None = None

    async def take(self, session: str, *, new: bool = False) -> SessionRuntime | None:
        """Hold ``session`` here if its lease is free or ours; None if another instance has it."""
        async with self._taking.holding([session]):
            rt = self.core.runtimes.get(session)
            if rt is not None:
                return rt
            started = asyncio.get_running_loop().time()
            if not await self.leases.acquire(session):
                return None
            self._renewed_at[session] = started
            await self.caught_up()
            state = await self.db.load(session)
            if state is None or state.status == "deleted":
                if not new:
                    await self.leases.release(session)
                return None
            return await self._resume(state)

    async def _resume(self, state: Session) -> SessionRuntime:
        rt = self._adopt(state)
        async with rt.lock:
            await self._start(rt)
        return rt

    def _adopt(self, state: Session) -> SessionRuntime:
        rt = self.core.adopt(state)
        self.lifecycle.ensure_outbox(rt)
        return rt

    async def _start(self, rt: SessionRuntime) -> None:
        """Start the client of a live session still held here (under its lock)."""
        if rt.state.status in LIVE and self.core.runtimes.get(rt.session) is rt:
            log.info(
                "session.resuming", tenant=rt.tenant, session=rt.session, status=rt.state.status
            )
            await self.lifecycle.start_client(rt)

    async def start(self) -> None:
        await self.caught_up()
        states = await self.db.load_all()
        await self.take_many([state.session for state in states if state.status != "deleted"])

    async def take_many(self, sessions: list[str]) -> None:
        """``take`` for many sessions at once (start-up, orphans): the leases are acquired
        concurrently, then each taken session is resumed from one read of the projection made
        after the last lease was taken, so what a previous holder wrote is seen, as in ``take``."""
        async with self._taking.holding(sessions):
            sessions = [session for session in sessions if session not in self.core.runtimes]
            gate = asyncio.Semaphore(TAKE_CONCURRENCY)
            started = asyncio.get_running_loop().time()
            taken = await asyncio.gather(*(self._acquire(session, gate) for session in sessions))
            held = [session for session, ok in zip(sessions, taken, strict=True) if ok]
            if not held:
                return
            for session in held:
                self._renewed_at[session] = started
            await self.caught_up()
            states = {state.session: state for state in await self.db.load_all()}
            kept: list[Session] = []
            for session in held:
                state = states.get(session)
                if state is None or state.status == "deleted":
                    await self.leases.release(session)
                else:
                    kept.append(state)
            # Held from here on (renewed, fenced), while the clients start 64 at a time.
            runtimes = [self._adopt(state) for state in kept]
            await asyncio.gather(*(self._start_gated(rt, gate) for rt in runtimes))

    async def _acquire(self, session: str, gate: asyncio.Semaphore) -> bool:
        async with gate:
            try:
                return await self.leases.acquire(session)
            except Exception as exc:  # NATS slow or away: adopted as an orphan later
                log.warning("lease.acquire_failed", session=session, error=repr(exc))
                return False

    async def _start_gated(self, rt: SessionRuntime, gate: asyncio.Semaphore) -> None:
        async with gate, rt.lock:
            await self._start(rt)  # unless fenced meanwhile

    async def forget(self, session: str) -> None:
        self._renewed_at.pop(session, None)
        await self.leases.release(session)

    async def run(self, stop: asyncio.Event) -> None:
        """Renew every ttl/4; fence what cannot be renewed; adopt live sessions left ownerless."""
        ticks = 0
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.ttl_s / 4)
            if stop.is_set():
                return
            await self._renew_all()
            ticks += 1
            # Adoption may wait on a KV bucket that is electing a leader: never let it hold
            # back the renew-or-fence beat above.
            if ticks % 2 == 0 and (self._adopting is None or self._adopting.done()):
                self._adopting = asyncio.create_task(self._adopt_quietly())

    async def _adopt_quietly(self) -> None:
        with contextlib.suppress(Exception):
            await self._adopt_orphans()

    async def _renew_all(self) -> None:
        loop = asyncio.get_running_loop()
        sessions = list(self.core.runtimes)
        started = loop.time()
        results = await asyncio.gather(
            *(asyncio.wait_for(self.leases.renew(s), self.ttl_s / 8) for s in sessions),
            return_exceptions=True,
        )
        for session, renewed in zip(sessions, results, strict=True):
            if renewed is True:
                self._renewed_at[session] = started
                continue
            if isinstance(renewed, BaseException):  # NATS unreachable or slow: maybe next time
                rt = self.core.runtimes.get(session)
                tenant = rt.tenant if rt is not None else None
                log.warning(
                    "lease.renew_failed", tenant=tenant, session=session, error=repr(renewed)
                )
            held_for = loop.time() - self._renewed_at.setdefault(session, started)
            if renewed is False or held_for > FENCE_AT * self.ttl_s:
                await self._fence(session)

    async def _fence(self, session: str) -> None:
        rt = self.core.runtimes.get(session)
        if rt is not None:
            log.warning("lease.lost", tenant=rt.tenant, session=session)
            await self.lifecycle.release(rt)
        self._renewed_at.pop(session, None)
        self.leases.forget(session)  # a revision we could not renew proves nothing any more

    async def _adopt_orphans(self) -> None:
        states = await self.db.load_all()
        live = [
            s.session for s in states if s.status in LIVE and s.session not in self.core.runtimes
        ]
        owners = await asyncio.gather(*(self.leases.owner(session) for session in live))
        await self.take_many([s for s, owner in zip(live, owners, strict=True) if owner is None])
