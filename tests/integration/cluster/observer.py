"""Watches session ownership while a test breaks things: at a fine interval it records each
instance's own view (which sessions it has a live WhatsApp client for, from its log of every
WhatsApp access) and the lease bucket (read from the stream leader, never a stale replica)."""

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from tests.integration.cluster.processes import ServiceProcess

LEASE_BUCKET = "wa_session_leases"  # services/session/adapters/leases.py
OPENS = {"whatsapp.new_client"}
CLOSES = {"whatsapp.disconnect", "whatsapp.logout", "whatsapp.forget"}


@dataclass(frozen=True)
class Sample:
    at: float  # the event loop's clock
    holders: dict[str, frozenset[str]]  # session -> instances that have a live client for it
    owners: dict[str, str | None] | None  # session -> lease holder; None: the bucket did not answer


class OwnershipObserver:
    def __init__(
        self,
        js: JetStreamContext,
        instances: list[ServiceProcess],
        sessions: list[str],
        interval: float = 0.05,
    ) -> None:
        self.js = js
        self.instances = {p.label: p for p in instances}
        self.sessions = sessions
        self.interval = interval
        self.live: dict[str, set[str]] = {label: set() for label in self.instances}
        self.samples: list[Sample] = []

    def _read_views(self) -> None:
        for label, process in self.instances.items():
            for line in process.new_lines():
                session = line.get("session")
                if line.get("event") in OPENS and session:
                    self.live[label].add(session)
                elif line.get("event") in CLOSES and session:
                    self.live[label].discard(session)

    def instance_died(self, label: str) -> None:
        """A killed process's clients died with it (after its last log lines are read)."""
        self._read_views()
        self.live[label].clear()

    async def _owner(self, session: str) -> str | None:
        try:
            msg = await self.js.get_last_msg(f"KV_{LEASE_BUCKET}", f"$KV.{LEASE_BUCKET}.{session}")
        except NotFoundError:
            return None
        operation = (msg.headers or {}).get("KV-Operation")
        return None if operation in ("DEL", "PURGE") or not msg.data else msg.data.decode()

    async def lease_owners(self) -> dict[str, str | None]:
        found = await asyncio.gather(*(self._owner(s) for s in self.sessions))
        return dict(zip(self.sessions, found, strict=True))

    async def sample(self) -> Sample:
        self._read_views()  # views first: a lease is taken before its client starts
        holders = {
            s: frozenset(label for label, live in self.live.items() if s in live)
            for s in self.sessions
        }
        owners: dict[str, str | None] | None
        try:
            owners = await self.lease_owners()
        except Exception:  # a node is down or a leader is being elected
            owners = None
        taken = Sample(asyncio.get_running_loop().time(), holders, owners)
        self.samples.append(taken)
        return taken

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.sample()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)

    def violations(self, origin: float = 0.0) -> list[str]:
        """Spans when a session had two live clients, or a client on an instance that did not
        hold its lease; one line per session and kind, times in seconds after ``origin``."""
        spans: dict[tuple[str, str], list[float]] = {}
        for sample in self.samples:
            for session, holders in sample.holders.items():
                owner = sample.owners.get(session) if sample.owners else None
                if len(holders) > 1:
                    kind = f"live on {sorted(holders)}"
                elif sample.owners is not None and holders and holders != {owner}:
                    kind = f"live on {set(holders)} while the lease is {owner}"
                else:
                    continue
                spans.setdefault((session, kind), []).append(sample.at - origin)
        return [
            f"{session}: {kind}, {len(times)} samples from {times[0]:+.2f} s to {times[-1]:+.2f} s"
            for (session, kind), times in spans.items()
        ]

    def first(self, after: float, condition: Callable[[Sample], bool]) -> Sample | None:
        return next((s for s in self.samples if s.at >= after and condition(s)), None)
