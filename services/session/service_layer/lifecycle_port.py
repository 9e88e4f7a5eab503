"""What a client's sink (sink.py) hands state changes to: ``lifecycle.Lifecycle``, which
makes the sinks, so the sink names it only by this port (no import cycle)."""

from datetime import datetime
from typing import Protocol

from contracts.events.session import LogoutReason, PairingFailureReason
from services.session.adapters.whatsapp.port import DropReason
from services.session.service_layer.owned_sessions import OwnedSessions
from services.session.service_layer.session_runtime import SessionRuntime

__all__ = ["StateChanges"]


class StateChanges(Protocol):
    """Each change is for one client ``gen``eration of ``rt``: a stale client's is ignored."""

    @property
    def core(self) -> OwnedSessions: ...

    async def qr(self, rt: SessionRuntime, gen: int, code: str, expires_at: datetime) -> None: ...

    async def connected(
        self, rt: SessionRuntime, gen: int, jid: str, push_name: str | None
    ) -> None: ...

    async def dropped(self, rt: SessionRuntime, gen: int, reason: DropReason) -> None: ...

    async def pairing_failed(
        self, rt: SessionRuntime, gen: int, reason: PairingFailureReason, detail: str | None
    ) -> None: ...

    async def logged_out(
        self, rt: SessionRuntime, gen: int, reason: LogoutReason, detail: str | None
    ) -> None: ...
