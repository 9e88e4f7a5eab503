"""The simulator as a WhatsApp port: makes simulated clients over one persistent server."""

from pathlib import Path

from contracts.simulator import SimPairingFault
from services.session.adapters.whatsapp.port import ClientEvents, WhatsAppClient, WhatsAppPort
from services.session.adapters.whatsapp.simulator.client import SimClient
from services.session.adapters.whatsapp.simulator.server import SimServer

__all__ = ["SimulatorPort"]


class SimulatorPort(WhatsAppPort):
    """Keeps the latest client of each session, and counts what was asked of it."""

    def __init__(self, data_dir: Path, *, qr_ttl_s: float = 20.0) -> None:
        self.server = SimServer(data_dir / "simulator")
        self.qr_ttl_s = qr_ttl_s
        self.clients: dict[str, SimClient] = {}
        self.clients_created: dict[str, int] = {}
        self.send_calls: dict[str, int] = {}
        self.connect_calls: dict[str, int] = {}
        self.pairing_faults: dict[str, SimPairingFault] = {}  # for each session's next pairing

    def new_client(self, *, tenant: str, session: str, events: ClientEvents) -> WhatsAppClient:
        old = self.clients.get(session)
        if old is not None:
            self.send_calls[session] = self.total_sends(session)
            self.connect_calls[session] = self.total_connects(session)
        client = SimClient(
            session=session,
            events=events,
            server=self.server,
            qr_ttl_s=self.qr_ttl_s,
            pairing_faults=self.pairing_faults,
        )
        self.clients[session] = client
        self.clients_created[session] = self.clients_created.get(session, 0) + 1
        return client

    def total_sends(self, session: str) -> int:
        client = self.clients.get(session)
        return self.send_calls.get(session, 0) + (client.send_calls if client else 0)

    def total_connects(self, session: str) -> int:
        client = self.clients.get(session)
        return self.connect_calls.get(session, 0) + (client.connect_calls if client else 0)
