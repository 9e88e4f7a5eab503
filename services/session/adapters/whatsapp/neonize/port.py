"""The neonize port: makes one NeonizeClient per session, each on its own device database."""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from runtime.settings import Settings
from services.session.adapters.whatsapp.neonize.client import NeonizeClient
from services.session.adapters.whatsapp.neonize.devices import device_database
from services.session.adapters.whatsapp.neonize.options import NeonizeOptions
from services.session.adapters.whatsapp.neonize.sent_ids import SentIds
from services.session.adapters.whatsapp.port import ClientEvents, WhatsAppClient, WhatsAppPort

__all__ = ["NeonizePort"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class NeonizePort(WhatsAppPort):
    """Real WhatsApp through neonize; device DBs under ``<data_dir>/neonize/`` or in PostgreSQL."""

    def __init__(
        self,
        *,
        data_dir: Path,
        db_url: str = "",
        options: NeonizeOptions | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.data_dir = data_dir
        self.db_url = db_url
        self.options = options or NeonizeOptions()
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: Settings) -> "NeonizePort":
        options = NeonizeOptions(device_name=settings.neonize_device_name)
        return cls(
            data_dir=Path(settings.data_dir), db_url=settings.neonize_db_url, options=options
        )

    def new_client(self, *, tenant: str, session: str, events: ClientEvents) -> WhatsAppClient:
        device = device_database(
            data_dir=self.data_dir, db_url=self.db_url, tenant=tenant, session=session
        )
        sent = SentIds(self.data_dir.resolve() / "neonize" / tenant / f"{session}.sent-ids.db")
        return NeonizeClient(
            tenant=tenant,
            session=session,
            events=events,
            device=device,
            sent=sent,
            options=self.options,
            clock=self._clock,
        )
