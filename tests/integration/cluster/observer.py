"""Watches session ownership while a test breaks things. At a fine interval it records two
views of each instance, first, and then the lease bucket (read from the stream's leader, never
a stale replica), so a lease is always seen taken before the client it allows:
- ``logged``: the clients it made and has not stopped, from its log of every WhatsApp access;
- ``online``: the clients its simulator reports online (``wa.sim.sent.<instance>``)."""

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass

import msgspec
from nats.aio.client import Client
from nats.js.errors import NotFoundError

from contracts.simulator import SimSent, SimSentReply
from contracts.subjects import sim_subject
from tests.integration.cluster.processes import ServiceProcess

LEASE_BUCKET = "wa_session_leases"  # services/session/adapters/leases.py
OPENS = {"whatsapp.new_client"}
CLOSES = {"whatsapp.disconnect", "whatsapp.logout", "whatsapp.forget"}
View = dict[str, frozenset[str]]  # session -> the instances that have a client for it
_encoder = msgspec.json.Encoder()
_sent = msgspec.json.Decoder(SimSentReply)


@dataclass(frozen=True)
class Sample:
    at: float  # the event loop's clock
    logged: View
    online: View  # from the instances that answered (``silent``: those that did not)
    silent: frozenset[str]
    owners: dict[str, str | None] | None  # session -> lease holder; None: no answer


class OwnershipObserver:
    def __init__(
        self,
        nc: Client,
        instances: list[ServiceProcess],
        sessions: list[str],
        *,
        interval: float = 0.05,
        timeout: float = 0.25,  # short, so the views are still sampled while leaders change
    ) -> None:
        self.nc = nc
        self.js = nc.jetstream(timeout=timeout)
        self.timeout = timeout
        self.instances = {p.label: p for p in instances}
        self.sessions = sessions
        self.interval = interval
        self.made: dict[str, set[str]] = {label: set() for label in self.instances}
        self.dead: set[str] = set()
        self.samples: list[Sample] = []

    def _read_logs(self) -> None:
        for label, process in self.instances.items():
            for line in process.new_lines():
                session = line.get("session")
                if line.get("event") in OPENS and session:
                    self.made[label].add(session)
                elif line.get("event") in CLOSES and session:
                    self.made[label].discard(session)

    def instance_died(self, label: str) -> None:
        """A killed process's clients died with it (after its last log lines are read)."""
        self._read_logs()
        self.made[label].clear()
        self.dead.add(label)

    async def _online(self, label: str) -> set[str] | None:
        async def one(session: str) -> bool:
            subject = sim_subject(f"sent.{label}")
            msg = await self.nc.request(subject, _encoder.encode(SimSent(session=session)), 1)
            return _sent.decode(msg.data).connected

        try:
            found = await asyncio.wait_for(
                asyncio.gather(*(one(s) for s in self.sessions)), self.timeout
            )
        except Exception:
            return None
        return {s for s, connected in zip(self.sessions, found, strict=True) if connected}

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

    def _view(self, clients: dict[str, set[str]]) -> View:
        return {s: frozenset(i for i, made in clients.items() if s in made) for s in self.sessions}

    async def sample(self) -> Sample:
        alive = [label for label in self.instances if label not in self.dead]
        answers = await asyncio.gather(*(self._online(label) for label in alive))
        self._read_logs()
        online = {label: found for label, found in zip(alive, answers, strict=True) if found}
        silent = frozenset(
            label for label, found in zip(alive, answers, strict=True) if found is None
        )
        owners: dict[str, str | None] | None
        try:
            owners = await self.lease_owners()
        except Exception:  # a node is down or a leader is being elected
            owners = None
        now = asyncio.get_running_loop().time()
        taken = Sample(now, self._view(self.made), self._view(online), silent, owners)
        self.samples.append(taken)
        return taken

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.sample()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)

    def violations(self, origin: float = 0.0) -> list[str]:
        """Spans when a session had clients on two instances, or a client on an instance that
        did not hold its lease; one line per session and kind, in seconds after ``origin``."""
        spans: dict[tuple[str, str], list[float]] = {}
        for sample in self.samples:
            for name, view in (("made", sample.logged), ("online", sample.online)):
                for session, holders in view.items():
                    owner = sample.owners.get(session) if sample.owners else None
                    if len(holders) > 1:
                        kind = f"{name} on {sorted(holders)}"
                    elif sample.owners is not None and holders and holders != {owner}:
                        kind = f"{name} on {set(holders)} while the lease is {owner}"
                    else:
                        continue
                    spans.setdefault((session, kind), []).append(sample.at - origin)
        return [
            f"{session}: client {kind}, {len(times)} samples, {times[0]:+.2f}..{times[-1]:+.2f} s"
            for (session, kind), times in spans.items()
        ]

    def first(self, after: float, condition: Callable[[Sample], bool]) -> Sample | None:
        return next((s for s in self.samples if s.at >= after and condition(s)), None)
