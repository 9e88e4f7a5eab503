"""A stand-in store for gateway tests: a real responder on the store's query subject that
shows every session as connected, and can stay quiet for the next N read-your-writes waits
(a query with ``min_sequence``), like a store that died after the gateway's first read."""

from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from contracts.commands import Refused
from contracts.queries import GetSession, Query, SessionView
from contracts.subjects import query_subject
from runtime.bus import Bus

_queries: msgspec.json.Decoder[Query] = msgspec.json.Decoder(Query)
_encoder = msgspec.json.Encoder()


@dataclass
class StandInStore:
    bus: Bus
    quiet_waits: int = 0
    waits_seen: int = 0
    _sub: Subscription | None = None

    async def start(self) -> None:
        nc = self.bus.nc
        self._sub = await nc.subscribe(query_subject("store"), queue="store", cb=self._on)
        await nc.flush()

    async def stop(self) -> None:
        if self._sub is not None:
            await self._sub.unsubscribe()

    async def _on(self, msg: Msg) -> None:
        reply = self._answer(_queries.decode(msg.data))
        if reply is not None:  # None: no reply at all, the asker waits out its timeout
            await msg.respond(_encoder.encode(reply))

    def _answer(self, query: Query) -> SessionView | Refused | None:
        if not isinstance(query, GetSession):
            return Refused(code="bad_query", message="the stand-in answers GetSession only")
        if query.min_sequence:
            self.waits_seen += 1
            if self.quiet_waits > 0:
                self.quiet_waits -= 1
                return None
        return SessionView(
            id=query.session, tenant=query.tenant, name="Sales", status="connected",
            created_at=datetime.now(UTC),
        )  # fmt: skip
