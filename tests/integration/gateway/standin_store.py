"""A stand-in store for gateway tests: a real responder on the store's query subject that
shows every session as connected, and can stay quiet for the next N read-your-writes waits
(a query with ``min_sequence``), like a store that died after the gateway's first read."""

from dataclasses import dataclass
from datetime import UTC, datetime

from nats.aio.subscription import Subscription

from contracts.commands import Refused
from contracts.queries import GetSession, Query, SessionView
from contracts.subjects import query_subject
from runtime.bus import Bus
from runtime.rpc import serve_typed


class NoAnswer(Exception):
    """Raised by the responder so that the query gets no reply (rpc.serve logs it)."""


@dataclass
class StandInStore:
    bus: Bus
    quiet_waits: int = 0
    waits_seen: int = 0
    _sub: Subscription | None = None

    async def start(self) -> None:
        self._sub = await serve_typed(
            self.bus.nc, query_subject("store"), Query, self._on, queue="store", malformed="bad"
        )

    async def stop(self) -> None:
        if self._sub is not None:
            await self._sub.unsubscribe()

    async def _on(self, query: Query) -> SessionView | Refused:
        if not isinstance(query, GetSession):
            return Refused(code="bad_query", message="the stand-in answers GetSession only")
        if query.min_sequence:
            self.waits_seen += 1
            if self.quiet_waits > 0:
                self.quiet_waits -= 1
                raise NoAnswer(query.session)
        return SessionView(
            id=query.session, tenant=query.tenant, name="Sales", status="connected",
            created_at=datetime.now(UTC),
        )  # fmt: skip
