"""What the takeover test does to the deployment, each step retried while the cluster heals:
sessions created and paired over the session commands and the simulator's verbs, incoming
messages delivered, and what the log and the store say afterwards."""

import asyncio
from typing import Any, TypeVar

import msgspec

from contracts.commands import Accepted, CreateSession, PairSession
from contracts.envelope import Envelope
from contracts.ids import new_id
from contracts.queries import GetSession, ListMessages, MessageList, QueryReply, SessionView
from contracts.simulator import SimIncoming, SimReply, SimScan
from contracts.subjects import query_subject
from runtime.bus import Bus
from tests.integration.session.harness import Driver

T = TypeVar("T")
TENANT, PHONE, SENDER = "t1", "+201234567890", "+201001234568"
_encoder = msgspec.json.Encoder()
_query_reply: msgspec.json.Decoder[QueryReply] = msgspec.json.Decoder(QueryReply)


async def retried(attempt: Any, accept: Any, tries: int = 100) -> Any:
    """Call ``attempt()`` until ``accept(result)``; a timeout while a node is down is retried."""
    last: Any = None
    for _ in range(tries):
        try:
            last = await attempt()
            if accept(last):
                return last
        except Exception as exc:
            last = exc
        await asyncio.sleep(0.05)
    raise AssertionError(f"never accepted: {last!r}")


class Scenario:
    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self.driver = Driver(bus, tenant=TENANT)
        self.sent: dict[str, list[str]] = {}  # session -> incoming message ids, in order

    async def create(self) -> str:
        session = new_id()
        command = CreateSession(tenant=TENANT, session=session, name="Sales")
        await retried(lambda: self.driver.command(command), lambda r: isinstance(r, Accepted))
        self.sent[session] = []
        return session

    async def pair(self, session: str) -> None:
        pair = PairSession(tenant=TENANT, session=session)
        await retried(lambda: self.driver.command(pair), lambda r: isinstance(r, Accepted))
        # the simulator's verbs reach any instance; only the one running the client can scan
        scan = SimScan(session=session, phone=PHONE)
        await retried(lambda: self.driver.sim("scan", scan), lambda r: r.ok)

    async def incoming(self, session: str, *, live: bool) -> SimReply:
        """One message to ``session``; ``live``: retry until a live client took it."""
        message_id = f"IN-{session[-8:]}-{len(self.sent[session])}"
        self.sent[session].append(message_id)
        message = SimIncoming(
            session=session, sender=SENDER, text=message_id, message_id=message_id
        )

        def accept(reply: SimReply) -> bool:
            return reply.ok and (reply.error is None or not live)

        reply: SimReply = await retried(lambda: self.driver.sim("incoming", message), accept)
        return reply

    async def events(self, session: str) -> list[Envelope]:
        found: list[Envelope] = await retried(lambda: self.driver.events(session), bool)
        return found

    async def query(self, query: Any, kind: type[T]) -> T:
        async def ask() -> QueryReply:
            msg = await self.bus.nc.request(query_subject("store"), _encoder.encode(query), 5)
            return _query_reply.decode(msg.data)

        reply: T = await retried(ask, lambda r: isinstance(r, kind))
        return reply

    async def store_view(self, session: str, min_sequence: int) -> tuple[str, list[str]]:
        """The store's status of ``session`` and its message ids, once it has read the log."""
        view = await self.query(
            GetSession(tenant=TENANT, session=session, min_sequence=min_sequence), SessionView
        )
        listed = await self.query(
            ListMessages(tenant=TENANT, session=session, limit=200), MessageList
        )
        return view.status, sorted(m.message_id for m in listed.items)
